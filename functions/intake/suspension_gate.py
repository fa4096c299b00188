"""Suspension of use (利用停止, P10) at the staff API: while a person's use of their data is
suspended in the prefecture, staff cannot take it further (accept their application, accept a
change of their items, issue a ticket or reissue a certificate); they are told why (``409``
``use-suspended``) and nothing is written. Reading and keeping go on."""

from __future__ import annotations

from intake.dependencies import Dependencies
from intake.errors import ConflictError


def refuse_while_suspended(
    deps: Dependencies, prefecture: str, person: str | None, what: str
) -> None:
    """Raise unless ``person``'s use of their data is free to be processed; ``what`` names the
    step for the message (an application's acceptance, …)."""
    if person is None or deps.person_requests(prefecture).suspension(person) is None:
        return
    raise ConflictError(
        f"the person's use of their data is suspended at their request (利用停止): {what} "
        "waits until the suspension is lifted",
        slug="use-suspended",
    )
