"""Verify's flow for one ``application_received`` message, over in-memory ports."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from tests.unit.signatures.builders import CmsOptions, sign_cms
from tests.unit.verification.conftest import (
    HANAKO,
    JIRO,
    SAKURA,
    STRANGER,
    TARO,
    UME,
    World,
    document_of,
)

from kentei.applications.model import Channel, Status
from kentei.data.audit import AuditAction
from kentei.registry import RegistryUnavailableError
from kentei.signatures import NoRevocationSource
from kentei.vault import is_qualification_pseudonym_id
from kentei_local.probes import my_numbers_in
from kentei_local.testpki import Validity
from verify.reasons import RetryLaterError
from verify.verification import ApplicationNotFoundError


def assert_refused(world: World, application_id: str, status: Status, code: str) -> None:
    application = world.application(application_id)
    assert application.status is status, application.reasons
    assert [r.code for r in application.reasons] == [code]
    assert application.verification is not None
    assert application.verification["reason"] == code
    assert application.qualification_pseudonym_id is None
    assert len(world.vault) == 0


def assert_no_personal_data(world: World, application_id: str) -> None:
    """The evidence and reasons verify stored hold no value of the form."""
    application = world.application(application_id)
    stored = json.dumps(
        [application.verification, [r.model_dump() for r in application.reasons]],
        ensure_ascii=False,
    )
    form = application.form
    for value in (form.name, form.address, form.birth_date.isoformat()):
        assert value not in stored
    assert my_numbers_in(stored) == []


# --- verified --------------------------------------------------------------------------------


def test_given_a_signed_mynaportal_application_then_it_is_under_review_with_its_person_identified(
    world: World,
) -> None:
    application_id = world.mynaportal(TARO, pseudonym="mp-taro-0001")

    outcome = world.verify(application_id)

    application = world.application(application_id)
    assert outcome.status is Status.UNDER_REVIEW
    assert outcome.reason is None
    assert application.status is Status.UNDER_REVIEW
    assert [c.status for c in application.history] == [
        Status.RECEIVED,
        Status.VERIFYING,
        Status.UNDER_REVIEW,
    ]
    pseudonym = application.qualification_pseudonym_id
    assert pseudonym is not None
    assert is_qualification_pseudonym_id(pseudonym)
    assert len(world.vault) == 1
    assert world.links.qualification_for("mp-taro-0001") == pseudonym
    evidence = application.verification
    assert evidence is not None
    assert evidence["outcome"] == "verified"
    assert evidence["signature"]["algorithm"] == "rsa-pkcs1v15-sha256"
    assert evidence["signature"]["revocation"]["source"] == "crl"
    assert evidence["registry"] == {"query": "by_my_number", "status": "current"}
    # GenerateMac (the signed act's claim), GenerateMac, Encrypt (a new person)
    assert outcome.kms_requests == 3
    # The person goes on the roster when staff accept the application, not here (R7).
    assert [(e.actor, e.action) for e in world.audit.events] == [
        ("verify", AuditAction.APPLICATION_VERIFIED),
    ]
    assert world.audit.events[0].person_id == pseudonym
    assert_no_personal_data(world, application_id)


def test_given_two_applications_by_one_person_then_one_vault_entry_and_one_pseudonym(
    world: World,
) -> None:
    first = world.mynaportal(TARO)
    second = world.egov(TARO)

    world.verify(first)
    again = world.verify(second)

    pseudonyms = {world.application(a).qualification_pseudonym_id for a in (first, second)}
    assert len(pseudonyms) == 1
    assert len(world.vault) == 1
    assert again.kms_requests == 2  # GenerateMac twice: the signed act, the known person


def test_given_an_egov_package_then_it_is_verified(world: World) -> None:
    application_id = world.egov(HANAKO)

    outcome = world.verify(application_id)

    assert outcome.status is Status.UNDER_REVIEW
    evidence = world.application(application_id).verification
    assert evidence is not None
    assert evidence["signature"]["channel"] == "egov"


def test_given_a_paper_form_without_my_number_then_the_registry_finds_the_person_by_four_items(
    world: World,
) -> None:
    address, building = SAKURA.address.split(" ")
    form = SAKURA.form(my_number=None, address=address, address_line2=building)

    outcome = world.verify(world.paper(form))

    assert outcome.status is Status.UNDER_REVIEW
    assert len(world.vault) == 1
    latest = world.application(outcome.application_id).verification
    assert latest is not None
    assert latest["signature"] is None
    assert latest["registry"]["query"] == "by_four_items"
    assert latest["registry"]["current"] == 1


def test_given_a_paper_form_with_my_number_then_the_registry_confirms_it(world: World) -> None:
    outcome = world.verify(world.paper(HANAKO.form()))

    assert outcome.status is Status.UNDER_REVIEW


# --- idempotency and failures that are retried ------------------------------------------------


def test_given_a_handled_application_then_a_redelivered_message_changes_nothing(
    world: World,
) -> None:
    application_id = world.mynaportal(TARO)
    world.verify(application_id)
    writes = world.applications.writes

    outcome = world.verify(application_id)

    assert outcome.already_handled
    assert outcome.status is Status.UNDER_REVIEW
    assert world.applications.writes == writes
    assert len(world.audit.events) == 1


def test_given_an_unknown_application_then_the_message_fails(world: World) -> None:
    with pytest.raises(ApplicationNotFoundError):
        world.verify(world.new_id())


def test_given_no_revocation_data_then_it_is_retried_and_stays_verifying(world: World) -> None:
    world.revocation = NoRevocationSource()
    application_id = world.mynaportal(TARO)

    with pytest.raises(RetryLaterError, match=r"certificate\.revocation_unknown"):
        world.verify(application_id)

    assert world.application(application_id).status is Status.VERIFYING


def test_given_the_registry_unavailable_then_it_is_retried_and_a_later_delivery_verifies(
    world: World,
) -> None:
    working = world.registry

    class Down:
        def by_my_number(self, my_number: object) -> object:
            raise RegistryUnavailableError("the registry link is unavailable")

    world.registry = Down()
    application_id = world.mynaportal(TARO)
    with pytest.raises(RegistryUnavailableError):
        world.verify(application_id)
    assert world.application(application_id).status is Status.VERIFYING

    world.registry = working
    outcome = world.verify(application_id)

    assert outcome.status is Status.UNDER_REVIEW


# --- the signature: returned or rejected with the signatures' reason -----------------------------


def test_given_the_document_changed_after_signing_then_rejected(world: World) -> None:
    signed = TARO.form()
    changed = {**signed, "grade": "1級"}

    world.verify(
        application_id := world.mynaportal(TARO, form=changed, signed_over=document_of(signed))
    )

    assert_refused(world, application_id, Status.REJECTED, "signature.digest_mismatch")
    evidence = world.application(application_id).verification
    assert evidence is not None
    assert evidence["signature"]["signer_fingerprint"]
    assert_no_personal_data(world, application_id)


def test_given_a_sha1_signature_then_returned(world: World) -> None:
    world.verify(application_id := world.mynaportal(TARO, options=CmsOptions(digest="sha1")))

    assert_refused(world, application_id, Status.RETURNED, "signature.algorithm_refused")


def test_given_an_expired_card_then_returned_as_of_arrival(world: World) -> None:
    card = world.pki.signing_ca.issue_signature(TARO.four_items(), validity=Validity.EXPIRED)

    world.verify(application_id := world.mynaportal(TARO, card=card))

    assert_refused(world, application_id, Status.RETURNED, "certificate.expired")


def test_given_the_four_items_disagree_with_the_certificate_then_returned_naming_the_item(
    world: World,
) -> None:
    application_id = world.mynaportal(TARO, form=TARO.form(name="見本 次郎"))

    world.verify(application_id)

    assert_refused(world, application_id, Status.RETURNED, "identity.mismatch.name")
    assert world.application(application_id).reasons[0].field == "name"
    assert_no_personal_data(world, application_id)


def test_given_an_egov_package_with_an_unreferenced_file_then_rejected(world: World) -> None:
    application_id = world.egov(HANAKO, extra={"extra.pdf": b"%PDF-1.4"}, omit=["extra.pdf"])

    world.verify(application_id)

    assert_refused(world, application_id, Status.REJECTED, "package.unreferenced_file")


# --- the registry ------------------------------------------------------------------------------


def test_given_a_person_not_in_the_registry_then_returned_as_not_confirmed(world: World) -> None:
    world.verify(application_id := world.mynaportal(STRANGER))

    assert_refused(world, application_id, Status.RETURNED, "registry.not_confirmed")
    evidence = world.application(application_id).verification
    assert evidence is not None
    assert evidence["registry"]["query"] == "by_my_number"
    assert evidence["registry"]["status"] == "unknown"
    assert evidence["signature"]["channel"] == "mynaportal"


def test_given_a_deceased_person_then_rejected(world: World) -> None:
    world.verify(application_id := world.paper(UME.form()))

    assert_refused(world, application_id, Status.REJECTED, "registry.deceased")


def test_given_a_moved_person_then_returned(world: World) -> None:
    world.verify(application_id := world.paper(JIRO.form()))

    assert_refused(world, application_id, Status.RETURNED, "registry.moved")


def test_given_an_online_address_the_registry_no_longer_holds_then_not_confirmed(
    world: World,
) -> None:
    old_address = "東京都千代田区旧住所1-1-1"
    moved = type(TARO)(TARO.my_number, TARO.name, TARO.birth_date, TARO.sex, old_address)

    world.verify(application_id := world.mynaportal(moved))

    assert_refused(world, application_id, Status.RETURNED, "registry.not_confirmed")
    evidence = world.application(application_id).verification
    assert evidence is not None
    assert evidence["registry"]["differing"] == ["address"]


def test_given_a_paper_address_the_registry_no_longer_holds_then_returned_naming_it(
    world: World,
) -> None:
    """Paper keeps the detailed codes: staff keyed the form after seeing the applicant."""
    world.verify(application_id := world.paper(TARO.form(address="東京都千代田区旧住所1-1-1")))

    assert_refused(world, application_id, Status.RETURNED, "registry.mismatch.address")
    assert world.application(application_id).reasons[0].field == "address"


def test_given_an_online_document_without_my_number_then_returned(world: World) -> None:
    world.verify(application_id := world.mynaportal(TARO, form=TARO.form(my_number=None)))

    assert_refused(world, application_id, Status.RETURNED, "document.my_number_missing")


# --- the inbox and the record ------------------------------------------------------------------


def test_given_a_missing_inbox_part_then_rejected(world: World) -> None:
    application_id = world.mynaportal(TARO)
    del world.inbox.versions[(application_id, "signature.p7s")]

    world.verify(application_id)

    assert_refused(world, application_id, Status.REJECTED, "submission.missing")


def test_given_an_unreadable_package_then_rejected(world: World) -> None:
    application_id = world.store(Channel.EGOV, HANAKO.form(), {"package.zip": b"not a zip"})

    world.verify(application_id)

    assert_refused(world, application_id, Status.REJECTED, "submission.malformed")


def test_given_a_record_that_differs_from_the_signed_document_then_rejected(
    world: World,
) -> None:
    recorded = TARO.form()
    signed = document_of({**recorded, "grade": "1級"})
    application_id = world.store(
        Channel.MYNAPORTAL,
        recorded,
        {"document.json": signed, "signature.p7s": sign_cms(signed, world.card(TARO))},
    )

    world.verify(application_id)

    assert_refused(world, application_id, Status.REJECTED, "submission.record_mismatch")
    evidence = world.application(application_id).verification
    assert evidence is not None
    assert "grade" in evidence["detail"]


def test_given_a_mynaportal_account_linked_to_another_person_then_rejected(
    world: World,
) -> None:
    world.verify(world.mynaportal(TARO, pseudonym="mp-shared-0001"))

    outcome = world.verify(world.mynaportal(HANAKO, pseudonym="mp-shared-0001"))

    assert outcome.status is Status.REJECTED
    assert outcome.reason == "identity.pseudonym_conflict"


def test_the_arrival_time_not_the_verification_time_judges_the_certificate(
    world: World,
) -> None:
    now = dt.datetime.now(dt.UTC)
    card = world.pki.signing_ca.issue_signature(
        TARO.four_items(),
        not_before=now - dt.timedelta(hours=20),
        not_after=now - dt.timedelta(hours=1),
    )
    form = TARO.form()
    application_id = world.store(
        Channel.MYNAPORTAL,
        form,
        {
            "document.json": document_of(form),
            "signature.p7s": sign_cms(document_of(form), card),
        },
        received_at=now - dt.timedelta(hours=10),
    )

    outcome = world.verify(application_id)

    assert outcome.status is Status.UNDER_REVIEW
