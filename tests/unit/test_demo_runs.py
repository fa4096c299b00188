"""Two demos at once (a developer's and a test's, or two test workers) share ``.local/`` but
nothing a run changes: each keeps its own CA and its own registry seed, which its re-check
step rewrites when the Mynaportal applicant moves."""

from __future__ import annotations

from pathlib import Path

from kentei_local.demo import ApplicationFlow


def test_two_runs_in_one_folder_change_separate_files(tmp_path: Path) -> None:
    first, second = ApplicationFlow(tmp_path), ApplicationFlow(tmp_path)

    assert first.pki_folder != second.pki_folder
    assert first.registry_seed != second.registry_seed
    for flow in (first, second):
        assert flow.registry_seed.is_relative_to(flow.pki_folder)
        assert flow.registry_seed.is_relative_to(tmp_path)
