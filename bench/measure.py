"""What the CPU benchmarks share: CPU time of one call, and silence while measuring."""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """Standard output and error to /dev/null at the file descriptors: the handlers' log and
    metric lines are still formatted and written (their cost counts), but not shown."""
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, 1)
        os.dup2(null, 2)
        yield
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for fd in (null, *saved):
            os.close(fd)


def cpu(run: Callable[[], Any]) -> float:
    """Process CPU seconds that ``run`` took."""
    started = time.process_time()
    run()
    return time.process_time() - started
