"""``python -m kentei.results check``: the pass rules and the pass number schemes validated,
and each work rule checked against the catalogue (the work offers the grade; the rule names
exactly its practical components). Run by ``make lint``."""

from __future__ import annotations

import sys

from kentei.exams.catalogue import load_catalogue
from kentei.exams.errors import UnknownExamError
from kentei.results.numbering import pass_number_schemes
from kentei.results.rules import PassRules, load_pass_rules


def problems(rules: PassRules) -> list[str]:
    catalogue = load_catalogue()
    found: list[str] = []
    for rule in rules.works:
        trades = [t for t, w in catalogue.works() if w.code == rule.work_code]
        if not trades:
            found.append(f"{rule.rule_id}: work {rule.work_code} is not in the catalogue")
            continue
        try:
            offer = catalogue.offer(trades[0].code, rule.work_code, rule.grade)
        except UnknownExamError as exc:
            found.append(f"{rule.rule_id}: {exc}")
            continue
        kinds = {component.kind for component in offer.practical}
        if {component.kind for component in rule.practical} != kinds:
            found.append(
                f"{rule.rule_id}: the components are not the catalogue's "
                f"({', '.join(sorted(k.value for k in kinds))})"
            )
    return found


def main(argv: list[str]) -> int:
    if argv != ["check"]:
        print("usage: python -m kentei.results check", file=sys.stderr)
        return 2
    rules = load_pass_rules()
    numbering = pass_number_schemes()
    found = problems(rules)
    for problem in found:
        print(problem, file=sys.stderr)
    if not found:
        print(f"pass rules {rules.version}: {len(rules.works)} work rules, all consistent")
        print(f"pass number schemes: {len(numbering.schemes)} (default and prefectures)")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
