"""The whole lifecycle of many applicants under injected faults (issue 14: "A lifecycle
run of at least 1,000 applicants (a mix of channels, some invalid) through to certificates,
notices and national sync, with 5 % injected faults").

The local runtime, served over HTTP as deployed in miniature, runs
:class:`kentei_local.lifecycle.LifecycleRun`: Mynaportal, e-Gov and paper applications from
bridge threads at once (some forged, some of persons the registry does not know, some with a
mistyped My Number), verify, review, sessions and seating, one result file, the decisions and
the announcement, certificates and notices, and the national sync. Meanwhile 5 % of the
functions' AWS calls fail (throttling, 5xx, read timeouts and connection resets, at the
botocore level: :mod:`kentei_local.faults`), the fake national system fails or throttles a
share of its requests, and so do the registry, Mynaportal and e-Gov, reached over HTTPS
through the production adapters (``https_links``: :mod:`kentei_local.links`).

What the run ended with is read from the stores, not from the functions' own counts, and
printed (``-s`` shows it). The test asserts:

- every applicant ended where their flaw (or none) says: accepted, refused by intake with its
  problem type, rejected or returned by verify; none lost, none still on the way;
- nothing went to a DLQ (a message that kept failing would be there, with its error);
- nobody was registered twice (one vault entry and one examinee per accepted person, no
  資格仮名ID shared), no exam number, passer number, certificate number or notice number was
  assigned twice, no certificate is missing or issued twice, and each pass, part pass and e-Gov
  application has exactly one notice (sent, or on the post list);
- Mynaportal and e-Gov hold each notice we hold as sent, once, and nothing else, though some
  of their answers were lost after they had taken the notice;
- the national side holds what we hold (:mod:`kentei_local.national_compare`);
- no invocation ran past its function's timeout (each function's longest is printed);
- no valid My Number outside the vault: in any table item, object version or queue message
  after the run, or in any line the functions wrote during it;
- the faults really happened, on every service and link, about as often as planned.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Final

import pytest

from kentei_local.fake_national_server import NationalFaults
from kentei_local.faults import BEFORE_SENDING, FaultPlan, Injected, injecting
from kentei_local.lifecycle import PROBLEM, LifecycleRun, Outcome, population
from kentei_local.mtls_server import FaultRates
from kentei_local.runtime import LocalRuntime
from kentei_local.settings import LocalSettings

pytestmark = pytest.mark.slow

APPLICANTS: Final = int(os.environ.get("KENTEI_LIFECYCLE_APPLICANTS", "100"))
"""100 in ``make test`` (about 100 s of one worker; every end an applicant can reach is among
them); ``make test-lifecycle`` (and CI after ``make test``) runs a thousand: about a second of
CPU each, more than ``make test``'s ten minutes allow."""
SHARE: Final = 0.05
PLAN: Final = FaultPlan(share=SHARE, faults=BEFORE_SENDING, seed=1414)
NATIONAL: Final = NationalFaults(failing=0.03, reset=0.01, lost=0.01, throttled=0.01, seed=1415)
LINKS: Final = FaultRates(unavailable=0.02, throttled=0.01, reset=0.01, lost=0.01, seed=1416)
DEADLINE_S: Final = 300.0 + 2.0 * APPLICANTS


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Outcome, Injected]]:
    from sync.national_ports import national_system

    national_system.cache_clear()  # an adapter kept from an earlier runtime's endpoint
    folder = tmp_path_factory.mktemp("lifecycle")
    settings = LocalSettings(port=0, state_dir=folder / "state", https_links=True)
    try:
        with LocalRuntime(settings) as runtime:
            runtime.national.set_faults(NATIONAL)
            assert runtime.links is not None
            runtime.links.set_rates(LINKS)
            lifecycle = LifecycleRun(
                runtime, population(APPLICANTS), Path(folder / "run"), deadline_s=DEADLINE_S
            )
            with injecting(PLAN) as injected:
                outcome = lifecycle.run()
            print("\nlifecycle under faults:\n  " + "\n  ".join(outcome.lines()))
            faults = {
                f"{service} {fault.value}": n for (service, fault), n in injected.faults.items()
            }
            national = runtime.national
            print(f"  AWS calls {dict(injected.calls)}")
            print(f"  faults injected {dict(sorted(faults.items()))}")
            print(f"  national: {len(national.received)} requests, faults {national.fault_counts}")
            for name, server in runtime.links.servers.items():
                print(f"  {name}: {len(server.received)} requests, faults {server.fault_counts}")
            yield outcome, injected
    finally:
        national_system.cache_clear()


