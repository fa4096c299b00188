"""The HTTPS national adapter against the local fake national system, over real mutual TLS.

The PKI is the local runtime's (:func:`kentei_local.localca.create_link`): a CA, a server
certificate for 127.0.0.1 and sync's client certificate; a second CA plays a stranger.
"""

from __future__ import annotations

import http.client
import json
import logging
import ssl
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from tests.unit.national.samples import ADDRESS, NAME, PERSON, PREFECTURE, record

from kentei.national import (
    NationalChange,
    NationalConflictError,
    NationalRefusedError,
    NationalSystemError,
    NationalThrottledError,
    NationalUnknownPersonError,
    RecordKind,
)
from kentei.national.https import HttpsNational, NationalSettings
from kentei.national.memory import InMemoryNational
from kentei.national.rate_limit import TokenBucket
from kentei.registry.backoff import Backoff
from kentei.registry.circuit import CircuitBreaker, CircuitState
from kentei_local import localca
from kentei_local.fake_national_server import FakeNationalServer, Fault, NationalFaults

PHONE = "0312345678"
PERSONAL = (NAME, ADDRESS, PHONE, "1990-04-01", "ミホン")


@dataclass(frozen=True)
class Link:
    ours: localca.LinkCa
    stranger: localca.LinkCa


@pytest.fixture(scope="module")
def link(tmp_path_factory: pytest.TempPathFactory) -> Link:
    return Link(
        ours=localca.create_link(tmp_path_factory.mktemp("ours"), "Local national CA", "sync"),
        stranger=localca.create_link(tmp_path_factory.mktemp("other"), "Unrelated CA", "sync"),
    )


@pytest.fixture
def server(link: Link) -> Iterator[FakeNationalServer]:
    with FakeNationalServer(
        InMemoryNational(known_persons=[PERSON]),
        certfile=link.ours.server.cert,
        keyfile=link.ours.server.key,
        client_ca=link.ours.ca_file,
        lifetime_s=120,
    ) as running:
        yield running


def adapter(
    server: FakeNationalServer,
    link: Link,
    *,
    attempts: int = 3,
    breaker: CircuitBreaker | None = None,
    bucket: TokenBucket | None = None,
    sleep: bool = False,
    client: localca.KeyPair | None = None,
    **overrides: object,
) -> tuple[HttpsNational, list[float]]:
    slept: list[float] = []

    def pause(seconds: float) -> None:
        slept.append(seconds)
        if sleep:
            time.sleep(seconds)

    backoff = Backoff(attempts, 0.2, 2.0, sleep=pause, uniform=lambda a, b: b)
    pair = client or link.ours.client
    values: dict[str, object] = {
        "url": server.url,
        "client_cert": pair.cert,
        "client_key": pair.key,
        "ca_bundle": link.ours.ca_file,
        "connect_timeout_s": 2,
        "read_timeout_s": 2,
        "rate_per_s": 1000,
        "burst": 1000,
    }
    settings = NationalSettings.model_validate(values | overrides)
    return HttpsNational(settings, backoff=backoff, breaker=breaker, bucket=bucket), slept


def control(
    server: FakeNationalServer, link: Link, method: str, path: str, document: Any = None
) -> tuple[int, Any]:
    """A call as a test (or the comparing script) makes it, over the same mutual TLS."""
    context = ssl.create_default_context(cafile=str(link.ours.ca_file))
    context.load_cert_chain(str(link.ours.client.cert), str(link.ours.client.key))
    host, port = server.url.removeprefix("https://").split(":")
    connection = http.client.HTTPSConnection(host, int(port), context=context, timeout=5)
    body = None if document is None else json.dumps(document, ensure_ascii=False).encode()
    headers = {} if body is None else {"Content-Type": "application/json"}
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, json.loads(response.read())
    finally:
        connection.close()


def test_given_a_record_then_applied_and_the_same_again_stale(
    server: FakeNationalServer, link: Link
) -> None:
    national, slept = adapter(server, link)

    first = national.put(record(version=2))
    again = national.put(record(version=2))
    older = national.put(record(version=1, phone="0300000000"))

    assert (first.outcome, first.held_version) == ("applied", 2)
    assert (again.outcome, again.held_version) == ("stale", 2)
    assert (older.outcome, older.version, older.held_version) == ("stale", 1, 2)
    assert server.national.get(RecordKind.EXAMINEE, "ex-0001") == record(version=2)
    assert national.get(RecordKind.EXAMINEE, "ex-0001") == record(version=2)
    assert national.get(RecordKind.PASS, "ps-9999") is None
    assert slept == []
    assert {r.client_subject for r in server.received} == {"sync"}
    assert all(r.request_id for r in server.received)


