"""Pass and part-pass notices (contract 1.1.0) through the HTTPS Mynaportal adapter to the
local fake server over mutual TLS: the fake's schema admits the new kinds, refuses an
attachment on them, and the content certify writes travels without a name."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest
from tests.integration.mtls_helpers import Pki
from tests.integration.test_notices_adapter import (  # noqa: F401 (fixtures)
    RECIPIENT,
    port,
    raw_post,
    server,
)
from tests.unit.exemptions.factory import record

from certify.pass_notices import pass_notice
from kentei.exams.catalogue import load_catalogue
from kentei.exemptions.model import PassKind
from kentei.notices import NoticeKind, contract
from kentei.records.codes import Term
from kentei.roster.parts import ExamRound, Part
from kentei_local.fake_mynaportal_server import FakeMynaportalServer

AT = dt.datetime(2026, 9, 1, 9, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize("kind", [PassKind.PASS, PassKind.PART_PASS])
def test_a_pass_notice_travels_to_the_fake_mynaportal(
    server: FakeMynaportalServer,  # noqa: F811
    pki: Pki,
    kind: PassKind,
) -> None:
    numbers = (
        {
            "parts": (Part.WRITTEN, Part.PRACTICAL),
            "passer_number": "P13-1",
            "certificate_number": "C13-1",
        }
        if kind is PassKind.PASS
        else {"parts": (Part.WRITTEN,), "notice_number": "N13-1"}
    )
    passed = record(
        "13-01JZ8Q4W1Y2X3V4T5S6R7Q8P9N",
        kind=kind,
        exam_round=ExamRound(fiscal_year=2026, term=Term.FIRST),
        **numbers,
    )
    notice_kind = NoticeKind.PASS if kind is PassKind.PASS else NoticeKind.PART_PASS
    notice = pass_notice(
        f"{passed.record_id}-{kind.value.replace('_', '')}",
        notice_kind,
        RECIPIENT,
        record=passed,
        catalogue=load_catalogue(),
        sent_at=AT,
    )
    notices, _ = port(server, pki)

    receipt = notices.send(notice)

    assert receipt.notice_id == notice.notice_id
    assert server.mynaportal.notices_of(RECIPIENT) == (notice,)


def test_the_fake_refuses_an_attachment_on_a_pass_notice(
    server: FakeMynaportalServer,  # noqa: F811
    pki: Pki,
) -> None:
    document = {
        "notice_id": "n-pass-1",
        "recipient": RECIPIENT,
        "kind": "pass",
        "title": "合格通知",
        "body": "合格されました。",
        "attachment": {
            "media_type": "application/pdf",
            "file_name": "a.pdf",
            "content_base64": "JVBERi0=",
            "sha256": hashlib.sha256(b"%PDF-").hexdigest(),
        },
        "supersedes": None,
        "sent_at": AT.isoformat(),
    }

    status, problem = raw_post(server, pki, json.dumps(document).encode())

    assert status == 422
    assert problem["type"] == "urn:kentei:mynaportal:invalid"
    assert "attachment" in problem["title"]
    assert contract.VERSION == "1.2.0"
