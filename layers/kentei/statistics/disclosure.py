"""The minimum cell size (k) of released statistics, as data (``disclosure.json``): a
default, and a prefecture's own where its rule differs. Never below the default: a
prefecture may be stricter, not looser."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from kentei.records.fields import PrefectureCode


class DisclosureRule(BaseModel):
    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")
    default_minimum_cell: int = Field(ge=2)
    prefectures: dict[PrefectureCode, int] = Field(default_factory=dict)
    source: str = Field(min_length=1)

    @model_validator(mode="after")
    def _never_looser(self) -> Self:
        if any(k < self.default_minimum_cell for k in self.prefectures.values()):
            raise ValueError("a prefecture's minimum cell is never below the default")
        return self

    def minimum_cell(self, prefecture_code: str) -> int:
        return self.prefectures.get(prefecture_code, self.default_minimum_cell)


@cache
def disclosure_rule() -> DisclosureRule:
    text = resources.files("kentei.statistics").joinpath("disclosure.json").read_text("utf-8")
    return DisclosureRule.model_validate(json.loads(text))
