"""Applications through the running system over HTTP, from clients that know only the contract.

The Mynaportal bridge signs with ``openssl cms -sign`` and the e-Gov bridge with ``xmlsec1``
(``kentei_local.bridges``, which import nothing of the server), using card certificates of the
session's test PKI (trusted by the runtime through ``KENTEI_JPKI_TRUST_ANCHORS``). No response
may carry a personal value it was sent; the session's scans then prove that no My Number was
kept outside the vault, queued or logged.
"""

from __future__ import annotations

import base64
import json
import random
from collections.abc import Iterator
from typing import Any, Final

import pytest
import requests
from tests.e2e.support import (
    HANAKO,
    RECEIVED,
    SAKURA,
    STATUSES,
    TARO,
    application_items,
    assert_no_personal_echo,
    assert_problem,
    card_signer,
    inbox_keys,
    queued_for_verification,
    stored_application,
)

from kentei_local.bridges import (
    Attachment,
    EgovBridge,
    MynaportalBridge,
    PaperDesk,
    Signer,
    application_document,
    build_package,
    sample_my_number,
    sample_pdf,
    sample_png,
    sign_detached,
)
from kentei_local.process import ServeProcess
from kentei_local.testpki import TestPki

pytestmark = pytest.mark.tools("openssl", "xmlsec1")

QUEUE_WAIT_S: Final = 30.0
MB: Final = 1024 * 1024
PDF: Final = Attachment("experience-certificate.pdf", sample_pdf(label="experience"))
PHOTO: Final = Attachment("photo.png", sample_png(), "image/png")
STAFF: Final = ("13", "clerk-e2e")


@pytest.fixture(scope="module")
def taro_signer(jpki: TestPki, tmp_path_factory: pytest.TempPathFactory) -> Signer:
    return card_signer(jpki, TARO, tmp_path_factory.mktemp("taro"))


@pytest.fixture(scope="module")
def hanako_signer(jpki: TestPki, tmp_path_factory: pytest.TempPathFactory) -> Signer:
    return card_signer(jpki, HANAKO, tmp_path_factory.mktemp("hanako"))


@pytest.fixture
def mynaportal(local_system: ServeProcess) -> Iterator[MynaportalBridge]:
    bridge = MynaportalBridge(local_system.endpoints)
    yield bridge
    bridge.session.close()


@pytest.fixture
def egov(local_system: ServeProcess) -> Iterator[EgovBridge]:
    bridge = EgovBridge(local_system.endpoints)
    yield bridge
    bridge.session.close()


@pytest.fixture
def desk(local_system: ServeProcess) -> Iterator[PaperDesk]:
    staff = PaperDesk(local_system.endpoints, *STAFF)
    yield staff
    staff.session.close()


