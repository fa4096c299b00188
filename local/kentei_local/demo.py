"""The smoke flow of ``make demo``: a list of steps, each proving one wire of the system.

Every step gets the running :class:`~kentei_local.runtime.LocalRuntime` and the demo's
deadline, does one thing through the public surfaces (HTTP, the queues, the tables), checks
the outcome, and returns the line that says what happened; it raises to fail the demo.
Later flows (the applicant lifecycle) are more steps appended to :func:`smoke_steps`.

Callers authenticate as deployed (issue 8): staff sign in to the user pool seeded in moto
with ``InitiateAuth`` (``USER_PASSWORD_AUTH``) and send the ID token to the staff port; the
bridges present client certificates of a local CA to the bridge port (mutual TLS).

The application flow (:func:`application_steps`, issues 3 and 4) submits one application per
channel with the independent clients of :mod:`kentei_local.bridges`: a Mynaportal document
signed with ``openssl cms -sign`` and an e-Gov package signed with ``xmlsec1``, both by card
certificates of a local JPKI-like CA (:mod:`kentei_local.testpki`, under ``.local/``), and a
paper form keyed in by staff. Verify checks each (signature at arrival, four items, the
local registry seed) and puts the person in the vault: the step shows each under review
with its 資格仮名ID (a random pseudonym, not personal data). The same person applying again
gets the same 資格仮名ID and no second vault entry; a forged application (its document
changed after signing) is rejected with its reason. A reviewer accepts the person's two
applications: the examinee and two sittings with their exam numbers go on the roster (R7,
R8). The exam office opens a session for each part (the written test on the round's date,
each practical component in its period) and seats the sittings; it asks for a ticket, which
certify renders (IPAex embedded), stores and sends to the applicant through the Mynaportal
notice port, and downloads it by its short-lived link. Then the person moves in the registry
(the demo's copy of the seed): the weekly re-check proposes the new address, a reviewer
accepts it, and the examinee's address changes with its history. The people are the made-up
ones of the local registry seed; no My Number is printed.

Then the association's own controls: the administrator of 13 reviews the staff accounts
(``GET /v1/admin/accounts``: user names, roles, last sign-ins and flags, no applicant data),
and the auditor of 13 finds the review of an application by the applicant's 資格仮名ID in
the audit trail and verifies its hash chain.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import os
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, TextIO

import jwt
import requests

from kentei import catalog, messages
from kentei.data.national_sync import PrefectureNationalSync
from kentei.data.passes import PrefecturePasses
from kentei.data.roster import PrefectureRoster
from kentei.exams.catalogue import load_catalogue
from kentei.exams.rounds import Round, load_rounds
from kentei.national.model import RecordKind
from kentei.notices.fake import InMemoryMynaportal
from kentei.registry import SEED_ENV as REGISTRY_SEED_ENV
from kentei.roster.parts import Part
from kentei.roster.sitting import Sitting
from kentei.sessions.model import SessionPart
from kentei.sessions.seating import needed_parts
from kentei.vault.links import DynamoPseudonymLinks
from kentei_local import cognito, national_compare, probes
from kentei_local.bridges import (
    ApiClient,
    Attachment,
    EgovBridge,
    MynaportalBridge,
    PaperDesk,
    Signer,
    Submission,
    application_document,
    build_package,
    sample_form,
    sample_pdf,
    sample_png,
    sign_detached,
)
from kentei_local.bridges.client import REVIEW_PATH
from kentei_local.fake_registry_server import DEMO_SEED
from kentei_local.resources import physical_name
from kentei_local.runtime import HEALTH_PATH, LocalRuntime
from kentei_local.signin import Credentials
from kentei_local.testpki import FourItems, TestPki

DEMO_TIMEOUT_S: Final = 90.0
PKI_FOLDER: Final = "demo-pki"
STAFF: Final = ("13", "demo-clerk")
OTHER_PREFECTURE: Final = "27"
ADMIN_ACCOUNTS_PATH: Final = "/v1/admin/accounts"
AUDIT_PATH: Final = "/v1/audit"
AUDIT_VERIFICATION_PATH: Final = "/v1/audit/verification"
REVIEW: Final = "under_review"
NATIONAL_SAME: Final = "the national system holds the same records"
NATIONAL_NAME_CHANGE: Final = (
    "the person changes their name on the national system: proposed, accepted, both sides "
    "on one version"
)
RENAMED_TO: Final = ("結城 太郎", "ゆうき たろう")
"""The Mynaportal applicant's name and reading after they change it on the national side."""
_ONWARD: Final = frozenset({"under_review", "accepted"})
_STOPPED: Final = frozenset({"returned", "rejected"})


class StepFailedError(RuntimeError):
    """A step saw something other than what it proves."""


@dataclass(frozen=True)
class Step:
    title: str
    run: Callable[[LocalRuntime, float], str]
    """Given the runtime and the deadline (``time.monotonic``), do the step; what happened."""


def smoke_steps() -> list[Step]:
    poisoned = catalog.QUEUES[0]
    return [
        Step(f"GET {HEALTH_PATH} through the local gateway", _health),
        Step("who may call: staff by Cognito ID token, bridges by client certificate", _callers),
        *(
            Step(f"heartbeat through the {queue.name} queue", _heartbeat_step(queue))
            for queue in catalog.QUEUES
        ),
        Step(f"poisoned message on the {poisoned.name} queue", _poison_step(poisoned)),
        *application_steps(),
    ]


@dataclass(frozen=True)
class Person:
    """A made-up person of the local registry seed (``registry_seed.json``)."""

    name: str
    name_kana: str
    birth_date: dt.date
    sex: str
    address: str
    postal_code: str
    my_number: str

    def form(self) -> dict[str, Any]:
        return sample_form(
            my_number=self.my_number,
            name=self.name,
            name_kana=self.name_kana,
            birth_date=self.birth_date.isoformat(),
            sex=self.sex,
            address=self.address,
            postal_code=self.postal_code,
        )

    def four_items(self) -> FourItems:
        return FourItems(self.name, self.sex, self.birth_date, self.address)


MYNAPORTAL_APPLICANT: Final = Person(
    "見本 太郎", "みほん たろう", dt.date(1990, 4, 1), "1",
    "東京都千代田区見本町一丁目2番3号", "1000001", "900000000010",
)  # fmt: skip
EGOV_APPLICANT: Final = Person(
    "試験 花子", "しけん はなこ", dt.date(1985, 11, 23), "2",
    "大阪府大阪市北区試験町4丁目5番6号", "5300001", "900000000028",
)  # fmt: skip
IMPOSTOR: Final = Person(
    "偽名 一郎", "ぎめい いちろう", dt.date(1992, 2, 2), "1",
    "東京都新宿区例示町3-3-3", "1600001", "900000000079",
)  # fmt: skip
"""Signs with a card of his own (the local PKI issues it), but is no resident of the seed: the
My Number he types is always someone else's, or nobody's."""
PAPER_APPLICANT: Final = Person(
    "検定 さくら", "けんてい さくら", dt.date(1978, 7, 7), "2",
    "福岡県福岡市中央区見本通1-23-4 サンプルハイツ101", "8100001", "900000000044",
)  # fmt: skip


def demo_folder() -> Path:
    """``.local/`` of the repository (git ignores it), or a temporary folder elsewhere."""
    repository = Path(__file__).resolve().parents[2]
    if (repository / "pyproject.toml").is_file():
        return repository / ".local"
    return Path(tempfile.gettempdir()) / "kentei-local"


