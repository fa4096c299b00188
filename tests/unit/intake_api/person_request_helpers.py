"""A person on Tokyo's roster for the person request tests, with a disclosure already granted
(what a correction or suspension request follows, as the procedure says)."""

from __future__ import annotations

from datetime import timedelta

from tests.unit.review.factory import application, form

from kentei.applications.model import IdentityConfirmation, Status
from kentei.person_requests.model import Decision, received
from kentei.person_requests.procedures import Channel, RequestKind, procedures
from kentei.roster.exam_numbers import schemes
from kentei.roster.registration import registration_of

from .fakes import Fakes

PERSON = "4qc7cvj3twxoaxwlxb7x4ahwb4"


def registered(fakes: Fakes, *, disclosed: bool = True) -> None:
    """PERSON on Tokyo's roster with one sitting; with ``disclosed``, a disclosure request of
    theirs decided granted a month before the clock."""
    accepted = application(form(), status=Status.ACCEPTED)
    registration = registration_of(accepted)
    at = accepted.history[-1].at
    sitting = registration.sitting(schemes().of("13"), 1, at=at, by="staff:13:reviewer1")
    fakes.records.sittings[accepted.application_id] = sitting
    fakes.records.examinees[("13", PERSON)] = registration.examinee
    if not disclosed:
        return
    asked = fakes.clock.now - timedelta(days=30)
    disclosure = received(
        prefecture_code="13",
        person=PERSON,
        kind=RequestKind.DISCLOSURE,
        channel=Channel.WINDOW,
        identity_confirmation=IdentityConfirmation.MY_NUMBER_CARD,
        entered_by="staff:13:privacy1",
        at=asked,
        procedure=procedures().of("13", RequestKind.DISCLOSURE),
    ).decided(Decision.GRANTED, "staff:13:privacy1", asked + timedelta(days=5), "開示する")
    fakes.records.person_requests[disclosure.request_id] = disclosure
