"""``python -m kentei_local reconcile --endpoint URL [--prefecture 13]``: reconciliation with the
(fake) national system, now, against a running local runtime, and its report printed.

It runs :func:`sync.national_reconcile.reconcile_prefecture` in this process, as sync would for
a ``national_reconcile_prefecture`` message, for each prefecture named (default: each that holds
synced items or sent marks), with sync's deployed ports pointed at the runtime: the records
table and the FIFO national queue at ``--endpoint`` (moto, as ``serve`` prints it), the fake
national system as ``runtime.json`` names it (``--runtime``; default: the state folder's). The
records sent again go onto the national queue, where the runtime's sync sends them; the
report is kept, as deployed, and printed: counts, kinds, record ids and versions, never a
value. A second run of the same instant (``--at``) counts again and sends nothing twice.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Final, TextIO

from kentei import aws, catalog, prefectures
from kentei.messages import NationalReconcilePrefecture
from kentei.national.https import ENVIRONMENT as NATIONAL_ENVIRONMENT
from kentei.national.model import RecordKind
from kentei.national.reconciliation import KindCounts, ReconcileReport

COLUMNS: Final = tuple(KindCounts.model_fields)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--endpoint", required=True, help="the local runtime's moto URL")
    parser.add_argument(
        "--prefecture",
        choices=sorted(prefectures.NAMES),
        action="append",
        metavar="CODE",
        help="a prefecture to reconcile (repeatable; default: each with synced records)",
    )
    parser.add_argument(
        "--runtime",
        type=Path,
        help="the runtime's runtime.json (default: the state folder's, as serve writes it)",
    )
    parser.add_argument(
        "--at",
        type=datetime.fromisoformat,
        help="the run's instant, ISO 8601 with a zone (default: now): the same instant is "
        "the same run",
    )


def run(codes: Sequence[str] | None, at: datetime, out: TextIO) -> list[ReconcileReport]:
    """Reconcile ``codes`` (None: each prefecture with synced records) in this process's
    environment, printing each report; the reports."""
    # Imported here: sync's modules need the environment this command sets up first.
    from sync import reconcile_ports
    from sync.national_reconcile import reconcile_prefecture

    ports = reconcile_ports.deployed()
    if codes is None:
        codes = [code for code in sorted(prefectures.NAMES) if ports.ours(code).has_synced()]
    reports = []
    for code in codes:
        message = NationalReconcilePrefecture(prefecture_code=code, scheduled_at=at)
        report = reconcile_prefecture(message, ports, _now)
        print_report(report, out)
        reports.append(report)
    if not reports:
        print("no prefecture holds synced records", file=out)
    return reports


def _now() -> datetime:
    return datetime.now(UTC)


def print_report(report: ReconcileReport, out: TextIO) -> None:
    print(
        f"prefecture {report.prefecture_code}, run {report.run_id} (attempt {report.attempt}): "
        f"{report.total('compared')} compared, {report.total('differing')} differing, "
        f"{report.total('repaired')} repaired, {report.total('conflicts')} conflicts, "
        f"{report.total('pending')} pending",
        file=out,
    )
    widths = [max(len(kind) for kind in RecordKind), *(len(name) for name in COLUMNS)]
    print("  " + _row(("kind", *COLUMNS), widths), file=out)
    for kind, counts in report.kinds.items():
        values = [str(getattr(counts, name)) for name in COLUMNS]
        print("  " + _row((kind.value, *values), widths), file=out)
    for repair in report.repairs:
        what = f"{repair.kind.value} {repair.record_id}"
        print(f"  sent again: {what} as version {repair.version} ({repair.reason})", file=out)
    for conflict in report.conflicts:
        print(
            f"  conflict: {conflict.kind.value} {conflict.record_id} ({conflict.conflict_id})",
            file=out,
        )
    for pending in report.pending:
        print(f"  pending with staff: {pending.kind.value} {pending.record_id}", file=out)


def _row(cells: Sequence[str], widths: Sequence[int]) -> str:
    first, *rest = cells
    return " ".join(
        [first.ljust(widths[0]), *(c.rjust(w) for c, w in zip(rest, widths[1:], strict=True))]
    )


def environment(endpoint: str, runtime_file: Path) -> dict[str, str]:
    """The handlers' environment against the runtime at ``endpoint``: sync's table and queues by
    their local names, the fake national system and sync's side of its mutual TLS."""
    import boto3

    from kentei_local.endpoints import LocalEndpoints
    from kentei_local.environment import FAKE_CREDENTIALS, handler_environment
    from kentei_local.resources import physical_name

    national = LocalEndpoints.load(runtime_file).national
    if national is None:
        raise ValueError(f"{runtime_file} names no national system")
    sqs = boto3.Session(
        aws_access_key_id=FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=FAKE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        region_name=catalog.REGION,
    ).client("sqs", endpoint_url=endpoint)
    env = handler_environment(endpoint)
    for table in catalog.TABLES:
        env[table.env_var] = physical_name(table.name)
    for name in (catalog.NATIONAL_QUEUE, "sync"):
        queue = catalog.queue(name)
        env[queue.env_var] = sqs.get_queue_url(QueueName=physical_name(name) + queue.suffix)[
            "QueueUrl"
        ]
    return env | {
        NATIONAL_ENVIRONMENT["url"]: national.url,
        NATIONAL_ENVIRONMENT["client_cert"]: str(national.client.cert),
        NATIONAL_ENVIRONMENT["client_key"]: str(national.client.key),
        NATIONAL_ENVIRONMENT["ca_bundle"]: str(national.ca_file),
    }


def main(args: argparse.Namespace, out: TextIO) -> int:
    from kentei_local.demo import demo_folder
    from kentei_local.endpoints import RUNTIME_FILE
    from kentei_local.environment import patched_environ
    from kentei_local.settings import LocalSettings

    runtime_file = args.runtime
    if runtime_file is None:
        state = LocalSettings.from_env(default_state_dir=demo_folder()).state_dir
        runtime_file = (state or demo_folder()) / RUNTIME_FILE
    at = args.at or datetime.now(UTC).replace(microsecond=0)
    if at.tzinfo is None:
        raise ValueError("--at needs a time zone (Z or +09:00)")
    with patched_environ(environment(args.endpoint, runtime_file)):
        from sync.national_ports import national_system

        aws.reset()
        national_system.cache_clear()
        try:
            run(args.prefecture, at, out)
        finally:
            aws.reset()
            national_system.cache_clear()
    return 0