def log_path(folder: Path | None = None) -> Path:
    """A new log file's path for this run: ``.local/logs/demo-<UTC time>-<pid>.log``."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    return (folder or demo_folder()) / "logs" / f"demo-{stamp}-{os.getpid()}.log"


@contextmanager
def log_output_to(path: Path) -> Iterator[TextIO]:
    """Send this process's standard output and error (file descriptors 1 and 2, so also what
    child processes and loggers bound to ``sys.stdout`` write) to ``path``; yield a stream to
    the terminal (the original standard output) for the narrative. Restored on exit."""
    path.parent.mkdir(parents=True, exist_ok=True)
    sys.stdout.flush()
    sys.stderr.flush()
    saved = {fd: os.dup(fd) for fd in (1, 2)}
    terminal = open(saved[1], "w", encoding="utf-8", buffering=1, closefd=False)  # noqa: SIM115
    try:
        with path.open("a", encoding="utf-8") as log:
            for fd in saved:
                os.dup2(log.fileno(), fd)
            try:
                yield terminal
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                for fd, copy in saved.items():
                    os.dup2(copy, fd)
    finally:
        terminal.close()
        for copy in saved.values():
            os.close(copy)


@dataclass
class ApplicationFlow:
    """What the application steps share: the PKI, the clients, what was submitted."""

    folder: Path
    pki: TestPki | None = None
    replay: Submission | None = None
    """The Mynaportal submission, replayed with its key."""
    signed: tuple[bytes, bytes, list[Attachment]] | None = None
    """The Mynaportal signed document, its signature and attachments (replayed elsewhere)."""
    submitted: dict[str, tuple[str, ApiClient]] = field(default_factory=dict)
    """Application id → (channel, the client that may read its status)."""
    pseudonyms: dict[str, str] = field(default_factory=dict)
    """Channel → the 資格仮名ID its applicant was registered under."""
    certificate: str = ""
    """The id of the demo pass's 合格証書, once issued."""
    run: str = field(default_factory=lambda: f"{os.getpid()}-{time.time_ns()}")
    """This run's own PKI folder under ``demo-pki/``: two demos at once (a developer's and
    a test's, or two test workers) never overwrite each other's CA."""

    @property
    def pki_folder(self) -> Path:
        return self.folder / PKI_FOLDER / self.run

    @property
    def registry_seed(self) -> Path:
        """This run's own copy of the registry seed, which the re-check step changes (a person
        moves): a shared copy let one demo move the person another demo was verifying."""
        return self.pki_folder / "registry_seed.json"

    def signer(self, person: Person, name: str) -> Signer:
        if self.pki is None:
            raise StepFailedError("the test PKI was not made")
        paths = self.pki.signature_certificate(person.four_items()).write(
            self.pki_folder / "cards", name
        )
        return Signer(key=paths.key, certificate=paths.certificate)


def application_steps(folder: Path | None = None) -> list[Step]:
    """Mynaportal, e-Gov and paper applications, followed to review (issue 3, issue 4)."""
    flow = ApplicationFlow(folder or demo_folder())
    return [
        Step("a local JPKI-like signing CA, trusted through its settings", flow_step(flow, _pki)),
        Step(
            "Mynaportal: an application signed with openssl cms -sign",
            flow_step(flow, _mynaportal),
        ),
        Step("e-Gov: a package signed with xmlsec1", flow_step(flow, _egov)),
        Step(f"paper: a form keyed in by staff:{':'.join(STAFF)}", flow_step(flow, _paper)),
        Step("the Mynaportal request replayed with its Idempotency-Key", flow_step(flow, _replay)),
        Step(
            "each application verified, its applicant identified by a 資格仮名ID",
            flow_step(flow, _to_review),
        ),
        Step(
            "the Mynaportal applicant applies again: one vault entry, one 資格仮名ID",
            flow_step(flow, _again),
        ),
        Step(
            "a forged application: the document changed after signing",
            flow_step(flow, _forged),
        ),
        Step(
            "one's own card, someone else's My Number: living, moved, deceased or unknown",
            flow_step(flow, _not_the_signers),
        ),
        Step(
            "the signed Mynaportal document sent again from another Mynaportal account",
            flow_step(flow, _signed_replay),
        ),
        Step(
            "the inbox once verification has ended: no raw submission left",
            flow_step(flow, _inbox_emptied),
        ),
        Step(f"the review list of prefecture {STAFF[0]}", flow_step(flow, _review_list)),
        Step(
            "a reviewer accepts the person's two applications: two sittings, two exam numbers",
            flow_step(flow, _accept),
        ),
        Step(
            "the exam office opens sessions for each part and seats the accepted sittings",
            flow_step(flow, _sessions),
        ),
        Step(
            "an exam ticket: asked for, issued by certify, downloaded as a PDF",
            flow_step(flow, _ticket),
        ),
        Step(
            "the person moves; the registry re-check proposes it; a reviewer accepts",
            flow_step(flow, _recheck),
        ),
        Step(
            "the results office uploads a CP932 result file: checked into a report, committed",
            flow_step(flow, _results_import),
        ),
        Step(
            "the groups decided and announced: a pass and a part pass, with their numbers",
            flow_step(flow, _results_announced),
        ),
        Step(
            "the 合格証書 and 合格証明書 (ja, en): issued, signed, verified on the public API",
            flow_step(flow, _certificates),
        ),
        Step(
            "the pass revoked (合格の取消し): every copy verifies as revoked",
            flow_step(flow, _revocation),
        ),
        Step(f"the administrator of {STAFF[0]} reviews the staff accounts", _accounts_review),
        Step(
            f"the auditor of {STAFF[0]} finds the review of an application by its 資格仮名ID "
            "and verifies the chain",
            flow_step(flow, _audit_trail),
        ),
        Step(NATIONAL_SAME, _national_same),
        Step(NATIONAL_NAME_CHANGE, flow_step(flow, _national_name_change)),
    ]


def flow_step(
    flow: ApplicationFlow, run: Callable[[ApplicationFlow, LocalRuntime, float], str]
) -> Callable[[LocalRuntime, float], str]:
    def step(runtime: LocalRuntime, deadline: float) -> str:
        return run(flow, runtime, deadline)

    return step


def _national_same(runtime: LocalRuntime, deadline: float) -> str:
    """Once the national outbox has drained, the independent comparison of both stores
    (:mod:`kentei_local.national_compare`: our records table and the fake national system's
    own store) finds the same examinee, sitting, pass, part pass and certificate records."""
    _wait_national_drained(runtime, deadline)
    comparison = national_compare.compare_stores(
        runtime.dynamodb(), runtime.resources.tables["records"], runtime.national_endpoint
    )
    if not comparison.agree:
        raise StepFailedError(
            "the sides differ (ids and fields only):"
            + "".join(f"\n      {line}" for line in comparison.lines())
        )
    return f"{national_compare.AGREE}: {comparison.summary()}"


def _national_name_change(flow: ApplicationFlow, runtime: LocalRuntime, deadline: float) -> str:
    """The Mynaportal applicant changes their name and its reading through the national
    system (its fake's own store); sync's pull (the schedule's message) proposes it to staff,
    never overwriting; a reviewer accepts; the outbox sends the examinee back, and both sides
    hold the same version, the independent comparison agreeing again."""
    person = flow.pseudonyms["mynaportal"]
    national = runtime.national.national
    name, kana = RENAMED_TO
    change = national.change_on_national_side(person, STAFF[0], {"name": name, "name_kana": kana})
    due = messages.NationalChangesDue(scheduled_at=dt.datetime.now(dt.UTC).replace(microsecond=0))
    runtime.sqs().send_message(
        QueueUrl=runtime.resources.queues["sync"].url, MessageBody=messages.encode(due)
    )
    reviewer = _seeded_staff(runtime, "reviewer")
    proposal: dict[str, Any] | None = None
    while proposal is None:
        listed = reviewer.get("/v1/roster/changes")
        if listed.status_code != 200:
            raise StepFailedError(f"GET /v1/roster/changes answered {listed.status_code}")
        found = [
            p
            for p in listed.json()["proposals"]
            if p["qualification_pseudonym_id"] == person and p["source"] == "national_system"
        ]
        proposal = found[0] if found else None
        if proposal is None:
            if time.monotonic() > deadline:
                raise StepFailedError("the national side's change was not proposed")
            time.sleep(0.3)
    if proposal["national_sequence"] != change.sequence:
        raise StepFailedError("the proposal names another change of the national side")
    accepted = reviewer.post(f"/v1/roster/changes/{proposal['proposal_id']}/accept", {})
    if accepted.status_code != 200:
        raise StepFailedError(f"accepting the proposal answered {accepted.status_code}")
    _wait_national_drained(runtime, deadline)
    mark = PrefectureNationalSync(STAFF[0], runtime.resources.tables["records"]).sent(
        "examinee", f"{STAFF[0]}-{person}"
    )
    held = national.get(RecordKind.EXAMINEE, f"{STAFF[0]}-{person}")
    if mark is None or held is None or held.data is None or held.version != mark.version:
        raise StepFailedError("the two sides hold different versions of the examinee")
    if (held.data["name"], held.data["name_kana"]) != RENAMED_TO:
        raise StepFailedError("the national side does not hold the accepted name")
    comparison = national_compare.compare_stores(
        runtime.dynamodb(), runtime.resources.tables["records"], runtime.national_endpoint
    )
    if not comparison.agree:
        raise StepFailedError("the sides differ after the change: " + "; ".join(comparison.lines()))
    fields = ", ".join(c["field"] for c in proposal["changes"])
    return (
        f"change {change.sequence} ({fields}) proposed as {proposal['proposal_id']}, accepted; "
        f"examinee version {held.version} on both sides; {national_compare.AGREE}"
    )


