"""A result file's import (R11) against the local backend: wall time of sync's check and
commit, the import process's peak memory, and the commit against raw ``batch_write_item``.

Each run starts its own moto server (a child process with every catalog resource: the local
backend) and seeds one prefecture's roster with a sitting per exam number, each of a work and
grade with 学科 and two practical components (0301 030101 2級): the file has three rows per
sitting. The roster's items are the data layer's own (the application, the sitting and its
exam number's claim, as :mod:`kentei.data.applications` and :mod:`kentei.data.roster` build
them), put 25 to a ``batch_write_item``; the examinee and the audit entries, which an import
never reads, are left out.

The file is CSV in CP932 in the documented default mapping (``association``), written a row at
a time to a temporary file. It is uploaded as staff upload one: the ``IMPORT#`` record intake
creates, then a presigned PUT with the SSE-KMS headers; the bucket's S3 notification is taken
from sync's queue and decoded as sync decodes it.

The import runs in a fresh interpreter per run, so its memory is its own: sync's deployed
:class:`~sync.dependencies.Dependencies` pointed at the endpoint, :func:`sync.imports.file_uploaded`
(the check, timed), the import set ``committing`` as intake's commit sets it (untimed), then
:func:`sync.imports.commit` (its re-check and the writes, timed). The peak is ``ru_maxrss``
after both; the growth is that peak less the resident size before the check (the interpreter
and its imports).

The baseline, in another fresh interpreter at the same endpoint: the items the commit wrote
(a score and its history entry per row, built by :class:`kentei.data.results.PrefectureScores`
for the same rows) put 25 to a ``batch_write_item`` with a plain boto3 client, into another
prefecture's partition (new items, as the commit's were); only the calls are timed.

Figures are medians over the runs of each size. No figure fails anything: the script exits 1
only when an import did not check clean or did not commit every row.

The commit goes page by page (:data:`sync.imports.COMMIT_PAGE_ROWS` rows a message): the
next pages sync sends are delivered here in turn, in the same interpreter (a warm container,
so the later pages use the directory the first page re-checked against), and the commit's
time is all its pages'.

``make bench`` runs the issue's sizes, 30,000 rows three times and 300,000 once: about half
an hour on a busy two-core machine, most of it seeding 100,000 sittings into moto and the raw
baseline of 600,000 items (``--rows 3000 30000 --runs 3 1`` is a quicker look).
Measured (2 cores, load average about 4 from other workers, 2026-12-07 03:11 UTC,
``--rows 30000 300000 --runs 1 1``): 30,000 rows checked in 10.8 s and committed in 44.9 s
(writes 33.0 s) against 35.0 s of raw writes (1.28x), peak 88.6 MiB (growth 31.5 MiB);
300,000 rows in 121.2 s and 672.7 s (writes 444.6 s) against 330.6 s (2.03x: the 30 pages
each read the file again up to their start), peak 119.7 MiB (1.35x; growth 62.7 MiB, the
directory of 100,000 sittings against 10,000), the run 24 minutes with seeding.
Before the local moto answered a query from the one partition
(:mod:`kentei_local.moto_query`) and the directory was made compact, 30,000 rows took 68.8 s
to check and 147 s to commit (raw 100 s, a more loaded machine), peak 146 MiB.

    .venv/bin/python bench/result_import.py [--rows 30000 300000] [--runs 3 1]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import boto3
import requests

from moto_child import moto_child

if TYPE_CHECKING:
    from kentei.data.results import Applied, ScoreRow
    from sync.import_ports import ScoreStore

ROOT: Final = Path(__file__).resolve().parents[1]
PREFECTURE: Final = "13"
BASELINE_PREFECTURE: Final = "14"
"""The raw writes go to this prefecture's partition: new items, as the commit's were."""
TRADE: Final = "0301"
WORK: Final = "030101"
GRADE: Final = "2級"
FISCAL_YEAR: Final = 2026
TERM: Final = "前期"
SOURCE: Final = "association"
"""The documented default mapping (``kentei/results/imports/mappings.json``)."""
NAME: Final = "見本 太郎"
"""The optional 氏名 column: a sample name, within JIS X 0208 (no warnings)."""
SLOTS: Final = (("学科", ""), ("実技", "製作等作業試験"), ("実技", "判断等試験"))
"""A sitting's rows: 学科 and the practical components of 030101 2級."""
BATCH: Final = 25
"""``BatchWriteItem``'s limit."""
ACCEPTED_AT: Final = dt.datetime(2026, 5, 20, 9, 0, tzinfo=dt.UTC)
STAFF: Final = f"results-{PREFECTURE}"
KIB_PER_MIB: Final = 1024
DEFAULT_ROWS: Final = (30_000, 300_000)
DEFAULT_RUNS: Final = (3, 1)
"""What ``make bench`` runs: the issue's sizes (30,000 rows three times, 300,000 once)."""


