"""The one domain error of the exam data: asking for what it does not hold."""

from __future__ import annotations


class UnknownExamError(LookupError):
    """A trade, work, grade or round the data does not hold; names the field and the rule."""

    def __init__(self, field: str, value: object, rule: str) -> None:
        super().__init__(f"{field}={value!r}: {rule}")
        self.field = field
        self.value = value
        self.rule = rule
