"""Settings shared by every tier.

- Hypothesis profiles (``ci``: derandomized, no example database).
- ``@pytest.mark.tools("openssl", ...)``: the system tools a test runs. A missing one FAILS the
  test with "<tool> is missing: run make setup"; nothing is skipped silently.
- The repository is self-contained: a test that opens a file beside the repository (such as
  ``../shared``) fails. Reference data the tests need is copied under ``tests/reference/``.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings
from tests import self_contained

pytest_plugins = ("tests.xdist_groups",)

# No property test fails on time (Hypothesis's default 200 ms deadline): a loaded machine made
# correct examples fail; performance is measured in `make bench`, never in a test.
settings.register_profile("local", deadline=None)
# CI runs each property test from the same seed, so a run is reproducible and a failure is the
# code's, not the draw's; locally the draws vary from run to run and find more.
settings.register_profile(
    "ci",
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("ci" if os.environ.get("CI") else "local")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "tools(*names): system tools the test runs; a missing one fails the test"
    )


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The modules with a test marked ``slow`` first, the order kept otherwise.

    ``make test`` spreads the tests over two workers (xdist) in this order: a long test handed
    out last runs alone while the other worker waits at the end (the national faults run alone
    takes about two minutes); handed out first, the short ones fill the other worker around it.
    A module moves whole, so its module-scoped fixtures are still set up once. Every worker
    sorts the same collection the same way, as xdist requires."""
    slow = {item.path for item in items if item.get_closest_marker("slow") is not None}
    items.sort(key=lambda item: item.path not in slow)


def missing_tools(names: tuple[str, ...]) -> list[str]:
    """The tools of ``names`` that are not on the PATH."""
    return [name for name in names if shutil.which(name) is None]


def pytest_runtest_setup(item: pytest.Item) -> None:
    names = tuple(name for marker in item.iter_markers("tools") for name in marker.args)
    missing = missing_tools(names)
    if missing:
        pytest.fail(
            "; ".join(f"{name} is missing: run make setup" for name in missing), pytrace=False
        )


# --- Self-contained: nothing beside the repository is opened --------------------------------

self_contained.install()


@pytest.fixture(autouse=True)
def _nothing_opened_outside_the_repository() -> Iterator[None]:
    """Fails the test if it opened a path beside the repository, even one it then caught."""
    before = len(self_contained.opened_outside)
    yield
    opened = self_contained.opened_outside[before:]
    if opened:
        pytest.fail(f"opened outside the repository: {sorted(set(opened))}", pytrace=False)