def accepted(response: requests.Response) -> dict[str, Any]:
    """The 202 body, checked against the contract."""
    assert response.status_code == 202, response.text[:2000]
    assert response.headers["Content-Type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    assert set(body) == {"application_id", "status", "status_url"}
    assert body["status"] == RECEIVED
    assert body["application_id"].startswith("13-")
    assert body["status_url"].endswith(f"/v1/applications/{body['application_id']}")
    return body


# --- Done when: a Mynaportal, an e-Gov and a paper application are stored and queued --------


def test_a_mynaportal_application_signed_with_openssl_is_received_stored_and_queued(
    local_system: ServeProcess, mynaportal: MynaportalBridge, taro_signer: Signer
) -> None:
    form = TARO.form()
    document = application_document(form, [PDF, PHOTO])

    response = mynaportal.submit(document, sign_detached(document, taro_signer), [PDF, PHOTO])

    body = accepted(response.response)
    assert_no_personal_echo(response.response, form)
    application_id = body["application_id"]
    status = mynaportal.status(application_id)
    assert status.status_code == 200
    assert status.json()["status"] in STATUSES
    assert_no_personal_echo(status, form)
    assert stored_application(local_system, application_id) is not None
    assert inbox_keys(local_system, application_id), "the raw submission is not in the inbox"
    assert queued_for_verification(local_system, mynaportal, application_id, QUEUE_WAIT_S)


def test_a_mynaportal_document_may_use_the_japanese_item_names(
    local_system: ServeProcess, mynaportal: MynaportalBridge, taro_signer: Signer
) -> None:
    form = TARO.form()
    document = application_document(form, [PDF], japanese=True)

    response = mynaportal.submit(document, sign_detached(document, taro_signer), [PDF])

    accepted(response.response)
    assert_no_personal_echo(response.response, form)


def test_an_egov_package_signed_with_xmlsec1_is_received_stored_and_queued(
    local_system: ServeProcess, egov: EgovBridge, hanako_signer: Signer
) -> None:
    form = HANAKO.form()
    document = application_document(form, [PDF, PHOTO])

    response = egov.submit(build_package(document, [PDF, PHOTO], hanako_signer))

    body = accepted(response.response)
    assert_no_personal_echo(response.response, form)
    application_id = body["application_id"]
    status = egov.status(application_id)
    assert status.status_code == 200
    assert_no_personal_echo(status, form)
    assert stored_application(local_system, application_id) is not None
    # The package (it holds the My Number) is in the inbox until its verification has ended,
    # which may already be the case: verify then deletes it.
    assert inbox_keys(local_system, application_id) or (
        egov.status(application_id).json()["status"] not in {"received", "verifying"}
    )
    assert queued_for_verification(local_system, egov, application_id, QUEUE_WAIT_S)


def test_a_paper_application_keyed_in_by_staff_is_received_stored_and_queued(
    local_system: ServeProcess, desk: PaperDesk
) -> None:
    form = SAKURA.form()

    response = desk.submit(form, "my_number_card", [PDF])

    body = accepted(response.response)
    assert_no_personal_echo(response.response, form)
    application_id = body["application_id"]
    status = desk.status(application_id)
    assert status.status_code == 200
    assert_no_personal_echo(status, form)
    item = stored_application(local_system, application_id)
    assert item is not None
    assert STAFF[1] in json.dumps(item, ensure_ascii=False)
    assert queued_for_verification(local_system, desk, application_id, QUEUE_WAIT_S)


# --- Idempotency ---------------------------------------------------------------------------------


def test_replaying_a_request_with_its_key_returns_the_same_answer_and_creates_nothing(
    local_system: ServeProcess, mynaportal: MynaportalBridge, taro_signer: Signer
) -> None:
    form = TARO.form()
    document = application_document(form, [PDF])
    first = mynaportal.submit(document, sign_detached(document, taro_signer), [PDF])
    accepted(first.response)
    before = application_items(local_system)

    replay = mynaportal.post_application(first.body, idempotency_key=first.idempotency_key)

    assert replay.response.status_code == first.response.status_code
    assert replay.response.json() == first.response.json()
    assert application_items(local_system) == before
    assert_no_personal_echo(replay.response, form)


def test_the_same_key_with_another_body_is_a_conflict(
    local_system: ServeProcess, desk: PaperDesk
) -> None:
    form = SAKURA.form()
    first = desk.submit(form, "passport")
    accepted(first.response)
    before = application_items(local_system)

    other = desk.submit(
        SAKURA.form(grade="1級", years_of_experience=9),
        "passport",
        idempotency_key=first.idempotency_key,
    )

    assert_problem(other.response, 409)
    assert application_items(local_system) == before
    assert_no_personal_echo(other.response, form)


# --- Limits and types ------------------------------------------------------------------------


def incompressible_pdf(size: int) -> bytes:
    """A PDF of ``size`` bytes whose padding does not compress (not a zip bomb)."""
    noise = base64.b64encode(random.Random(size).randbytes(size)).replace(b"\n", b"")
    head = sample_pdf(label="large")
    return head[:-6] + b"%" + noise[: size - len(head) - 1] + head[-6:]


def test_an_attachment_over_10_mb_is_413(
    egov: EgovBridge, mynaportal: MynaportalBridge, hanako_signer: Signer, taro_signer: Signer
) -> None:
    # Through the package, the file's own limit is checked by intake (the zip stays small):
    # a file of 10 MB + 1 byte whose content still compresses about tenfold.
    pattern = random.Random(1).randbytes(4096) + bytes(36_000)
    big = Attachment("large.pdf", (b"%PDF-1.4\n" + pattern * 300)[: 10 * MB + 1])
    document = application_document(HANAKO.form(), [big])

    response = egov.submit(build_package(document, [big], hanako_signer))

    problem = assert_problem(response.response, 413)
    assert_no_personal_echo(response.response, HANAKO.form())
    assert problem.get("errors"), problem
    # As a Mynaportal upload the base64 alone passes the gateway's 10 MB payload limit.
    large = Attachment("large.pdf", incompressible_pdf(10 * MB + 1))
    document = application_document(TARO.form(), [large])
    upload = mynaportal.submit(document, sign_detached(document, taro_signer), [large])
    assert upload.response.status_code == 413


def test_a_text_file_disguised_as_a_pdf_is_415(
    mynaportal: MynaportalBridge, taro_signer: Signer
) -> None:
    form = TARO.form()
    disguised = Attachment("diploma.pdf", b"this is plain text, not a PDF\n", "application/pdf")
    document = application_document(form, [disguised])

    response = mynaportal.submit(document, sign_detached(document, taro_signer), [disguised])

    problem = assert_problem(response.response, 415)
    assert any("attachments" in error["field"] for error in problem.get("errors", [])), problem
    assert_no_personal_echo(response.response, form)


def test_a_whole_request_over_30_mb_is_413(local_system: ServeProcess) -> None:
    form = SAKURA.form()
    files = [Attachment(f"scan-{n}.pdf", incompressible_pdf(8 * MB)) for n in range(4)]
    desk = PaperDesk(local_system.endpoints, *STAFF)

    try:
        response = desk.submit(form, "passport", files)
    finally:
        desk.session.close()

    assert len(response.body) > 30 * MB
    assert response.response.status_code == 413
    assert_no_personal_echo(response.response, form)


# --- Validation --------------------------------------------------------------------------------


def test_an_unknown_field_of_the_request_is_422_naming_it(desk: PaperDesk) -> None:
    form = SAKURA.form()
    body = {**PaperDesk.request_body(form, "passport"), "favourite_colour": "blue"}

    response = desk.post_application(body)

    problem = assert_problem(response.response, 422)
    assert any("favourite_colour" in e["field"] for e in problem["errors"]), problem
    assert_no_personal_echo(response.response, form)


def test_an_unknown_item_in_the_signed_document_is_422_naming_it(
    mynaportal: MynaportalBridge, taro_signer: Signer
) -> None:
    form = TARO.form()
    document = application_document(form, [PDF], extra={"hobby": "見本の趣味"})

    response = mynaportal.submit(document, sign_detached(document, taro_signer), [PDF])

    problem = assert_problem(response.response, 422)
    assert any("hobby" in e["field"] for e in problem["errors"]), problem
    assert "見本の趣味" not in response.response.text
    assert_no_personal_echo(response.response, form)


@pytest.mark.parametrize("channel", ["mynaportal", "paper"])
def test_a_my_number_with_a_wrong_check_digit_is_422_naming_the_field_not_the_value(
    mynaportal: MynaportalBridge, desk: PaperDesk, taro_signer: Signer, channel: str
) -> None:
    wrong = sample_my_number(valid=False)
    form = TARO.form(my_number=wrong)
    if channel == "paper":
        response = desk.submit(form, "my_number_card").response
    else:
        document = application_document(form, [PDF])
        signature = sign_detached(document, taro_signer)
        response = mynaportal.submit(document, signature, [PDF]).response

    problem = assert_problem(response, 422)
    fields = [e["field"] for e in problem["errors"]]
    assert any(f.endswith("my_number") for f in fields), problem
    assert wrong not in response.text
    assert wrong[:11] not in response.text
    assert_no_personal_echo(response, form)


# --- Who may call ----------------------------------------------------------------------------


def test_without_a_token_it_is_401_and_a_bridge_posting_another_channel_is_403(
    local_system: ServeProcess, taro_signer: Signer
) -> None:
    form = TARO.form()
    document = application_document(form, [])
    body = MynaportalBridge.request_body(document, sign_detached(document, taro_signer))
    anonymous = MynaportalBridge(local_system.endpoints)
    anonymous.caller = None
    egov = EgovBridge(local_system.endpoints)
    try:
        unknown = anonymous.post_application(body).response
        wrong_bridge = egov.post_application(body).response
    finally:
        anonymous.session.close()
        egov.session.close()

    # No token: the gateway's authorizer answers, as API Gateway does, before intake runs.
    assert unknown.status_code == 401
    assert unknown.json() == {"message": "Unauthorized"}
    assert_problem(wrong_bridge, 403)
    assert_no_personal_echo(unknown, form)
    assert_no_personal_echo(wrong_bridge, form)


def test_staff_of_another_prefecture_get_404_for_an_application(
    local_system: ServeProcess, desk: PaperDesk
) -> None:
    submitted = accepted(desk.submit(SAKURA.form(), "passport").response)
    stranger = PaperDesk(local_system.endpoints, "27", "clerk-osaka")
    try:
        response = stranger.status(submitted["application_id"])
        review = stranger.review_item(submitted["application_id"])
    finally:
        stranger.session.close()

    assert_problem(response, 404)
    assert_problem(review, 404)
    assert SAKURA.name not in response.text + review.text


def test_staff_of_13_get_404_for_an_application_of_27(
    local_system: ServeProcess, desk: PaperDesk
) -> None:
    # Both sign in with real ID tokens of the local pool: seeded users of each prefecture.
    osaka = PaperDesk(local_system.endpoints, "27", "clerk-27", ["clerk"])
    tokyo_reviewer = PaperDesk(local_system.endpoints, "13", "reviewer-13", ["reviewer"])
    try:
        response = osaka.submit(HANAKO.form(prefecture_code="27"), "passport").response
        assert response.status_code == 202, response.text[:2000]
        application_id = response.json()["application_id"]
        assert application_id.startswith("27-")
        status = desk.status(application_id)
        review = tokyo_reviewer.review_item(application_id)
        own = osaka.status(application_id)
    finally:
        osaka.session.close()
        tokyo_reviewer.session.close()

    assert own.status_code == 200, own.text
    assert_problem(status, 404)
    assert_problem(review, 404)
    assert HANAKO.name not in status.text + review.text


def test_staff_see_the_review_list_of_their_prefecture_without_my_numbers(
    desk: PaperDesk,
) -> None:
    response = desk.review_list()

    assert response.status_code == 200, response.text
    assert "900000000" not in response.text
