"""The shipped catalogue and rounds validate, and the check command says so."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from kentei.exams.__main__ import main
from kentei.exams.catalogue import CATALOGUE_FILE, load_catalogue
from kentei.exams.check import first_problem, shipped_text
from kentei.exams.rounds import ROUNDS_FILE, load_rounds
from kentei.records.codes import Grade, Term
from kentei.submissions.examples import JAPANESE_APPLICANT, TRAINEE_APPLICANT

from .data import catalogue_doc, rounds_doc

REPO = Path(__file__).resolve().parents[3]


def test_the_shipped_files_hold_every_rule() -> None:
    assert first_problem(shipped_text(CATALOGUE_FILE), shipped_text(ROUNDS_FILE)) is None


def test_the_loaders_read_once() -> None:
    assert load_catalogue() is load_catalogue()
    assert load_rounds() is load_rounds()


def test_both_fiscal_years_have_every_round() -> None:
    rounds = load_rounds()
    for year in (2026, 2027):
        for term in Term:
            assert rounds.round_for(year, term).fiscal_year == year


def test_every_entry_names_its_provenance() -> None:
    for doc in (catalogue_doc(), rounds_doc()):
        assert doc["provenance"]
        assert doc["note"]


def test_the_example_applications_name_offered_tests() -> None:
    catalogue = load_catalogue()
    for example in (JAPANESE_APPLICANT, TRAINEE_APPLICANT):
        grade = Grade(example["grade"])
        assert catalogue.offers_grade(example["trade_code"], example["work_code"], grade)


def test_the_data_files_are_package_data() -> None:
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert "exams/*.json" in pyproject["tool"]["setuptools"]["package-data"]["kentei"]


def test_lint_runs_the_check() -> None:
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    lint = makefile.split("\nlint:", 1)[1].split("\n\n", 1)[0]
    assert "-m kentei.exams check" in lint


def test_the_command_passes_the_shipped_files(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check"]) == 0
    assert capsys.readouterr().out.startswith("exam data ok: ")


def test_the_command_names_the_first_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = rounds_doc()
    doc["regular"][0]["grades"].append("特級")
    bad = tmp_path / "rounds.json"
    bad.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    assert main(["check", "--rounds", str(bad)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("exam data: rounds.json: regular.0: ")
    assert "後期 only" in err


def test_the_command_refuses_a_usage_error() -> None:
    with pytest.raises(SystemExit) as exited:
        main([])
    assert exited.value.code == 2