def test_given_the_same_version_with_other_content_then_a_conflict_without_retrying(
    server: FakeNationalServer, link: Link
) -> None:
    national, slept = adapter(server, link)
    national.put(record(version=2))

    with pytest.raises(NationalConflictError, match="ex-0001 version 2") as conflict:
        national.put(record(version=2, name="見本 春子"))
    assert "見本 春子" not in str(conflict.value)
    assert slept == []
    assert server.national.get(RecordKind.EXAMINEE, "ex-0001") == record(version=2)


def test_given_a_person_the_national_side_does_not_know_then_refused_without_retrying(
    server: FakeNationalServer, link: Link
) -> None:
    national, slept = adapter(server, link)

    with pytest.raises(NationalUnknownPersonError) as refused:
        national.put(record(person="QP-unknown"))
    assert isinstance(refused.value, NationalRefusedError)
    assert slept == []
    assert len(server.received) == 1
    assert server.national.records() == ()


def test_given_records_of_every_kind_then_each_arrives_and_reads_back(
    server: FakeNationalServer, link: Link
) -> None:
    national, _ = adapter(server, link)
    sent = [record(kind, record_id=f"{kind.value}-1", version=3) for kind in RecordKind]
    sent.append(record(RecordKind.CERTIFICATE, record_id="certificate-2", deleted=True))

    for each in sent:
        assert national.put(each).outcome == "applied"

    assert server.national.records() == tuple(sorted(sent, key=lambda each: each.key))
    for each in sent:
        assert national.get(each.kind, each.record_id) == each


def test_given_429_with_retry_after_then_it_is_honoured_and_the_put_succeeds(
    server: FakeNationalServer, link: Link
) -> None:
    server.throttle(2, retry_after="1")
    national, slept = adapter(server, link)

    receipt = national.put(record())

    assert receipt.outcome == "applied"
    assert slept == [1.0, 1.0]
    assert len(server.received) == 3
    assert len({r.request_id for r in server.received}) == 1  # one call, retried


def test_given_a_throttle_longer_than_the_cap_then_throttled_with_its_retry_after(
    server: FakeNationalServer, link: Link
) -> None:
    server.throttle(1, retry_after="120")
    national, slept = adapter(server, link)

    with pytest.raises(NationalThrottledError) as raised:
        national.put(record())
    assert raised.value.retry_after_s == 120.0
    assert slept == []
    assert server.national.records() == ()


@pytest.mark.slow
def test_given_10_percent_failures_then_every_record_is_retried_to_success_once(
    server: FakeNationalServer, link: Link
) -> None:
    server.set_faults(NationalFaults(failing=0.1, seed=12))
    national, slept = adapter(server, link, attempts=5)
    sent = [record(record_id=f"ex-{n:04d}", version=1 + n % 3) for n in range(200)]

    receipts = [national.put(each) for each in sent]

    assert all(receipt.outcome == "applied" for receipt in receipts)
    assert server.national.records() == tuple(sorted(sent, key=lambda each: each.key))
    assert len(slept) == len(server.received) - len(sent) > 0
    assert len({r.request_id for r in server.received}) == len(sent)


def test_given_resets_and_lost_answers_then_each_version_is_applied_once_and_counted(
    server: FakeNationalServer, link: Link
) -> None:
    server.set_faults(NationalFaults(reset=0.15, lost=0.15, seed=7))
    national, slept = adapter(server, link, attempts=5)
    sent = [record(record_id=f"ex-{n:04d}", version=2) for n in range(120)]

    receipts = [national.put(each) for each in sent]

    counts = server.fault_counts
    assert counts["reset"] > 0
    assert counts["lost"] > 0
    assert set(counts) == {"reset", "lost"}
    assert len(slept) == counts["reset"] + counts["lost"]
    # A lost answer's retry finds the version held: stale, and nothing applied twice.
    assert sum(receipt.outcome == "stale" for receipt in receipts) > 0
    assert all(receipt.held_version == 2 for receipt in receipts)
    assert [(a.record_id, a.version) for a in server.national.applied] == [
        (each.record_id, 2) for each in sent
    ]
    assert control(server, link, "GET", "/_test/faults") == (200, {"injected": counts})
    status, log = control(server, link, "GET", "/_test/applied")
    assert status == 200
    assert log["applied"][0] == {
        "kind": "examinee",
        "record_id": "ex-0000",
        "qualification_pseudonym_id": PERSON,
        "version": 2,
    }
    assert len(log["applied"]) == len(sent)


def test_given_an_attempt_the_client_gave_up_on_then_the_retry_and_it_apply_once(
    server: FakeNationalServer, link: Link
) -> None:
    national, slept = adapter(server, link, read_timeout_s=0.3)
    server.inject(Fault.slow(1.0))  # handled after the client's retry, which came first

    receipt = national.put(record(version=4))
    time.sleep(1.0)  # the first attempt is handled too (and answered stale to no one)

    assert (receipt.version, receipt.held_version) == (4, 4)
    assert len(slept) == 1
    assert len(server.received) == 2
    assert server.national.records() == (record(version=4),)