@dataclass(frozen=True)
class Seated:
    """A seeded sitting, as the file names it."""

    application_id: str
    exam_number: str


@dataclass(frozen=True)
class Figures:
    """One run."""

    rows: int
    check_s: float
    commit_s: float
    writes_s: float
    raw_s: float
    peak_kib: int
    before_kib: int


def score(sitting: int, slot: int) -> int:
    """A sitting's score in a slot (0-100, spread so decisions would vary)."""
    return (sitting * 37 + slot * 11) % 101


# The parent: seed, write and upload the file (untimed) -----------------------------------


def seed(sittings: int) -> list[Seated]:
    """``sittings`` registered sittings on the prefecture's roster (in the handler environment):
    the data layer's items for one accepted application, copied with each sitting's ids."""
    from kentei import aws, settings
    from kentei.applications.model import (
        Application,
        Channel,
        Status,
        StatusChange,
        new_application_id,
    )
    from kentei.data.applications import PrefectureApplications
    from kentei.data.roster import PrefectureRoster
    from kentei.records.applicant import Applicant
    from kentei.roster.exam_numbers import schemes
    from kentei.roster.registration import registration_of
    from kentei_local.bridges import sample_form

    class NewPeople(PrefectureRoster):
        """The roster's writes for people not on it yet (every seeded person is new), without
        reading the examinee first."""

        def _get(self, record_key: str) -> dict[str, Any] | None:
            return None

    form = sample_form(my_number=None, trade_code=TRADE, work_code=WORK, grade=GRADE)
    steps = (Status.RECEIVED, Status.VERIFYING, Status.UNDER_REVIEW, Status.ACCEPTED)
    template = Application(
        application_id=new_application_id(PREFECTURE, ACCEPTED_AT),
        prefecture_code=PREFECTURE,
        channel=Channel.MYNAPORTAL,
        status=Status.ACCEPTED,
        received_at=ACCEPTED_AT,
        form=Applicant.model_validate(form),
        inbox_key="inbox/bench",
        mynaportal_pseudonym_id="mp-bench",
        submitted_by="bridge:mynaportal",
        history=tuple(StatusChange(status=s, at=ACCEPTED_AT, by="bench") for s in steps),
        qualification_pseudonym_id="bench-person",
    )
    registration = registration_of(template)
    scheme = schemes().of(PREFECTURE)
    accepted = registration.sitting(scheme, 1, at=ACCEPTED_AT, by=f"staff:{PREFECTURE}:bench")
    applications, roster = PrefectureApplications(PREFECTURE), NewPeople(PREFECTURE)
    table, dynamodb = settings.table_name("records"), aws.dynamodb()
    seated: list[Seated] = []
    pending: list[Any] = []
    for index, exam_number in enumerate(_exam_numbers(sittings)):
        ids = {
            "application_id": new_application_id(PREFECTURE, ACCEPTED_AT),
            "qualification_pseudonym_id": f"bench-person-{index:07d}",
        }
        application = template.model_copy(update=ids)
        sitting = accepted.model_copy(update={**ids, "exam_number": exam_number})
        put = applications._put_application(application, 1, f"bench-{index}", expected=None)
        writes = roster.registration_writes(registration.examinee, sitting, ACCEPTED_AT)
        items = [put["Put"]["Item"], *(w["Put"]["Item"] for w in writes if "Put" in w)]
        pending += [{"PutRequest": {"Item": item}} for item in items]
        while len(pending) >= BATCH:
            put_batch(dynamodb, table, pending[:BATCH])
            del pending[:BATCH]
        seated.append(Seated(sitting.application_id, exam_number))
    if pending:
        put_batch(dynamodb, table, pending)
    return seated


