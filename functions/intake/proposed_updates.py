"""A change proposal of a person's own items as staff key it in (R9): a paper change request
(:mod:`intake.change_requests`) or a correction request (訂正請求, :mod:`intake.corrections`).
Both propose the items that differ from the examinee as stored now, based on that version."""

from __future__ import annotations

from typing import Any

from intake.dependencies import Dependencies
from intake.errors import InvalidRequestError, NotFoundError
from kentei.field_errors import FieldError
from kentei.roster.changes import (
    ChangeKind,
    ChangeSource,
    NothingToChangeError,
    Proposal,
    RequestedItems,
    new_proposal_id,
    requested_changes,
)


def proposed_update(
    deps: Dependencies,
    prefecture: str,
    person: str,
    items: RequestedItems,
    source: ChangeSource,
    *,
    not_found: str,
    **origin: Any,
) -> Proposal:
    """The proposal of ``items`` for ``person`` of ``prefecture``'s roster (``not_found``: the
    404's text when they are not on it); ``origin``: what names where it came from (the
    source's fields of :class:`Proposal`). Items that change nothing are a ``422``."""
    stored = deps.roster(prefecture).examinee(person)
    if stored is None:
        raise NotFoundError(not_found)
    try:
        changes = requested_changes(stored.examinee, items)
    except NothingToChangeError as exc:
        raise InvalidRequestError(
            str(exc), [FieldError(field="items", problem="changes nothing")]
        ) from None
    at = deps.clock()
    return Proposal(
        proposal_id=new_proposal_id(at),
        prefecture_code=prefecture,
        qualification_pseudonym_id=person,
        kind=ChangeKind.UPDATE,
        registry_status=None,
        changes=changes,
        source=source,
        run_id=None,
        proposed_at=at,
        basis=stored.updated_at,
        **origin,
    )