def test_given_5xx_on_every_attempt_then_a_system_error_after_bounded_retries(
    server: FakeNationalServer, link: Link
) -> None:
    server.inject(Fault.unavailable(503), Fault.unavailable(500), Fault.unavailable(502))
    national, slept = adapter(server, link)

    with pytest.raises(NationalSystemError, match="attempt 3") as raised:
        national.put(record())
    assert not isinstance(raised.value, NationalThrottledError)
    assert slept == [0.2, 0.4]


def test_given_repeated_unavailability_then_the_circuit_opens_and_refuses_fast(
    server: FakeNationalServer, link: Link
) -> None:
    breaker = CircuitBreaker(failure_threshold=2, cool_down_s=60)
    national, _ = adapter(server, link, attempts=1, breaker=breaker)
    server.inject(Fault.unavailable(503), Fault.unavailable(503))
    for _ in range(2):
        with pytest.raises(NationalSystemError):
            national.put(record())

    with pytest.raises(NationalSystemError, match="circuit is open"):
        national.put(record())
    assert breaker.state is CircuitState.OPEN
    assert len(server.received) == 2


def test_given_a_malformed_reply_then_a_system_error_not_a_refusal(
    server: FakeNationalServer, link: Link
) -> None:
    server.inject(Fault.malformed())
    national, _ = adapter(server, link)

    with pytest.raises(NationalSystemError, match="outside the contract") as raised:
        national.put(record())
    assert not isinstance(raised.value, NationalRefusedError)


def test_given_a_client_paced_under_the_servers_limit_then_it_is_never_throttled(
    server: FakeNationalServer, link: Link, caplog: pytest.LogCaptureFixture
) -> None:
    server.set_faults(NationalFaults(limit_per_s=5))
    national, _ = adapter(server, link, bucket=TokenBucket(4.0, 1), sleep=True)
    caplog.set_level(logging.INFO, logger="kentei.national.https")
    started = time.monotonic()

    for n in range(9):
        assert national.put(record(record_id=f"ex-{n:04d}")).outcome == "applied"

    assert time.monotonic() - started >= 8 / 4.0 - 0.1
    outcomes = [getattr(line, "outcome", None) for line in caplog.records]
    assert outcomes.count("HTTP 200") == 9
    assert "HTTP 429" not in outcomes


def test_given_a_client_faster_than_the_servers_limit_then_429s_are_honoured_to_success(
    server: FakeNationalServer, link: Link, caplog: pytest.LogCaptureFixture
) -> None:
    server.set_faults(NationalFaults(limit_per_s=2))
    national, slept = adapter(server, link, sleep=True, attempts=5)
    caplog.set_level(logging.INFO, logger="kentei.national.https")

    for n in range(8):
        assert national.put(record(record_id=f"ex-{n:04d}")).outcome == "applied"

    assert "HTTP 429" in [getattr(line, "outcome", None) for line in caplog.records]
    assert slept
    assert all(pause == 1.0 for pause in slept)
    assert len(server.national.records()) == 8


def test_given_an_exhausted_client_rate_limit_then_throttled_before_any_request(
    server: FakeNationalServer, link: Link
) -> None:
    national, _ = adapter(server, link, bucket=TokenBucket(0.1, 1), max_wait_s=0.5)
    national.put(record())

    with pytest.raises(NationalThrottledError, match="client-side rate limit") as raised:
        national.put(record(record_id="ex-0002"))
    assert raised.value.retry_after_s is not None
    assert raised.value.retry_after_s > 5
    assert len(server.received) == 1


def test_a_change_made_on_the_national_side_reaches_the_feed_and_the_examinee_record(
    server: FakeNationalServer, link: Link
) -> None:
    national, _ = adapter(server, link)
    national.put(record(version=3))

    status, change = control(
        server,
        link,
        "POST",
        "/_test/changes",
        {
            "qualification_pseudonym_id": PERSON,
            "prefecture_code": PREFECTURE,
            "changes": {"name": "見本 春子"},
        },
    )

    assert status == 200
    (fed,) = national.changes(PREFECTURE, 0)
    assert isinstance(fed, NationalChange)
    assert (fed.sequence, fed.base_version, fed.changes) == (
        change["sequence"],
        3,
        {"name": "見本 春子"},
    )
    assert national.changes(PREFECTURE, fed.sequence) == ()
    assert national.changes("27", 0) == ()
    held = national.get(RecordKind.EXAMINEE, "ex-0001")
    assert held is not None
    assert held.data is not None
    assert (held.version, held.data["name"]) == (4, "見本 春子")


