"""Moto in a child process for the benchmarks, so ``time.process_time`` in the parent counts
only the client side (the handler and boto3), never moto's work.

``python bench/moto_child.py`` starts moto with every catalog resource, prints the endpoint and
the handler environment as one JSON line, and runs until its standard input closes;
:func:`moto_child` runs that and yields the line, parsed.
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3

ROOT = Path(__file__).resolve().parents[1]


def serve_moto() -> None:
    from kentei import catalog
    from kentei_local.environment import FAKE_CREDENTIALS
    from kentei_local.moto_server import MotoServer
    from kentei_local.resources import provision
    from kentei_local.settings import HOST

    server = MotoServer(HOST, 0)
    server.start()
    session = boto3.Session(
        aws_access_key_id=FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=FAKE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        region_name=catalog.REGION,
    )
    resources = provision(session, server.endpoint, 30)
    print(json.dumps({"endpoint": server.endpoint, "env": resources.environment()}), flush=True)
    sys.stdin.read()
    server.stop()


@contextlib.contextmanager
def moto_child() -> Iterator[dict[str, Any]]:
    """The running child's ``{"endpoint": ..., "env": {...}}``; the child stops on exit."""
    child = subprocess.Popen(
        [sys.executable, __file__],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        assert child.stdout is not None
        yield json.loads(child.stdout.readline())
    finally:
        if child.stdin is not None:
            child.stdin.close()
        try:
            child.wait(timeout=15)
        except subprocess.TimeoutExpired:
            child.kill()


if __name__ == "__main__":
    serve_moto()