def _wait_national_drained(runtime: LocalRuntime, deadline: float) -> None:
    """Until every change made so far reached the national side: the queues are empty, then
    the records stream is read to its end twice over (each change before that is forwarded to
    the national queue), then the queues are empty again (each forwarded change was sent)."""
    sqs = runtime.sqs()
    stream = runtime.stream_pumps[catalog.STREAMS[0].table]
    urls = {spec.name: runtime.resources.queues[spec.name].url for spec in catalog.QUEUES}

    def waiting() -> dict[str, int]:
        counts = {name: probes.messages_in(sqs, url) for name, url in urls.items()}
        return {name: count for name, count in counts.items() if count}

    while time.monotonic() < deadline:
        if not waiting():
            looked = stream.reads_to_end
            while stream.reads_to_end < looked + 2 and time.monotonic() < deadline:
                time.sleep(0.1)
            if stream.reads_to_end >= looked + 2 and not waiting():
                return
        time.sleep(0.2)
    raise StepFailedError(
        f"the outbox did not drain in time: messages waiting {waiting() or 'none'}, "
        f"the records stream read to its end {stream.reads_to_end} times"
    )


def _pki(flow: ApplicationFlow, runtime: LocalRuntime, deadline: float) -> str:
    flow.pki = TestPki.create(flow.pki_folder)
    settings = flow.pki.settings()
    # Verify (issue 4) reads these when it first checks a signature; the runtime restores
    # the environment when it stops.
    os.environ.update(settings)
    # The registry reads a copy of the seed that the re-check step changes (a person moves);
    # the fake registry reads its seed again when the file changes.
    seed = flow.registry_seed
    seed.write_bytes(DEMO_SEED.read_bytes())
    os.environ[REGISTRY_SEED_ENV] = str(seed)
    shown = {name: _relative(Path(value)) for name, value in settings.items()}
    return (
        f"'JPKI for digital signature' (local test CA, not J-LIS), SHA-256 "
        f"{flow.pki.signing_ca.sha256_fingerprint[:23]}...; "
        + ", ".join(f"{name}={value}" for name, value in shown.items())
    )


def _mynaportal(flow: ApplicationFlow, runtime: LocalRuntime, deadline: float) -> str:
    person = MYNAPORTAL_APPLICANT
    files = [
        Attachment("experience-certificate.pdf", sample_pdf(label="experience")),
        Attachment("photo.png", sample_png(), "image/png"),
    ]
    document = application_document(person.form(), files)
    signature = sign_detached(document, flow.signer(person, "mynaportal-applicant"))
    bridge = MynaportalBridge(runtime.endpoints)
    submission = bridge.submit(document, signature, files)
    flow.replay = submission
    flow.signed = (document, signature, files)
    application_id = _received(submission, "mynaportal", bridge, flow)
    return (
        f"202 received {application_id} for {person.name}: document {len(document)} bytes, "
        f"detached CMS signature {len(signature)} bytes (sha256, messageDigest), "
        f"{len(files)} attachments"
    )


def _egov(flow: ApplicationFlow, runtime: LocalRuntime, deadline: float) -> str:
    person = EGOV_APPLICANT
    files = [Attachment("experience-certificate.pdf", sample_pdf(label="experience"))]
    document = application_document(person.form(), files, japanese=True)
    package = build_package(document, files, flow.signer(person, "egov-applicant"))
    bridge = EgovBridge(runtime.endpoints)
    application_id = _received(bridge.submit(package), "egov", bridge, flow)
    return (
        f"202 received {application_id} for {person.name}: package {len(package)} bytes "
        f"(kousei.xml signed over #構成情報, application.json and {len(files)} attachment; "
        "Japanese item names)"
    )


def _paper(flow: ApplicationFlow, runtime: LocalRuntime, deadline: float) -> str:
    person = PAPER_APPLICANT
    desk = PaperDesk(runtime.endpoints, *STAFF)
    submission = desk.submit(person.form(), "drivers_license")
    application_id = _received(submission, "paper", desk, flow)
    return f"202 received {application_id} for {person.name} (identity: drivers_license)"


def _replay(flow: ApplicationFlow, runtime: LocalRuntime, deadline: float) -> str:
    first = flow.replay
    if first is None:
        raise StepFailedError("nothing to replay")
    replay = MynaportalBridge(runtime.endpoints).post_application(
        first.body, idempotency_key=first.idempotency_key
    )
    if replay.response.status_code != 202 or replay.response.json() != first.response.json():
        raise StepFailedError(f"the replay answered {replay.response.status_code}")
    return f"202 with the same body: still {first.application_id}, nothing new created"


def _to_review(flow: ApplicationFlow, runtime: LocalRuntime, deadline: float) -> str:
    lines = []
    for application_id, (channel, client) in flow.submitted.items():
        _wait_reviewable(client, application_id, channel, deadline)
        pseudonym = _pseudonym_of(runtime, application_id)
        flow.pseudonyms[channel] = pseudonym
        lines.append(
            f"{application_id} {channel}: received -> {REVIEW}; 資格仮名ID {pseudonym} "
            "(on the roster once staff accept it)"
        )
    return f"{len(lines)} of {len(flow.submitted)} under review, {_vault_size(runtime)} " + (
        "persons in the vault" + "".join(f"\n      {line}" for line in lines)
    )


def _again(flow: ApplicationFlow, runtime: LocalRuntime, deadline: float) -> str:
    person = MYNAPORTAL_APPLICANT
    before = _vault_size(runtime)
    document = application_document(person.form() | {"grade": "1級"}, [])
    signature = sign_detached(document, flow.signer(person, "mynaportal-applicant-again"))
    bridge = MynaportalBridge(runtime.endpoints)
    application_id = _received(bridge.submit(document, signature), "mynaportal", bridge, flow)
    _wait_reviewable(bridge, application_id, "mynaportal", deadline)
    pseudonym = _pseudonym_of(runtime, application_id)
    after = _vault_size(runtime)
    if pseudonym != flow.pseudonyms.get("mynaportal") or after != before:
        raise StepFailedError(
            f"a second application made 資格仮名ID {pseudonym} and {after - before} vault entries"
        )
    return (
        f"{application_id} -> {REVIEW} under the same 資格仮名ID {pseudonym}; "
        f"vault still {after} persons"
    )


def _forged(flow: ApplicationFlow, runtime: LocalRuntime, deadline: float) -> str:
    person = EGOV_APPLICANT
    signed = application_document(person.form(), [])
    signature = sign_detached(signed, flow.signer(person, "forger"))
    # After signing, the grade is changed from 2級 to 1級: the signature no longer covers it.
    altered = signed.replace('"2級"'.encode(), '"1級"'.encode())
    if altered == signed:
        raise StepFailedError("the document could not be altered")
    bridge = MynaportalBridge(runtime.endpoints)
    submission = bridge.submit(altered, signature)
    response = submission.response
    if response.status_code != 202 or not submission.application_id:
        raise StepFailedError(f"expected 202, got {response.status_code}")
    application_id = submission.application_id
    status = _wait_status(bridge, application_id, _STOPPED, deadline)
    reasons = status.get("reasons", [])
    if status["status"] != "rejected" or not reasons:
        raise StepFailedError(f"{application_id} ended {status['status']}, not rejected")
    reason = reasons[0]
    return f"202 then {status['status']} {application_id}: {reason['code']} ({reason['message']})"


