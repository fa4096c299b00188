"""``python -m kentei_local serve`` as a child process, for e2e tests and other tooling.

The child's stdout and stderr are read line by line and kept (:attr:`ServeProcess.lines`), so a
caller can assert on everything the system wrote; the child holds a pipe on its stdin and
stops when that closes, so it cannot outlive its parent even if the parent is killed.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Final

import boto3

from kentei import catalog
from kentei_local.endpoints import LocalEndpoints
from kentei_local.environment import FAKE_CREDENTIALS
from kentei_local.resources import physical_name

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient
    from mypy_boto3_s3.client import S3Client
    from mypy_boto3_sqs.client import SQSClient

READY_PREFIX: Final = "ready: "
MOTO_PREFIX: Final = "moto: "
BRIDGE_PREFIX: Final = "bridge: "
RUNTIME_PREFIX: Final = "runtime: "


class ServeProcess:
    """Start with :meth:`start` (or ``with``); :meth:`stop` sends SIGTERM, returns the exit code.

    The child's state (its CA, certificates and ``runtime.json``) goes to a temporary folder of
    its own unless ``env`` names one (``KENTEI_LOCAL_STATE_DIR``), so several may run at once;
    :attr:`endpoints` is its ``runtime.json``."""

    def __init__(self, env: Mapping[str, str] | None = None, cwd: Path | None = None) -> None:
        self._env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
        self._state: Path | None = None
        if not self._env.get("KENTEI_LOCAL_STATE_DIR"):
            self._state = Path(tempfile.mkdtemp(prefix="kentei-serve-"))
            self._env["KENTEI_LOCAL_STATE_DIR"] = str(self._state)
        self._cwd = cwd
        self._process: subprocess.Popen[str] | None = None
        self._reader: threading.Thread | None = None
        self._ready = threading.Event()
        self.lines: list[str] = []
        self.url = ""
        self.bridge_url = ""
        self.runtime_file = ""
        self.moto_endpoint = ""
        self._endpoints: LocalEndpoints | None = None

    def __enter__(self) -> ServeProcess:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self, timeout_s: float = 60.0) -> ServeProcess:
        """Start the child and wait for its ``ready:`` line; RuntimeError with its output if not."""
        self._process = subprocess.Popen(
            [sys.executable, "-m", "kentei_local", "serve", "--stop-on-stdin-eof"],
            cwd=self._cwd,
            env=self._env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
            errors="replace",
        )
        self._reader = threading.Thread(target=self._read, name="kentei-local-serve-output")
        self._reader.daemon = True
        self._reader.start()
        deadline = time.monotonic() + timeout_s
        while not self._ready.wait(0.1):
            if self._process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the local runtime did not become ready:\n{self.output()}")
        return self

    def stop(self, timeout_s: float = 15.0) -> int | None:
        """SIGTERM, then SIGKILL after ``timeout_s``; the exit code (None if never started)."""
        process = self._process
        if process is None:
            return None
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdin is not None:
            process.stdin.close()
        if self._reader is not None:
            self._reader.join(timeout=5)
        if self._state is not None:
            shutil.rmtree(self._state, ignore_errors=True)
        return process.returncode

    @property
    def endpoints(self) -> LocalEndpoints:
        """The child's ``runtime.json``: its URLs and its callers' credentials."""
        if self._endpoints is None:
            if not self.runtime_file:
                raise RuntimeError("the local runtime is not ready")
            self._endpoints = LocalEndpoints.load(Path(self.runtime_file))
        return self._endpoints

    def output(self) -> str:
        return "".join(self.lines)

    def sqs(self) -> SQSClient:
        return boto3.client(
            "sqs",
            endpoint_url=self.moto_endpoint,
            region_name=catalog.REGION,
            aws_access_key_id=FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=FAKE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        )

    def dynamodb(self) -> DynamoDBClient:
        return boto3.client(
            "dynamodb",
            endpoint_url=self.moto_endpoint,
            region_name=catalog.REGION,
            aws_access_key_id=FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=FAKE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        )

    def s3(self) -> S3Client:
        return boto3.client(
            "s3",
            endpoint_url=self.moto_endpoint,
            region_name=catalog.REGION,
            aws_access_key_id=FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=FAKE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        )

    def queue_url(self, name: str) -> str:
        """The URL of the catalog queue (or ``<queue>-dlq``) ``name``."""
        physical = physical_name(name) + catalog.queue_suffix(name)
        return self.sqs().get_queue_url(QueueName=physical)["QueueUrl"]

    def _read(self) -> None:
        stdout = self._process.stdout if self._process is not None else None
        if stdout is None:
            return
        for line in stdout:
            self.lines.append(line)
            if line.startswith(MOTO_PREFIX):
                self.moto_endpoint = line.removeprefix(MOTO_PREFIX).strip()
            elif line.startswith(BRIDGE_PREFIX):
                self.bridge_url = line.removeprefix(BRIDGE_PREFIX).strip()
            elif line.startswith(RUNTIME_PREFIX):
                self.runtime_file = line.removeprefix(RUNTIME_PREFIX).strip()
            elif line.startswith(READY_PREFIX):
                self.url = line.removeprefix(READY_PREFIX).strip()
                self._ready.set()
