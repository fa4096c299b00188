"""Intake under load: the Mynaportal and e-Gov bridges posting concurrently to the local runtime.

The runtime is ``python -m kentei_local serve`` (:class:`~kentei_local.runtime.LocalRuntime`
with its gateway, in a child process: :class:`~kentei_local.process.ServeProcess`, as the e2e
tests start it), so the bridges' threads do not share the server's interpreter. It verifies
against a local JPKI-like CA (:class:`~kentei_local.testpki.TestPki`) and a registry seed
written for the run: one made-up person per application (a distinct My Number with a valid
check digit, distinct four items). Every application is valid: a card certificate of the
test CA for its person, the document signed with ``openssl cms -sign`` (Mynaportal, even
indices) or packaged and signed with ``xmlsec1`` (e-Gov, odd indices), one PDF attached.
The bodies are made before anything is timed.

The run is interleaved in rounds. Each round posts ``--baseline`` applications one at a time
(the baseline: the same POST with nothing else in flight but the verification of the one
before), then a burst of its share of ``--applications`` over ``--threads`` bridge threads
(each thread its own HTTP session and client certificate), then waits until verify's queue is
empty and polls each application's status on the bridge port (``GET /v1/applications/{id}``)
until it is ``under_review``. Figures:

- throughput: the burst's ``202`` answers per second of its wall time (first POST sent to last
  answer received), the median of the rounds and over all rounds;
- POST latency (request sent to answer read, keep-alive, mutual TLS): p50, p90, p99, max, under
  load and one at a time, and their ratio of medians;
- submit to ``under_review``: from the bridge's clock before the POST to the ``at`` of the
  ``under_review`` entry of the application's history (the same machine's clock), p50, p90,
  p99, max;
- counts: every POST answered ``202``, none ``5xx``, every application ``under_review``, no
  message left in any catalog queue or DLQ, and no valid My Number in any line the runtime
  wrote. The script exits 1 when a count is wrong, or when ``--max-seconds`` (a hard cap on
  the rounds, polling included) ran out.

The machine's core count and load average (before and after the rounds) are printed with the
figures: locally every function is one execution environment in one process (intake runs one
request at a time, verify one batch at a time, moto's DynamoDB one request at a time), so the
figures are the local runtime's capacity on this machine, not Lambda's.

    .venv/bin/python bench/intake_load.py [--applications 300] [--threads 8] [--rounds 3]
        [--baseline 10] [--max-seconds 300]
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Final

import requests

from kentei import catalog
from kentei.redaction import redact
from kentei_local import probes
from kentei_local.bridges import (
    ApiClient,
    Attachment,
    EgovBridge,
    MynaportalBridge,
    Signer,
    application_document,
    build_package,
    my_number_check_digit,
    sample_form,
    sample_pdf,
    sign_detached,
)
from kentei_local.endpoints import LocalEndpoints
from kentei_local.process import ServeProcess
from kentei_local.testpki import FourItems, TestPki

ROOT: Final = Path(__file__).resolve().parents[1]
DEFAULT_APPLICATIONS: Final = 300
DEFAULT_THREADS: Final = 8
DEFAULT_ROUNDS: Final = 3
DEFAULT_BASELINE: Final = 10
"""Applications posted one at a time in each round (the baseline)."""
DEFAULT_MAX_SECONDS: Final = 300.0
"""The hard cap on the rounds (posting and waiting for ``under_review``)."""
MYNAPORTAL: Final = "mynaportal"
EGOV: Final = "egov"
UNDER_REVIEW: Final = "under_review"
PENDING: Final = frozenset({"received", "verifying"})
BASELINE: Final = "one at a time"
LOAD: Final = "under load"
_POLL_S: Final = 0.25
_STOP_TIMEOUT_S: Final = 60.0
"""How long the runtime may take to stop after SIGTERM before it is killed (a loaded machine
has been seen to take more than :class:`ServeProcess`'s default 15 s)."""
_TAIL_LINES: Final = 40
_PREPARE_WORKERS: Final = 4
_FAMILY: Final = (
    ("見本", "みほん"), ("試験", "しけん"), ("検定", "けんてい"), ("技能", "ぎのう"),
    ("負荷", "ふか"), ("計測", "けいそく"), ("並列", "へいれつ"), ("架空", "かくう"),
    ("模擬", "もぎ"), ("例示", "れいじ"),
)  # fmt: skip
_GIVEN: Final = (
    ("太郎", "たろう", "1"), ("花子", "はなこ", "2"), ("一郎", "いちろう", "1"),
    ("桜", "さくら", "2"), ("次郎", "じろう", "1"), ("梅", "うめ", "2"),
    ("健", "けん", "1"), ("葵", "あおい", "2"), ("翼", "つばさ", "1"), ("栞", "しおり", "2"),
)  # fmt: skip


# The persons, the registry seed and the signed bodies (untimed) ---------------------------


@dataclass(frozen=True)
class Applicant:
    """A made-up person of this run's registry seed (obviously sample data)."""

    index: int

    @property
    def channel(self) -> str:
        return MYNAPORTAL if self.index % 2 == 0 else EGOV

    @property
    def my_number(self) -> str:
        first = f"91{self.index:09d}"
        return f"{first}{my_number_check_digit(first)}"

    @property
    def name(self) -> tuple[str, str, str]:
        """氏名, ふりがな and 性別 (ISO/IEC 5218)."""
        family, family_kana = _FAMILY[self.index // len(_GIVEN) % len(_FAMILY)]
        given, given_kana, sex = _GIVEN[self.index % len(_GIVEN)]
        return f"{family} {given}", f"{family_kana} {given_kana}", sex

    @property
    def birth_date(self) -> dt.date:
        return dt.date(1960, 1, 1) + dt.timedelta(days=self.index * 37 % 15_000)

    @property
    def address(self) -> str:
        block, lot = divmod(self.index, 100)
        return f"東京都千代田区見本町{block + 1}丁目{lot + 1}番{block % 9 + 1}号"

    def four_items(self) -> FourItems:
        name, _, sex = self.name
        return FourItems(name, sex, self.birth_date, self.address)

    def form(self) -> dict[str, Any]:
        name, kana, sex = self.name
        return sample_form(
            my_number=self.my_number,
            name=name,
            name_kana=kana,
            birth_date=self.birth_date.isoformat(),
            sex=sex,
            address=self.address,
            postal_code="1000001",
        )

    def seed_entry(self) -> dict[str, str]:
        name, kana, sex = self.name
        return {
            "my_number": self.my_number,
            "name": name,
            "name_kana": kana,
            "birth_date": self.birth_date.isoformat(),
            "sex": sex,
            "address": self.address,
            "status": "current",
        }


@dataclass(frozen=True)
class Prepared:
    """A signed application as its bridge sends it (the request body's bytes)."""

    index: int
    channel: str
    body: bytes


def write_seed(applicants: Sequence[Applicant], path: Path) -> None:
    entries = [applicant.seed_entry() for applicant in applicants]
    path.write_text(json.dumps(entries, ensure_ascii=False), encoding="utf-8")


def prepare(applicant: Applicant, pki: TestPki, folder: Path) -> Prepared:
    """The applicant's card, their document signed by it, and the bridge's request body."""
    paths = pki.signature_certificate(applicant.four_items()).write(
        folder / "cards", f"card-{applicant.index}"
    )
    signer = Signer(key=paths.key, certificate=paths.certificate)
    files = [Attachment("experience-certificate.pdf", sample_pdf(label=f"load {applicant.index}"))]
    body: dict[str, Any]
    if applicant.channel == MYNAPORTAL:
        document = application_document(applicant.form(), files)
        body = MynaportalBridge.request_body(document, sign_detached(document, signer), files)
    else:
        document = application_document(applicant.form(), files, japanese=True)
        body = EgovBridge.request_body(build_package(document, files, signer))
    raw = json.dumps(body, ensure_ascii=False).encode()
    return Prepared(applicant.index, applicant.channel, raw)


# Posting and following ---------------------------------------------------------------------


@dataclass
class Posted:
    """One POST: when it was sent (the bridge's clock), how long its answer took, what it was;
    then what became of the application."""

    index: int
    channel: str
    phase: str
    round: int
    submitted_at: float
    latency_s: float
    status: int
    """The HTTP status; 0 when no answer came (the error names the exception's class)."""
    application_id: str | None = None
    error: str | None = None
    outcome: str | None = None
    """The application's last status seen."""
    reached: dict[str, float] = field(default_factory=dict)
    """Each status of its history (its first entry) and when the service recorded it."""

    @property
    def under_review_at(self) -> float | None:
        return self.reached.get(UNDER_REVIEW)


class Bridges:
    """A Mynaportal and an e-Gov client per thread (each its own session and connection)."""

    def __init__(self, endpoints: LocalEndpoints) -> None:
        self._endpoints = endpoints
        self._local = threading.local()

    def of(self, channel: str) -> ApiClient:
        clients: dict[str, ApiClient] | None = getattr(self._local, "clients", None)
        if clients is None:
            clients = {
                MYNAPORTAL: MynaportalBridge(self._endpoints),
                EGOV: EgovBridge(self._endpoints),
            }
            self._local.clients = clients
        return clients[channel]


def post(bridges: Bridges, one: Prepared, phase: str, round_: int) -> Posted:
    client = bridges.of(one.channel)
    submitted_at = time.time()
    started = time.perf_counter()
    try:
        submission = client.post_application(one.body)
    except requests.RequestException as exc:
        latency = time.perf_counter() - started
        return Posted(
            one.index,
            one.channel,
            phase,
            round_,
            submitted_at,
            latency,
            0,
            error=type(exc).__name__,
        )
    latency = time.perf_counter() - started
    status = submission.response.status_code
    posted = Posted(one.index, one.channel, phase, round_, submitted_at, latency, status)
    if status == 202:
        posted.application_id = submission.application_id
    else:
        posted.error = _problem_type(submission.response)
    return posted


def _problem_type(response: requests.Response) -> str:
    """A refusal's problem type (never its detail): what to look at when a count is wrong."""
    try:
        body = response.json()
    except ValueError:
        return "not JSON"
    kind = body.get("type") if isinstance(body, dict) else None
    return kind if isinstance(kind, str) else "no problem type"


def follow(
    bridges: Bridges,
    system: ServeProcess,
    posted: Sequence[Posted],
    deadline: float,
) -> None:
    """Wait until verify's queue is empty, then poll each accepted application's status until
    it has left ``received`` and ``verifying`` (or the deadline passes)."""
    sqs = system.sqs()
    verify_queue = system.queue_url("verify")
    while time.monotonic() < deadline and probes.messages_in(sqs, verify_queue):
        time.sleep(_POLL_S)
    waiting = [p for p in posted if p.application_id is not None and p.outcome is None]
    while waiting and time.monotonic() < deadline:
        for one in waiting:
            assert one.application_id is not None
            answer = bridges.of(one.channel).status(one.application_id)
            if answer.status_code != 200:
                continue
            body = answer.json()
            if body["status"] in PENDING:
                continue
            one.outcome = body["status"]
            for entry in body["history"]:
                at = dt.datetime.fromisoformat(entry["at"]).timestamp()
                one.reached.setdefault(entry["status"], at)
        waiting = [p for p in waiting if p.outcome is None]
        if waiting:
            time.sleep(_POLL_S)


@dataclass
class Round:
    number: int
    baseline: list[Posted] = field(default_factory=list)
    load: list[Posted] = field(default_factory=list)
    load_wall_s: float = 0.0


def run_round(
    number: int,
    baseline: Sequence[Prepared],
    load: Sequence[Prepared],
    *,
    threads: int,
    bridges: Bridges,
    system: ServeProcess,
    deadline: float,
) -> Round:
    done = Round(number)
    for one in baseline:
        if time.monotonic() >= deadline:
            break
        done.baseline.append(post(bridges, one, BASELINE, number))
    if load and time.monotonic() < deadline:
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="bridge") as pool:
            done.load = list(pool.map(lambda one: post(bridges, one, LOAD, number), load))
        done.load_wall_s = time.perf_counter() - started
    follow(bridges, system, [*done.baseline, *done.load], deadline)
    return done


# Counts and figures ------------------------------------------------------------------------


@dataclass(frozen=True)
class Counts:
    planned: int
    submitted: int
    accepted: int
    server_errors: int
    refused: int
    unanswered: int
    under_review: int
    other_status: int
    not_reached: int
    queued: int
    in_dlqs: int
    my_number_lines: int = 0
    """Lines the runtime wrote with a valid My Number in them (counted once it stopped)."""
    runtime_exit: int | None = None
    """The runtime's exit code after SIGTERM (0 when it stopped cleanly)."""

    @property
    def ok(self) -> bool:
        return (
            self.submitted == self.planned
            and self.accepted == self.planned
            and self.under_review == self.planned
            and not (self.server_errors or self.refused or self.unanswered)
            and not (self.other_status or self.not_reached)
            and not (self.queued or self.in_dlqs or self.my_number_lines)
            and self.runtime_exit == 0
        )

    def line(self) -> str:
        values = ", ".join(f"{name}={value}" for name, value in vars(self).items())
        return f"counts: {values}"


def counts(planned: int, posted: Sequence[Posted], system: ServeProcess) -> Counts:
    sqs = system.sqs()
    queued = sum(probes.messages_in(sqs, system.queue_url(spec.name)) for spec in catalog.QUEUES)
    in_dlqs = sum(
        probes.messages_in(sqs, system.queue_url(spec.dlq_name)) for spec in catalog.QUEUES
    )
    accepted = [p for p in posted if p.status == 202 and p.application_id is not None]
    return Counts(
        planned=planned,
        submitted=len(posted),
        accepted=len(accepted),
        server_errors=sum(1 for p in posted if p.status >= 500),
        refused=sum(1 for p in posted if 0 < p.status < 500 and p.status != 202),
        unanswered=sum(1 for p in posted if p.status == 0),
        under_review=sum(1 for p in accepted if p.outcome == UNDER_REVIEW),
        other_status=sum(1 for p in accepted if p.outcome not in (None, UNDER_REVIEW)),
        not_reached=sum(1 for p in accepted if p.outcome is None),
        queued=queued,
        in_dlqs=in_dlqs,
    )


def percentiles(values: Sequence[float]) -> tuple[float, float, float, float]:
    """p50, p90, p99 and the maximum (inclusive quantiles)."""
    if not values:
        return (float("nan"),) * 4
    if len(values) == 1:
        return (values[0],) * 4
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return cuts[49], cuts[89], cuts[98], max(values)


def _ms(values: Sequence[float]) -> str:
    p50, p90, p99, top = (v * 1000 for v in percentiles(values))
    return f"p50 {p50:7.1f}  p90 {p90:7.1f}  p99 {p99:7.1f}  max {top:7.1f} ms (n={len(values)})"


def _s(values: Sequence[float]) -> str:
    p50, p90, p99, top = percentiles(values)
    return f"p50 {p50:6.2f}  p90 {p90:6.2f}  p99 {p99:6.2f}  max {top:6.2f} s (n={len(values)})"


def stages(posted: Sequence[Posted]) -> str:
    """Where an application's time went: the POST until intake recorded it ``received``, its
    wait in verify's queue (until ``verifying``), and verify's work (until ``under_review``)."""
    steps = (("submit", "received"), ("received", "verifying"), ("verifying", UNDER_REVIEW))
    parts = []
    for start, end in steps:
        spans = [
            p.reached[end] - (p.submitted_at if start == "submit" else p.reached[start])
            for p in posted
            if end in p.reached and (start == "submit" or start in p.reached)
        ]
        median = statistics.median(spans) if spans else float("nan")
        parts.append(f"{start} -> {end} {median:.2f} s")
    return ", ".join(parts)


def reviewable_per_s(posted: Sequence[Posted]) -> float | None:
    """Applications per second from the first POST of ``posted`` to the last of them under
    review (None unless all got there)."""
    reached = [p.under_review_at for p in posted]
    if not posted or any(at is None for at in reached):
        return None
    last = max(at for at in reached if at is not None)
    return len(posted) / (last - min(p.submitted_at for p in posted))


def _load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def report(
    rounds: Sequence[Round], settings: argparse.Namespace, loads: tuple[str, str], found: Counts
) -> None:
    baseline = [p for r in rounds for p in r.baseline]
    load = [p for r in rounds for p in r.load]
    print(
        f"intake load: {settings.applications} applications over {settings.threads} bridge "
        f"threads in {settings.rounds} rounds (Mynaportal and e-Gov alternating), "
        f"{settings.baseline} a round one at a time; local runtime in a child process"
    )
    print(
        f"  machine: {os.cpu_count()} cores; load average {loads[0]} before, {loads[1]} after "
        f"the rounds; {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC"
    )
    ok_per_s = [
        sum(1 for p in r.load if p.status == 202) / r.load_wall_s for r in rounds if r.load_wall_s
    ]
    total_wall = sum(r.load_wall_s for r in rounds)
    total_ok = sum(1 for p in load if p.status == 202)
    if ok_per_s:
        print(
            f"  throughput: {statistics.median(ok_per_s):.1f} accepted/s (median of rounds: "
            + ", ".join(f"{v:.1f}" for v in ok_per_s)
            + f"); {total_ok} in {total_wall:.1f} s of bursts = {total_ok / total_wall:.1f}/s"
        )
    print(f"  POST {LOAD:>13}: {_ms([p.latency_s for p in load])}")
    print(f"  POST {BASELINE:>13}: {_ms([p.latency_s for p in baseline])}")
    if load and baseline:
        ratio = statistics.median(p.latency_s for p in load) / statistics.median(
            p.latency_s for p in baseline
        )
        print(f"  POST p50 under load / one at a time: {ratio:.2f}x")
    for name, posted in ((LOAD, load), (BASELINE, baseline)):
        waited = [
            p.under_review_at - p.submitted_at for p in posted if p.under_review_at is not None
        ]
        print(f"  submit -> {UNDER_REVIEW} {name:>13}: {_s(waited)}")
        print(f"    medians {name}: {stages(posted)}")
    reviewed_per_s = [
        rate for rate in (reviewable_per_s(r.load) for r in rounds) if rate is not None
    ]
    if reviewed_per_s:
        print(
            f"  to {UNDER_REVIEW}: {statistics.median(reviewed_per_s):.1f}/s (median of rounds, "
            "a burst's first POST to its last application under review: "
            + ", ".join(f"{v:.1f}" for v in reviewed_per_s)
            + ")"
        )
    print(found.line())
    refusals = sorted({p.error for p in [*baseline, *load] if p.error})
    if refusals:
        print(f"  refusals and errors: {', '.join(refusals)}")


# The run -----------------------------------------------------------------------------------


def split(items: Sequence[Prepared], parts: int) -> list[list[Prepared]]:
    """``items`` in ``parts`` consecutive chunks, as even as they come."""
    size, extra = divmod(len(items), parts)
    chunks: list[list[Prepared]] = []
    start = 0
    for part in range(parts):
        end = start + size + (1 if part < extra else 0)
        chunks.append(list(items[start:end]))
        start = end
    return chunks


def run(settings: argparse.Namespace) -> int:
    rounds_n: int = settings.rounds
    planned = settings.applications + settings.baseline * rounds_n
    applicants = [Applicant(index) for index in range(planned)]
    with tempfile.TemporaryDirectory(prefix="kentei-bench-load-") as work:
        folder = Path(work)
        started = time.monotonic()
        pki = TestPki.create(folder / "pki")
        seed = folder / "registry_seed.json"
        write_seed(applicants, seed)
        with ThreadPoolExecutor(max_workers=_PREPARE_WORKERS) as pool:
            prepared = list(
                pool.map(functools.partial(prepare, pki=pki, folder=folder), applicants)
            )
        print(
            f"prepared {len(prepared)} signed applications in {time.monotonic() - started:.0f} s",
            flush=True,
        )
        env = {
            "PORT": "0",
            "KENTEI_REGISTRY_SEED": str(seed),
            "POWERTOOLS_LOG_LEVEL": "WARNING",
            **pki.settings(),
        }
        system = ServeProcess(env, cwd=ROOT).start()
        try:
            rounds, loads, overran, found = measure(settings, prepared, system, planned)
        finally:
            stopping = time.monotonic()
            exit_code = system.stop(timeout_s=_STOP_TIMEOUT_S)
            stopped_s = time.monotonic() - stopping
    found = replace(
        found,
        my_number_lines=sum(1 for line in system.lines if probes.my_numbers_in(line)),
        runtime_exit=exit_code,
    )
    report(rounds, settings, loads, found)
    print(f"  the runtime stopped in {stopped_s:.1f} s after SIGTERM, exit code {exit_code}")
    if exit_code != 0:
        # Its last lines, every My Number and residence-card number masked.
        tail = "".join(redact(line) for line in system.lines[-_TAIL_LINES:])
        print(f"the runtime's last lines:\n{tail}", file=sys.stderr)
    if overran:
        print(
            f"intake load bench: the rounds ran past {settings.max_seconds:.0f} s",
            file=sys.stderr,
        )
    if not found.ok or overran:
        print("intake load bench failed: see the counts", file=sys.stderr)
        return 1
    return 0


def measure(
    settings: argparse.Namespace,
    prepared: Sequence[Prepared],
    system: ServeProcess,
    planned: int,
) -> tuple[list[Round], tuple[str, str], bool, Counts]:
    """The rounds against the running system, and what they left behind."""
    rounds_n: int = settings.rounds
    bridges = Bridges(system.endpoints)
    baseline = split(prepared[: settings.baseline * rounds_n], rounds_n)
    load = split(prepared[settings.baseline * rounds_n :], rounds_n)
    before = _load_average()
    deadline = time.monotonic() + settings.max_seconds
    rounds: list[Round] = []
    for number in range(rounds_n):
        if time.monotonic() >= deadline:
            break
        one = run_round(
            number,
            baseline[number],
            load[number],
            threads=settings.threads,
            bridges=bridges,
            system=system,
            deadline=deadline,
        )
        rounds.append(one)
        print(
            f"  round {number + 1}: {len(one.load)} posted in {one.load_wall_s:.1f} s, "
            f"{len(one.baseline)} one at a time",
            flush=True,
        )
    overran = time.monotonic() >= deadline
    after = _load_average()
    posted = [p for r in rounds for p in (*r.baseline, *r.load)]
    return rounds, (before, after), overran, counts(planned, posted, system)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--applications", type=int, default=DEFAULT_APPLICATIONS,
                        help="posted concurrently, over all rounds")  # fmt: skip
    parser.add_argument("--threads", type=int, default=DEFAULT_THREADS)
    parser.add_argument("--rounds", type=int, default=DEFAULT_ROUNDS)
    parser.add_argument("--baseline", type=int, default=DEFAULT_BASELINE,
                        help="posted one at a time in each round")  # fmt: skip
    parser.add_argument("--max-seconds", type=float, default=DEFAULT_MAX_SECONDS,
                        help="hard cap on the rounds, polling included")  # fmt: skip
    args = parser.parse_args()
    if args.applications < args.rounds or args.rounds < 1 or args.threads < 1:
        parser.error("at least one round, one thread and one application a round")
    if args.baseline < 0 or args.max_seconds <= 0:
        parser.error("--baseline may not be negative, --max-seconds must be positive")
    sys.exit(run(args))


if __name__ == "__main__":
    main()
