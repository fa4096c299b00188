"""``python -m kentei_local serve|demo|redrive|compare-national|reconcile``: the local runtime
in the foreground, the smoke flow, an operator's redrive of a queue's DLQ
(:mod:`kentei_local.redrive`), the comparison of our records with the fake national system's
(:mod:`kentei_local.national_compare`), or a reconciliation with it now
(:mod:`kentei_local.reconcile`).

``serve`` prints ``moto: URL``, ``bridge: URL`` (the bridge port, HTTPS with client
certificates), ``public: URL`` (the public port: the verification page is its ``/verify``),
``national: URL`` (the fake national qualifications system, mutual TLS), ``runtime: PATH``
(``runtime.json``: the URLs, the local CA, the Cognito pool, its users and the bridges'
certificates; in ``.local/`` unless ``KENTEI_LOCAL_STATE_DIR`` names another
folder) and then ``ready: URL`` (the staff port) once resources are provisioned and
``GET /v1/health`` answered 200 on the three ports, runs until SIGINT or SIGTERM, and stops
everything before it exits 0. It also stops when its parent process goes away, and, with
``--stop-on-stdin-eof``, when its standard input closes (what a test harness that holds the
pipe wants). ``demo`` starts the runtime, runs :func:`kentei_local.demo.smoke_steps`, stops,
and exits 0 only if every step passed; it prints its narrative on the terminal and sends the
functions' JSON log lines and metrics to a log file under ``.local/logs/`` (or ``--log-file``),
named at the end.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from types import FrameType
from typing import Final

from kentei_local import demo, national_compare, reconcile, redrive
from kentei_local.process import BRIDGE_PREFIX, MOTO_PREFIX, READY_PREFIX, RUNTIME_PREFIX
from kentei_local.runtime import LocalRuntime
from kentei_local.settings import DEFAULT_PORT, LocalSettings

_PARENT_POLL_S: Final = 0.5

logger = logging.getLogger("kentei_local")


OPERATOR_COMMANDS: Final[dict[str, Callable[[argparse.Namespace], int]]] = {
    "redrive": lambda args: redrive.main(args, sys.stdout),
    "compare-national": lambda args: national_compare.main(args, sys.stdout, sys.stderr),
    "reconcile": lambda args: reconcile.main(args, sys.stdout),
}
"""The commands that work on a running local runtime (or a deployment), by name."""


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kentei_local", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve_parser = commands.add_parser("serve", help="run the local system until stopped")
    serve_parser.add_argument(
        "--stop-on-stdin-eof", action="store_true", help="stop when standard input closes"
    )
    demo_parser = commands.add_parser("demo", help="run the smoke flow and stop")
    demo_parser.add_argument(
        "--log-file",
        type=Path,
        help="where the functions' logs and metrics go (default: a new file in .local/logs/)",
    )
    redrive_parser = commands.add_parser(
        "redrive", help="move a queue's DLQ back into the queue (once its cause is fixed)"
    )
    redrive.add_arguments(redrive_parser)
    compare_parser = commands.add_parser(
        "compare-national",
        help="compare our synced records with the fake national system's (exit 1 if they differ)",
    )
    national_compare.add_arguments(compare_parser)
    reconcile_parser = commands.add_parser(
        "reconcile",
        help="reconcile the local runtime's records with its fake national system, and report",
    )
    reconcile.add_arguments(reconcile_parser)
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.WARNING,
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        if args.command in OPERATOR_COMMANDS:
            return OPERATOR_COMMANDS[args.command](args)
        if args.command == "serve":
            logger.setLevel(logging.INFO)
            settings = LocalSettings.from_env(
                default_port=DEFAULT_PORT, default_state_dir=demo.demo_folder()
            )
            return serve(settings, stop_on_stdin_eof=args.stop_on_stdin_eof)
        settings = LocalSettings.from_env(default_port=0)
        return run_demo(settings, log_file=args.log_file)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        print(f"kentei_local: {type(exc).__name__}: {exc}", file=sys.stderr, flush=True)
        return 1


def serve(settings: LocalSettings, *, stop_on_stdin_eof: bool = False) -> int:
    stop = threading.Event()
    reasons: list[str] = []

    def _on_signal(signum: int, _frame: FrameType | None) -> None:
        # No logging here: the interrupted code may hold the logging lock.
        reasons.append(signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    _watch_parent(stop)
    if stop_on_stdin_eof:
        _watch_stdin(stop)
    with LocalRuntime(settings) as runtime:
        print(f"{MOTO_PREFIX}{runtime.moto_endpoint}", flush=True)
        print(f"{BRIDGE_PREFIX}{runtime.bridge_url}", flush=True)
        print(f"public: {runtime.public_url}", flush=True)
        print(f"national: {runtime.national.url}", flush=True)
        print(f"{RUNTIME_PREFIX}{runtime.runtime_file}", flush=True)
        print(f"{READY_PREFIX}{runtime.url}", flush=True)
        while not stop.wait(_PARENT_POLL_S):
            pass
        logger.info("stopping (%s)", ", ".join(reasons) or "watch")
    logger.info("stopped")
    return 0


def run_demo(settings: LocalSettings, *, log_file: Path | None = None) -> int:
    """The smoke flow: the narrative on standard output, all else in ``log_file``."""
    log_file = (log_file or demo.log_path()).resolve()
    with demo.log_output_to(log_file) as terminal:
        print(
            "starting the local runtime (moto, every catalog resource, gateway, pumps)",
            file=terminal,
        )
        passed = False
        try:
            with LocalRuntime(settings) as runtime:
                print(
                    f"ready: {runtime.url} (staff port: Cognito ID tokens), "
                    f"{runtime.bridge_url} (bridge port: client certificates of a local CA); "
                    f"moto {runtime.moto_endpoint}",
                    file=terminal,
                )
                passed = demo.run_steps(runtime, demo.smoke_steps(), terminal)
        finally:
            print(f"functions' logs and metrics: {log_file}", file=terminal)
        outcome = "demo passed" if passed else "demo FAILED"
        print(f"{outcome}; runtime stopped", file=terminal)
    return 0 if passed else 1


def _watch_parent(stop: threading.Event) -> None:
    """Stop when the parent exits (we are re-parented): a crashed caller leaves no server."""
    parent = os.getppid()

    def watch() -> None:
        while not stop.wait(_PARENT_POLL_S):
            if os.getppid() != parent:
                logger.warning("the parent process exited")
                stop.set()

    threading.Thread(target=watch, name="kentei-local-parent-watch", daemon=True).start()


def _watch_stdin(stop: threading.Event) -> None:
    def watch() -> None:
        while os.read(sys.stdin.fileno(), 65536):
            pass
        logger.info("standard input closed")
        stop.set()

    threading.Thread(target=watch, name="kentei-local-stdin-watch", daemon=True).start()