def test_every_applicant_ends_where_they_must_and_nothing_is_lost(
    run: tuple[Outcome, Injected],
) -> None:
    outcome, _ = run
    assert outcome.applicants == APPLICANTS
    assert outcome.unexpected == []
    assert outcome.by_end["lost"] == 0
    assert outcome.dead_letters == {}
    assert outcome.timeouts == {}, outcome.longest


def test_no_my_number_was_stored_or_logged_outside_the_vault(run: tuple[Outcome, Injected]) -> None:
    """Privacy invariant 1 over the whole run: every table item, object version and queue
    message (DLQs too) after it, and every line the functions wrote during it."""
    outcome, _ = run
    assert outcome.output_lines > 0
    assert outcome.stored_my_numbers == {}
    assert outcome.leaking_lines == [], "\n".join(outcome.leaking_lines[:20])
    # Every end an applicant can reach was reached, at any population make test runs.
    assert set(outcome.by_end) == {
        "accepted",
        "rejected",
        "returned",
        f"refused ({PROBLEM}digest-mismatch)",
        f"refused ({PROBLEM}invalid-document)",
        f"refused ({PROBLEM}validation)",
    }, outcome.by_end


def test_nobody_registered_and_nothing_numbered_or_noticed_twice(
    run: tuple[Outcome, Injected],
) -> None:
    outcome, _ = run
    accepted = outcome.by_end["accepted"]
    assert accepted > 0.85 * APPLICANTS
    assert outcome.examinees == accepted
    assert outcome.vault_entries == accepted
    assert outcome.pseudonyms_shared == 0
    assert outcome.sittings == accepted
    assert outcome.exam_numbers_twice == 0
    assert outcome.numbers_twice == 0
    assert outcome.certificates == outcome.passes["pass"] > 0
    assert (outcome.certificate_numbers_twice, outcome.certificates_missing) == (0, 0)
    assert (outcome.notices_twice, outcome.notices_missing) == (0, 0)


def test_mynaportal_and_egov_hold_each_notice_we_sent_once(run: tuple[Outcome, Injected]) -> None:
    outcome, _ = run
    sent: Counter[str] = Counter()
    for key, count in outcome.notices.items():
        channel, _kind, end = key.split(":")
        if end == "sent":
            sent[channel] += count
    assert outcome.delivered == Counter(mynaportal=sent["mynaportal"], egov=sent["egov"])
    assert sent["mynaportal"] > 0
    assert sent["egov"] > 0
    assert outcome.delivered_twice == 0


def test_the_national_side_holds_what_we_hold(run: tuple[Outcome, Injected]) -> None:
    outcome, _ = run
    assert outcome.national_agree, outcome.national_differences


def test_the_faults_happened_on_every_service(run: tuple[Outcome, Injected]) -> None:
    outcome, injected = run
    calls = sum(injected.calls.values())
    faults = sum(injected.faults.values())
    assert 0.03 * calls < faults < 0.07 * calls
    assert {service for service, _ in injected.faults} >= {"dynamodb", "sqs", "s3", "kms"}
    assert set(injected.by_fault()) == set(BEFORE_SENDING)
    links = sum(sum(kinds.values()) for kinds in outcome.link_faults.values())
    assert links > 0, outcome.link_faults
