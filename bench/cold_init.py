"""Cold init of each function, as a ratio to importing boto3 and creating one client.

Each sample is a fresh interpreter that times one import (the handler module, or the
baseline ``import boto3; boto3.client("sqs")``) with ``time.perf_counter`` around it, so
interpreter start-up is left out of both. Samples are interleaved (baseline, intake, verify,
sync, certify, baseline, ...) so machine noise falls on all of them alike; the figures are
medians. Nothing here is a test: no duration fails anything.

    .venv/bin/python bench/cold_init.py [--runs 15]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FUNCTIONS = ("intake", "verify", "sync", "certify", "signins", "accounts", "public")
TIMER = "import time; t = time.perf_counter(); {body}; print(time.perf_counter() - t)"
BASELINE = "import boto3; boto3.client('sqs', region_name='ap-northeast-1')"
ENV = {
    # What Lambda gives a function at init; no credentials are used by an import.
    "AWS_DEFAULT_REGION": "ap-northeast-1",
    "AWS_REGION": "ap-northeast-1",
    "AWS_ACCESS_KEY_ID": "bench",
    "AWS_SECRET_ACCESS_KEY": "bench",
    "AWS_LAMBDA_FUNCTION_NAME": "bench",
    "POWERTOOLS_METRICS_NAMESPACE": "kentei",
    "PYTHONDONTWRITEBYTECODE": "",
}


def sample(body: str) -> float:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "POWERTOOLS_"))}
    env.update({k: v for k, v in ENV.items() if v})
    out = subprocess.run(
        [sys.executable, "-c", TIMER.format(body=body)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        cwd=ROOT,
    )
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    candidates = {"baseline": BASELINE} | {f: f"import {f}.handler" for f in FUNCTIONS}
    # One warm-up each so the first sample does not pay for filling the OS page cache.
    for body in candidates.values():
        sample(body)
    samples: dict[str, list[float]] = {name: [] for name in candidates}
    for _ in range(args.runs):
        for name, body in candidates.items():
            samples[name].append(sample(body))
    base = statistics.median(samples["baseline"])
    print(f"cold init, median of {args.runs} fresh interpreters each, interleaved")
    print(f"{'function':<10} {'median ms':>10} {'ratio to baseline':>18}")
    print(f"{'baseline':<10} {base * 1000:>10.1f} {1.0:>18.2f}   (import boto3 + one client)")
    for name in FUNCTIONS:
        median = statistics.median(samples[name])
        print(f"{name:<10} {median * 1000:>10.1f} {median / base:>18.2f}")


if __name__ == "__main__":
    main()