def _exam_numbers(count: int) -> Iterator[str]:
    """The prefecture's exam numbers of the round in sequence, skipping any that would read as
    a My Number (as the roster's draw does)."""
    from kentei.records.codes import Grade
    from kentei.roster.exam_numbers import LooksLikeMyNumberError, schemes
    from kentei.roster.parts import ExamRound

    scheme = schemes().of(PREFECTURE)
    exam_round = ExamRound.model_validate({"fiscal_year": FISCAL_YEAR, "term": TERM})
    seq = made = 0
    while made < count:
        seq += 1
        try:
            number = scheme.number(exam_round, TRADE, WORK, Grade(GRADE), seq)
        except LooksLikeMyNumberError:
            continue
        made += 1
        yield number


def put_batch(dynamodb: Any, table: str, requests_: Sequence[Any]) -> None:
    answer = dynamodb.batch_write_item(RequestItems={table: list(requests_)})
    if answer.get("UnprocessedItems"):
        raise RuntimeError("the local backend left writes unprocessed")


def write_file(seated: Sequence[Seated], path: Path) -> int:
    """The file in CP932, every column of the default mapping in its order, a row at a time;
    the number of data rows."""
    from kentei.results.imports.mappings import ResultField, load_mappings

    mapping = load_mappings().source(SOURCE)
    fields = [column.field for column in mapping.columns]
    no = {
        ResultField.ABSENT: mapping.values.absent.no[0],
        ResultField.BELOW_MINIMUM: mapping.values.below_minimum.no[0],
    }
    rows = 0
    with path.open("w", encoding="cp932", newline="") as target:
        writer = csv.writer(target, lineterminator="\r\n")
        writer.writerow([column.header for column in mapping.columns])
        for index, one in enumerate(seated):
            for slot, (part, component) in enumerate(SLOTS):
                cells = {
                    ResultField.FISCAL_YEAR: str(FISCAL_YEAR),
                    ResultField.TERM: TERM,
                    ResultField.WORK_CODE: WORK,
                    ResultField.GRADE: GRADE,
                    ResultField.EXAM_NUMBER: one.exam_number,
                    ResultField.PART: part,
                    ResultField.COMPONENT: component,
                    ResultField.SCORE: str(score(index, slot)),
                    ResultField.NAME: NAME,
                    **no,
                }
                writer.writerow([cells[field] for field in fields])
                rows += 1
    return rows


