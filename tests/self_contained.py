"""The audit hook behind the tests' self-containment: opening a path beside the repository
(``../shared``, another worktree) raises, and is remembered so that the test fails even if the
code under test caught the error. Installed once per test process by ``tests/conftest.py``."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Any, Final

REPO: Final = Path(__file__).resolve().parents[1]
TEMPORARY: Final = tempfile.gettempdir()
"""Read once, before the hook is added: finding it opens files."""


class OutsideRepositoryError(RuntimeError):
    """A test (or the code it runs) opened a path beside the repository."""


def outside_repository(path: str, *, repo: Path = REPO, temporary: str = TEMPORARY) -> bool:
    """Whether ``path`` (absolute, or relative to the working folder) is beside the repository:
    under its parent folder but not in the repository. The temporary folder counts as beside
    only when the repository's parent is inside it (a clone into ``/tmp/x/kentei`` must not
    read ``/tmp/x/shared``; a clone into ``/tmp/kentei`` may still use pytest's ``tmp_path``)."""
    absolute = os.path.normpath(os.path.join(os.getcwd(), path))

    def under(folder: str) -> bool:
        return absolute == folder or absolute.startswith(folder + os.sep)

    if under(str(repo)):
        return False
    parent = repo.parent
    if parent == parent.parent:  # a repository at the root has nothing beside it but the system
        return False
    if not under(str(parent)):
        return False
    temporary_is_below_parent = temporary == str(parent) or temporary.startswith(
        str(parent) + os.sep
    )
    return not (temporary_is_below_parent and under(temporary))


opened_outside: list[str] = []
_WATCHED: Final = frozenset({"open", "os.listdir", "os.scandir"})


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if event not in _WATCHED or not args:
        return
    path = args[0]
    if isinstance(path, bytes):
        path = os.fsdecode(path)
    elif isinstance(path, os.PathLike):
        path = os.fsdecode(os.fspath(path))
    if isinstance(path, str) and outside_repository(path):
        opened_outside.append(path)
        raise OutsideRepositoryError(
            f"{path} is outside the repository: copy what the tests need under "
            "tests/reference/ with its provenance"
        )


_installed: list[bool] = []


def install() -> None:
    """Add the audit hook to this process, once (a hook cannot be removed)."""
    if not _installed:
        sys.addaudithook(_audit)
        _installed.append(True)
