"""cfn-lint finds no error in any synthesized template, and no warning but the known one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cfnlint.api import lint

from kentei import catalog

IGNORED_WARNINGS = {
    # CDK writes DependsOn the function's role next to the GetAtt of the role's ARN; the
    # redundant dependency is harmless (CDK's own template validation ignores W3005 too).
    "W3005",
}


def _templates(manifest: dict[str, Any], assembly_dir: Path) -> list[Path]:
    return [
        assembly_dir / artifact["properties"]["templateFile"]
        for artifact in manifest["artifacts"].values()
        if artifact["type"] == "aws:cloudformation:stack"
    ]


def test_cfn_lint_finds_no_error_or_unexplained_warning(
    manifest: dict[str, Any], assembly_dir: Path
) -> None:
    templates = _templates(manifest, assembly_dir)
    assert templates
    for template in templates:
        matches = lint(template.read_text(encoding="utf-8"), regions=[catalog.REGION])
        findings = [
            f"{template.name}:{match.linenumber} {match.rule.id} {match.message}"
            for match in matches
            if match.rule.id not in IGNORED_WARNINGS
        ]
        assert findings == []
