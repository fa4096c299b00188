"""The independent comparison of our records with the national side's
(:mod:`kentei_local.national_compare`) on hand-built items: each kind the same as sync would
send it, a field that differs, a record on one side only, a deleted record, a version behind
our sent mark, and a My Number refused; its report names ids and fields, never values."""

from __future__ import annotations

import argparse
import ast
import copy
import io
import json
from pathlib import Path
from typing import Any

import pytest
from tests.unit.national import items

from kentei import catalog
from kentei.data.national_sync import padded, sent_key
from kentei.national.contract import schema
from kentei.national.records import national_record
from kentei_local import national_compare
from kentei_local.national_compare import (
    ContractDriftError,
    MyNumberFoundError,
    compare,
    contract_kinds,
    load_contract,
)

CONTRACT = load_contract()
VERSION = 1100000000017454423009
VALID_MY_NUMBER = "123456789018"


def _our_items() -> list[dict[str, Any]]:
    """One item of each synced kind (and a revoked pass), as the stores write them."""
    return [
        items.examinee(),
        items.sitting(),
        items.passed(),
        items.passed(items.full_pass(), revoked_at="2026-10-01T15:30:00.000000Z"),
        items.certificate(status="superseded", superseded_by="C13G262-00001-2"),
    ]


def _theirs(item: dict[str, Any], version: int = VERSION) -> dict[str, Any]:
    """What the national side holds once sync sent ``item`` (the fake's control path's JSON)."""
    record = national_record(item, version)
    assert record is not None
    return record.model_dump(mode="json")


def _all_theirs() -> list[dict[str, Any]]:
    return [_theirs(item) for item in _our_items()]


def _mark(kind: str, record_id: str, version: int) -> dict[str, Any]:
    return {
        **items.key(sent_key(kind, record_id)),
        "item_type": {"S": "national_sent"},
        "kind": {"S": kind},
        "record_id": {"S": record_id},
        "version": {"S": padded(version)},
    }


def _report(comparison: national_compare.Comparison) -> str:
    return "\n".join([*comparison.lines(), comparison.summary()])


def test_given_each_kind_as_sync_sends_it_when_compared_then_every_record_is_the_same() -> None:
    comparison = compare(_our_items(), _all_theirs(), CONTRACT)

    assert comparison.agree, _report(comparison)
    counts = comparison.counts
    assert [counts[kind].same for kind in national_compare.KINDS_IN_ORDER] == [1, 1, 1, 1, 1]
    assert all(c.ours == c.theirs == c.same for c in counts.values())


def test_given_one_field_differs_when_compared_then_its_name_is_reported_not_its_values() -> None:
    theirs = _all_theirs()
    examinee = theirs[0]
    ours_address = examinee["data"]["address"]
    examinee["data"]["address"] = "東京都港区芝公園4-2-8"

    comparison = compare(_our_items(), theirs, CONTRACT)

    assert not comparison.agree
    assert comparison.counts["examinee"].differing == 1
    assert comparison.counts["examinee"].same == 0
    (difference,) = comparison.differing
    assert (difference.kind, difference.record_id) == ("examinee", items.EXAMINEE_ID)
    assert difference.fields == ("data.address",)
    report = _report(comparison)
    assert f"differing examinee {items.EXAMINEE_ID}: data.address" in report
    assert ours_address not in report
    assert "芝公園" not in report


def test_given_the_person_or_a_nested_field_differs_when_compared_then_each_is_named() -> None:
    theirs = _all_theirs()
    theirs[1]["qualification_pseudonym_id"] = "pseudonym-0002-other"
    theirs[1]["data"]["parts"] = ["written"]
    theirs[2]["data"]["fiscal_year"] = 2025

    comparison = compare(_our_items(), theirs, CONTRACT)

    fields = {d.kind: d.fields for d in comparison.differing}
    assert fields["sitting"] == ("qualification_pseudonym_id", "data.parts")
    assert fields["part_pass"] == ("data.fiscal_year",)


def test_given_a_record_only_we_hold_when_compared_then_it_is_only_ours() -> None:
    theirs = [r for r in _all_theirs() if r["kind"] != "sitting"]

    comparison = compare(_our_items(), theirs, CONTRACT)

    assert not comparison.agree
    sitting = comparison.counts["sitting"]
    assert (sitting.ours, sitting.theirs, sitting.only_ours, sitting.same) == (1, 0, 1, 0)
    assert comparison.only_ours == [("sitting", items.APPLICATION)]
    assert f"only ours sitting {items.APPLICATION}" in comparison.lines()


