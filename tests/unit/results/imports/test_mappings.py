"""The column mappings are data, validated when read and at build time."""

from __future__ import annotations

import copy
import json
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from kentei.records.codes import Grade, Term
from kentei.results.imports.__main__ import main
from kentei.results.imports.mappings import (
    MANDATORY,
    ResultField,
    load_mappings,
    parse_mappings,
    shipped_text,
)
from kentei.results.imports.problems import ProblemCode
from kentei.roster.parts import Part

REPO = Path(__file__).resolve().parents[4]


def _doc() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(shipped_text())
    return copy.deepcopy(loaded)


def test_the_shipped_mappings_hold_and_load_once() -> None:
    mappings = load_mappings()
    assert mappings is load_mappings()
    assert mappings.source().source == "association"
    assert {mapping.source for mapping in mappings.sources} >= {"association", "en"}


def test_the_default_mapping_is_documented_in_japanese() -> None:
    columns = {column.header: column for column in load_mappings().source().columns}
    assert list(columns) == [
        "年度",
        "期",
        "作業コード",
        "等級",
        "受検番号",
        "試験区分",
        "実技区分",
        "得点",
        "欠席",
        "問題別基準未達",
        "氏名",
    ]
    assert {c.field for c in columns.values() if c.required} == MANDATORY
    assert not columns["氏名"].required


def test_spellings_add_to_the_canonical_values() -> None:
    association = load_mappings().source()
    assert association.lookup(ResultField.TERM)["1"] is Term.FIRST
    assert association.lookup(ResultField.TERM)["前期"] is Term.FIRST
    assert association.lookup(ResultField.GRADE)["単一"] is Grade.SINGLE
    assert association.lookup(ResultField.PART)["実技"] is Part.PRACTICAL
    absent = association.values.absent
    assert [absent.read(cell) for cell in ("1", "欠", "○", " 欠席 ", "", "0", "x")] == [
        True,
        True,
        True,
        True,
        False,
        False,
        None,
    ]
    english = load_mappings().source("en")
    assert english.values.absent.read("YES") is True
    assert english.lookup(ResultField.GRADE)["single"] is Grade.SINGLE


def test_an_unknown_source_is_a_lookup_error() -> None:
    with pytest.raises(LookupError, match="no mapping for source 'nope'"):
        load_mappings().source("nope")


def _broken(change: str) -> dict[str, Any]:
    doc = _doc()
    source = doc["sources"][0]
    if change == "mandatory not required":
        source["columns"][7]["required"] = False
    elif change == "mandatory missing":
        del source["columns"][4]
    elif change == "duplicate header":
        source["columns"][1]["header"] = " 年度 "
    elif change == "field twice":
        source["columns"][10]["field"] = "score"
    elif change == "ambiguous spelling":
        source["values"]["term"]["前期"] = "後期"
    elif change == "yes and no":
        source["values"]["absent"]["no"].append("欠")
    elif change == "unknown default":
        doc["default"] = "nobody"
    elif change == "duplicate source":
        doc["sources"][1]["source"] = "association"
    elif change == "unknown field":
        source["columns"][0]["field"] = "birthday"
    elif change == "extra key":
        source["columns"][0]["comment"] = "x"
    return doc


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("mandatory not required", "mandatory field(s) not required: ['score']"),
        ("mandatory missing", "mandatory field(s) not required: ['exam_number']"),
        ("duplicate header", "duplicate header 年度"),
        ("field twice", "field mapped twice: score"),
        ("ambiguous spelling", "'前期' already spells 前期"),
        ("yes and no", "spelt as both yes and no: 欠"),
        ("unknown default", "the default source 'nobody' is not mapped"),
        ("duplicate source", "duplicate source association"),
        ("unknown field", "Input should be"),
        ("extra key", "Extra inputs are not permitted"),
    ],
)
def test_a_broken_mapping_is_refused(change: str, message: str) -> None:
    with pytest.raises(ValidationError, match=re.escape(message)):
        parse_mappings(json.dumps(_broken(change)))


def test_the_mappings_are_package_data() -> None:
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert "results/imports/*.json" in pyproject["tool"]["setuptools"]["package-data"]["kentei"]


def test_lint_runs_the_check() -> None:
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    lint = makefile.split("\nlint:", 1)[1].split("\n\n", 1)[0]
    assert "-m kentei.results.imports check" in lint


def test_the_command_passes_the_shipped_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check"]) == 0
    assert capsys.readouterr().out.startswith("result mappings ok: 2 sources")


def test_the_command_names_the_first_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "mappings.json"
    broken.write_text(json.dumps(_broken("duplicate header")), encoding="utf-8")
    assert main(["check", "--mappings", str(broken)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("result mappings: mappings.json: ")
    assert "duplicate header 年度" in err


def test_the_command_needs_a_subcommand() -> None:
    with pytest.raises(SystemExit) as exited:
        main([])
    assert exited.value.code == 2


def test_the_readme_documents_every_problem_code() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Result files (R11)", 1)[1].split("\n## ", 1)[0]
    missing = [code.value for code in ProblemCode if f"`{code.value}`" not in section]
    assert not missing, f"README's result files section lacks {missing}"
