"""A cold request of each function, as a ratio to its bare twin making the same AWS calls.

Each sample is a fresh interpreter (:mod:`cold_child`) that imports a function's handler and
hands it one representative event, timed with ``time.perf_counter`` from before the import
to after the answer; its bare twin is a fresh interpreter that imports boto3 and makes the same
AWS calls (service, operation and parameters, recorded with botocore's
``provide-client-params`` event from one real cold request of the run, ids and digests made
fresh per replay) against the same endpoint; its stack twin makes the same calls after
importing what the standards require of a function of its shape (Powertools' Logger and
Metrics, a pydantic model validated, the REST event handler with validation or the batch
utilities): the part of the ratio no handler on that stack can shed. Interpreter start-up is
left out of all three. The
events, each handled once:

- intake: a valid Mynaportal ``POST /v1/applications`` (a document signed with
  ``openssl cms -sign`` by a card of the local test PKI, a 200 kB PDF attachment) as the
  bridge API's proxy event, a fresh ``Idempotency-Key`` each;
- verify: ``application_received`` of an application stored as intake stores it (record and
  raw parts in the inbox), its person in the registry seed;
- sync: the result-import bucket's notification of an uploaded file (9 rows, 3 sittings of
  the prefecture's roster): the check (R11);
- certify: ``passes_announced`` of a pass announced on the roster: the 合格証書 PDF signed
  through KMS and the electronic certificate;
- signins: a Cognito post-authentication event of a seeded staff user;
- accounts: ``staff_accounts_due`` (the hourly review of the staff pool);
- public: ``POST /v1/verifications`` of an electronic certificate certify issued.

The backend is the local runtime (moto, the certificate chain, the fake national system, the
staff pool), seeded before any sample, in this process; the samples of all functions are
interleaved (intake, its twin, verify, its twin, ...) after a warm-up each, and the figures
are medians. A twin's AWS error answers (a conditional write that finds what the real run
wrote, a read of what it deleted) are counted and shown: they are round trips all the same.
``--tracing`` runs the handlers with Powertools' Tracer on (the X-Ray SDK, as deployed; its
segments go to a UDP port nobody listens on). Nothing here is a test: no figure fails anything.

    .venv/bin/python bench/cold_request.py [--runs 9] [--tracing] [--only intake verify]
        [--compare ../other-checkout]
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import pickle
import statistics
import subprocess
import sys
import tempfile
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

ROOT: Final = Path(__file__).resolve().parents[1]
CHILD: Final = Path(__file__).resolve().parent / "cold_child.py"
FUNCTIONS: Final = ("intake", "verify", "sync", "certify", "signins", "accounts", "public")
SHAPES: Final = {
    "intake": "api",
    "public": "api",
    "verify": "queue",
    "sync": "queue",
    "certify": "queue",
    "accounts": "queue",
    "signins": "trigger",
}
"""What the stack twin imports before the calls (:func:`cold_child.stack`)."""
PREFECTURE: Final = "13"
WARM_UP: Final = 1
TRACING: Final = {
    "POWERTOOLS_TRACE_DISABLED": "false",
    # What Lambda's environment tells the X-Ray SDK: in Lambda, a trace to join.
    "LAMBDA_TASK_ROOT": str(ROOT),
    "_X_AMZN_TRACE_ID": (
        "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"
    ),
    "AWS_XRAY_DAEMON_ADDRESS": "127.0.0.1:2000",
    "AWS_XRAY_CONTEXT_MISSING": "IGNORE_ERROR",
}
Call = tuple[str, str, dict[str, Any]]


@dataclass
class Scenario:
    """A function's events (one per sample, each handled once) and its child environment."""

    function: str
    what: str
    events: list[dict[str, Any]]
    env: dict[str, str] = field(default_factory=dict)


def sqs_event(body: str, queue: str) -> dict[str, Any]:
    """The SQS event Lambda hands a consumer: one record."""
    return {
        "Records": [
            {
                "messageId": str(uuid.uuid4()),
                "receiptHandle": "bench",
                "body": body,
                "attributes": {"ApproximateReceiveCount": "1"},
                "messageAttributes": {},
                "md5OfBody": hashlib.md5(body.encode(), usedforsecurity=False).hexdigest(),
                "eventSource": "aws:sqs",
                "eventSourceARN": f"arn:aws:sqs:ap-northeast-1:123456789012:kentei-local-{queue}",
                "awsRegion": "ap-northeast-1",
            }
        ]
    }


