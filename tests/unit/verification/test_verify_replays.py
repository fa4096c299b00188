"""Replays (hole 6): a signed document admits one application and moves a link once.

Each test replays signed bytes that verified before. Before the single-use rule, every one of
them verified again: a second application under review, and
the person's notice link moved to whichever Mynaportal account sent the copy.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Mapping

from tests.unit.signatures.builders import CmsOptions, sign_cms
from tests.unit.verification.conftest import (
    HANAKO,
    SAKURA,
    STRANGER,
    TARO,
    Person,
    World,
    document_of,
)

from kentei.applications.model import Channel, Status
from kentei_local.probes import my_numbers_in
from kentei_local.testpki import Issued


def signed_parts(
    world: World, person: Person, card: Issued | None = None, options: CmsOptions | None = None
) -> dict[str, bytes]:
    document = document_of(person.form())
    return {
        "document.json": document,
        "signature.p7s": sign_cms(document, card or world.card(person), options),
    }


def send(world: World, person: Person, parts: Mapping[str, bytes], pseudonym: str) -> str:
    return world.store(Channel.MYNAPORTAL, person.form(), parts, pseudonym=pseudonym)


def assert_replay_refused(world: World, application_id: str, first: str) -> None:
    application = world.application(application_id)
    assert application.status is Status.REJECTED, application.reasons
    assert [r.code for r in application.reasons] == ["submission.replayed"]
    assert application.qualification_pseudonym_id is None
    evidence = application.verification
    assert evidence is not None
    assert evidence["reason"] == "submission.replayed"
    assert evidence["replay_of"] == first
    assert evidence["signature"]["channel"] in {"mynaportal", "egov"}
    stored = json.dumps([evidence, [r.model_dump() for r in application.reasons]])
    assert my_numbers_in(stored) == []
    assert application.form.name not in stored


def test_given_the_same_signed_document_twice_then_the_second_is_refused_and_nothing_moves(
    world: World,
) -> None:
    parts = signed_parts(world, TARO)
    first = send(world, TARO, parts, "mp-taro-0001")
    admitted = world.verify(first)
    pseudonym = admitted.qualification_pseudonym_id
    assert pseudonym is not None

    outcome = world.verify(send(world, TARO, parts, "mp-taro-0001"))

    assert outcome.status is Status.REJECTED
    assert outcome.reason == "submission.replayed"
    assert_replay_refused(world, outcome.application_id, first)
    assert world.links.mynaportal_for(pseudonym) == "mp-taro-0001"
    assert len(world.vault) == 1


def test_given_the_same_signed_document_under_another_account_then_refused_and_the_link_stays(
    world: World,
) -> None:
    parts = signed_parts(world, TARO)
    first = send(world, TARO, parts, "mp-taro-0001")
    pseudonym = world.verify(first).qualification_pseudonym_id
    assert pseudonym is not None
    kms_before = world.vault.kms_requests.snapshot()

    outcome = world.verify(send(world, TARO, parts, "mp-mallory-0001"))

    assert_replay_refused(world, outcome.application_id, first)
    assert world.links.mynaportal_for(pseudonym) == "mp-taro-0001"
    assert world.links.qualification_for("mp-mallory-0001") is None
    # Refused before the vault: one GenerateMac (the claim), no blind index of the number.
    after = world.vault.kms_requests.snapshot()
    assert after["GenerateMac"] == kms_before["GenerateMac"] + 1
    assert after.get("Encrypt") == kms_before.get("Encrypt")


def test_given_a_reencoded_signature_container_then_it_is_still_the_same_signed_act(
    world: World,
) -> None:
    card = world.card(TARO)
    document = document_of(TARO.form())
    first = send(
        world, TARO, {"document.json": document, "signature.p7s": sign_cms(document, card)}, "mp-a1"
    )
    world.verify(first)
    # The same signature value in another SignerInfo encoding: other bytes, the same act.
    reencoded = sign_cms(document, card, CmsOptions(signer_id="key_identifier"))

    outcome = world.verify(
        send(world, TARO, {"document.json": document, "signature.p7s": reencoded}, "mp-b2")
    )

    assert_replay_refused(world, outcome.application_id, first)


def test_given_a_new_signed_document_from_a_new_account_then_only_it_moves_the_link(
    world: World,
) -> None:
    parts = signed_parts(world, TARO)
    pseudonym = world.verify(send(world, TARO, parts, "mp-taro-0001")).qualification_pseudonym_id
    assert pseudonym is not None
    replayed = world.verify(send(world, TARO, parts, "mp-taro-0002"))
    assert replayed.reason == "submission.replayed"
    assert world.links.mynaportal_for(pseudonym) == "mp-taro-0001"

    # A fresh signed act of the person (a new card: a signature never seen), sent from the
    # new account: the owner moved, and notices follow.
    fresh = world.verify(send(world, TARO, signed_parts(world, TARO), "mp-taro-0002"))

    assert fresh.status is Status.UNDER_REVIEW
    assert fresh.qualification_pseudonym_id == pseudonym
    assert world.links.mynaportal_for(pseudonym) == "mp-taro-0002"
    assert world.links.qualification_for("mp-taro-0002") == pseudonym
    assert world.links.qualification_for("mp-taro-0001") == pseudonym


def test_given_a_signed_document_of_another_person_then_the_account_conflict_rule_still_holds(
    world: World,
) -> None:
    world.verify(send(world, TARO, signed_parts(world, TARO), "mp-shared-0001"))

    outcome = world.verify(send(world, HANAKO, signed_parts(world, HANAKO), "mp-shared-0001"))

    assert outcome.reason == "identity.pseudonym_conflict"


def test_given_an_egov_package_sent_again_repacked_then_the_copy_is_refused(
    world: World,
) -> None:
    first = world.egov(HANAKO)
    package = world.inbox.parts[(first, "package.zip")]
    world.verify(first)
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        files = {name: archive.read(name) for name in reversed(archive.namelist())}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    assert buffer.getvalue() != package

    copy = world.store(Channel.EGOV, HANAKO.form(), {"package.zip": buffer.getvalue()})
    outcome = world.verify(copy)

    assert_replay_refused(world, outcome.application_id, first)


def test_given_a_signed_document_across_channels_then_each_channel_signature_is_its_own_act(
    world: World,
) -> None:
    mynaportal = world.verify(world.mynaportal(TARO))
    egov = world.verify(world.egov(TARO))

    assert mynaportal.status is egov.status is Status.UNDER_REVIEW


def test_given_a_redelivered_message_then_the_claim_is_the_applications_own(world: World) -> None:
    parts = signed_parts(world, TARO)
    application_id = send(world, TARO, parts, "mp-taro-0001")
    assert world.verify(application_id).status is Status.UNDER_REVIEW
    # As if the decision had not been written: the message is delivered again.
    stored = world.applications.items[application_id]
    world.applications.items[application_id] = stored.__class__(
        stored.application.model_copy(update={"status": Status.VERIFYING}),
        stored.version,
        stored.request_fingerprint,
    )
    for name, content in parts.items():
        world.inbox.put(application_id, name, content)

    outcome = world.verify(application_id)

    assert not outcome.already_handled
    assert outcome.status is Status.UNDER_REVIEW


def test_given_the_resubmission_of_a_returned_application_then_it_may_carry_the_same_signature(
    world: World,
) -> None:
    parts = signed_parts(world, STRANGER)
    returned = send(world, STRANGER, parts, "mp-stranger-01")
    assert world.verify(returned).reason == "registry.not_confirmed"
    resubmission = send(world, STRANGER, parts, "mp-stranger-01")
    stored = world.applications.items[resubmission]
    world.applications.items[resubmission] = stored.__class__(
        stored.application.model_copy(update={"resubmission_of": returned}),
        stored.version,
        stored.request_fingerprint,
    )

    outcome = world.verify(resubmission)

    # Judged on its merits (the registry still does not know the person), not as a replay;
    # and the claim is the resubmission's now: the returned one's copy would be a replay.
    assert outcome.reason == "registry.not_confirmed"
    third = world.verify(send(world, STRANGER, parts, "mp-stranger-01"))
    assert third.reason == "submission.replayed"


def test_given_paper_forms_then_there_is_no_signed_act_to_claim(world: World) -> None:
    form = SAKURA.form()

    outcomes = [world.verify(world.paper(form)) for _ in range(2)]

    assert [o.status for o in outcomes] == [Status.UNDER_REVIEW, Status.UNDER_REVIEW]
    assert world.signed_acts.claims == {}
