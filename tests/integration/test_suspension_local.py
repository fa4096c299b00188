"""Done when (issue 13): a suspended person's application is not processed.

The local runtime, pumped, with the real intake and verify: Taro applies through Mynaportal and
is accepted onto the roster; the prefecture's information-disclosure office records his
suspension request (利用停止請求) and grants it over HTTP. His next application is verified only
as far as knowing it is his, and waits ``held``: the bridge's status says why, staff cannot
accept it, nothing of it reaches the roster. Once the office lifts the suspension, verify takes
it on to review and staff accept it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import pytest
from tests.e2e.support import TARO
from tests.integration.intake_helpers import granted_disclosure

from kentei import aws
from kentei.data.applications import PrefectureApplications
from kentei.data.audit import AuditAction, AuditTrail
from kentei.data.roster import PrefectureRoster
from kentei_local.bridges import (
    ApiClient,
    Attachment,
    MynaportalBridge,
    PaperDesk,
    Signer,
    application_document,
    sample_pdf,
    sign_detached,
)
from kentei_local.probes import wait_until
from kentei_local.runtime import LocalRuntime
from kentei_local.settings import LocalSettings
from kentei_local.testpki import TestPki
from verify import dependencies

pytestmark = pytest.mark.tools("openssl")

WAIT_S: Final = 60.0
PDF: Final = Attachment("experience-certificate.pdf", sample_pdf(label="experience"))


@dataclass
class System:
    runtime: LocalRuntime
    signer: Signer
    reviewer: PaperDesk
    office: PaperDesk

    def apply(self, **form: Any) -> str:
        document = application_document(TARO.form(**form), [PDF])
        bridge = MynaportalBridge(self.runtime.endpoints)
        submission = bridge.submit(document, sign_detached(document, self.signer), [PDF])
        assert submission.response.status_code == 202, submission.response.text
        application_id = submission.application_id
        assert application_id is not None
        self.bridge = bridge
        return application_id

    def status_of(self, application_id: str, *wanted: str) -> dict[str, Any]:
        bridge: ApiClient = self.bridge

        def reached() -> dict[str, Any] | None:
            response = bridge.status(application_id)
            assert response.status_code == 200, response.text
            body: dict[str, Any] = response.json()
            return body if body["status"] in wanted else None

        return wait_until(reached, WAIT_S, f"{application_id} never reached {wanted}")


def _clear_clients() -> None:
    for client in (aws.dynamodb, aws.sqs, aws.s3, aws.kms):
        client.cache_clear()
    dependencies.reset()


@pytest.fixture(scope="module")
def system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    folder: Path = tmp_path_factory.mktemp("suspension-local")
    pki = TestPki.create(folder / "pki")
    _clear_clients()
    with pytest.MonkeyPatch.context() as patch:
        for name, value in pki.settings().items():
            patch.setenv(name, value)
        runtime = LocalRuntime(LocalSettings(port=0, visibility_timeout_s=1)).start()
        try:
            paths = pki.signature_certificate(TARO.four_items()).write(folder / "taro", "card")
            yield System(
                runtime,
                Signer(key=paths.key, certificate=paths.certificate),
                PaperDesk(runtime.endpoints, "13", "reviewer-p10", roles=("reviewer",)),
                PaperDesk(runtime.endpoints, "13", "privacy-p10", roles=("privacy",)),
            )
        finally:
            runtime.stop()
            _clear_clients()


def test_a_suspended_persons_application_waits_held_until_the_suspension_is_lifted(
    system: System,
) -> None:
    first = system.apply(work_code="070101")
    system.status_of(first, "under_review")
    accepted = system.reviewer.decide(first, "accept")
    assert accepted.status_code == 200, accepted.text
    stored = PrefectureApplications("13").get(first)
    assert stored is not None
    person = stored.application.qualification_pseudonym_id
    assert person is not None

    granted_disclosure("13", person)  # a suspension request follows a disclosure
    request = system.office.post(
        "/v1/person-requests",
        {
            "qualification_pseudonym_id": person,
            "kind": "suspension",
            "channel": "window",
            "identity_confirmation": "my_number_card",
        },
    )
    assert request.status_code == 200, request.text
    request_id = request.json()["request_id"]
    granted = system.office.post(
        f"/v1/person-requests/{request_id}/decision",
        {"decision": "granted", "reason": "本人の申出により利用を停止する"},
    )
    assert granted.status_code == 200, granted.text
    assert granted.json()["suspended"] is True

    second = system.apply(work_code="070102")
    held = system.status_of(second, "held", "under_review", "returned", "rejected")

    assert held["status"] == "held"
    assert [r["code"] for r in held["reasons"]] == ["use_suspended"]
    refused = system.reviewer.decide(second, "accept")
    assert refused.status_code == 409, refused.text
    roster = PrefectureRoster("13")
    assert roster.sitting(person, second) is None
    assert roster.sitting(person, first) is not None
    today = [
        e for e in AuditTrail().day("13", dt.datetime.now(dt.UTC).date()) if e.record_id == second
    ]
    assert AuditAction.APPLICATION_HELD in [e.action for e in today]
    assert AuditAction.APPLICATION_VERIFIED not in [e.action for e in today]

    lifted = system.office.post(
        f"/v1/person-suspensions/{person}/lift", {"reason": "本人から解除の申出"}
    )
    assert lifted.status_code == 200, lifted.text

    resumed = system.status_of(second, "under_review", "returned", "rejected")
    assert resumed["status"] == "under_review"
    assert [h["status"] for h in resumed["history"]][-2:] == ["held", "under_review"]
    accepted = system.reviewer.decide(second, "accept")
    assert accepted.status_code == 200, accepted.text
    assert roster.sitting(person, second) is not None
