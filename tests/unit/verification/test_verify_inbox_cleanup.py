"""The raw submission once verification has ended: every version gone, attachments kept.

The raw parts hold the My Number; once verify has decided (admitted or refused), the vault
is to be the only place holding it. A message to be retried leaves them for the next try.
"""

from __future__ import annotations

import pytest
from tests.unit.verification.conftest import HANAKO, SAKURA, STRANGER, TARO, World, document_of

from kentei.applications.model import Status
from kentei.registry import RegistryUnavailableError
from kentei.signatures import NoRevocationSource
from verify.reasons import RetryLaterError

PHOTO = "attachments/photo.jpg"


def test_given_an_admitted_mynaportal_application_then_its_raw_parts_are_gone_not_its_attachments(
    world: World,
) -> None:
    application_id = world.mynaportal(TARO)
    world.inbox.put(application_id, PHOTO, b"\xff\xd8 a photo")

    outcome = world.verify(application_id)

    assert outcome.status is Status.UNDER_REVIEW
    assert world.inbox.names(application_id) == {PHOTO}


def test_given_a_refused_application_then_its_raw_parts_are_gone_too(world: World) -> None:
    application_id = world.mynaportal(STRANGER)

    outcome = world.verify(application_id)

    assert outcome.status is Status.RETURNED
    assert world.inbox.names(application_id) == set()


def test_given_a_rejected_signature_then_its_raw_parts_are_gone(world: World) -> None:
    signed = TARO.form()
    application_id = world.mynaportal(
        TARO, form={**signed, "grade": "1級"}, signed_over=document_of(signed)
    )

    outcome = world.verify(application_id)

    assert outcome.status is Status.REJECTED
    assert world.inbox.names(application_id) == set()


def test_given_every_channel_then_every_version_of_its_raw_parts_is_gone(world: World) -> None:
    ids = [world.mynaportal(TARO), world.egov(HANAKO), world.paper(SAKURA.form())]
    for application_id in ids:
        # Intake wrote the parts twice (a retried request): two versions of each.
        for (owner, name), content in list(world.inbox.parts.items()):
            if owner == application_id:
                world.inbox.put(owner, name, content)

    for application_id in ids:
        assert world.verify(application_id).status is Status.UNDER_REVIEW

    assert world.inbox.versions == {}


def test_given_no_revocation_data_then_the_raw_parts_stay_for_the_retry(world: World) -> None:
    world.revocation = NoRevocationSource()
    application_id = world.mynaportal(TARO)
    before = dict(world.inbox.versions)

    with pytest.raises(RetryLaterError):
        world.verify(application_id)

    assert world.inbox.versions == before
    assert world.inbox.deletes == 0


def test_given_the_registry_unavailable_then_the_raw_parts_stay_for_the_retry(
    world: World,
) -> None:
    class Down:
        def by_my_number(self, my_number: object) -> object:
            raise RegistryUnavailableError("the registry link is unavailable")

    world.registry = Down()
    application_id = world.mynaportal(TARO)

    with pytest.raises(RegistryUnavailableError):
        world.verify(application_id)

    assert world.inbox.names(application_id) == {"document.json", "signature.p7s"}


def test_given_a_redelivered_message_after_the_deletion_then_it_is_acknowledged(
    world: World,
) -> None:
    application_id = world.mynaportal(TARO)
    world.verify(application_id)

    outcome = world.verify(application_id)

    assert outcome.already_handled
    assert outcome.status is Status.UNDER_REVIEW


def test_given_a_crash_between_the_decision_and_the_deletion_then_the_redelivery_deletes(
    world: World,
) -> None:
    application_id = world.mynaportal(TARO)
    parts = {
        name: content
        for (owner, name), content in world.inbox.parts.items()
        if owner == application_id
    }
    world.verify(application_id)
    for name, content in parts.items():  # as if the deletion had not happened
        world.inbox.put(application_id, name, content)

    outcome = world.verify(application_id)

    assert outcome.already_handled
    assert world.inbox.names(application_id) == set()