OTHER_NUMBERS: Final = {
    "a living resident's": "900000000028",
    "a moved resident's": "900000000052",
    "a deceased resident's": "900000000060",
    "nobody's": "900000000079",
}
"""The numbers of the registry seed the impostor types (the last one valid, but unknown)."""


def _not_the_signers(flow: ApplicationFlow, runtime: LocalRuntime, deadline: float) -> str:
    signer = flow.signer(IMPOSTOR, "impostor")
    answers: dict[str, tuple[str, str]] = {}
    for whose, number in OTHER_NUMBERS.items():
        document = application_document(IMPOSTOR.form() | {"my_number": number}, [])
        bridge = MynaportalBridge(runtime.endpoints)
        submission = bridge.submit(document, sign_detached(document, signer))
        if submission.response.status_code != 202 or not submission.application_id:
            raise StepFailedError(f"expected 202, got {submission.response.status_code}")
        status = _wait_status(bridge, submission.application_id, _STOPPED, deadline)
        seen = {
            k: v for k, v in status.items() if k not in {"application_id", "history", "received_at"}
        }
        answers[whose] = (status["status"], json.dumps(seen, sort_keys=True))
    if len(set(answers.values())) != 1:
        raise StepFailedError("the bridge could tell the numbers apart: " + str(answers))
    ((status_seen, body),) = set(answers.values())
    codes = ", ".join(r["code"] for r in json.loads(body).get("reasons", []))
    return (
        f"{len(answers)} applications ({', '.join(answers)}): the bridge reads the same answer "
        f"for each, {status_seen} {codes}; what the registry said is kept for staff"
    )


def _signed_replay(flow: ApplicationFlow, runtime: LocalRuntime, deadline: float) -> str:
    if flow.signed is None:
        raise StepFailedError("no signed Mynaportal document to send again")
    document, signature, files = flow.signed
    bridge = MynaportalBridge(runtime.endpoints)
    submission = bridge.submit(document, signature, files, pseudonym_id="mp-another-account")
    if submission.response.status_code != 202 or not submission.application_id:
        raise StepFailedError(f"expected 202, got {submission.response.status_code}")
    status = _wait_status(bridge, submission.application_id, _STOPPED, deadline)
    codes = [r["code"] for r in status.get("reasons", [])]
    if status["status"] != "rejected" or codes != ["submission.replayed"]:
        raise StepFailedError(f"the replay ended {status['status']} {codes}")
    return (
        f"202 then rejected {submission.application_id}: submission.replayed (a signed document "
        "is single-use; the person's notice link stays with their own account)"
    )


def _inbox_emptied(flow: ApplicationFlow, runtime: LocalRuntime, deadline: float) -> str:
    bucket = runtime.resources.buckets["inbox"]
    s3 = runtime.s3()

    def counts() -> tuple[int, int]:
        raw, attachments = 0, 0
        for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket):
            for entry in [*page.get("Versions", []), *page.get("DeleteMarkers", [])]:
                name = entry["Key"].rsplit("/", 1)[-1]
                if name in RAW_PART_NAMES:
                    raw += 1
                else:
                    attachments += 1
        return raw, attachments

    # Verify stores an application's outcome first and then deletes its raw parts (a store
    # that failed after a delete would leave nothing to retry from), so the last outcome can
    # be visible a moment before its parts are gone.
    raw, attachments = counts()
    while raw and time.monotonic() < deadline:
        time.sleep(0.2)
        raw, attachments = counts()
    if raw:
        raise StepFailedError(f"{raw} versions of raw submissions are still in {bucket}")
    return (
        f"{bucket}: 0 versions of signed documents, packages or keyed-in forms (the My Number "
        f"is the vault's alone); {attachments} attachment copies, no My Number in them, which "
        "the bucket's lifecycle rule removes after 30 days"
    )


RAW_PART_NAMES: Final = frozenset({"document.json", "signature.p7s", "package.zip", "form.json"})


def _wait_reviewable(client: ApiClient, application_id: str, channel: str, deadline: float) -> None:
    status = _wait_status(client, application_id, _ONWARD | _STOPPED, deadline)
    if status["status"] not in _ONWARD:
        codes = ", ".join(r["code"] for r in status.get("reasons", []))
        raise StepFailedError(f"{application_id} ({channel}) was {status['status']}: {codes}")


def _wait_status(
    client: ApiClient, application_id: str, wanted: frozenset[str], deadline: float
) -> dict[str, Any]:
    while True:
        status = _status(client, application_id)
        if status["status"] in wanted:
            return status
        if time.monotonic() > deadline:
            raise StepFailedError(f"{application_id} is still {status['status']}")
        time.sleep(0.2)


def _sessions(flow: ApplicationFlow, runtime: LocalRuntime, deadline: float) -> str:
    """For each accepted sitting's round, work and grade, one session per part it needs (the
    written test on the round's written date, each practical component in the practical
    period, each in a room of its own), then the waiting sittings seated family by family."""
    office = _seeded_staff(runtime, "exam_admin")
    roster = PrefectureRoster(
        STAFF[0], runtime.resources.tables["records"], client=runtime.dynamodb()
    )
    catalogue, rounds = load_catalogue(), load_rounds()
    lines: list[str] = []
    room = 0
    for sitting in roster.sittings_of(flow.pseudonyms["mynaportal"]):
        exam_round = rounds.round_for(sitting.exam_round.fiscal_year, sitting.exam_round.term)
        if not isinstance(exam_round, Round):
            raise StepFailedError("the demo's sittings are of a regular round")
        for index, part in enumerate(needed_parts(sitting, catalogue)):
            room += 1
            written = part is SessionPart.WRITTEN
            day = (
                exam_round.written_date(sitting.grade)
                if written
                else exam_round.practical_period.start + dt.timedelta(days=7 * (index + 1))
            )
            draft = {
                "exam_round": sitting.exam_round.model_dump(mode="json"),
                "trade_code": sitting.trade_code,
                "work_code": sitting.work_code,
                "grade": sitting.grade.value,
                "part": part.value,
                "exam_date": day.isoformat(),
                "starts_at": "10:00" if written else "09:00",
                "ends_at": "11:40" if written else "16:00",
                "venue": {
                    "name": "東京都立城南職業能力開発センター",
                    "address": "東京都品川区東大井1-1-1",
                    "room": f"第{room}教室",
                },
                "capacity": 40,
            }
            created = office.post("/v1/sessions", draft)
            if created.status_code != 201:
                raise StepFailedError(f"POST /v1/sessions answered {created.status_code}")
            family = {k: draft[k] for k in ("exam_round", "trade_code", "work_code", "grade")}
            seated = office.post("/v1/sessions/seating", {**family, "part": part.value})
            if seated.status_code != 200:
                raise StepFailedError(f"seating answered {seated.status_code}: {seated.text}")
            counts = seated.json()
            lines.append(
                f"{sitting.grade.value} {part.value} {day} {draft['starts_at']}-"
                f"{draft['ends_at']} 第{room}教室: {counts['seated']} seated, "
                f"{counts['waiting']} waiting"
            )
    return f"{len(lines)} sessions" + "".join(f"\n      {line}" for line in lines)


def _ticket(flow: ApplicationFlow, runtime: LocalRuntime, deadline: float) -> str:
    office = _seeded_staff(runtime, "exam_admin")
    roster = PrefectureRoster(
        STAFF[0], runtime.resources.tables["records"], client=runtime.dynamodb()
    )
    sitting = min(roster.sittings_of(flow.pseudonyms["mynaportal"]), key=lambda s: s.exam_number)
    path = f"/v1/roster/sittings/{sitting.application_id}/ticket"
    asked = office.post(path, {})
    if asked.status_code != 202:
        raise StepFailedError(f"POST {path} answered {asked.status_code}: {asked.text}")
    while True:
        response = office.get(path)
        if response.status_code == 200:
            break
        if time.monotonic() > deadline:
            raise StepFailedError("certify never issued the ticket")
        time.sleep(0.3)
    ticket = response.json()
    pdf = requests.get(ticket["download_url"], timeout=30).content
    if not pdf.startswith(b"%PDF") or hashlib.sha256(pdf).hexdigest() != ticket["sha256"]:
        raise StepFailedError("the downloaded ticket is not the stored PDF")
    if b"/FontFile2" not in pdf:
        raise StepFailedError("the ticket's font is not embedded")
    # The notice goes to the Mynaportal account the person linked last (their latest signed
    # application), which may be another than this sitting's application came from.
    links = DynamoPseudonymLinks(runtime.resources.tables["records"], dynamodb=runtime.dynamodb)
    recipient = links.mynaportal_for(sitting.qualification_pseudonym_id)
    sent = [n.notice_id for n in _local_mynaportal().notices_of(str(recipient))]
    if ticket["ticket_id"] not in sent:
        raise StepFailedError("the ticket was not sent through the Mynaportal notice port")
    return (
        f"ticket {ticket['ticket_id']} for exam number {sitting.exam_number} "
        f"({sitting.grade.value}): {len(pdf)} bytes of PDF, IPAexGothic embedded; sent as a "
        f"notice to Mynaportal pseudonym {recipient}, the account the person linked last "
        "(the local in-memory Mynaportal); audited"
    )


