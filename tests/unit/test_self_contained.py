"""The repository is self-contained: no Python file of it names a path outside it.

A clone alone, in an empty folder, runs every test and the demo; reference material of the
project (the spec, J-LIS's table) is copied under ``tests/reference/`` with its provenance.
Docstrings and comments may cite that material; code may not point at it. What this static
check cannot see (a path computed some other way) the audit hook of ``tests/conftest.py``
catches when a test opens it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path
from typing import Final

import pytest
from tests.self_contained import opened_outside, outside_repository

REPO: Final = Path(__file__).resolve().parents[2]
SKIPPED_FOLDERS: Final = frozenset(
    {".venv", "node_modules", "cdk.out", ".local", ".cache", ".git", "build", "__pycache__"}
    | {".mypy_cache", ".ruff_cache", ".pytest_cache", ".hypothesis"}
)
# Spelled in pieces so that this file does not hold what it looks for.
SHARED: Final = "sha" + "red"
FORBIDDEN_TEXT: Final = ("../" + SHARED, "..\\" + SHARED, "/" + "work/")


def python_files() -> Iterator[Path]:
    for path in sorted(REPO.rglob("*.py")):
        if not SKIPPED_FOLDERS.intersection(path.relative_to(REPO).parts[:-1]):
            yield path


def _docstrings(tree: ast.AST) -> set[int]:
    """The ids of the docstring nodes (a comment-like citation is allowed there)."""
    found: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
        else:
            continue
        for index, statement in enumerate(body):
            # The docstring, and the attribute docstrings that follow an assignment.
            is_first = index == 0
            follows_assignment = index > 0 and isinstance(
                body[index - 1], ast.Assign | ast.AnnAssign
            )
            if (
                (is_first or follows_assignment)
                and isinstance(statement, ast.Expr)
                and isinstance(statement.value, ast.Constant)
                and isinstance(statement.value.value, str)
            ):
                found.add(id(statement.value))
    return found


def _levels_up(node: ast.expr) -> int | None:
    """How many folders above ``__file__`` an expression built from it points, else None:
    ``Path(__file__).resolve().parents[2].parent`` is 4, ``os.path.dirname(__file__)`` 1."""
    if isinstance(node, ast.Name):
        return 0 if node.id == "__file__" else None
    if isinstance(node, ast.Attribute) and node.attr == "parent":
        inner = _levels_up(node.value)
        return None if inner is None else inner + 1
    if (
        isinstance(node, ast.Subscript)
        and isinstance(node.value, ast.Attribute)
        and node.value.attr == "parents"
        and isinstance(node.slice, ast.Constant)
        and isinstance(node.slice.value, int)
    ):
        inner = _levels_up(node.value.value)
        return None if inner is None else inner + node.slice.value + 1
    if isinstance(node, ast.Call):
        function = node.func
        name = function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", "")
        if name in {"resolve", "absolute"} and isinstance(function, ast.Attribute):
            return _levels_up(function.value)
        if name in {"Path", "PurePath", "abspath", "realpath"} and len(node.args) == 1:
            return _levels_up(node.args[0])
        if name == "dirname" and len(node.args) == 1:
            inner = _levels_up(node.args[0])
            return None if inner is None else inner + 1
    return None


def problems_in(source: str, relative: Path) -> list[str]:
    """What in ``source`` (the file at ``relative`` in the repository) names a path outside."""
    tree = ast.parse(source)
    docstrings = _docstrings(tree)
    depth = len(relative.parts)  # levels from the file up to the repository's root
    found: list[str] = []
    for node in ast.walk(tree):
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if id(node) in docstrings:
                continue
            for text in FORBIDDEN_TEXT:
                if text in node.value:
                    found.append(f"{relative}:{line}: a string holds {text!r}")
            if node.value.strip("/\\").startswith(SHARED + "/"):
                found.append(f"{relative}:{line}: a path into {SHARED}/")
        elif (
            isinstance(node, ast.BinOp)
            and isinstance(node.op, ast.Div)
            and isinstance(node.right, ast.Constant)
            and node.right.value == SHARED
        ):
            found.append(f"{relative}:{line}: a path joined with {SHARED!r}")
        elif isinstance(node, ast.expr):
            levels = _levels_up(node)
            if levels is not None and levels > depth:
                found.append(f"{relative}:{line}: {levels} folders above the file, beyond the root")
    return found


@pytest.mark.slow
def test_no_python_file_names_a_path_outside_the_repository() -> None:
    files = list(python_files())
    problems = [
        problem
        for path in files
        for problem in problems_in(path.read_text(encoding="utf-8"), path.relative_to(REPO))
    ]

    assert len(files) > 100
    assert problems == []


def _join(*pieces: str) -> str:
    return "".join(pieces)


@pytest.mark.parametrize(
    "source",
    [
        _join('SPEC = Path("..', "/", SHARED, '/spec/record-items.json")\n'),
        _join('SPEC = "/', 'work/shared/spec/record-items.json"\n'),
        _join('SPEC = ROOT.parent / "', SHARED, '" / "spec"\n'),
        _join('SPEC = ROOT / "', SHARED, '/jpki/README.md"\n'),
        "SPEC = Path(__file__).resolve().parents[2].parent / 'spec'\n",
        "SPEC = Path(__file__).parents[3]\n",
        "SPEC = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(__file__))))\n",
        "SPEC = Path(__file__).parent.parent.parent.parent / 'x'\n",
    ],
)
def test_the_check_finds_a_path_outside_in_code(source: str) -> None:
    # The file is at tests/unit/x.py: three folders up is the root, four is beside it.
    assert problems_in(source, Path("tests/unit/x.py")) != []


@pytest.mark.parametrize(
    "source",
    [
        _join('"""Cites ``..', "/", SHARED, '/jpki/README.md``."""\n'),
        _join('X = 1\n"""An attribute docstring citing ..', "/", SHARED, '/spec."""\n'),
        "ROOT = Path(__file__).resolve().parents[2]\n",
        "OPENAPI = Path(__file__).parent.parent.parent / 'openapi.json'\n",
        "BAD = ['../x.pdf', '../etc/passwd', 'a/b.pdf']\n",
        _join("# see ..", "/", SHARED, "/spec/architecture.md\nX = 1\n"),
    ],
)
def test_the_check_allows_citations_and_paths_inside(source: str) -> None:
    assert problems_in(source, Path("tests/unit/x.py")) == []


@pytest.mark.parametrize(
    ("relative", "outside"),
    [
        (_join("../", SHARED, "/spec/record-items.json"), True),
        ("../wt-other/README.md", True),
        ("tests/reference/record-items.json", False),
        (".venv/lib/site.py", False),
        ("/usr/lib/python3/os.py", False),
    ],
)
def test_the_audit_hook_tells_what_is_beside_the_repository(relative: str, outside: bool) -> None:
    repo = Path("/srv/projects/kentei")
    path = relative if relative.startswith("/") else str(repo / relative)

    assert outside_repository(path, repo=repo) is outside


@pytest.mark.parametrize(
    ("repo", "path", "outside"),
    [
        # A clone into an empty temporary folder (CI's case): its neighbours are beside it.
        ("/tmp/ci/kentei", "/tmp/ci/probe.json", True),
        ("/tmp/ci/kentei", "/tmp/pytest-of-root/pytest-1/x", False),
        # A clone straight into the temporary folder may still use pytest's tmp_path.
        ("/tmp/kentei", "/tmp/pytest-of-root/pytest-1/x", False),
    ],
)
def test_the_temporary_folder_is_beside_only_below_the_repository_parent(
    repo: str, path: str, outside: bool
) -> None:
    assert outside_repository(path, repo=Path(repo), temporary="/tmp") is outside


def test_opening_a_file_beside_the_repository_fails() -> None:
    beside = REPO.parent / _join(SHARED, "-probe-that-does-not-exist.json")

    with pytest.raises(RuntimeError, match="outside the repository"):
        beside.read_text(encoding="utf-8")
    # The autouse fixture would fail this test for the attempt: forget it, it was the point.
    assert opened_outside.pop() == str(beside)