def upload(path: Path) -> str:
    """The import as staff make it (its record, the presigned PUT of the file); the body of the
    bucket's notification as it reached sync's queue."""
    from kentei import aws, settings
    from kentei.data.result_files import ResultFiles
    from kentei.data.result_imports import PrefectureImports
    from kentei.results.imports.record import (
        UPLOAD_EXPIRES_S,
        ImportStatus,
        ResultImport,
        new_import_id,
    )
    from kentei.roster.parts import ExamRound

    now = dt.datetime.now(dt.UTC)
    record = ResultImport(
        import_id=new_import_id(PREFECTURE, now),
        prefecture_code=PREFECTURE,
        source=SOURCE,
        exam_round=ExamRound.model_validate({"fiscal_year": FISCAL_YEAR, "term": TERM}),
        status=ImportStatus.AWAITING_UPLOAD,
        file_name="結果.csv",
        created_by=STAFF,
        created_at=now,
        updated_at=now,
    )
    PrefectureImports(PREFECTURE).create(record)
    link = ResultFiles().upload(record.object_key, UPLOAD_EXPIRES_S)
    with path.open("rb") as body:
        put = requests.put(link.url, data=body, headers=link.headers, timeout=300)
    if put.status_code != 200:
        raise RuntimeError(f"the presigned PUT answered {put.status_code}")
    queue = settings.queue_url("sync")
    for _ in range(20):
        answer = aws.sqs().receive_message(QueueUrl=queue, WaitTimeSeconds=1)
        for message in answer.get("Messages", []):
            aws.sqs().delete_message(QueueUrl=queue, ReceiptHandle=message["ReceiptHandle"])
            if record.import_id in message["Body"]:
                return message["Body"]
    raise RuntimeError("the bucket's notification did not reach sync's queue")


# The children: the import, and the raw writes (each a fresh interpreter) ------------------


