"""The whole lifecycle, many applicants at once, through the local runtime (issue 14).

A run makes a population of made-up persons (the registry fake knows them, the local JPKI-like
CA issues each a signature certificate), and takes them from the bridges' first request to
the national side:

1. **Intake.** Each applicant applies once, through Mynaportal (a detached CMS signature made
   with ``openssl cms``), e-Gov (a package signed with ``xmlsec1``) or on paper (keyed in by
   staff), from a few bridge threads at once. Some applications are flawed on purpose: the
   document changed after it was signed (verify rejects it), a person the registry does not
   know (verify returns it), a My Number with a wrong check digit (intake refuses it with a
   problem document; nothing is stored).
2. **Verify and review.** Every application verify admits is accepted by a reviewer: the
   examinee and a sitting with its exam number go on the roster.
3. **Sessions.** The exam office opens the sessions each part needs and seats the sittings.
4. **Results.** The results office uploads one CP932 result file for the round (most pass,
   some pass the written test only, some fail) and commits it; the group is decided and
   announced: passes and part passes with their numbers.
5. **Certificates and notices.** Certify issues each pass's 合格証書 (PDF and electronic
   certificate) and sends the pass and part-pass notices (Mynaportal, or the post list); e-Gov
   gets a completion notice for each of its applications.
6. **National sync.** The records stream takes the examinees, sittings, passes and
   certificates to the fake national system.

:meth:`LifecycleRun.outcome` then reads what the system holds, independently of the functions'
own bookkeeping, into :class:`Outcome`: where every applicant ended, and the counts that prove
nothing was done twice or lost. Faults are the caller's business (:mod:`kentei_local.faults`,
the fake servers' fault modes): the run only waits, within its deadline, for the system to
settle.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from enum import StrEnum
from functools import partial
from pathlib import Path
from typing import Any, Final

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from kentei import catalog
from kentei.notice_records import FINAL_OUTCOMES
from kentei_local import cognito, leaks, probes
from kentei_local.bridges import (
    APPLICATION_FILE,
    ApiClient,
    Attachment,
    EgovBridge,
    MynaportalBridge,
    PaperDesk,
    Signer,
    application_document,
    build_package,
    my_number_check_digit,
    new_idempotency_key,
    sample_form,
    sample_pdf,
    sign_detached,
)
from kentei_local.demo import RESULT_HEADER
from kentei_local.national_compare import compare_stores
from kentei_local.resources import physical_name
from kentei_local.runtime import LocalRuntime
from kentei_local.testpki import FourItems, TestPki

PREFECTURE: Final = "13"
FISCAL_YEAR: Final = 2026
TERM: Final = "前期"
ROUND: Final[dict[str, int | str]] = {"fiscal_year": FISCAL_YEAR, "term": TERM}
TRADE: Final = "0301"
WORK: Final = "030101"
GRADE: Final = "2級"
GROUP: Final[dict[str, int | str]] = {
    **ROUND,
    "trade_code": TRADE,
    "work_code": WORK,
    "grade": GRADE,
}
MY_NUMBER_PREFIX: Final = "7"
"""The population's My Numbers: ``7`` and the applicant's index, with a correct check digit."""
SURNAMES: Final = ("青木", "石川", "上田", "遠藤", "大野", "加藤", "木村", "小林", "斎藤", "田中")
GIVEN_NAMES: Final = ("一郎", "花子", "次郎", "桜", "三郎", "葵", "健", "陽菜", "翔", "結衣")
SURNAMES_KANA: Final = (
    "あおき", "いしかわ", "うえだ", "えんどう", "おおの",
    "かとう", "きむら", "こばやし", "さいとう", "たなか",
)  # fmt: skip
GIVEN_NAMES_KANA: Final = (
    "いちろう", "はなこ", "じろう", "さくら", "さぶろう",
    "あおい", "けん", "ひな", "しょう", "ゆい",
)  # fmt: skip
PROBLEM: Final = "urn:kentei:problem:"
RESEND_FOR_S: Final = 120.0
"""How long a bridge keeps sending one application again (intake's in-progress marks last
as long as its timeout)."""
ENDED: Final = frozenset({"under_review", "accepted", "returned", "rejected", "held"})
"""Where verify leaves an application (``accepted`` once staff took it)."""


class Channel(StrEnum):
    MYNAPORTAL = "mynaportal"
    EGOV = "egov"
    PAPER = "paper"


class Flaw(StrEnum):
    """What is wrong with an application on purpose, and so where it must end."""

    FORGED = "forged"
    """The signed document changed after signing: verify rejects it."""
    UNKNOWN = "unknown"
    """A person the registry does not know: verify returns it."""
    BAD_MY_NUMBER = "bad_my_number"
    """A My Number whose check digit is wrong: intake refuses the request (422)."""


class Result(StrEnum):
    PASS = "pass"  # noqa: S105 (not a secret)
    PART_PASS = "part_pass"  # noqa: S105
    FAIL = "fail"


@dataclass(frozen=True)
class Applicant:
    index: int
    channel: Channel
    flaw: Flaw | None
    result: Result
    """How the applicant does in the exam, if they sit it."""

    @property
    def my_number(self) -> str:
        first = f"{MY_NUMBER_PREFIX}{self.index:010d}"
        return f"{first}{my_number_check_digit(first)}"

    @property
    def typed_my_number(self) -> str:
        """The My Number on the form: the last digit mistyped if that is the flaw."""
        if self.flaw is not Flaw.BAD_MY_NUMBER:
            return self.my_number
        return f"{self.my_number[:-1]}{(int(self.my_number[-1]) + 1) % 10}"

    @property
    def name(self) -> str:
        return f"{SURNAMES[self.index % 10]} {GIVEN_NAMES[self.index // 10 % 10]}"

    @property
    def name_kana(self) -> str:
        return f"{SURNAMES_KANA[self.index % 10]} {GIVEN_NAMES_KANA[self.index // 10 % 10]}"

    @property
    def birth_date(self) -> dt.date:
        return dt.date(1970, 1, 1) + dt.timedelta(days=37 * self.index % 12000)

    @property
    def sex(self) -> str:
        return "1" if self.index % 2 == 0 else "2"

    @property
    def address(self) -> str:
        return f"東京都江東区試験町{self.index // 100 + 1}丁目{self.index % 100 + 1}番"

    def form(self) -> dict[str, Any]:
        return sample_form(
            my_number=self.typed_my_number,
            name=self.name,
            name_kana=self.name_kana,
            birth_date=self.birth_date.isoformat(),
            sex=self.sex,
            address=self.address,
            postal_code="1350001",
            prefecture_code=PREFECTURE,
            trade_code=TRADE,
            work_code=WORK,
            grade=GRADE,
            **ROUND,
        )

    def four_items(self) -> FourItems:
        return FourItems(self.name, self.sex, self.birth_date, self.address)

    def registry_entry(self) -> dict[str, str]:
        return {
            "my_number": self.my_number,
            "name": self.name,
            "name_kana": self.name_kana,
            "birth_date": self.birth_date.isoformat(),
            "sex": self.sex,
            "address": self.address,
            "status": "current",
        }


def population(count: int) -> list[Applicant]:
    """``count`` applicants: six in ten through Mynaportal, two e-Gov, two paper; about one in
    sixteen flawed (one in forty-eight of each flaw an online channel allows); of those who
    sit, about a third pass, a quarter pass the written test only, the rest fail (2級's pass
    rates are of that order)."""
    applicants = []
    for index in range(count):
        channel = (
            Channel.MYNAPORTAL
            if index % 10 < 6
            else Channel.EGOV
            if index % 10 < 8
            else Channel.PAPER
        )
        flaw = _flaw(index, channel)
        turn = index % 20
        result = Result.PASS if turn < 7 else Result.PART_PASS if turn < 12 else Result.FAIL
        applicants.append(Applicant(index, channel, flaw, result))
    return applicants


def _flaw(index: int, channel: Channel) -> Flaw | None:
    turn = index % 48
    if turn == 7 and channel is not Channel.PAPER:
        return Flaw.FORGED
    if turn in (11, 23):
        return Flaw.UNKNOWN
    if turn == 41:
        return Flaw.BAD_MY_NUMBER
    return None


class RunFailedError(RuntimeError):
    """The run could not go on (a step answered what it never should, or its deadline passed)."""


@dataclass
class Submitted:
    applicant: Applicant
    status_code: int
    application_id: str | None
    problem_type: str | None = None


@dataclass
class Outcome:
    """What the system holds at the end of a run, read from its stores."""

    applicants: int = 0
    by_end: Counter[str] = field(default_factory=Counter)
    """Where each applicant ended: ``refused`` (by intake), an application status, ``lost``."""
    unexpected: list[str] = field(default_factory=list)
    """Applicants who ended elsewhere than their flaw (or none) says they must."""
    vault_entries: int = 0
    examinees: int = 0
    pseudonyms_shared: int = 0
    """資格仮名IDs that more than one applicant (each a different person) ended with."""
    sittings: int = 0
    exam_numbers_twice: int = 0
    passes: Counter[str] = field(default_factory=Counter)
    numbers_twice: int = 0
    """Passer, certificate or notice numbers assigned to more than one pass."""
    certificates: int = 0
    certificate_numbers_twice: int = 0
    certificates_missing: int = 0
    notices: Counter[str] = field(default_factory=Counter)
    """Sent notices by channel and kind (``mynaportal:pass``, ``post_list:part_pass``, ...)."""
    notices_twice: int = 0
    notices_missing: int = 0
    delivered: Counter[str] | None = None
    """With the HTTPS fakes (``https_links``): the notices Mynaportal and e-Gov hold, by
    channel, as they received them."""
    delivered_twice: int = 0
    """Notices a fake holds more than one of for the same person (or application) and kind."""
    link_faults: dict[str, dict[str, int]] = field(default_factory=dict)
    """The faults each HTTPS fake applied, by kind."""
    national_agree: bool = False
    national_differences: list[str] = field(default_factory=list)
    dead_letters: dict[str, int] = field(default_factory=dict)
    timeouts: dict[str, int] = field(default_factory=dict)
    """Invocations that ran past their function's timeout, by function (Lambda stops them)."""
    longest: dict[str, str] = field(default_factory=dict)
    """Each function's longest invocation against its timeout (``12.3/60 s``)."""
    stored_my_numbers: dict[str, int] = field(default_factory=dict)
    """Valid My Numbers held outside the vault (and the inbox), by resource."""
    leaking_lines: list[str] = field(default_factory=list)
    """Lines of the functions' output during the run that held a valid My Number (redacted)."""
    output_lines: int = 0
    seconds: dict[str, float] = field(default_factory=dict)

    def lines(self) -> list[str]:
        return [
            f"{self.applicants} applicants: "
            + ", ".join(f"{count} {end}" for end, count in sorted(self.by_end.items())),
            f"registered once: {self.vault_entries} vault entries, {self.examinees} examinees, "
            f"{self.pseudonyms_shared} 資格仮名IDs shared",
            f"numbered once: {self.sittings} sittings, {self.exam_numbers_twice} exam numbers "
            f"twice; passes {dict(self.passes)}, {self.numbers_twice} numbers twice; "
            f"{self.certificates} certificates, {self.certificate_numbers_twice} twice, "
            f"{self.certificates_missing} missing",
            f"notices {dict(sorted(self.notices.items()))}: {self.notices_twice} twice, "
            f"{self.notices_missing} missing",
            *(
                []
                if self.delivered is None
                else [
                    f"delivered as Mynaportal and e-Gov received them: {dict(self.delivered)}, "
                    f"{self.delivered_twice} twice; their faults {self.link_faults}"
                ]
            ),
            f"national side agrees: {self.national_agree}; dead letters: "
            f"{self.dead_letters or 'none'}",
            f"My Numbers outside the vault: {self.stored_my_numbers or 'none'} stored, "
            f"{len(self.leaking_lines)} of {self.output_lines} output lines",
            f"past their timeout: {self.timeouts or 'none'}; longest invocations: "
            + ", ".join(f"{name} {took}" for name, took in sorted(self.longest.items())),
            "seconds: " + ", ".join(f"{step} {s:.1f}" for step, s in self.seconds.items()),
        ]