def test_given_a_record_only_they_hold_when_compared_then_it_is_only_theirs() -> None:
    ours = [i for i in _our_items() if not i["record_key"]["S"].startswith("CERTIFICATE#")]

    comparison = compare(ours, _all_theirs(), CONTRACT)

    assert not comparison.agree
    certificate = comparison.counts["certificate"]
    assert (certificate.ours, certificate.theirs, certificate.only_theirs) == (0, 1, 1)
    assert comparison.only_theirs == [("certificate", "C13G262-00001-1")]


def test_given_a_deleted_record_gone_from_ours_when_compared_then_both_sides_agree() -> None:
    ours = [i for i in _our_items() if not i["record_key"]["S"].startswith("SITTING#")]
    theirs = _all_theirs()
    theirs[1] = {**theirs[1], "deleted": True, "data": None}

    comparison = compare(ours, theirs, CONTRACT)

    assert comparison.agree, _report(comparison)
    sitting = comparison.counts["sitting"]
    assert (sitting.ours, sitting.theirs, sitting.same, sitting.deleted) == (0, 1, 1, 1)
    assert "(1 deleted on both sides)" in sitting.line("sitting")


def test_given_a_record_deleted_on_their_side_only_when_compared_then_it_differs() -> None:
    theirs = _all_theirs()
    theirs[1] = {**theirs[1], "deleted": True, "data": None}

    comparison = compare(_our_items(), theirs, CONTRACT)

    assert not comparison.agree
    (difference,) = comparison.differing
    assert (difference.kind, difference.fields) == ("sitting", ("deleted",))


def test_given_a_national_version_older_than_our_sent_mark_when_compared_then_behind() -> None:
    theirs = _all_theirs()
    ours = [*_our_items(), _mark("examinee", items.EXAMINEE_ID, VERSION + 5)]

    comparison = compare(ours, theirs, CONTRACT)

    assert not comparison.agree
    (behind,) = comparison.behind
    assert (behind.kind, behind.record_id, behind.held, behind.sent) == (
        "examinee",
        items.EXAMINEE_ID,
        VERSION,
        VERSION + 5,
    )
    # Content is compared, not versions: the examinee itself is the same.
    assert comparison.counts["examinee"].same == 1


def test_given_a_sent_mark_at_the_held_version_when_compared_then_not_behind() -> None:
    ours = [*_our_items(), _mark("sitting", items.APPLICATION, VERSION)]

    comparison = compare(ours, _all_theirs(), CONTRACT)

    assert comparison.agree, _report(comparison)
    assert comparison.counts["sitting"].ours == 1


@pytest.mark.parametrize("name", ["my_number", "個人番号"])
def test_given_an_examinee_item_holding_a_my_number_when_compared_then_it_is_refused(
    name: str,
) -> None:
    ours = _our_items()
    stored = json.loads(ours[0]["examinee"]["S"])
    stored[name] = VALID_MY_NUMBER
    ours[0]["examinee"] = {"S": json.dumps(stored, ensure_ascii=False)}

    with pytest.raises(MyNumberFoundError) as raised:
        compare(ours, _all_theirs(), CONTRACT)

    assert VALID_MY_NUMBER not in str(raised.value)
    assert items.PERSON in str(raised.value)


def test_given_a_national_record_holding_a_my_number_when_compared_then_it_is_refused() -> None:
    theirs = _all_theirs()
    number = VALID_MY_NUMBER
    theirs[0]["data"]["phone"] = f"{number[:4]}-{number[4:8]}-{number[8:]}"

    with pytest.raises(MyNumberFoundError) as raised:
        compare(_our_items(), theirs, CONTRACT)

    assert "phone" in str(raised.value)
    assert VALID_MY_NUMBER[:4] not in str(raised.value)


def test_given_the_same_instant_in_another_offset_when_compared_then_it_is_the_same() -> None:
    theirs = _all_theirs()
    certificate = theirs[-1]
    assert certificate["data"]["issued_at"] == "2026-09-01T09:00:00Z"
    certificate["data"]["issued_at"] = "2026-09-01T18:00:00+09:00"

    assert compare(_our_items(), theirs, CONTRACT).agree
    certificate["data"]["issued_at"] = "2026-09-01T09:00:01Z"
    (difference,) = compare(_our_items(), theirs, CONTRACT).differing
    assert difference.fields == ("data.issued_at",)


def test_given_a_revocation_late_in_the_day_in_utc_then_its_day_is_japans() -> None:
    held = national_compare.ours_of(
        items.passed(revoked_at="2026-10-01T15:30:00.000000Z"), CONTRACT
    )

    assert held is not None
    assert held.data is not None
    assert held.data["revoked_on"] == "2026-10-02"