RESULT_HEADER: Final = (
    "年度",
    "期",
    "作業コード",
    "等級",
    "受検番号",
    "試験区分",
    "実技区分",
    "得点",
    "氏名",
)


def _result_rows(sitting: Sitting, written: int, practical: int) -> list[tuple[str, ...]]:
    """The association's rows of one sitting: 学科, and each practical component it sits."""
    base = (
        str(sitting.exam_round.fiscal_year),
        sitting.exam_round.term.value,
        sitting.work_code,
        sitting.grade.value,
        sitting.exam_number,
    )
    rows: list[tuple[str, ...]] = []
    if Part.WRITTEN in sitting.parts:
        rows.append((*base, "学科", "", str(written), "見本 太郎"))
    if Part.PRACTICAL in sitting.parts:
        offer = load_catalogue().parts(sitting.trade_code, sitting.work_code, sitting.grade)
        for component in offer.practical:
            rows.append((*base, "実技", component.kind.value, str(practical), "見本 太郎"))
    return rows


def _demo_sittings(flow: ApplicationFlow, runtime: LocalRuntime) -> list[Sitting]:
    roster = PrefectureRoster(
        STAFF[0], runtime.resources.tables["records"], client=runtime.dynamodb()
    )
    return sorted(roster.sittings_of(flow.pseudonyms["mynaportal"]), key=lambda s: s.exam_number)


def _results_import(flow: ApplicationFlow, runtime: LocalRuntime, deadline: float) -> str:
    """The first sitting passes both parts; the second passes 学科 only (a part pass)."""
    office = _seeded_staff(runtime, "results")
    sittings = _demo_sittings(flow, runtime)
    if len(sittings) < 2:
        raise StepFailedError("the demo's person has fewer than two sittings")
    rows = [*_result_rows(sittings[0], 82, 74), *_result_rows(sittings[1], 71, 40)]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(RESULT_HEADER)
    writer.writerows(rows)
    data = buffer.getvalue().encode("cp932")
    exam_round = sittings[0].exam_round.model_dump(mode="json")
    created = office.post(
        "/v1/results/imports",
        {"source": "association", "exam_round": exam_round, "file_name": "結果.csv"},
    )
    if created.status_code != 201:
        raise StepFailedError(f"POST /v1/results/imports answered {created.status_code}")
    import_id = created.json()["import_id"]
    upload = created.json()["upload"]
    put = requests.put(upload["url"], data=data, headers=upload["headers"], timeout=30)
    if put.status_code != 200:
        raise StepFailedError(f"the upload answered {put.status_code}")
    checked = _wait_import(office, import_id, {"validated", "refused"}, deadline)
    counts = checked["counts"] or {}
    if checked["status"] != "validated" or not checked["committable"]:
        raise StepFailedError(f"the file was {checked['status']}: {checked['problems']}")
    committed = office.post(f"/v1/results/imports/{import_id}/commit", {})
    if committed.status_code != 202:
        raise StepFailedError(f"the commit answered {committed.status_code}")
    applied = _wait_import(office, import_id, {"committed"}, deadline)["applied"] or {}
    return (
        f"import {import_id}: {len(data)} bytes of CP932 through a presigned PUT (never the "
        f"API's body); report: {counts.get('rows')} rows, {counts.get('valid')} valid, "
        f"{counts.get('invalid')} with problems; committed by sync: {applied.get('written')} "
        "scores written (committing again writes none)"
    )


def _wait_import(
    office: ApiClient, import_id: str, wanted: set[str], deadline: float
) -> dict[str, Any]:
    while True:
        answer = office.get(f"/v1/results/imports/{import_id}")
        if answer.status_code != 200:
            raise StepFailedError(f"GET the import answered {answer.status_code}")
        body: dict[str, Any] = answer.json()
        if body["status"] in wanted:
            return body
        if time.monotonic() > deadline:
            raise StepFailedError(f"the import is still {body['status']}")
        time.sleep(0.3)


def _results_announced(flow: ApplicationFlow, runtime: LocalRuntime, deadline: float) -> str:
    office = _seeded_staff(runtime, "results")
    lines: list[str] = []
    for sitting in _demo_sittings(flow, runtime):
        group = {
            "fiscal_year": sitting.exam_round.fiscal_year,
            "term": sitting.exam_round.term.value,
            "trade_code": sitting.trade_code,
            "work_code": sitting.work_code,
            "grade": sitting.grade.value,
        }
        if office.post("/v1/results/decisions", group).status_code != 202:
            raise StepFailedError("POST /v1/results/decisions was not queued")
        mine = _wait_decision(office, group, sitting.application_id, "decided", deadline)
        announced = office.post("/v1/results/announcements", group)
        if announced.status_code != 202:
            raise StepFailedError(f"the announcement answered {announced.status_code}")
        _wait_decision(office, group, sitting.application_id, "announced", deadline)
        query = {key: str(value) for key, value in group.items()}
        numbers = office.get("/v1/results/announcements", params={**query, "format": "json"})
        if numbers.status_code != 200:
            raise StepFailedError(f"the passing numbers answered {numbers.status_code}")
        failed = [
            f"{p['part']} ({', '.join(f['reason'] for f in p['failures'])})"
            for p in mine["parts"]
            if p["outcome"] == "failed"
        ]
        lines.append(
            f"{sitting.grade.value} exam number {sitting.exam_number}: {mine['result']}"
            + (f", failed {'; '.join(failed)}" if failed else "")
            + f" by rule {mine['rule_version']}; passing numbers published: "
            f"{numbers.json()['exam_numbers']}"
        )
    passes = PrefecturePasses(
        STAFF[0], runtime.resources.tables["records"], client=runtime.dynamodb()
    )
    for record in passes.passes_of(flow.pseudonyms["mynaportal"]):
        numbers_of = (
            f"技能士番号 {record.passer_number}, 合格証書番号 {record.certificate_number}"
            if record.passer_number
            else f"一部合格通知番号 {record.notice_number}"
        )
        lines.append(
            f"pass record {record.kind.value} {record.grade.value} "
            f"({', '.join(p.value for p in record.parts)}) on {record.passed_on}: {numbers_of}"
        )
    return "results of the person's two sittings" + "".join(f"\n      {line}" for line in lines)


LATIN_NAME: Final = "MIHON Taro"
"""The demo applicant's name in Latin letters, as written on the English request."""
CHROMIUM: Final = "/usr/bin/chromium"


def _passed_sitting(flow: ApplicationFlow, runtime: LocalRuntime) -> str:
    """The application id of the demo person's full pass (the 2級 sitting)."""
    passes = PrefecturePasses(
        STAFF[0], runtime.resources.tables["records"], client=runtime.dynamodb()
    )
    for record in passes.passes_of(flow.pseudonyms["mynaportal"]):
        if record.certificate_number is not None:
            return record.record_id
    raise StepFailedError("the demo person has no full pass")