class LifecycleRun:
    """One run over ``applicants`` in ``runtime`` (served over HTTP), its files in ``folder``."""

    def __init__(
        self,
        runtime: LocalRuntime,
        applicants: Sequence[Applicant],
        folder: Path,
        *,
        threads: int = 4,
        deadline_s: float = 600.0,
    ) -> None:
        self.runtime = runtime
        self.applicants = list(applicants)
        self.folder = folder
        self.threads = threads
        self.deadline = time.monotonic() + deadline_s
        self.submitted: list[Submitted] = []
        self.seconds: dict[str, float] = {}
        self._pki: TestPki | None = None
        self._key = folder / "cards" / "shared.key.pem"
        self._lock = threading.Lock()

    # -- the steps, in order ---------------------------------------------------------------

    def run(self) -> Outcome:
        """Every step in order; then what the stores hold, and the leak scans: the functions'
        output during the run, and every table, object version and queue after it."""
        steps = (
            ("setup", self.setup),
            ("intake", self.submit),
            ("verify", self.wait_verified),
            ("review", self.review),
            ("sessions", self.sessions),
            ("results", self.results),
            ("announce", self.announce),
            ("certify", self.wait_certified),
            ("national", self.wait_national),
        )
        with leaks.scanning_output() as output:
            for name, step in steps:
                started = time.monotonic()
                step()
                self.seconds[name] = time.monotonic() - started
        found = self.outcome()
        found.leaking_lines = output.leaking
        found.output_lines = output.lines
        started = time.monotonic()
        found.stored_my_numbers = leaks.stored_my_numbers(
            self.runtime.dynamodb(), self.runtime.s3(), self.runtime.sqs()
        )
        found.seconds["leak scan"] = time.monotonic() - started
        return found

    def setup(self) -> None:
        """The local JPKI-like CA trusted by verify, and the registry knowing the population
        (but the applicants flawed as unknown). One key for every card: a card's key is not
        what a run tests, and making a thousand RSA keys would take most of it."""
        import os

        from kentei.registry import SEED_ENV

        self.folder.mkdir(parents=True, exist_ok=True)
        self._pki = TestPki.create(self.folder / "pki")
        os.environ.update(self._pki.settings())
        known = [a.registry_entry() for a in self.applicants if a.flaw is not Flaw.UNKNOWN]
        links = self.runtime.links
        # The registry's HTTPS fake reads its seed again when it changes; the seed-file one
        # is named in the environment.
        seed = self.folder / "registry_seed.json" if links is None else links.registry_seed
        seed.write_text(json.dumps(known, ensure_ascii=False), encoding="utf-8")
        if links is None:
            os.environ[SEED_ENV] = str(seed)
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self._key.parent.mkdir(parents=True, exist_ok=True)
        self._key.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        self._shared_key = key

    def submit(self) -> None:
        """Every applicant applies once, from ``threads`` bridges at once."""
        with ThreadPoolExecutor(self.threads, thread_name_prefix="lifecycle-bridge") as pool:
            self.submitted = list(pool.map(self._apply, self.applicants))

    def wait_verified(self) -> None:
        """Until verify has ended every stored application."""
        expected = {s.application_id for s in self.submitted if s.application_id}

        def ended() -> bool | None:
            statuses = self.statuses()
            return all(statuses.get(a) in ENDED for a in expected) or None

        self._wait(ended, "every application verified")

    def review(self) -> None:
        """A reviewer accepts every application under review."""
        reviewer = self._staff_desk("reviewer")
        waiting = [a for a, s in self.statuses().items() if s == "under_review"]

        def accept(application_id: str) -> None:
            for _ in range(5):
                answer = reviewer.decide(application_id, "accept")
                if answer.status_code == 200:
                    return
                if answer.status_code < 500 and self._status(application_id) == "accepted":
                    return  # an earlier attempt's answer was lost: it is done
                if answer.status_code < 500:
                    raise RunFailedError(
                        f"accepting {application_id} answered {answer.status_code}: "
                        f"{answer.text[:300]}"
                    )
                time.sleep(0.5)
            raise RunFailedError(f"accepting {application_id} kept failing")

        with ThreadPoolExecutor(self.threads, thread_name_prefix="lifecycle-review") as pool:
            list(pool.map(accept, waiting))

    def sessions(self) -> None:
        """The sessions each part needs (the written test on the round's written date, each
        practical component a week apart in the practical period), as many rooms as the
        sittings fill, then the sittings seated."""
        from kentei.exams.catalogue import load_catalogue
        from kentei.exams.rounds import Round, load_rounds
        from kentei.sessions.model import MAX_CAPACITY, SessionPart

        office = self._staff("exam_admin")
        offer = load_catalogue().parts(TRADE, WORK, _grade())
        exam_round = load_rounds().round_for(FISCAL_YEAR, _term())
        if not isinstance(exam_round, Round):
            raise RunFailedError("the run's round is not a regular round")
        parts = [
            SessionPart.WRITTEN.value,
            *dict.fromkeys(SessionPart.of_component(c.kind).value for c in offer.practical),
        ]
        rooms = -(-len(self._items("SITTING#")) // MAX_CAPACITY)
        family = {"exam_round": ROUND, "trade_code": TRADE, "work_code": WORK, "grade": GRADE}
        for number, part in enumerate(parts):
            written = part == "written"
            day = (
                exam_round.written_date(_grade())
                if written
                else exam_round.practical_period.start + dt.timedelta(days=7 * number)
            )
            for room in range(rooms):
                draft = {
                    **family,
                    "part": part,
                    "exam_date": day.isoformat(),
                    "starts_at": "10:00" if written else "09:00",
                    "ends_at": "11:40" if written else "16:00",
                    "venue": {
                        "name": "東京都立城東職業能力開発センター",
                        "address": "東京都江東区東砂1-1-1",
                        "room": f"第{number * rooms + room + 1}教室",
                    },
                    "capacity": MAX_CAPACITY,
                }
                self._expect(partial(office.post, "/v1/sessions", draft), 201, "POST /v1/sessions")
            while self._expect(
                partial(office.post, "/v1/sessions/seating", {**family, "part": part}),
                200,
                "seating",
            ).get("remaining"):
                pass  # a run tries a bounded number of sittings: again until none remain

    def results(self) -> None:
        """One result file for the round, uploaded, checked and committed."""
        office = self._staff("results")
        rows = list(self._result_rows())
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(RESULT_HEADER)
        writer.writerows(rows)
        data = buffer.getvalue().encode("cp932")
        created = self._expect(
            lambda: office.post(
                "/v1/results/imports",
                {"source": "association", "exam_round": ROUND, "file_name": "結果.csv"},
            ),
            201,
            "POST /v1/results/imports",
        )
        import_id, upload = created["import_id"], created["upload"]
        for _ in range(5):
            try:
                put = requests.put(upload["url"], data=data, headers=upload["headers"], timeout=60)
            except requests.RequestException:
                continue
            if put.status_code == 200:
                break
        else:
            raise RunFailedError("the result file did not upload")
        checked = self._wait_import(office, import_id, {"validated", "refused"})
        if checked["status"] != "validated" or not checked["committable"]:
            raise RunFailedError(f"the result file was {checked['status']}: {checked['problems']}")
        self._expect(
            lambda: office.post(f"/v1/results/imports/{import_id}/commit", {}), 202, "the commit"
        )
        self._wait_import(office, import_id, {"committed"})

    def announce(self) -> None:
        """The group decided, then announced."""
        office = self._staff("results")
        sittings = len(self._items("SITTING#"))
        self._expect(lambda: office.post("/v1/results/decisions", GROUP), 202, "the decisions")
        self._wait(
            lambda: self._decisions(office, "decided") >= sittings or None, "every sitting decided"
        )
        self._expect(
            lambda: office.post("/v1/results/announcements", GROUP), 202, "the announcement"
        )
        self._wait(
            lambda: self._decisions(office, "announced") >= sittings or None,
            "every decision announced",
        )

    def wait_certified(self) -> None:
        """Until each pass has its 合格証書 (PDF and electronic) and each pass and part pass
        its notice sent or on the post list."""

        def done() -> bool | None:
            passes = [_json_of(p, "record") for p in self._items("PASS#")]
            full = {p["record_id"] for p in passes if p.get("certificate_number")}
            issued = {
                c["application_id"]
                for c in (_json_of(i, "certificate") for i in self._items("CERTIFICATE#"))
                if c.get("pdf_key") and c.get("vc_key")
            }
            noticed = {
                (n["application_id"], n["kind"])
                for n in (_json_of(i, "notice") for i in self._items("NOTICE#"))
                if n["outcome"] in FINAL_OUTCOMES
            }
            return (
                full <= issued and all((p["record_id"], p["kind"]) in noticed for p in passes)
            ) or None

        self._wait(done, "every certificate issued and every notice sent")

    def wait_national(self) -> None:
        """Until the queues are empty and the national side holds what we hold."""
        sqs = self.runtime.sqs()
        urls = [self.runtime.resources.queues[spec.name].url for spec in catalog.QUEUES]

        def settled() -> bool | None:
            if any(probes.messages_in(sqs, url) for url in urls):
                return None
            comparison = compare_stores(
                self.runtime.dynamodb(), physical_name("records"), self.runtime.national_endpoint
            )
            return comparison.agree or None

        self._wait(settled, "the national side holding what we hold", pause_s=2.0)

    # -- what the run ended with ---------------------------------------------------------

    def outcome(self) -> Outcome:
        found = Outcome(applicants=len(self.applicants), seconds=dict(self.seconds))
        statuses = self.statuses()
        pseudonyms = self._pseudonyms()
        ended_with: Counter[str] = Counter()
        for submitted in self.submitted:
            end = _end_of(submitted, statuses)
            found.by_end[end] += 1
            if end != _expected_end(submitted.applicant):
                found.unexpected.append(f"{submitted.applicant.index}: {end}")
            if submitted.application_id in pseudonyms:
                ended_with[pseudonyms[submitted.application_id]] += 1
        found.pseudonyms_shared = sum(1 for n in ended_with.values() if n > 1)
        found.vault_entries = self._vault_entries()
        found.examinees = len(self._items("EXAMINEE#"))
        sittings = [_json_of(s, "sitting") for s in self._items("SITTING#")]
        found.sittings = len(sittings)
        found.exam_numbers_twice = _twice(s.get("exam_number") for s in sittings)
        passes = [_json_of(p, "record") for p in self._items("PASS#")]
        found.passes = Counter(str(p.get("kind")) for p in passes)
        found.numbers_twice = sum(
            _twice(p.get(name) for p in passes if p.get(name))
            for name in ("passer_number", "certificate_number", "notice_number")
        )
        certificates = [_json_of(c, "certificate") for c in self._items("CERTIFICATE#")]
        certificates = [c for c in certificates if c.get("kind") == "printed"]
        found.certificates = len(certificates)
        found.certificate_numbers_twice = _twice(
            (c.get("certificate_number"), c.get("kind")) for c in certificates
        )
        issued_for = {c.get("application_id") for c in certificates}
        found.certificates_missing = sum(
            1 for p in passes if p.get("certificate_number") and p["record_id"] not in issued_for
        )
        notices = [_json_of(n, "notice") for n in self._items("NOTICE#")]
        for notice in notices:
            found.notices[f"{notice['channel']}:{notice['kind']}:{notice['outcome']}"] += 1
        found.notices_twice = _twice((n["application_id"], n["kind"]) for n in notices)
        noticed = {
            (n["application_id"], n["kind"]) for n in notices if n["outcome"] in FINAL_OUTCOMES
        }
        found.notices_missing = sum(
            1 for p in passes if (p["record_id"], p["kind"]) not in noticed
        ) + sum(
            1
            for s in self.submitted
            if s.applicant.channel is Channel.EGOV
            and s.application_id
            and (s.application_id, "completion") not in noticed
        )
        self._delivered(found)
        comparison = compare_stores(
            self.runtime.dynamodb(), physical_name("records"), self.runtime.national_endpoint
        )
        found.national_agree = comparison.agree
        found.national_differences = [] if comparison.agree else comparison.lines()[:20]
        sqs = self.runtime.sqs()
        for spec in catalog.QUEUES:
            dlq = self.runtime.resources.queues[spec.name].dlq_url
            if dlq and (count := probes.messages_in(sqs, dlq)):
                found.dead_letters[spec.name] = count
        for name, function in self.runtime.functions.items():
            if function.timeouts:
                found.timeouts[name] = function.timeouts
            if function.longest_ms:
                found.longest[name] = (
                    f"{function.longest_ms / 1000:.1f}/{function.spec.timeout_s} s"
                )
        return found

    def _delivered(self, found: Outcome) -> None:
        """What the HTTPS fakes of Mynaportal and e-Gov hold, as they received it."""
        links = self.runtime.links
        if links is None:
            return
        mynaportal = links.mynaportal.mynaportal.all_notices()
        egov = links.egov.egov.all_notices()
        found.delivered = Counter(mynaportal=len(mynaportal), egov=len(egov))
        found.delivered_twice = _twice((n.recipient, n.kind) for n in mynaportal) + _twice(
            n.application_id for n in egov
        )
        found.link_faults = links.fault_counts()

    def _status(self, application_id: str) -> str | None:
        item = (
            self.runtime.dynamodb()
            .get_item(
                TableName=physical_name("records"),
                Key={
                    "prefecture_code": {"S": PREFECTURE},
                    "record_key": {"S": f"APPLICATION#{application_id}"},
                },
                ConsistentRead=True,
            )
            .get("Item")
        )
        status = _json_of(item, "application").get("status") if item else None
        return str(status) if status else None

    def statuses(self) -> dict[str, str]:
        """Each stored application's status, by id."""
        return {
            item["record_key"]["S"].removeprefix("APPLICATION#"): _json_of(item, "application")[
                "status"
            ]
            for item in self._items("APPLICATION#")
        }

    # -- helpers -------------------------------------------------------------------------

    def _apply(self, applicant: Applicant) -> Submitted:
        """The applicant's request, as their channel's bridge (or the paper desk) sends it."""
        endpoints = self.runtime.endpoints
        files = [
            Attachment("experience-certificate.pdf", sample_pdf(label=f"exp-{applicant.index}"))
        ]
        client: ApiClient
        if applicant.channel is Channel.PAPER:
            client = PaperDesk(endpoints, PREFECTURE, "lifecycle-clerk")
            body: dict[str, Any] = PaperDesk.request_body(applicant.form())
        elif applicant.channel is Channel.MYNAPORTAL:
            document = application_document(applicant.form(), files)
            signature = sign_detached(document, self._signer(applicant))
            if applicant.flaw is Flaw.FORGED:
                document = document.replace(
                    b'"years_of_experience": 5', b'"years_of_experience": 9'
                )
            client = MynaportalBridge(endpoints)
            body = MynaportalBridge.request_body(
                document, signature, files, pseudonym_id=f"mp-lifecycle-{applicant.index:06d}"
            )
        else:
            document = application_document(applicant.form(), files, japanese=True)
            changed = (
                [Attachment(APPLICATION_FILE, document.replace(b"5", b"9", 1))]
                if applicant.flaw is Flaw.FORGED
                else []
            )
            package = build_package(
                document, files, self._signer(applicant), replace_after_signing=changed
            )
            client = EgovBridge(endpoints)
            body = EgovBridge.request_body(package)
        return self._send(applicant, client, body)

    def _send(self, applicant: Applicant, client: ApiClient, body: dict[str, Any]) -> Submitted:
        """Send, and send again with the same Idempotency-Key, as a bridge does: after a 5xx
        or no answer, and after a ``409 request-in-progress`` once its ``Retry-After`` has
        passed (the first request may still run, or may have stopped without finishing: the
        key is free again when its in-progress mark expires)."""
        key = new_idempotency_key()
        give_up = time.monotonic() + RESEND_FOR_S
        while time.monotonic() < give_up:
            try:
                response = client.post_application(body, idempotency_key=key).response
            except requests.RequestException:
                time.sleep(0.5)
                continue
            status = response.status_code
            answer = response.json() if response.content else {}
            if status >= 500:
                time.sleep(0.5)
                continue
            if status == 409 and answer.get("type") == f"{PROBLEM}request-in-progress":
                time.sleep(float(response.headers.get("Retry-After", "1")))
                continue
            return Submitted(
                applicant,
                status,
                answer.get("application_id") if status == 202 else None,
                answer.get("type") if status >= 400 else None,
            )
        raise RunFailedError(f"applicant {applicant.index}'s application kept failing")

    def _signer(self, applicant: Applicant) -> Signer:
        assert self._pki is not None
        issued = self._pki.signing_ca.issue_signature(applicant.four_items(), key=self._shared_key)
        certificate = self.folder / "cards" / f"{applicant.index:06d}.cert.pem"
        certificate.write_bytes(issued.certificate_pem)
        return Signer(key=self._key, certificate=certificate)

    def _staff(self, role: str) -> ApiClient:
        user = cognito.find_user(self.runtime.endpoints.staff_users, PREFECTURE, [role])
        return ApiClient(self.runtime.endpoints, f"staff:{PREFECTURE}:{user.username}:{role}")

    def _staff_desk(self, role: str) -> PaperDesk:
        user = cognito.find_user(self.runtime.endpoints.staff_users, PREFECTURE, [role])
        return PaperDesk(self.runtime.endpoints, PREFECTURE, user.username, roles=(role,))

    def _result_rows(self) -> Iterator[tuple[str, ...]]:
        by_pseudonym = self._results_by_pseudonym()
        for item in self._items("SITTING#"):
            sitting = _json_of(item, "sitting")
            result = by_pseudonym.get(str(sitting.get("application_id")), Result.FAIL)
            written, practical = {
                Result.PASS: (82, 74),
                Result.PART_PASS: (71, 40),
                Result.FAIL: (30, 20),
            }[result]
            base = (
                str(ROUND["fiscal_year"]),
                str(ROUND["term"]),
                WORK,
                GRADE,
                str(sitting["exam_number"]),
            )
            yield (*base, "学科", "", str(written), "")
            from kentei.exams.catalogue import load_catalogue

            offer = load_catalogue().parts(TRADE, WORK, _grade())
            for component in offer.practical:
                yield (*base, "実技", component.kind.value, str(practical), "")

    def _results_by_pseudonym(self) -> dict[str, Result]:
        return {s.application_id: s.applicant.result for s in self.submitted if s.application_id}

    def _decisions(self, office: ApiClient, status: str) -> int:
        answer = office.get("/v1/results/decisions", params={k: str(v) for k, v in GROUP.items()})
        if answer.status_code != 200:
            return 0
        return sum(1 for d in answer.json()["decisions"] if d["status"] == status)

    def _wait_import(self, office: ApiClient, import_id: str, wanted: set[str]) -> dict[str, Any]:
        def reached() -> dict[str, Any] | None:
            answer = office.get(f"/v1/results/imports/{import_id}")
            if answer.status_code != 200:
                return None
            body: dict[str, Any] = answer.json()
            return body if body["status"] in wanted else None

        found: dict[str, Any] = self._wait(reached, f"the import {'/'.join(sorted(wanted))}")
        return found

    def _items(self, prefix: str) -> list[dict[str, Any]]:
        """The records table's items of the prefecture whose key starts with ``prefix``."""
        pages = (
            self.runtime.dynamodb()
            .get_paginator("query")
            .paginate(
                TableName=physical_name("records"),
                KeyConditionExpression="prefecture_code = :p AND begins_with(record_key, :k)",
                ExpressionAttributeValues={":p": {"S": PREFECTURE}, ":k": {"S": prefix}},
                ConsistentRead=True,
            )
        )
        return [item for page in pages for item in page.get("Items", [])]

    def _pseudonyms(self) -> dict[str, str]:
        return {
            item["record_key"]["S"].removeprefix("APPLICATION#"): pseudonym
            for item in self._items("APPLICATION#")
            if (pseudonym := _json_of(item, "application").get("qualification_pseudonym_id"))
        }

    def _vault_entries(self) -> int:
        table = self.runtime.resources.tables["vault"]
        count = 0
        for page in self.runtime.dynamodb().get_paginator("scan").paginate(TableName=table):
            count += sum(1 for item in page.get("Items", []) if "ciphertext" in item)
        return count

    def _expect(
        self, send: Callable[[], requests.Response], status: int, what: str
    ) -> dict[str, Any]:
        """``send``'s answer, which must be ``status``; sent again after a 5xx or no answer,
        as staff would (a few times)."""
        for _ in range(5):
            try:
                response = send()
            except requests.RequestException:
                time.sleep(0.5)
                continue
            if response.status_code < 500:
                break
            time.sleep(0.5)
        else:
            raise RunFailedError(f"{what} kept failing")
        if response.status_code != status:
            raise RunFailedError(f"{what} answered {response.status_code}: {response.text[:300]}")
        body: dict[str, Any] = response.json() if response.content else {}
        return body

    def _wait(self, probe: Callable[[], Any], what: str, pause_s: float = 1.0) -> Any:
        while True:
            found = probe()
            if found is not None:
                return found
            if time.monotonic() > self.deadline:
                raise RunFailedError(f"the run's deadline passed before {what}")
            time.sleep(pause_s)


def _term() -> Any:
    from kentei.records.codes import Term

    return Term(TERM)


def _grade() -> Any:
    from kentei.records.codes import Grade

    return Grade(GRADE)


def _json_of(item: dict[str, Any], attribute: str) -> dict[str, Any]:
    raw = item.get(attribute, {}).get("S")
    if raw is None:
        return {}
    value: dict[str, Any] = json.loads(raw)
    return value


def _twice(values: Iterable[Any]) -> int:
    return sum(1 for n in Counter(v for v in values if v is not None).values() if n > 1)


def _end_of(submitted: Submitted, statuses: dict[str, str]) -> str:
    if submitted.application_id is None:
        return f"refused ({submitted.problem_type})"
    return statuses.get(submitted.application_id, "lost")


def _expected_end(applicant: Applicant) -> str:
    """Where an applicant must end: accepted, unless their flaw says otherwise (intake checks
    an e-Gov package's digests itself; verify checks a Mynaportal signature)."""
    if applicant.flaw is Flaw.BAD_MY_NUMBER:
        # Intake checks a paper form's items; a signed document is refused whole.
        refusal = "validation" if applicant.channel is Channel.PAPER else "invalid-document"
        return f"refused ({PROBLEM}{refusal})"
    if applicant.flaw is Flaw.FORGED:
        if applicant.channel is Channel.EGOV:
            return f"refused ({PROBLEM}digest-mismatch)"
        return "rejected"
    if applicant.flaw is Flaw.UNKNOWN:
        return "returned"
    return "accepted"