# The scenarios: each seeds what its events need (untimed) --------------------------------


def intake_scenario(count: int) -> Scenario:
    from intake_cpu import bridge_certificate, event_for, signed_request

    body, certificate = signed_request(), bridge_certificate()
    events = [event_for(body, f"bench-{uuid.uuid4()}", certificate) for _ in range(count)]
    return Scenario("intake", "Mynaportal POST /v1/applications", events)


def verify_scenario(count: int, folder: Path) -> Scenario:
    import verify_cost
    from kentei_local.testpki import TestPki

    numbers = verify_cost.people(count)
    pki = TestPki.create(folder / "pki")
    pairs = verify_cost.signed_applications(numbers, pki, folder)
    env = {
        **pki.settings(),
        "KENTEI_REGISTRY_SEED": str(verify_cost.seed(numbers, folder / "seed.json")),
    }
    events = [verify_cost.event_for(verify_cost.store(first)) for first, _ in pairs]
    return Scenario("verify", "application_received (a person's first)", events, env)


def sync_scenario(count: int, folder: Path) -> Scenario:
    import result_import

    seated = [
        result_import.Seated(sitting.application_id, sitting.exam_number)
        for _, sitting in registered(3)
    ]
    path = folder / "results.csv"
    result_import.write_file(seated, path)
    events = [sqs_event(result_import.upload(path), "sync") for _ in range(count)]
    return Scenario("sync", "result file uploaded (9 rows checked)", events)


def registered(count: int) -> list[tuple[str, Any]]:
    """``count`` people on the prefecture's roster (examinee and sitting, as an acceptance
    writes them), each with one sitting of 0301 030101 2級: (person, sitting)."""
    import result_import
    from kentei.applications.model import (
        Application,
        Channel,
        Status,
        StatusChange,
        new_application_id,
    )
    from kentei.data.roster import PrefectureRoster
    from kentei.records.applicant import Applicant
    from kentei.roster.exam_numbers import schemes
    from kentei.roster.registration import registration_of
    from kentei_local.bridges import sample_form

    at = dt.datetime(2026, 5, 20, 9, 0, tzinfo=dt.UTC)
    steps = (Status.RECEIVED, Status.VERIFYING, Status.UNDER_REVIEW, Status.ACCEPTED)
    roster, scheme = PrefectureRoster(PREFECTURE), schemes().of(PREFECTURE)
    people = []
    for index in range(count):
        person = f"bench-cold-{uuid.uuid4().hex[:12]}"
        form = sample_form(
            my_number=None,
            trade_code=result_import.TRADE,
            work_code=result_import.WORK,
            grade=result_import.GRADE,
        )
        application = Application(
            application_id=new_application_id(PREFECTURE, at),
            prefecture_code=PREFECTURE,
            channel=Channel.MYNAPORTAL,
            status=Status.ACCEPTED,
            received_at=at,
            form=Applicant.model_validate(form),
            inbox_key="inbox/bench",
            mynaportal_pseudonym_id=f"mp-bench-cold-{index}",
            submitted_by="bridge:mynaportal",
            history=tuple(StatusChange(status=s, at=at, by="bench") for s in steps),
            qualification_pseudonym_id=person,
        )
        registration = registration_of(application)
        sitting = registration.sitting(
            scheme,
            roster.draw(registration.counter(scheme)),
            at=at,
            by=f"staff:{PREFECTURE}:reviewer-{PREFECTURE}",
        )
        roster.register(roster.registration_writes(registration.examinee, sitting, at))
        people.append((person, sitting))
    return people


