"""``bench/lifecycle_cost.py`` at a tiny size, so the cost model cannot rot: a lifecycle run of
a dozen applicants in its own interpreter (its own local runtime), counted and priced. The
script fails (exit 1) when the run does not end as it must, or when a request is billed on a
meter the price file does not price; this test asserts the shape of what it wrote."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

import lifecycle_cost  # noqa: E402 - the bench folder is not a package


@pytest.fixture(scope="module")
def figures(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("cost")
    out = folder / "cost.json"
    done = subprocess.run(
        [
            sys.executable,
            "bench/lifecycle_cost.py",
            "--applicants",
            "12",
            "--deadline",
            "400",
            "--json",
            str(out),
            "--raw",
            str(folder / "raw.json"),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "variable cost per 100,000 examinees a year: $" in done.stdout, done.stdout
    assert "fixed total: $" in done.stdout, done.stdout
    found: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    found["stdout"] = done.stdout
    found["raw"] = json.loads((folder / "raw.json").read_text(encoding="utf-8"))
    return found


@pytest.mark.slow
def test_every_service_the_functions_called_is_counted_and_priced(
    figures: dict[str, Any],
) -> None:
    prices = lifecycle_cost.load_prices()["prices"]
    requests = figures["requests"]
    seen = {r["service"] for r in requests if r["requests"] > 0}
    # What every lifecycle needs: records, queues, files, keys.
    assert {"dynamodb", "sqs", "s3", "kms"} <= seen
    for line in [*figures["lines"], *figures["left_out"]]:
        assert line["meter"] in prices, line
        assert line["run_units"] > 0, line
        assert line["dollars"] >= 0, line
        entry = prices[line["meter"]]
        assert entry["source"], entry
    # Each billed request of a function is on a line of the table.
    priced_services = {line["section"] for line in figures["lines"]}
    assert {"dynamodb", "sqs", "s3", "kms", "lambda", "api gateway", "storage"} <= priced_services
    # The pumps' own requests are counted apart from the functions'.
    mappings = {r["function"] for r in requests if r["function"].startswith("event source")}
    assert mappings, requests
    for invocation in figures["invocations"]:
        assert invocation["count"] > 0
        assert invocation["billed_ms"] >= invocation["count"]


@pytest.mark.slow
def test_the_total_is_the_sum_of_its_lines_and_the_fixed_costs_apart(
    figures: dict[str, Any],
) -> None:
    lines = figures["lines"]
    assert math.isclose(figures["variable_total"], sum(line["dollars"] for line in lines))
    assert figures["variable_total"] > 0
    assert math.isclose(figures["fixed_per_month"], sum(f["per_month"] for f in figures["fixed"]))
    assert {"KMS keys", "WAF web ACLs", "CloudWatch alarms"} <= {
        f["what"].split(" (")[0] for f in figures["fixed"]
    }
    # Each line is its units times the price: a dollar figure, not a duration.
    prices = lifecycle_cost.load_prices()
    for line in lines:
        expected = line["target_units"] * lifecycle_cost.unit_price(prices, line["meter"])
        assert math.isclose(line["dollars"], expected), line


@pytest.mark.slow
def test_pricing_again_from_what_was_counted_gives_the_same_figures(
    figures: dict[str, Any],
) -> None:
    again = lifecycle_cost.from_raw(figures["raw"])
    priced = lifecycle_cost.price(again, lifecycle_cost.load_prices(), 40)
    assert math.isclose(priced.variable_total, figures["variable_total"])


def test_dynamodb_units_follow_its_size_rules() -> None:
    item = {"pk": {"S": "13"}, "body": {"S": "x" * 5000}, "n": {"N": "12345"}}
    size = lifecycle_cost.item_size(item)
    assert size == 2 + 2 + 4 + 5000 + 1 + 4
    assert lifecycle_cost.write_units(size) == 5
    assert lifecycle_cost.write_units(size, transactional=True) == 10
    assert lifecycle_cost.read_units(size, consistent=True) == 2
    assert lifecycle_cost.read_units(size, consistent=False) == 1
    assert lifecycle_cost.read_units(10, consistent=False) == 0.5


def test_the_audit_trails_requests_are_metered_at_its_table_class() -> None:
    """The audit table is Standard-IA: its writes (in a transaction too) on their own meter,
    the records table's on the standard one; each priced."""
    from kentei_local.resources import physical_name

    audit, records = physical_name("audit"), physical_name("records")
    entry = {"audit_partition": {"S": "13"}, "event_key": {"S": "e"}}
    units, _ = lifecycle_cost._dynamodb_units(
        "TransactWriteItems",
        {
            "TransactItems": [
                {"Put": {"TableName": audit, "Item": entry}},
                {"Put": {"TableName": records, "Item": entry}},
            ]
        },
        {},
    )
    assert units == {"dynamodb.ia_write_request_units": 2, "dynamodb.write_request_units": 2}
    prices = lifecycle_cost.load_prices()
    ia = lifecycle_cost.unit_price(prices, "dynamodb.ia_write_request_units")
    assert ia == pytest.approx(
        1.25 * lifecycle_cost.unit_price(prices, "dynamodb.write_request_units")
    )
    assert lifecycle_cost.unit_price(prices, "dynamodb.ia_storage_gb_month") < (
        lifecycle_cost.unit_price(prices, "dynamodb.storage_gb_month")
    )


def test_a_request_is_attributed_to_its_route_and_scale() -> None:
    event = {"httpMethod": "POST", "path": "/v1/results/imports/01KABCDEF0123456789/commit"}
    assert lifecycle_cost.trigger_of(event) == "POST /v1/results/imports/{id}/commit"
    assert lifecycle_cost.scale_of("POST /v1/results/imports/{id}/commit", requests=True) == (
        "group"
    )
    assert lifecycle_cost.scale_of("POST /v1/results/imports/{id}/commit") == "examinee"
    assert lifecycle_cost.scale_of("GET /v1/results/decisions") == "left out"
    sqs = {"Records": [{"eventSource": "aws:sqs", "eventSourceARN": "arn:aws:sqs:r:1:q-verify"}]}
    assert lifecycle_cost.trigger_of(sqs) == "queue q-verify"


@pytest.mark.slow
def test_what_the_bench_prints_and_keeps_names_no_person(figures: dict[str, Any]) -> None:
    from kentei_local.lifecycle import population

    written = figures["stdout"] + json.dumps(figures, ensure_ascii=False)
    for applicant in population(12):
        assert applicant.my_number not in written
        assert applicant.name not in written
        assert applicant.address not in written
