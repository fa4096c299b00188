"""What was wrong where: a field's path and the rule it broke, never the value sent.

Domain errors (a refused submission, a refused decision) carry these; the API edge
(``intake.problems``) puts them into its problem documents as they are.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class FieldError(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    field: str = Field(description="path of the offending field, dot-separated")
    problem: str = Field(description="what was wrong, without the value")


def field_errors(errors: Sequence[Mapping[str, Any]]) -> list[FieldError]:
    """Pydantic-style error dicts as field errors: location and message, never ``input``."""
    return [
        FieldError(
            field=".".join(str(part) for part in error.get("loc", ())) or "(body)",
            problem=str(error.get("msg", "invalid")),
        )
        for error in errors
    ]