def announced(people: list[tuple[str, Any]]) -> list[str]:
    """A pass announced for each registered sitting: the ``passes_announced`` bodies."""
    import result_import
    from kentei import messages
    from kentei.data.passes import PrefecturePasses
    from kentei.records.codes import Grade
    from kentei.results.decision import Decision, PartDecision, PartOutcome, Result
    from kentei.results.passes import DecidedSitting
    from kentei.roster.parts import ExamRound, Part

    at = dt.datetime(2026, 9, 1, 9, 0, tzinfo=dt.UTC)
    decision = Decision.model_validate(
        {
            "result": Result.PASS,
            "rule_version": "2026.1/default:2級#1",
            "parts": [
                PartDecision(part=part, outcome=PartOutcome.PASSED, failures=()).model_dump()
                for part in (Part.WRITTEN, Part.PRACTICAL)
            ],
        }
    )
    passes = PrefecturePasses(PREFECTURE)
    bodies = []
    for person, one in people:
        decided = DecidedSitting(
            application_id=one.application_id,
            prefecture_code=PREFECTURE,
            qualification_pseudonym_id=person,
            exam_round=ExamRound.model_validate({"fiscal_year": 2026, "term": "前期"}),
            trade_code=result_import.TRADE,
            work_code=result_import.WORK,
            grade=Grade(result_import.GRADE),
            exam_number=one.exam_number,
            decision=decision,
            decided_at=at,
            decided_by=f"staff:{PREFECTURE}:results-{PREFECTURE}",
        )
        passes.put_decision(decided)
        if passes.announce(decided, dt.date(2026, 10, 2), at) is None:
            raise RuntimeError("the pass was not announced")
        message = messages.PassesAnnounced(
            prefecture_code=PREFECTURE,
            group_key=decided.group_key,
            application_ids=(one.application_id,),
        )
        bodies.append(messages.encode(message))
    return bodies


def certify_scenario(count: int) -> Scenario:
    events = [sqs_event(body, "certify") for body in announced(registered(count))]
    return Scenario("certify", "passes_announced (one pass: PDF, VC)", events)


def signins_scenario(count: int, users: list[Any]) -> Scenario:
    from kentei.callers import PREFECTURE_CLAIM

    user = users[0]
    events = [
        {
            "version": "1",
            "triggerSource": "PostAuthentication_Authentication",
            "region": "ap-northeast-1",
            "userPoolId": "bench",
            "userName": user.username,
            "callerContext": {"awsSdkVersion": "bench", "clientId": "bench"},
            "request": {
                "userAttributes": {
                    "sub": str(uuid.uuid4()),
                    PREFECTURE_CLAIM: user.prefecture_code,
                },
                "newDeviceUsed": False,
                "userContextData": {"sourceIp": "192.0.2.10"},
            },
            "response": {},
        }
        for _ in range(count)
    ]
    return Scenario("signins", "post-authentication of a staff user", events)


def accounts_scenario(count: int) -> Scenario:
    from kentei import messages

    now = dt.datetime.now(dt.UTC).replace(minute=7, second=0, microsecond=0)
    events = [
        sqs_event(
            messages.encode(messages.StaffAccountsDue(scheduled_at=now - dt.timedelta(hours=n))),
            "accounts",
        )
        for n in range(count)
    ]
    return Scenario("accounts", "staff_accounts_due (the hourly review)", events)


def public_scenario(count: int) -> Scenario:
    """A credential certify issued (its real handler, in this process, untimed)."""
    from certify.handler import handler as certify
    from kentei.data.certificate_files import CertificateFiles
    from kentei.data.certificates import PrefectureCertificates
    from kentei_local.context import LocalContext

    [(person, _)] = people = registered(1)
    [body] = announced(people)
    answer = certify(sqs_event(body, "certify"), LocalContext.for_function("certify"))
    if answer.get("batchItemFailures"):
        raise RuntimeError("certify did not issue the credential public verifies")
    record = next(r for r in PrefectureCertificates(PREFECTURE).certificates_of(person) if r.vc_key)
    credential = CertificateFiles().read(record.vc_key or "").decode()
    payload = json.dumps({"credential": credential})
    events = [
        {
            "resource": "/{proxy+}",
            "path": "/v1/verifications",
            "httpMethod": "POST",
            "headers": {"Content-Type": "application/json", "Host": "127.0.0.1"},
            "multiValueHeaders": None,
            "queryStringParameters": None,
            "multiValueQueryStringParameters": None,
            "pathParameters": {"proxy": "v1/verifications"},
            "stageVariables": None,
            "requestContext": {
                "requestId": str(uuid.uuid4()),
                "stage": "prod",
                "httpMethod": "POST",
                "path": "/prod/v1/verifications",
                "identity": {"sourceIp": "192.0.2.20"},
            },
            "body": payload,
            "isBase64Encoded": False,
        }
        for _ in range(count)
    ]
    return Scenario("public", "POST /v1/verifications (a valid VC)", events)


# The samples ---------------------------------------------------------------------------