def _wait_certificates(
    office: ApiClient, application_id: str, count: int, deadline: float
) -> list[dict[str, Any]]:
    while True:
        answer = office.get("/v1/certificates", params={"application_id": application_id})
        if answer.status_code != 200:
            raise StepFailedError(f"GET /v1/certificates answered {answer.status_code}")
        found = [c for c in answer.json()["certificates"] if c["has_pdf"] and c["has_vc"]]
        if len(found) >= count:
            return sorted(found, key=lambda c: c["certificate_id"])
        if time.monotonic() > deadline:
            raise StepFailedError(f"{len(found)} of {count} certificates issued in time")
        time.sleep(0.3)


def _download_pdf(office: ApiClient, certificate_id: str, deadline: float) -> bytes:
    """The certificate's PDF by a fresh short-lived link; asked again (a new link) while the
    local S3 answers otherwise on a loaded machine, until the step's deadline."""
    while True:
        link = office.get(f"/v1/certificates/{certificate_id}/pdf")
        if link.status_code != 200:
            raise StepFailedError(f"the PDF link of {certificate_id} answered {link.status_code}")
        try:
            pdf = requests.get(link.json()["download_url"], timeout=30)
        except requests.RequestException as error:
            problem = type(error).__name__
        else:
            if pdf.status_code == 200 and pdf.content.startswith(b"%PDF"):
                return pdf.content
            problem = f"HTTP {pdf.status_code}"
        if time.monotonic() > deadline:
            raise StepFailedError(f"the PDF of {certificate_id} did not download ({problem})")
        time.sleep(0.5)


def _vc_of(runtime: LocalRuntime, certificate_id: str) -> str:
    """The electronic certificate (VC-JWT) as certify stored it: what the person is given."""
    from kentei.data.certificates import PrefectureCertificates

    store = PrefectureCertificates(
        STAFF[0], runtime.resources.tables["records"], client=runtime.dynamodb()
    )
    record = store.certificate(certificate_id)
    if record is None or record.vc_key is None:
        raise StepFailedError(f"no electronic certificate of {certificate_id}")
    body = runtime.s3().get_object(Bucket=physical_name("certificates"), Key=record.vc_key)
    return str(body["Body"].read().decode("ascii"))


def _verdict(runtime: LocalRuntime, credential: str) -> dict[str, Any]:
    answer = requests.post(
        f"{runtime.endpoints.public_api}/v1/verifications",
        json={"credential": credential},
        timeout=30,
    )
    if answer.status_code != 200:
        raise StepFailedError(f"POST /v1/verifications answered {answer.status_code}")
    verdict: dict[str, Any] = answer.json()
    return verdict


def _certificates(flow: ApplicationFlow, runtime: LocalRuntime, deadline: float) -> str:
    """Certify issued the 合格証書 when the pass was announced; the certificates office asks
    for the 合格証明書 in Japanese and in English, downloads the three signed PDFs by their
    short-lived links, and an employer verifies the electronic certificate on the public
    API (no login)."""
    office = _seeded_staff(runtime, "certificates")
    application_id = _passed_sitting(flow, runtime)
    (printed,) = _wait_certificates(office, application_id, 1, deadline)
    for language in ("ja", "en"):
        body: dict[str, Any] = {"application_id": application_id, "language": language}
        if language == "en":
            body["name_latin"] = LATIN_NAME
        if office.post("/v1/certificates/proofs", body).status_code != 202:
            raise StepFailedError(f"the {language} 合格証明書 was not queued")
    issued = _wait_certificates(office, application_id, 3, deadline)
    folder = flow.pki_folder / "certificates"
    folder.mkdir(parents=True, exist_ok=True)
    lines = []
    for certificate in issued:
        the_id = certificate["certificate_id"]
        pdf = _download_pdf(office, the_id, deadline)
        path = folder / f"{the_id}.pdf"
        path.write_bytes(pdf)
        kind = {"printed": "合格証書", "proof": "合格証明書"}[certificate["kind"]]
        lines.append(
            f"{kind} ({certificate['language']}) {the_id}: {len(pdf)} bytes, "
            f"PAdES-signed: {_relative(path)}"
        )
    flow.certificate = printed["certificate_id"]
    verdict = _verdict(runtime, _vc_of(runtime, printed["certificate_id"]))
    if verdict["outcome"] != "valid":
        raise StepFailedError(f"the new certificate verified as {verdict['outcome']}")
    lines.append(
        f"POST {runtime.endpoints.public_api}/v1/verifications with the 電子合格証 "
        f"({verdict['form']}): {verdict['outcome']}"
    )
    return f"3 certificates of pass {application_id}" + "".join(f"\n      {line}" for line in lines)


def _revocation(flow: ApplicationFlow, runtime: LocalRuntime, deadline: float) -> str:
    """The certificates office revokes the pass; certify revokes every certificate of it in
    the published status lists and notifies the person; the same electronic certificate now
    verifies as revoked, on the API and on the verification page in Chromium."""
    office = _seeded_staff(runtime, "certificates")
    application_id = _passed_sitting(flow, runtime)
    today = dt.datetime.now(dt.timezone(dt.timedelta(hours=9))).date()
    answer = office.post(
        "/v1/certificates/revocations",
        {
            "application_id": application_id,
            "effective_on": today.isoformat(),
            "reason": "受検資格の虚偽申告が判明したため（デモ）",
            "legal_basis": "技能検定試験実施規程（条項は未確認: unconfirmed）",
        },
    )
    if answer.status_code != 201:
        raise StepFailedError(f"the revocation answered {answer.status_code}: {answer.text}")
    revoked = answer.json()
    credential = _vc_of(runtime, flow.certificate)
    while (verdict := _verdict(runtime, credential))["outcome"] != "revoked":
        if time.monotonic() > deadline:
            raise StepFailedError(f"the certificate still verifies as {verdict['outcome']}")
        time.sleep(0.3)
    lines = [
        f"{len(revoked['certificates'])} certificates revoked as of {revoked['effective_on']}; "
        f"return (返納) {revoked['return_status']}",
        f"POST /v1/verifications again: {verdict['outcome']} (changed on {verdict['changedOn']})",
        _screenshot(runtime, credential, flow.run),
    ]
    return f"pass {application_id} revoked" + "".join(f"\n      {line}" for line in lines)


def _screenshot(runtime: LocalRuntime, credential: str, run: str) -> str:
    """The verification page's verdict in Debian's Chromium (Playwright), kept as a PNG; or
    why not, where no browser is installed (``make system-tools`` installs it)."""
    if not Path(CHROMIUM).exists():
        return f"verification page: not shown ({CHROMIUM} is not installed)"
    from playwright.sync_api import sync_playwright

    shot = demo_folder() / "screenshots" / f"demo-{run}-revoked.png"
    shot.parent.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page()
            page.goto(f"{runtime.endpoints.public_api}/verify")
            page.fill("#credential", credential)
            page.click("button[type=submit]")
            heading = page.locator("#verdict h2").inner_text()
            page.screenshot(path=str(shot), full_page=True)
        finally:
            browser.close()
    return f"GET /verify in Chromium: {heading}; screenshot {_relative(shot)}"


def _wait_decision(
    office: ApiClient, group: dict[str, Any], application_id: str, status: str, deadline: float
) -> dict[str, Any]:
    while True:
        answer = office.get(
            "/v1/results/decisions", params={key: str(value) for key, value in group.items()}
        )
        if answer.status_code != 200:
            raise StepFailedError(f"GET /v1/results/decisions answered {answer.status_code}")
        body = answer.json()
        for decision in body["decisions"]:
            if decision["application_id"] == application_id and decision["status"] == status:
                found: dict[str, Any] = decision
                return found
        run = body.get("announcement_run") or {}
        if run.get("refused"):
            raise StepFailedError(f"the announcement was refused: {run.get('problems')}")
        if time.monotonic() > deadline:
            raise StepFailedError(f"the sitting's decision is not {status}")
        time.sleep(0.3)


MOVED_TO: Final = "東京都港区転居町九丁目8番7号"