def test_given_one_person_in_two_prefectures_then_each_prefectures_examinee_is_its_own() -> None:
    ours = _our_items()
    elsewhere = copy.deepcopy(ours[0])
    elsewhere["prefecture_code"] = {"S": "27"}

    comparison = compare([*ours, elsewhere], _all_theirs(), CONTRACT)

    assert comparison.twice == []
    assert comparison.counts["examinee"].only_ours == 1, "Osaka's examinee was never sent"
    assert not comparison.agree


def test_given_one_record_id_in_two_of_our_items_when_compared_then_it_is_reported_twice() -> None:
    ours = _our_items()
    relinked = copy.deepcopy(ours[2])  # a past pass relinked keeps its id under another person
    relinked["record_key"] = {"S": relinked["record_key"]["S"].replace(items.PERSON, "another-1")}

    comparison = compare([*ours, relinked], _all_theirs(), CONTRACT)

    assert not comparison.agree
    (twice,) = comparison.twice
    assert twice[0] == "part_pass"


def test_given_items_that_are_not_synced_when_compared_then_they_are_left_out() -> None:
    others = [
        {**items.key(key), "item_type": {"S": "other"}}
        for key in ("EXAMINEE_HISTORY#p#2026#x", "PASSNUMBER#passer#1", "CERTIFICATE_HOLD#p#a")
    ]

    comparison = compare([*_our_items(), *others], _all_theirs(), CONTRACT)

    assert comparison.agree, _report(comparison)


def test_given_a_contract_field_this_script_does_not_place_then_the_contract_drifted() -> None:
    document = schema()
    document["$defs"]["PassData"]["properties"]["exempted"] = {"type": "boolean"}

    with pytest.raises(ContractDriftError, match="exempted"):
        contract_kinds(document)


def test_the_kinds_and_prefixes_are_the_contracts_and_the_catalogs() -> None:
    assert set(CONTRACT.definitions) == set(national_compare.KINDS_IN_ORDER)
    assert set(schema()["$defs"]["Kind"]["enum"]) == set(national_compare.KINDS_IN_ORDER)
    synced = {shape.prefix for shape in national_compare.SOURCES.values()}
    assert synced == set(catalog.NATIONAL_SYNCED_PREFIXES)
    assert CONTRACT.instants["CertificateData"] == frozenset({"issued_at"})


def test_the_comparison_imports_neither_syncs_mapping_nor_sync() -> None:
    source = Path(national_compare.__file__).read_text(encoding="utf-8")
    imported: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module is not None:
            imported |= {node.module} | {f"{node.module}.{a.name}" for a in node.names}
    assert not {name for name in imported if name.startswith(("sync", "kentei.national"))}


def _run_command(runtime_file: Path) -> tuple[int, str, str]:
    out, errors = io.StringIO(), io.StringIO()
    parser = argparse.ArgumentParser()
    national_compare.add_arguments(parser)
    args = parser.parse_args(["--endpoint", "http://127.0.0.1:9", "--runtime", str(runtime_file)])
    status = national_compare.main(args, out, errors)
    return status, out.getvalue(), errors.getvalue()


def test_given_a_refusal_when_the_command_runs_then_it_exits_2_naming_no_value(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runtime_file = tmp_path / "runtime.json"
    endpoint = {"url": "https://127.0.0.1:9", "ca_file": "ca", "cert": "c", "key": "k"}
    runtime_file.write_text(json.dumps({"national": endpoint}), "utf-8")
    ours = _our_items()
    stored = json.loads(ours[0]["examinee"]["S"])
    ours[0]["examinee"] = {"S": json.dumps(stored | {"my_number": VALID_MY_NUMBER})}

    def stores(*_: object) -> national_compare.Comparison:
        return compare(ours, _all_theirs(), CONTRACT)

    monkeypatch.setattr(national_compare, "compare_stores", stores)
    status, out, errors = _run_command(runtime_file)

    assert status == national_compare.REFUSED
    assert out == ""
    assert errors.startswith("REFUSED: our examinee item")
    assert VALID_MY_NUMBER not in errors


def test_given_no_national_system_named_when_the_command_runs_then_it_exits_2(
    tmp_path: Path,
) -> None:
    runtime_file = tmp_path / "runtime.json"
    runtime_file.write_text(json.dumps({"national": None}), "utf-8")

    status, out, errors = _run_command(runtime_file)

    assert (status, out) == (national_compare.REFUSED, "")
    assert "names no national system" in errors
    assert _run_command(tmp_path / "missing.json")[0] == national_compare.REFUSED