def child(
    mode: str, job: dict[str, Any], env: dict[str, str], folder: Path, root: Path = ROOT
) -> dict[str, Any]:
    """One sample in a fresh interpreter of the checkout at ``root`` (its venv, its code)."""
    name = uuid.uuid4().hex
    job = {**job, "out": str(folder / f"{name}.out")}
    path = folder / f"{name}.json"
    path.write_text(json.dumps(job), encoding="utf-8")
    subprocess.run(
        [_python(root), str(root / "bench" / CHILD.name), mode, str(path)],
        check=True,
        env=env,
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    done: dict[str, Any] = json.loads(Path(job["out"]).read_text(encoding="utf-8"))
    path.unlink()
    Path(job["out"]).unlink()
    if not str(done["outcome"]).startswith("ok"):
        raise RuntimeError(f"{mode} {job.get('function')}: {done['outcome']}")
    return done


def _python(root: Path) -> str:
    return sys.executable if root == ROOT else str(root / ".venv" / "bin" / "python")


def twin_calls(calls: list[Call], folder: Path) -> Callable[[], str]:
    """A new file of ``calls`` with fresh ids and digests for each replay."""
    from intake_cpu import fresh

    def made() -> str:
        path = folder / f"calls-{uuid.uuid4().hex}.pickle"
        mapping: dict[str, str] = {}
        replay = [(service, op, fresh(params, mapping)) for service, op, params in calls]
        path.write_bytes(pickle.dumps(replay))
        return str(path)

    return made


@dataclass
class Figures:
    what: str
    calls: Counter[str]
    real: list[float] = field(default_factory=list)
    bare: list[float] = field(default_factory=list)
    real_cpu: list[float] = field(default_factory=list)
    bare_cpu: list[float] = field(default_factory=list)
    stack: list[float] = field(default_factory=list)
    stack_cpu: list[float] = field(default_factory=list)
    bare_errors: str = ""
    other: list[float] = field(default_factory=list)
    other_cpu: list[float] = field(default_factory=list)


def measure(
    scenarios: list[Scenario],
    base_env: dict[str, str],
    runs: int,
    folder: Path,
    compare: Path | None = None,
) -> dict[str, Figures]:
    figures: dict[str, Figures] = {}
    replays: dict[str, Callable[[], str]] = {}
    envs = {s.function: {**base_env, **s.env} for s in scenarios}
    events = {s.function: iter(s.events) for s in scenarios}
    for scenario in scenarios:
        calls_file = folder / f"{scenario.function}-recorded.pickle"
        job = {"function": scenario.function, "event": next(events[scenario.function])}
        child("record", {**job, "calls": str(calls_file)}, envs[scenario.function], folder)
        calls: list[Call] = pickle.loads(calls_file.read_bytes())
        made = Counter(f"{service}.{operation}" for service, operation, _ in calls)
        figures[scenario.function] = Figures(scenario.what, made)
        replays[scenario.function] = twin_calls(calls, folder)
    for index in range(WARM_UP + runs):
        for scenario in scenarios:
            name = scenario.function
            job = {"function": name, "event": next(events[name])}
            real = child("real", job, envs[name], folder)
            calls_path = replays[name]()
            bare = child("bare", {"function": name, "calls": calls_path}, envs[name], folder)
            Path(calls_path).unlink()
            calls_path = replays[name]()
            stacked = {"function": name, "calls": calls_path, "shape": SHAPES[name]}
            stack = child("stack", stacked, envs[name], folder)
            Path(calls_path).unlink()
            if compare is not None:
                job = {"function": name, "event": next(events[name])}
                other = child("real", job, envs[name], folder, compare)
                if index >= WARM_UP:
                    figures[name].other.append(other["seconds"])
                    figures[name].other_cpu.append(other["cpu"])
            if index >= WARM_UP:
                figures[name].real.append(real["seconds"])
                figures[name].bare.append(bare["seconds"])
                figures[name].real_cpu.append(real["cpu"])
                figures[name].bare_cpu.append(bare["cpu"])
                figures[name].stack.append(stack["seconds"])
                figures[name].stack_cpu.append(stack["cpu"])
                figures[name].bare_errors = bare["outcome"].removeprefix("ok").strip()
        print(
            f"  round {index + 1 - WARM_UP}/{runs} done" if index >= WARM_UP else "  warm-up done",
            flush=True,
        )
    return figures


def report(figures: dict[str, Figures], runs: int, tracing: bool) -> None:
    load = os.getloadavg()
    print(
        f"cold request, median of {runs} fresh interpreters each, interleaved; "
        f"Tracer {'on (X-Ray SDK)' if tracing else 'off'}; {os.cpu_count()} cores, "
        f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )
    print("wall: perf_counter from before the import to after the answer; CPU: the child's")
    print(
        f"{'function':<9} {'event':<40} {'calls':>5} {'wall ms':>8} {'twin':>7} {'ratio':>6}"
        f" {'CPU ms':>7} {'twin':>7} {'ratio':>6}"
    )
    for name, one in figures.items():
        real, bare = (statistics.median(v) * 1000 for v in (one.real, one.bare))
        real_cpu, bare_cpu = (statistics.median(v) * 1000 for v in (one.real_cpu, one.bare_cpu))
        print(
            f"{name:<9} {one.what:<40} {sum(one.calls.values()):>5} {real:>8.1f} "
            f"{bare:>7.1f} {real / bare:>6.2f} {real_cpu:>7.1f} {bare_cpu:>7.1f} "
            f"{real_cpu / bare_cpu:>6.2f}"
        )
    print(
        "the stack twin: the same calls after importing what the standards require (Powertools'"
        " Logger and Metrics, a pydantic model; the REST event handler with validation for an"
        " API, the batch utilities for a queue consumer): the floor under any handler on it"
    )
    print(
        f"{'function':<9} {'shape':<8} {'stack ms':>9} {'floor':>6} {'ours':>6}"
        f" {'stack CPU':>10} {'floor':>6} {'ours':>6}"
    )
    for name, one in figures.items():
        real, bare, stacked = (statistics.median(v) * 1000 for v in (one.real, one.bare, one.stack))
        cpus = (statistics.median(v) * 1000 for v in (one.real_cpu, one.bare_cpu, one.stack_cpu))
        real_cpu, bare_cpu, stack_cpu = cpus
        print(
            f"{name:<9} {SHAPES[name]:<8} {stacked:>9.1f} {stacked / bare:>6.2f} "
            f"{real / stacked:>6.2f} {stack_cpu:>10.1f} {stack_cpu / bare_cpu:>6.2f} "
            f"{real_cpu / stack_cpu:>6.2f}"
        )
    print("  floor: the stack twin over the bare twin; ours: the handler over the stack twin")
    for name, one in figures.items():
        made = ", ".join(f"{n}x {c}" for c, n in sorted(one.calls.items()))
        errors = f" (twin's error answers: {one.bare_errors})" if one.bare_errors else ""
        print(f"  {name}: {made}{errors}")
    if any(one.other for one in figures.values()):
        print("the same events through the other checkout (--compare), against the same twins:")
        for name, one in figures.items():
            other, bare = (statistics.median(v) * 1000 for v in (one.other, one.bare))
            cpu, bare_cpu = (statistics.median(v) * 1000 for v in (one.other_cpu, one.bare_cpu))
            print(
                f"{name:<9} {'(other checkout)':<40} {'':>5} {other:>8.1f} {bare:>7.1f} "
                f"{other / bare:>6.2f} {cpu:>7.1f} {bare_cpu:>7.1f} {cpu / bare_cpu:>6.2f}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--tracing", action="store_true")
    parser.add_argument("--only", nargs="*", choices=FUNCTIONS, default=list(FUNCTIONS))
    parser.add_argument(
        "--compare",
        type=Path,
        help="another checkout (with its .venv and this bench) whose handlers also take each "
        "round's events, interleaved: a before and after in one run",
    )
    args = parser.parse_args()
    count = 1 + (WARM_UP + args.runs) * (2 if args.compare else 1)
    from kentei_local.runtime import LocalRuntime
    from kentei_local.settings import LocalSettings

    with (
        tempfile.TemporaryDirectory(prefix="kentei-bench-cold-") as work,
        LocalRuntime(LocalSettings(port=0), serve_http=False, pumps=False) as runtime,
    ):
        folder = Path(work)
        makers: dict[str, Callable[[], Scenario]] = {
            "intake": lambda: intake_scenario(count),
            "verify": lambda: verify_scenario(count, folder),
            "sync": lambda: sync_scenario(count, folder),
            "certify": lambda: certify_scenario(count),
            "signins": lambda: signins_scenario(count, runtime._users),
            "accounts": lambda: accounts_scenario(count),
            "public": lambda: public_scenario(count),
        }
        scenarios = [makers[name]() for name in FUNCTIONS if name in args.only]
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["POWERTOOLS_METRICS_DISABLED"] = "false"
        if args.tracing:
            env |= TRACING
        figures = measure(scenarios, env, args.runs, folder, args.compare)
    report(figures, args.runs, args.tracing)


if __name__ == "__main__":
    main()
