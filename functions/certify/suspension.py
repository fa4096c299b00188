"""Suspension of use (利用停止, P10) in certify: a suspended person's announced pass gets
neither its certificate nor its notice while the suspension stands.

Both steps of a ``passes_announced`` page read the prefecture's suspensions once
(:meth:`~certify.dependencies.Suspensions.suspended_persons`) and, for a suspended person's
application, keep what they left undone (:class:`kentei.person_requests.model.HeldWork`,
``USE_HELD#``; the same item for both steps) instead of doing it. When the suspension is lifted,
intake sends ``use_resumed``; :func:`resume_held_work` runs the page's steps again for each held
application and forgets the work once both went through (a step that fails leaves it, and the
message is retried). A person suspended again meanwhile is left alone.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from certify.dependencies import Suspensions
from kentei.messages import PassesAnnounced, UseResumed
from kentei.person_requests.suspension import HeldWork


def hold_for_later(
    store: Suspensions, message: PassesAnnounced, application_id: str, person: str, at: datetime
) -> None:
    store.hold_work(
        HeldWork(
            prefecture_code=message.prefecture_code,
            qualification_pseudonym_id=person,
            application_id=application_id,
            group_key=message.group_key,
            held_at=at,
        )
    )


def resume_held_work(
    message: UseResumed, store: Suspensions, announce: Callable[[PassesAnnounced], None]
) -> int | None:
    """Each held application of the person announced again through ``announce`` (the
    ``passes_announced`` route: certificate and notice), then forgotten; how many, or None
    while the person's use is still suspended."""
    person = message.qualification_pseudonym_id
    if store.suspension(person) is not None:
        return None
    done = 0
    for work in store.held_work(person):
        announce(
            PassesAnnounced(
                prefecture_code=work.prefecture_code,
                group_key=work.group_key,
                application_ids=(work.application_id,),
            )
        )
        store.release_work(work)
        done += 1
    return done