def _recheck(flow: ApplicationFlow, runtime: LocalRuntime, deadline: float) -> str:
    """The Mynaportal applicant moves in the registry (its seed file); the weekly re-check
    (its message, as the schedule sends it) proposes the new address to staff; a reviewer
    accepts and the examinee's address changes, with a history entry."""
    seed = Path(os.environ[REGISTRY_SEED_ENV])
    entries = json.loads(seed.read_text(encoding="utf-8"))
    for entry in entries:
        if entry["my_number"] == MYNAPORTAL_APPLICANT.my_number:
            entry["address"] = MOVED_TO
    seed.write_text(json.dumps(entries, ensure_ascii=False, indent=2), encoding="utf-8")
    due = messages.RegistryRecheckDue(scheduled_at=dt.datetime.now(dt.UTC).replace(microsecond=0))
    runtime.sqs().send_message(
        QueueUrl=runtime.resources.queues["verify"].url, MessageBody=messages.encode(due)
    )
    reviewer = _seeded_staff(runtime, "reviewer")
    person = flow.pseudonyms["mynaportal"]
    proposal: dict[str, Any] | None = None
    while proposal is None:
        listed = reviewer.get("/v1/roster/changes")
        if listed.status_code != 200:
            raise StepFailedError(f"GET /v1/roster/changes answered {listed.status_code}")
        found = [p for p in listed.json()["proposals"] if p["qualification_pseudonym_id"] == person]
        proposal = found[0] if found else None
        if proposal is None:
            if time.monotonic() > deadline:
                raise StepFailedError("the re-check proposed nothing")
            time.sleep(0.3)
    fields = ", ".join(change["field"] for change in proposal["changes"])
    accepted = reviewer.post(f"/v1/roster/changes/{proposal['proposal_id']}/accept", {})
    if accepted.status_code != 200:
        raise StepFailedError(f"accepting the proposal answered {accepted.status_code}")
    opened = reviewer.get(f"/v1/roster/examinees/{person}")
    if opened.status_code != 200 or opened.json()["examinee"].get("address") != MOVED_TO:
        raise StepFailedError("the examinee's address did not change")
    return (
        f"run {due.scheduled_at:%Y-%m-%dT%H:%M:%SZ}: proposal {proposal['proposal_id']} "
        f"({proposal['kind']}: {fields}) for 資格仮名ID {person}; accepted by the reviewer; "
        "the examinee's address is the new one, the old one kept in its history"
    )


def _local_mynaportal() -> InMemoryMynaportal:
    """The Mynaportal certify sends to in this process (the local runtime sets no URL)."""
    from certify.dependencies import dependencies

    notices = dependencies().notices
    if not isinstance(notices, InMemoryMynaportal):
        raise StepFailedError("certify is not using the local in-memory Mynaportal")
    return notices


def _pseudonym_of(runtime: LocalRuntime, application_id: str) -> str:
    """The 資格仮名ID verify recorded on the application."""
    pseudonym = _application_item(runtime, application_id).get("qualification_pseudonym_id")
    if not isinstance(pseudonym, str):
        raise StepFailedError(f"{application_id} has no 資格仮名ID")
    return pseudonym


def _application_item(runtime: LocalRuntime, application_id: str) -> dict[str, Any]:
    """The stored application (its JSON), as the records table holds it."""
    table = runtime.resources.tables["records"]
    item = (
        runtime.dynamodb()
        .get_item(
            TableName=table,
            Key={
                "prefecture_code": {"S": application_id[:2]},
                "record_key": {"S": f"APPLICATION#{application_id}"},
            },
            ConsistentRead=True,
        )
        .get("Item")
    )
    if item is None:
        raise StepFailedError(f"{application_id} is not in {table}")
    stored: dict[str, Any] = json.loads(item["application"]["S"])
    return stored


def _accept(flow: ApplicationFlow, runtime: LocalRuntime, deadline: float) -> str:
    """A reviewer accepts both Mynaportal applications of one person (2級 and 1級): two
    sittings of one examinee, two exam numbers, on the roster in the acceptance's write."""
    user = cognito.find_user(runtime.endpoints.staff_users, STAFF[0], ["reviewer"])
    reviewer = PaperDesk(runtime.endpoints, STAFF[0], user.username, roles=("reviewer",))
    accepted = [a for a, (channel, _) in flow.submitted.items() if channel == "mynaportal"]
    for application_id in accepted:
        response = reviewer.decide(application_id, "accept")
        if response.status_code != 200 or response.json()["status"] != "accepted":
            raise StepFailedError(f"accepting {application_id} answered {response.status_code}")
    pseudonym = flow.pseudonyms["mynaportal"]
    roster = PrefectureRoster(
        STAFF[0], runtime.resources.tables["records"], client=runtime.dynamodb()
    )
    sittings = {s.application_id: s for s in roster.sittings_of(pseudonym)}
    if set(sittings) != set(accepted) or len({s.exam_number for s in sittings.values()}) != 2:
        raise StepFailedError(f"{len(sittings)} sittings for {len(accepted)} acceptances")
    lines = [
        f"{a}: sitting {s.exam_round.fiscal_year}年度{s.exam_round.term.value} "
        f"{s.work_code} {s.grade.value}, exam number {s.exam_number}"
        for a, s in sittings.items()
    ]
    return f"examinee {pseudonym}: {len(sittings)} sittings" + "".join(
        f"\n      {line}" for line in lines
    )


def _vault_size(runtime: LocalRuntime) -> int:
    """Persons in the vault table (its entries; each has a pointer item beside it)."""
    table = runtime.resources.tables["vault"]
    count = 0
    for page in (
        runtime.dynamodb()
        .get_paginator("scan")
        .paginate(
            TableName=table,
            FilterExpression="#kind = :entry",
            ExpressionAttributeNames={"#kind": "kind"},
            ExpressionAttributeValues={":entry": {"S": "entry"}},
            Select="COUNT",
        )
    ):
        count += page["Count"]
    return count


def _review_list(flow: ApplicationFlow, runtime: LocalRuntime, deadline: float) -> str:
    desk = PaperDesk(runtime.endpoints, *STAFF)
    counts = {}
    ours = {}
    for status in (REVIEW, "received"):
        response = desk.review_list(status=status, limit="100")
        if response.status_code != 200:
            raise StepFailedError(f"GET review list ({status}) answered {response.status_code}")
        items = response.json()["items"]
        counts[status] = len(items)
        ours[status] = [i["application_id"] for i in items if i["application_id"] in flow.submitted]
    if len(ours[REVIEW]) + len(ours["received"]) != len(flow.submitted):
        raise StepFailedError("an application of ours is neither under review nor received")
    first = next(iter(flow.submitted))
    opened = desk.review_item(first)
    if opened.status_code != 200:
        raise StepFailedError(f"opening {first} for review answered {opened.status_code}")
    findings = opened.json().get("findings", [])
    severities: dict[str, int] = {}
    for finding in findings:
        severities[finding["severity"]] = severities.get(finding["severity"], 0) + 1
    summary = ", ".join(f"{n} {severity}" for severity, n in sorted(severities.items())) or "none"
    return (
        f"{counts[REVIEW]} under review ({len(ours[REVIEW])} of ours), "
        f"{counts['received']} received awaiting verification ({len(ours['received'])} of ours); "
        f"opened {first} for review: automatic check findings: {summary}"
    )


def _seeded_staff(runtime: LocalRuntime, role: str) -> ApiClient:
    """A client signed in as the seeded user of the demo's prefecture with only ``role``."""
    user = cognito.find_user(runtime.endpoints.staff_users, STAFF[0], [role])
    return ApiClient(runtime.endpoints, f"staff:{STAFF[0]}:{user.username}:{role}")


def _accounts_review(runtime: LocalRuntime, deadline: float) -> str:
    admin = _seeded_staff(runtime, "admin")
    response = admin.get(ADMIN_ACCOUNTS_PATH)
    if response.status_code != 200:
        raise StepFailedError(f"GET {ADMIN_ACCOUNTS_PATH} answered {response.status_code}")
    body = response.json()
    accounts = body["accounts"]
    if not accounts or any(a["username"].endswith(f"-{OTHER_PREFECTURE}") for a in accounts):
        raise StepFailedError(f"the review of {STAFF[0]} listed {len(accounts)} accounts")
    lines = []
    for account in accounts:
        flags = [name for name in ("never_used", "idle") if account[name]]
        if account["warned_at"]:
            flags.append(f"warned {account['warned_at']}")
        if not account["enabled"]:
            flags.append("disabled")
        signed_in = account["last_sign_in_at"] or "never"
        lines.append(
            f"{account['username']} [{', '.join(account['roles'])}] last sign-in {signed_in}"
            + (
                f" ({account['last_sign_in_source_ip']})"
                if account["last_sign_in_source_ip"]
                else ""
            )
            + f"; {', '.join(flags) or 'active'}"
        )
    idle = sum(1 for a in accounts if a["idle"])
    unused = sum(1 for a in accounts if a["never_used"])
    return (
        f"GET {ADMIN_ACCOUNTS_PATH} 200 as of {body['as_of']}: {len(accounts)} accounts of "
        f"{body['prefecture_code']} ({unused} never used, {idle} idle over "
        f"{body['idle_after_days']} days, warned {body['warning_days']} days before the limit); "
        "audited" + "".join(f"\n      {line}" for line in lines)
    )


