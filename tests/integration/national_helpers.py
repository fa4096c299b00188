"""What the national sync's local tests share: an examinee registered by the roster's own
writes (the records stream takes it to the national side)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Final

from tests.unit.review.factory import application, form

from kentei import aws
from kentei.applications.model import Status
from kentei.data.roster import PrefectureRoster
from kentei.roster.exam_numbers import schemes
from kentei.roster.registration import registration_of
from kentei_local.runtime import LocalRuntime
from kentei_local.settings import LocalSettings

AT: Final = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)


def register(person: str, work_code: str, **changes: str) -> str:
    """``person`` registered in Tokyo for ``work_code`` (the form with ``changes``): the
    examinee and a sitting, as staff accepting the application write them; the sitting's
    application id."""
    roster = PrefectureRoster("13")
    accepted = application(form(work_code=work_code, **changes), status=Status.UNDER_REVIEW)
    accepted = accepted.model_copy(update={"qualification_pseudonym_id": person})
    registration = registration_of(accepted)
    scheme = schemes().of("13")
    seq = roster.draw(registration.counter(scheme))
    sitting = registration.sitting(scheme, seq, at=AT, by="staff:13:reviewer-13")
    writes = roster.registration_writes(registration.examinee, sitting, AT)
    aws.dynamodb().transact_write_items(TransactItems=writes)
    return sitting.application_id


@contextmanager
def national_runtime(state_dir: Path, *, serve_http: bool = False) -> Iterator[LocalRuntime]:
    """A local runtime whose sync talks to its own fake national server (``.national.national``
    is what the national side holds), sync's cached adapter forgotten before and after."""
    from sync.national_ports import national_system

    national_system.cache_clear()  # an adapter kept from an earlier runtime's endpoint
    settings = LocalSettings(port=0, state_dir=state_dir)
    try:
        with LocalRuntime(settings, serve_http=serve_http) as started:
            yield started
    finally:
        national_system.cache_clear()
