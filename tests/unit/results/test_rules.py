"""The pass rules file: every grade has a default, a work rule's weights total 100, the latest
revision decides, and the build-time check ties work rules to the catalogue."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import pytest

from kentei.exams.parts import ComponentKind
from kentei.records.codes import Grade
from kentei.results.__main__ import main, problems
from kentei.results.rules import RULES_FILE, PassRules, UnknownRuleError

PRODUCTION, JUDGEMENT = ComponentKind.PRODUCTION, ComponentKind.JUDGEMENT


def _shipped() -> dict[str, Any]:
    text = resources.files("kentei.results").joinpath(RULES_FILE).read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def _rule(**changes: Any) -> dict[str, Any]:
    rule: dict[str, Any] = {
        "rule_id": "r-1",
        "revision": 1,
        "fiscal_year": 2026,
        "work_code": "030101",
        "grade": "2級",
        "practical": [
            {"kind": "製作等作業試験", "weight": 70, "minimum": 60},
            {"kind": "判断等試験", "weight": 30, "minimum": 40},
        ],
        "source": "test",
    }
    return {**rule, **changes}


def test_the_latest_revision_decides() -> None:
    data = _shipped()
    data["works"] = [_rule(), _rule(rule_id="r-2", revision=2, practical_pass_mark=62)]
    rules = PassRules.model_validate(data)
    applied = rules.applied(2026, "030101", Grade.SECOND, (PRODUCTION, JUDGEMENT))
    assert applied.version.endswith("/r-2#2")
    assert applied.practical_pass_mark == 62
    assert applied.written_pass_mark == 65, "the grade's default where the rule is silent"
    other_year = rules.applied(2025, "030101", Grade.SECOND, (PRODUCTION, JUDGEMENT))
    assert other_year.version.endswith("default:2級#1")
    assert [c.weight for c in other_year.practical] == [50, 50], "alike without a rule"


@pytest.mark.parametrize(
    ("works", "message"),
    [
        ([_rule(practical=[{"kind": "製作等作業試験", "weight": 90}])], "total 100"),
        ([_rule(), _rule()], "rule id"),
        ([_rule(), _rule(rule_id="r-2")], "one rule per revision"),
        (
            [
                _rule(
                    practical=[
                        {"kind": "製作等作業試験", "weight": 50},
                        {"kind": "製作等作業試験", "weight": 50},
                    ]
                )
            ],
            "twice",
        ),
    ],
)
def test_inconsistent_rules_are_refused(works: list[dict[str, Any]], message: str) -> None:
    data = _shipped()
    data["works"] = works
    with pytest.raises(ValueError, match=message):
        PassRules.model_validate(data)


def test_every_grade_needs_a_default() -> None:
    data = _shipped()
    data["grade_defaults"][1]["grades"] = ["基礎級"]
    with pytest.raises(ValueError, match="no default for"):
        PassRules.model_validate(data)


def test_a_rule_with_other_components_than_the_sittings_is_refused() -> None:
    data = _shipped()
    rules = PassRules.model_validate(data)
    with pytest.raises(UnknownRuleError):
        rules.applied(2026, "030101", Grade.SECOND, (PRODUCTION,))


def test_the_build_check_ties_work_rules_to_the_catalogue() -> None:
    data = _shipped()
    data["works"] = [
        _rule(),
        _rule(rule_id="r-lathe", work_code="010101"),  # 普通旋盤: 製作等 only
        _rule(rule_id="r-none", work_code="999999"),
        _rule(rule_id="r-grade", grade="特級"),
    ]
    found = problems(PassRules.model_validate(data))
    assert len(found) == 3
    assert found[0].startswith("r-lathe: the components are not the catalogue's")
    assert found[1] == "r-none: work 999999 is not in the catalogue"
    assert found[2].startswith("r-grade:")


def test_the_shipped_rules_pass_the_check(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check"]) == 0
    assert "all consistent" in capsys.readouterr().out
    assert main([]) == 2
