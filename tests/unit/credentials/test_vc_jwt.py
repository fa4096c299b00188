"""The VC-JWT: a W3C VC 2.0 as the JWT claims set, ES256 over our signing key, read by PyJWT."""

from __future__ import annotations

import json

import jwt
import pytest
from pydantic import ValidationError
from tests.unit.credentials.samples import ISSUED_AT, ISSUER, Issuing, sample_pass

from kentei.credentials.status import StatusSlot
from kentei.credentials.vc import CredentialContentError, certified_pass, credential_subject

SLOT = StatusSlot(3, 70_001)


def decoded(token: str, issuing: Issuing) -> dict[str, object]:
    key = jwt.PyJWK(issuing.key.public_jwk())
    return jwt.decode(token, key=key, algorithms=["ES256"])


def test_the_header_is_vc_jwt_es256_with_the_signing_keys_kid() -> None:
    issuing = Issuing()
    token = issuing.vc(sample_pass(), SLOT)
    assert jwt.get_unverified_header(token) == {
        "typ": "vc+jwt",
        "alg": "ES256",
        "kid": "kentei-cert-1",
    }


def test_pyjwt_verifies_it_and_the_claims_set_is_the_credential() -> None:
    issuing = Issuing()
    claims = decoded(issuing.vc(sample_pass(), SLOT), issuing)
    assert claims["@context"] == ["https://www.w3.org/ns/credentials/v2"]
    assert claims["type"] == ["VerifiableCredential", "SkillsTestPassCredential"]
    assert claims["issuer"] == {"id": ISSUER.id, "name": ISSUER.name}
    assert claims["validFrom"] == "2026-03-19T01:00:00Z"
    assert claims["iat"] == int(ISSUED_AT.timestamp())
    assert claims["credentialSubject"] == {
        "type": "SkillsTestPass",
        "name": "勅使河原　龍之介左衛門",
        "nameLatin": "TESHIGAWARA Ryunosukezaemon",
        "birthDate": "1988-11-23",
        "trade": {"code": "0405", "name": "機械加工"},
        "work": {"code": "040502", "name": "数値制御旋盤作業"},
        "grade": "1級",
        "passDate": "2026-03-13",
        "certificateNumber": "13-1-2026-000123",
        "certificateId": "13-1-2026-000123-P1",
        "issuingAuthority": "厚生労働大臣",
    }
    assert "id" not in claims  # the certificate id is the subject's, not the credential's


def test_the_status_names_a_revocation_and_a_message_entry_at_the_same_random_index() -> None:
    issuing = Issuing()
    status = decoded(issuing.vc(sample_pass(), SLOT), issuing)["credentialStatus"]
    base = "https://kentei.example.jp/credentials/status/3"
    assert status == [
        {
            "id": f"{base}/revocation#70001",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": "70001",
            "statusListCredential": f"{base}/revocation",
        },
        {
            "id": f"{base}/message#70001",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "message",
            "statusListIndex": "70001",
            "statusListCredential": f"{base}/message",
            "statusSize": 2,
            "statusMessage": [
                {"status": "0x0", "message": "valid"},
                {"status": "0x1", "message": "revoked"},
                {"status": "0x2", "message": "superseded"},
                {"status": "0x3", "message": "undefined"},
            ],
        },
    ]


def test_pyjwt_refuses_it_with_another_key_or_a_changed_payload() -> None:
    issuing = Issuing()
    token = issuing.vc(sample_pass(), SLOT)
    with pytest.raises(jwt.InvalidSignatureError):
        decoded(token, Issuing())
    header, payload, signature = token.split(".")
    claims = json.loads(jwt.utils.base64url_decode(payload))
    claims["credentialSubject"]["grade"] = "特級"
    forged = jwt.utils.base64url_encode(json.dumps(claims).encode()).decode()
    with pytest.raises(jwt.InvalidSignatureError):
        decoded(f"{header}.{forged}.{signature}", issuing)


def test_the_certificate_holds_no_my_number_address_or_pseudonym() -> None:
    with pytest.raises(ValidationError):
        sample_pass(my_number="123456789018")
    with pytest.raises(ValidationError):
        sample_pass(address="東京都新宿区西新宿2-8-1")
    issuing = Issuing()
    text = json.dumps(decoded(issuing.vc(sample_pass(), SLOT), issuing), ensure_ascii=False)
    for word in ("myNumber", "address", "pseudonym", "住所"):
        assert word not in text


def test_the_name_and_birth_date_stay_out_of_the_models_repr() -> None:
    text = repr(sample_pass())
    assert "勅使河原" not in text
    assert "1988" not in text
    assert "TESHIGAWARA" not in text


def test_a_subject_reads_back_as_the_same_pass_and_a_broken_one_is_refused() -> None:
    certified = sample_pass(name_latin=None)
    assert certified_pass(credential_subject(certified)) == certified
    broken = {**credential_subject(certified), "grade": "10級"}
    with pytest.raises(CredentialContentError):
        certified_pass(broken)
    with pytest.raises(CredentialContentError):
        certified_pass({**credential_subject(certified), "type": "Other"})


@pytest.mark.parametrize(
    "certificate_id",
    [None, "13-1-2026-000999-1", "13-1-2026-000123", "13-1-2026-000123-0", "13-1-2026-000123-Q1"],
    ids=["missing", "another-number", "no-serial", "serial-0", "not-P"],
)
def test_a_subject_without_its_own_certificate_id_is_refused(certificate_id: str | None) -> None:
    subject = credential_subject(sample_pass())
    if certificate_id is None:
        del subject["certificateId"]
    else:
        subject["certificateId"] = certificate_id
    with pytest.raises(CredentialContentError):
        certified_pass(subject)