def test_digests_and_buckets_over_https_are_the_stores_and_find_a_hand_edit(
    server: FakeNationalServer, link: Link
) -> None:
    national, _ = adapter(server, link)
    ours = InMemoryNational()
    for n in range(40):
        sent = record(record_id=f"ex-{n:04d}", version=2)
        national.put(sent)
        ours.put(sent)
    national.put(record(RecordKind.PASS, record_id="ps-0001"))

    digests = national.digests(PREFECTURE, RecordKind.EXAMINEE)
    assert digests == ours.digests(PREFECTURE, RecordKind.EXAMINEE)
    assert len(national.digests(PREFECTURE, RecordKind.PASS)) == 1
    assert national.digests("27", RecordKind.EXAMINEE) == {}

    status, _ = control(
        server,
        link,
        "POST",
        "/_test/diverge",
        {
            "kind": "examinee",
            "record_id": "ex-0007",
            "data": {**(record().data or {}), "phone": None},
        },
    )
    assert status == 200
    theirs = national.digests(PREFECTURE, RecordKind.EXAMINEE)
    differing = [b for b in sorted(digests) if theirs[b] != digests[b]]
    (bucket,) = differing
    drilled = national.bucket(PREFECTURE, RecordKind.EXAMINEE, bucket)
    expected = ours.bucket(PREFECTURE, RecordKind.EXAMINEE, bucket)
    assert set(drilled) == set(expected)
    assert [i for i in drilled if drilled[i] != expected[i]] == ["ex-0007"]
    assert drilled["ex-0007"][0] == 2  # the same version, other content


def test_the_whole_store_can_be_read_and_faults_set_through_the_control_paths(
    server: FakeNationalServer, link: Link
) -> None:
    national, _ = adapter(server, link)
    national.put(record(version=2))

    status, store = control(server, link, "GET", "/_test/records")
    assert status == 200
    assert store == {"records": [record(version=2).model_dump(mode="json")]}

    assert control(server, link, "PUT", "/_test/faults", {"throttled": 1.0})[0] == 200
    with pytest.raises(NationalThrottledError):
        national.put(record(version=3))
    assert control(server, link, "PUT", "/_test/faults", {})[0] == 200
    assert national.put(record(version=3)).outcome == "applied"

    status, problem = control(server, link, "POST", "/_test/forget", {"kind": "pass"})
    assert status == 422
    assert problem["type"] == "urn:kentei:national:invalid"


def test_the_fake_refuses_what_the_contract_refuses_without_quoting_a_value(
    server: FakeNationalServer, link: Link
) -> None:
    document = record().model_dump(mode="json")
    path = "/v1/records/examinee/ex-0001"

    wrong_path = control(server, link, "PUT", "/v1/records/examinee/ex-0002", document)
    bad_sex = control(
        server, link, "PUT", path, {**document, "data": {**document["data"], "sex": NAME}}
    )
    bad_query = control(server, link, "GET", "/v1/digests?prefecture=48&kind=examinee")

    assert [wrong_path[0], bad_sex[0], bad_query[0]] == [422, 422, 400]
    for _, problem in (wrong_path, bad_sex, bad_query):
        assert problem["type"] == "urn:kentei:national:invalid"
        assert NAME not in json.dumps(problem, ensure_ascii=False)
    assert server.national.records() == ()


def test_a_client_certificate_of_another_ca_is_refused_in_the_handshake(
    server: FakeNationalServer, link: Link
) -> None:
    national, slept = adapter(server, link, client=link.stranger.client)

    with pytest.raises(NationalSystemError, match="TLS"):
        national.put(record())
    assert slept == []
    assert server.received == []
    assert server.national.records() == ()


def test_no_personal_value_in_errors_or_log_lines(
    server: FakeNationalServer, link: Link, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    national, _ = adapter(server, link, attempts=2)
    national.put(record(version=2))
    raised: list[BaseException] = []
    server.inject(Fault.unavailable(503), Fault.unavailable(503))
    for sent in (
        record(version=3),
        record(version=2, name="見本 春子"),
        record(record_id="ex-0002", person="QP-unknown"),
    ):
        try:
            national.put(sent)
        except (NationalSystemError, NationalRefusedError) as exc:
            raised.append(exc)

    assert [type(exc) for exc in raised] == [
        NationalSystemError,
        NationalConflictError,
        NationalUnknownPersonError,
    ]
    said = [str(exc) for exc in raised] + [
        f"{line.getMessage()} {line.__dict__}" for line in caplog.records
    ]
    assert any("ex-0001" in text for text in said)
    for text in said:
        for value in (*PERSONAL, "見本 春子"):
            assert value not in text