def _audit_trail(flow: ApplicationFlow, runtime: LocalRuntime, deadline: float) -> str:
    opened = next(iter(flow.submitted), None)
    person = flow.pseudonyms.get("mynaportal")
    if opened is None or person is None:
        raise StepFailedError("no reviewed application with a 資格仮名ID to look for")
    auditor = _seeded_staff(runtime, "auditor")
    found = auditor.get(AUDIT_PATH, params={"person": person, "limit": "200"})
    if found.status_code != 200:
        raise StepFailedError(f"GET {AUDIT_PATH} answered {found.status_code}")
    entries = found.json()["items"]
    actions: dict[str, int] = {}
    for entry in entries:
        actions[entry["action"]] = actions.get(entry["action"], 0) + 1
    review = [
        e for e in entries if e["record_id"] == opened and e["action"] == "application.opened"
    ]
    if not review:
        raise StepFailedError(f"the opening of {opened} is not in the trail of {person}")
    verified = auditor.get(AUDIT_VERIFICATION_PATH)
    if verified.status_code != 200:
        raise StepFailedError(f"GET {AUDIT_VERIFICATION_PATH} answered {verified.status_code}")
    chain = verified.json()
    if not chain["intact"]:
        raise StepFailedError(f"the chain of {STAFF[0]} is broken: {chain['first_broken']}")
    counts = ", ".join(f"{n} {action}" for action, n in sorted(actions.items()))
    return (
        f"GET {AUDIT_PATH}?person={person}: {len(entries)} entries ({counts}); {opened} opened "
        f"by {review[0]['actor']}; GET {AUDIT_VERIFICATION_PATH}: chain of "
        f"{chain['prefecture_code']} intact over {chain['days']} day(s), {chain['entries']} "
        "entries"
    )


def _received(
    submission: Submission, channel: str, client: ApiClient, flow: ApplicationFlow
) -> str:
    response = submission.response
    if response.status_code != 202:
        raise StepFailedError(
            f"expected 202, got {response.status_code}: {_problem(response.text)}"
        )
    body = response.json()
    if body.get("status") != "received" or not submission.application_id:
        raise StepFailedError(f"unexpected answer {body}")
    flow.submitted[submission.application_id] = (channel, client)
    return submission.application_id


def _status(client: ApiClient, application_id: str) -> dict[str, Any]:
    response = client.status(application_id)
    if response.status_code != 200:
        raise StepFailedError(f"GET status of {application_id} answered {response.status_code}")
    body: dict[str, Any] = response.json()
    return body


def _problem(text: str) -> str:
    """A problem document's type and field paths: never a value."""
    try:
        problem = json.loads(text)
    except ValueError:
        return "(not JSON)"
    fields = [e.get("field") for e in problem.get("errors", []) if isinstance(e, dict)]
    return f"{problem.get('type')} {fields}"


def _relative(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def run_steps(
    runtime: LocalRuntime,
    steps: Sequence[Step],
    out: TextIO,
    timeout_s: float = DEMO_TIMEOUT_S,
) -> bool:
    """Run ``steps`` in order, printing a line for each; False at the first that fails."""
    started = time.monotonic()
    deadline = started + timeout_s
    for number, step in enumerate(steps, start=1):
        prefix = f"[{number}/{len(steps)}] {step.title}:"
        try:
            outcome = step.run(runtime, deadline)
        except Exception as exc:
            print(f"{prefix} FAILED: {exc}", file=out, flush=True)
            return False
        print(f"{prefix} {outcome}", file=out, flush=True)
    print(f"all {len(steps)} steps passed in {time.monotonic() - started:.1f} s", file=out)
    return True


def _remaining(deadline: float) -> float:
    return max(0.0, deadline - time.monotonic())


def _callers(runtime: LocalRuntime, deadline: float) -> str:
    endpoints = runtime.endpoints
    desk = PaperDesk(endpoints, *STAFF)
    token = desk.credentials.token or ""
    claims = jwt.decode(token, options={"verify_signature": False})
    signed_in = desk.review_list(limit="1")
    anonymous = ApiClient(endpoints, None).get(REVIEW_PATH)
    bridge = MynaportalBridge(endpoints)
    on_bridge_port = bridge.get(HEALTH_PATH)
    on_staff_port = ApiClient(
        Credentials(endpoints.staff_api, cert=bridge.credentials.cert), None
    ).get(REVIEW_PATH)
    try:
        ApiClient(Credentials(endpoints.bridge_api, verify=str(endpoints.ca_file))).get(HEALTH_PATH)
        refused = "connected"
    except requests.exceptions.ConnectionError:
        refused = "TLS handshake refused"
    seen = (signed_in.status_code, anonymous.status_code, on_bridge_port.status_code)
    if seen != (200, 401, 200) or on_staff_port.status_code != 401 or refused == "connected":
        raise StepFailedError(
            f"signed in {seen[0]}, no token {seen[1]}, bridge port {seen[2]}, bridge "
            f"certificate on the staff port {on_staff_port.status_code}, no certificate {refused}"
        )
    return (
        f"staff:{':'.join(STAFF)} signed in with InitiateAuth at {endpoints.cognito.endpoint}: "
        f"ID token (RS256) of {claims['cognito:username']}, prefecture "
        f"{claims['custom:prefecture_code']}, groups {claims.get('cognito:groups')}; "
        f"GET {REVIEW_PATH} with it 200, without a token 401; the Mynaportal bridge's "
        f"certificate on {endpoints.bridge_api} 200, on the staff port 401; no certificate: "
        f"{refused}"
    )


def _health(runtime: LocalRuntime, deadline: float) -> str:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(f"{runtime.url}{HEALTH_PATH}", timeout=_remaining(deadline)) as response:
        body = response.read().decode("utf-8", "replace")
        status = response.status
    if status != 200 or '"ok"' not in body:
        raise StepFailedError(f"expected 200 with status ok, got {status} {body}")
    return f"{status} {body}"


def _heartbeat_step(queue: catalog.QueueSpec) -> Callable[[LocalRuntime, float], str]:
    def run(runtime: LocalRuntime, deadline: float) -> str:
        local = runtime.resources.queues[queue.name]
        table = runtime.resources.tables["records"]
        heartbeat = probes.send_heartbeat(runtime.sqs(), local.url)
        item = probes.wait_for_heartbeat(
            runtime.dynamodb(), table, queue.consumer, heartbeat, _remaining(deadline)
        )
        return (
            f"heartbeat {heartbeat.heartbeat_id} acknowledged by "
            f"{physical_name(queue.consumer)} in {table} "
            f"({item['prefecture_code']['S']} / {item['record_key']['S']})"
        )

    return run


def _poison_step(queue: catalog.QueueSpec) -> Callable[[LocalRuntime, float], str]:
    def run(runtime: LocalRuntime, deadline: float) -> str:
        local = runtime.resources.queues[queue.name]
        message_id = probes.send_poison(runtime.sqs(), local.url)
        probes.wait_in_queue(runtime.sqs(), local.dlq_url, message_id, _remaining(deadline))
        receives = runtime.pump(queue.name).receive_count(message_id)
        if receives != queue.max_receive_count:
            raise StepFailedError(
                f"message {message_id} reached the DLQ after {receives} receives, "
                f"not maxReceiveCount={queue.max_receive_count}"
            )
        return (
            f"message {message_id} ({probes.POISON}) redriven to "
            f"{physical_name(queue.dlq_name)} after {receives} receives "
            f"(maxReceiveCount {queue.max_receive_count})"
        )

    return run