def resident_kib() -> int:
    """This process's resident size now (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


class _Timed:
    """The commit's score store (the deployed one), its ``record_many`` timed: the reads of
    the stored scores and the writes, without the re-check."""

    def __init__(self) -> None:
        self.spent = 0.0

    def wrap(self, store: ScoreStore) -> ScoreStore:
        timed = self

        class Store:
            def record_many(
                self, rows: Iterable[ScoreRow], *, source: str, at: dt.datetime, by: str
            ) -> Applied:
                started = time.perf_counter()
                try:
                    return store.record_many(rows, source=source, at=at, by=by)
                finally:
                    timed.spent += time.perf_counter() - started

        return Store()


def import_child(job: dict[str, Any]) -> dict[str, Any]:
    """Check, then commit, the uploaded file with sync's own code and deployed adapters."""
    from kentei.data.result_imports import PrefectureImports
    from kentei.messages import ResultFileUploaded, ResultImportCommit, decode
    from kentei.results.imports.record import ImportStatus
    from sync.dependencies import dependencies
    from sync.imports import commit, file_uploaded

    message = decode(job["message"])
    if not isinstance(message, ResultFileUploaded):
        raise RuntimeError(f"the notification decoded as {message.kind}")
    deployed = dependencies()
    writes = _Timed()
    ports = deployed.imports
    pages: list[ResultImportCommit] = []

    class NextPages:
        """The commit's next pages, delivered here in turn (as sync's queue would)."""

        def send(self, page: object) -> None:
            if not isinstance(page, ResultImportCommit):
                raise TypeError(f"sync sent a {type(page).__name__}")
            pages.append(page)

    deps = replace(
        deployed,
        imports=replace(
            ports,
            scores=lambda prefecture: writes.wrap(ports.scores(prefecture)),
            sync_queue=NextPages(),
        ),
    )
    before = resident_kib()
    started = time.perf_counter()
    checked = file_uploaded(message, deps)
    check_s = time.perf_counter() - started
    counts = checked.counts
    if checked.status is not ImportStatus.VALIDATED or not checked.committable or counts is None:
        raise RuntimeError(f"the import was {checked.status.value}, not clean: {counts}")
    store = PrefectureImports(message.prefecture_code)
    committing = checked.model_copy(
        update={"status": ImportStatus.COMMITTING, "committed_by": STAFF}
    )
    if not store.save(committing, {ImportStatus.VALIDATED}):
        raise RuntimeError("the import changed before its commit")
    request = ResultImportCommit(
        import_id=message.import_id, prefecture_code=message.prefecture_code, requested_by=STAFF
    )
    started = time.perf_counter()
    committed = commit(request, deps)
    delivered = 1
    while pages:
        committed = commit(pages.pop(0), deps)
        delivered += 1
    commit_s = time.perf_counter() - started
    applied = committed.applied
    return {
        "import_id": message.import_id,
        "status": committed.status.value,
        "rows": counts.rows,
        "valid": counts.valid,
        "written": None if applied is None else applied.written,
        "check_s": check_s,
        "commit_s": commit_s,
        "pages": delivered,
        "writes_s": writes.spent,
        "before_kib": before,
        "peak_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }


def raw_child(job: dict[str, Any]) -> dict[str, Any]:
    """The commit's items for the same rows, put with plain ``batch_write_item`` calls."""
    from kentei import settings
    from kentei.data.results import PrefectureScores, ScoreChange, ScoreRow
    from kentei.exams.parts import ComponentKind
    from kentei.results.decision import ScoreEntry
    from kentei.roster.parts import Part

    scores = PrefectureScores(BASELINE_PREFECTURE)
    table = settings.table_name("records")
    dynamodb = boto3.client("dynamodb")
    at = dt.datetime.now(dt.UTC)
    source = job["import_id"]
    spent = 0.0
    written = 0
    pending: list[Any] = []

    def flush(requests_: list[Any]) -> None:
        nonlocal spent, written
        started = time.perf_counter()
        put_batch(dynamodb, table, requests_)
        spent += time.perf_counter() - started
        written += len(requests_)

    row = 2
    for index, application_id in enumerate(job["applications"]):
        for slot, (part, component) in enumerate(SLOTS):
            entry = ScoreEntry(
                part=Part.WRITTEN if part == "学科" else Part.PRACTICAL,
                component=ComponentKind(component) if component else None,
                score=score(index, slot),
            )
            one = ScoreRow(application_id=application_id, entry=entry, row=row)
            change = ScoreChange(
                application_id=application_id,
                at=at,
                by=STAFF,
                before=None,
                before_source=None,
                after=entry,
                after_source=source,
            )
            pending.append({"PutRequest": {"Item": scores._score_item(one, source, at, STAFF)}})
            pending.append({"PutRequest": {"Item": scores._history_item(change, entry)}})
            row += 1
            if len(pending) >= BATCH:
                flush(pending[:BATCH])
                del pending[:BATCH]
    if pending:
        flush(pending)
    return {"raw_s": spent, "items": written}


CHILDREN: Final = {"import": import_child, "raw": raw_child}


def in_child(kind: str, env: dict[str, str], job: dict[str, Any]) -> dict[str, Any]:
    """``kind`` run in a fresh interpreter in ``env``; its answer (the last line it prints)."""
    done = subprocess.run(
        [sys.executable, __file__, "--child", kind],
        input=json.dumps(job),
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the {kind} child failed:\n{done.stderr[-4000:]}")
    answer: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return answer


# One run, and the report ------------------------------------------------------------------


def run(sittings: int, folder: Path) -> Figures:
    """Seed a fresh local backend, upload the file, import it, then the baseline."""
    from kentei import aws
    from kentei_local.environment import handler_environment, patched_environ

    with moto_child() as moto:
        env = {
            **handler_environment(moto["endpoint"]),
            **moto["env"],
            "POWERTOOLS_LOG_LEVEL": "WARNING",
        }
        with patched_environ(env):
            aws.reset()
            try:
                seated = seed(sittings)
                path = folder / "results.csv"
                rows = write_file(seated, path)
                message = upload(path)
                path.unlink()
                child_env = dict(os.environ)
            finally:
                aws.reset()
        done = in_child("import", child_env, {"message": message})
        if done["status"] != "committed" or done["rows"] != rows or done["written"] != rows:
            raise RuntimeError(
                f"{rows} rows: the import was {done['status']} with {done['rows']} rows "
                f"checked and {done['written']} written"
            )
        raw = in_child(
            "raw",
            child_env,
            {
                "import_id": done["import_id"],
                "applications": [one.application_id for one in seated],
            },
        )
        if raw["items"] != 2 * rows:
            raise RuntimeError(f"the baseline wrote {raw['items']} items, not {2 * rows}")
    return Figures(
        rows=rows,
        check_s=done["check_s"],
        commit_s=done["commit_s"],
        writes_s=done["writes_s"],
        raw_s=raw["raw_s"],
        peak_kib=done["peak_kib"],
        before_kib=done["before_kib"],
    )


def progress(one: Figures, seconds: float) -> None:
    print(
        f"  {one.rows} rows: check {one.check_s:.1f} s, commit {one.commit_s:.1f} s "
        f"(writes {one.writes_s:.1f} s), raw {one.raw_s:.1f} s, "
        f"peak {one.peak_kib / KIB_PER_MIB:.1f} MiB (the run took {seconds:.0f} s with seeding)",
        flush=True,
    )


def report(figures: dict[int, list[Figures]]) -> None:
    print(
        "result import: sync's check and commit of a CP932 file (3 rows a sitting), moto in a "
        "child process, the import in a fresh interpreter per run; medians"
    )
    print(
        "  commit = its re-check (the roster read again) + writes (record_many: the stored "
        "scores read, the new ones written); raw = the same items by batch_write_item, 25 a call"
    )
    print(
        f"{'rows':>8} {'runs':>4} {'check s':>8} {'commit s':>9} {'writes s':>9} {'raw s':>7} "
        f"{'commit/raw':>10} {'writes/raw':>10} {'peak MiB':>9} {'growth MiB':>10}"
    )
    peaks: dict[int, float] = {}
    growths: dict[int, float] = {}
    for rows, runs in sorted(figures.items()):
        check = statistics.median(f.check_s for f in runs)
        commit = statistics.median(f.commit_s for f in runs)
        writes = statistics.median(f.writes_s for f in runs)
        raw = statistics.median(f.raw_s for f in runs)
        ratio = statistics.median(f.commit_s / f.raw_s for f in runs)
        writes_ratio = statistics.median(f.writes_s / f.raw_s for f in runs)
        peaks[rows] = statistics.median(f.peak_kib for f in runs) / KIB_PER_MIB
        growths[rows] = statistics.median(f.peak_kib - f.before_kib for f in runs) / KIB_PER_MIB
        print(
            f"{rows:>8} {len(runs):>4} {check:>8.1f} {commit:>9.1f} {writes:>9.1f} {raw:>7.1f} "
            f"{ratio:>10.2f} {writes_ratio:>10.2f} {peaks[rows]:>9.1f} {growths[rows]:>10.1f}"
        )
    if len(peaks) > 1:
        small, large = min(peaks), max(peaks)
        print(
            f"peak of {large:,} rows / {small:,} rows: {peaks[large] / peaks[small]:.2f}x; "
            f"growth above the interpreter and its imports: "
            f"{growths[large] / max(growths[small], 0.1):.2f}x"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=list(DEFAULT_ROWS))
    parser.add_argument(
        "--runs",
        type=int,
        nargs="+",
        default=list(DEFAULT_RUNS),
        help="per size, in the order of --rows",
    )
    parser.add_argument("--child", choices=sorted(CHILDREN), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(CHILDREN[args.child](json.load(sys.stdin))))
        return
    if len(args.runs) not in (1, len(args.rows)):
        parser.error("--runs takes one count, or one per size")
    counts = args.runs * len(args.rows) if len(args.runs) == 1 else args.runs
    figures: dict[int, list[Figures]] = {}
    with tempfile.TemporaryDirectory(prefix="kentei-bench-import-") as work:
        for rows, runs in zip(args.rows, counts, strict=True):
            sittings = -(-rows // len(SLOTS))
            for _ in range(runs):
                started = time.monotonic()
                one = run(sittings, Path(work))
                figures.setdefault(one.rows, []).append(one)
                progress(one, time.monotonic() - started)
    report(figures)


if __name__ == "__main__":
    try:
        main()
    except RuntimeError as exc:
        print(f"result import bench failed: {exc}", file=sys.stderr)
        sys.exit(1)
