"""The public routes over in-memory published documents: every verdict, both languages, the
published documents served as stored, and every refusal."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from tests.unit.credentials.samples import ISSUER, Issuing, sample_pass
from tests.unit.public_verification.fakes import (
    InMemoryDocuments,
    event,
    form_event,
    json_event,
    published,
)

from kentei.credentials.status import CertificateStatus, StatusSlot
from kentei.data.published import JWKS_KEY, status_list_key
from kentei.signing.memory import InMemorySigningKey
from public.api import MAX_BODY_BYTES, respond
from public.dependencies import Dependencies
from public.page import CSP
from public.verification import MAX_PRESENTED_CHARS

SLOT = StatusSlot(1, 4242)
REVOKED_ON = dt.date(2026, 5, 1)
A_MY_NUMBER = "123456789018"


def call(deps: Dependencies, request: dict[str, Any]) -> dict[str, Any]:
    return respond(request, lambda: deps)


def body(response: dict[str, Any]) -> Any:
    return json.loads(response["body"])


@pytest.fixture
def issuing() -> Issuing:
    return Issuing()


def test_a_valid_credential_is_valid_with_what_it_says(issuing: Issuing) -> None:
    _, deps = published(issuing)
    response = call(deps, json_event({"credential": issuing.vc(sample_pass(), SLOT)}))

    assert response["statusCode"] == 200
    assert response["headers"]["Content-Type"] == "application/json"
    assert response["headers"]["Cache-Control"] == "no-store"
    verdict = body(response)
    assert verdict["outcome"] == "valid"
    assert verdict["valid"] is True
    assert verdict["form"] == "vc-jwt"
    assert verdict["kid"] == "kentei-cert-1"
    assert verdict["changedOn"] is None
    assert verdict["issuer"] == {"id": ISSUER.id, "name": ISSUER.name}
    assert verdict["credential"]["certificateNumber"] == "13-1-2026-000123"
    assert verdict["credential"]["certificateId"] == "13-1-2026-000123-P1"
    assert verdict["credential"]["name"] == "勅使河原　龍之介左衛門"
    assert verdict["credential"]["birthDate"] == "1988-11-23"
    assert verdict["message"]["ja"]["headline"] == "有効です"
    assert verdict["message"]["en"]["headline"] == "Valid"


def test_a_valid_2d_code_is_valid(issuing: Issuing) -> None:
    _, deps = published(issuing)
    verdict = body(call(deps, json_event({"credential": issuing.code(sample_pass(), SLOT)})))

    assert (verdict["outcome"], verdict["form"]) == ("valid", "2d-code")
    assert verdict["credential"]["work"] == {"code": "040502", "name": "数値制御旋盤作業"}
    assert verdict["credential"]["certificateId"] == "13-1-2026-000123-P1"


def test_a_reissued_2d_code_shows_its_own_certificate_id(issuing: Issuing) -> None:
    reissued = sample_pass(name_latin=None, certificate_id="13-1-2026-000123-2")
    _, deps = published(issuing)
    verdict = body(call(deps, json_event({"credential": issuing.code(reissued, SLOT)})))

    assert verdict["outcome"] == "valid"
    assert verdict["credential"]["certificateNumber"] == "13-1-2026-000123"
    assert verdict["credential"]["certificateId"] == "13-1-2026-000123-2"


@pytest.mark.parametrize(
    ("status", "outcome", "ja", "en"),
    [
        (
            CertificateStatus.REVOKED,
            "revoked",
            "合格が取り消されました（2026年5月1日）。",
            "revoked on 2026-05-01",
        ),
        (
            CertificateStatus.SUPERSEDED,
            "superseded",
            "再交付により効力を失いました（2026年5月1日）",
            "reissue on 2026-05-01",
        ),
    ],
)
@pytest.mark.parametrize("form", ["vc", "code"])
def test_a_revoked_or_superseded_certificate_is_invalid_with_its_day(
    issuing: Issuing, status: CertificateStatus, outcome: str, ja: str, en: str, form: str
) -> None:
    presented = getattr(issuing, form)(sample_pass(), SLOT)
    issuing.statuses.change(SLOT.index, status, REVOKED_ON)
    _, deps = published(issuing)

    verdict = body(call(deps, json_event({"credential": presented})))

    assert verdict["outcome"] == outcome
    assert verdict["valid"] is False
    assert verdict["changedOn"] == "2026-05-01"
    assert verdict["message"]["ja"]["headline"] == "無効です"
    assert ja in verdict["message"]["ja"]["reason"]
    assert en in verdict["message"]["en"]["reason"]


def test_another_entry_of_the_same_list_changing_leaves_it_valid(issuing: Issuing) -> None:
    presented = issuing.vc(sample_pass(), SLOT)
    issuing.statuses.change(SLOT.index + 1, CertificateStatus.REVOKED, REVOKED_ON)
    _, deps = published(issuing)

    assert body(call(deps, json_event({"credential": presented})))["outcome"] == "valid"


def _tampered(token: str) -> str:
    header, payload, signature = token.split(".")
    flipped = signature[:-2] + ("A" if signature[-2] != "A" else "B") + signature[-1]
    return f"{header}.{payload}.{flipped}"


def test_forged_unknown_key_and_malformed_say_why_and_show_no_claims(issuing: Issuing) -> None:
    documents, deps = published(issuing)
    stranger = Issuing(key=InMemorySigningKey("kentei-cert-9"))
    cases = {
        "invalid-signature": _tampered(issuing.vc(sample_pass(), SLOT)),
        "unknown-key": stranger.vc(sample_pass(), SLOT),
        "malformed": "KT1:THIS IS NOT BASE45",
    }
    for outcome, presented in cases.items():
        documents.reads.clear()
        response = call(deps, json_event({"credential": presented}))
        verdict = body(response)
        assert response["statusCode"] == 200
        assert (verdict["outcome"], verdict["valid"], verdict["credential"]) == (
            outcome,
            False,
            None,
        ), outcome
        assert verdict["message"]["ja"]["headline"] == "無効です"
        # Refused on its signature or form: no status list is read for it.
        assert documents.reads == [JWKS_KEY], outcome


@pytest.mark.parametrize("purpose", ["revocation", "message"])
def test_a_status_list_missing_or_unreadable_is_never_valid(issuing: Issuing, purpose: str) -> None:
    documents, deps = published(issuing)
    presented = issuing.vc(sample_pass(), SLOT)
    key = status_list_key(1, purpose)

    documents.failing.add(key)
    failing = body(call(deps, json_event({"credential": presented})))
    del documents.documents[key]
    documents.failing.clear()
    missing = body(call(deps, json_event({"credential": presented})))

    for verdict in (failing, missing):
        assert verdict["outcome"] == "status-unavailable"
        assert verdict["valid"] is False
        assert verdict["message"]["ja"]["headline"] == "判定できません"


def test_without_the_issuer_keys_the_api_answers_503(issuing: Issuing) -> None:
    documents, deps = published(issuing)
    del documents.documents[JWKS_KEY]

    response = call(deps, json_event({"credential": issuing.vc(sample_pass(), SLOT)}))

    assert response["statusCode"] == 503
    assert body(response)["type"] == "urn:kentei:problem:keys-unavailable"


@pytest.mark.parametrize(
    ("request_event", "status", "slug"),
    [
        (json_event({}), 422, "missing"),
        (json_event({"credential": ""}), 422, "missing"),
        (json_event({"credential": "   "}), 422, "missing"),
        (json_event({"credential": 42}), 422, "invalid"),
        (json_event(["KT1:..."]), 422, "invalid"),
        (json_event({"credential": "x", "name": "y"}), 422, "unknown-field"),
        (json_event({"credential": "x" * (MAX_PRESENTED_CHARS + 1)}), 422, "too-long"),
        (json_event({"credential": f"KT1:{A_MY_NUMBER}"}), 422, "my-number"),
        (
            event(
                "POST",
                "/v1/verifications",
                body="{not json",
                headers={"Content-Type": "application/json"},
            ),
            400,
            "bad-request",
        ),
        (
            event(
                "POST",
                "/v1/verifications",
                body="credential=x",
                headers={"Content-Type": "text/plain"},
            ),
            415,
            "unsupported-media-type",
        ),
        (
            event(
                "POST",
                "/v1/verifications",
                body="[" * 100_000,
                headers={"Content-Type": "application/json"},
            ),
            413,
            "too-large",
        ),
        (
            event(
                "POST",
                "/v1/verifications",
                body="a" * (MAX_BODY_BYTES + 1),
                headers={"Content-Type": "application/json"},
            ),
            413,
            "too-large",
        ),
        (event("GET", "/v1/verifications"), 405, "method-not-allowed"),
        (event("GET", "/nowhere"), 404, "not-found"),
        (event("GET", "/credentials/status/0/revocation"), 404, "not-found"),
        (event("GET", "/credentials/status/1/suspension"), 404, "not-found"),
        (event("GET", "/credentials/status/7/revocation"), 404, "not-found"),
    ],
)
def test_bad_requests_are_refused_with_a_problem_naming_why(
    issuing: Issuing, request_event: dict[str, Any], status: int, slug: str
) -> None:
    _, deps = published(issuing)

    response = call(deps, request_event)

    assert response["statusCode"] == status
    assert response["headers"]["Content-Type"] == "application/problem+json"
    problem = body(response)
    assert problem["type"] == f"urn:kentei:problem:{slug}"
    assert problem["status"] == status
    assert A_MY_NUMBER not in response["body"]
    if status == 405:
        assert response["headers"]["Allow"] == "POST"


def test_a_deeply_nested_body_is_a_bad_request_not_a_crash(issuing: Issuing) -> None:
    _, deps = published(issuing)
    nested = "[" * 20_000 + "]" * 20_000
    response = call(
        deps,
        event(
            "POST", "/v1/verifications", body=nested, headers={"Content-Type": "application/json"}
        ),
    )
    assert response["statusCode"] in (400, 422)


def test_the_published_documents_are_served_as_stored(issuing: Issuing) -> None:
    documents, deps = published(issuing)

    jwks = call(deps, event("GET", "/.well-known/jwks.json"))
    assert jwks["statusCode"] == 200
    assert jwks["headers"]["Content-Type"] == "application/jwk-set+json"
    assert jwks["headers"]["Cache-Control"] == "public, max-age=3600"
    assert json.loads(jwks["body"]) == issuing.jwks()

    stored = documents.documents
    for path in ("/credentials/status/1/revocation", "/v1/status-lists/1/revocation"):
        served = call(deps, event("GET", path))
        assert served["statusCode"] == 200
        assert served["headers"]["Content-Type"] == "application/vc+jwt"
        assert served["headers"]["Cache-Control"] == "public, max-age=300"
        assert served["headers"]["Access-Control-Allow-Origin"] == "*"
        assert served["body"].encode() == stored["published/status/1/revocation.jwt"].body
    message = call(deps, event("GET", "/credentials/status/1/message"))
    assert message["body"].encode() == stored["published/status/1/message.jwt"].body
    assert documents.reads[-1] == "published/status/1/message.jwt"


# --- The page -------------------------------------------------------------------------------


def test_the_page_is_japanese_by_default_and_english_when_asked(issuing: Issuing) -> None:
    _, deps = published(issuing)

    ja = call(deps, event("GET", "/verify"))
    by_query = call(deps, event("GET", "/verify", query={"lang": "en"}))
    by_header = call(
        deps, event("GET", "/verify", headers={"Accept-Language": "en-GB,en;q=0.9,ja;q=0.5"})
    )
    query_wins = call(
        deps, event("GET", "/verify", query={"lang": "ja"}, headers={"Accept-Language": "en"})
    )

    assert ja["statusCode"] == 200
    assert ja["headers"]["Content-Type"] == "text/html; charset=utf-8"
    assert '<html lang="ja">' in ja["body"]
    assert "技能検定 合格証の確認" in ja["body"]
    for english in (by_query, by_header):
        assert '<html lang="en">' in english["body"]
        assert "Verify a skills test certificate" in english["body"]
    assert '<html lang="ja">' in query_wins["body"]


def test_the_page_loads_nothing_from_elsewhere_under_a_strict_policy(issuing: Issuing) -> None:
    _, deps = published(issuing)
    page = call(deps, event("GET", "/verify"))

    assert page["headers"]["Content-Security-Policy"] == CSP
    assert CSP.startswith("default-src 'none'; ")
    assert "unsafe-inline" not in CSP
    assert "http" not in CSP
    assert page["headers"]["X-Content-Type-Options"] == "nosniff"
    html = page["body"]
    assert "src=" not in html
    assert "<link" not in html
    assert "http://" not in html
    assert 'action="verify?lang=ja"' in html


def test_posting_a_valid_code_shows_valid_and_what_it_says(issuing: Issuing) -> None:
    _, deps = published(issuing)
    code = issuing.code(sample_pass(), SLOT)

    response = call(deps, form_event({"credential": code, "lang": "ja"}))

    assert response["statusCode"] == 200
    html = response["body"]
    assert 'data-outcome="valid"' in html
    assert "<h2>有効です</h2>" in html
    assert "勅使河原　龍之介左衛門" in html
    assert "<dt>証書番号</dt><dd>13-1-2026-000123-P1</dd>" in html
    assert ISSUER.name in html
    assert response["headers"]["Cache-Control"] == "no-store"


def test_posting_a_revoked_credential_in_english_says_not_valid_and_the_day(
    issuing: Issuing,
) -> None:
    presented = issuing.vc(sample_pass(), SLOT)
    issuing.statuses.change(SLOT.index, CertificateStatus.REVOKED, REVOKED_ON)
    _, deps = published(issuing)

    response = call(deps, form_event({"credential": presented, "lang": "en"}))

    html = response["body"]
    assert '<html lang="en">' in html
    assert 'data-outcome="revoked"' in html
    assert "<h2>Not valid</h2>" in html
    assert "The pass was revoked on 2026-05-01." in html
    assert "<dt>Certificate ID</dt><dd>13-1-2026-000123-P1</dd>" in html


def test_what_a_certificate_says_is_escaped(issuing: Issuing) -> None:
    _, deps = published(issuing)
    hostile = sample_pass(name="<script>alert(1)</script>", name_latin=None)

    html = call(deps, form_event({"credential": issuing.vc(hostile, SLOT)}))["body"]

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize(
    ("fields", "status", "error"),
    [
        ({"credential": ""}, 422, "missing"),
        ({"credential": f"KT1:{A_MY_NUMBER}"}, 422, "my-number"),
        ({"credential": "x", "name": "y"}, 422, "unknown-field"),
        ({"credential": "x" * (MAX_PRESENTED_CHARS + 1)}, 422, "too-long"),
    ],
)
def test_a_refused_form_explains_and_echoes_nothing(
    issuing: Issuing, fields: dict[str, str], status: int, error: str
) -> None:
    _, deps = published(issuing)

    response = call(deps, form_event(fields))

    assert response["statusCode"] == status
    assert response["headers"]["Content-Type"] == "text/html; charset=utf-8"
    assert f'data-error="{error}"' in response["body"]
    assert "確認できませんでした" in response["body"]
    assert A_MY_NUMBER not in response["body"]
    assert "xxxxxxxxxx" not in response["body"]


def test_a_huge_form_is_refused_before_it_is_read(issuing: Issuing) -> None:
    _, deps = published(issuing)
    huge = form_event({"credential": "A" * (MAX_BODY_BYTES + 1)})

    response = call(deps, huge)

    assert response["statusCode"] == 413
    assert 'data-error="too-large"' in response["body"]


def test_the_log_holds_the_outcome_and_never_a_claim(
    issuing: Issuing, capsys: pytest.CaptureFixture[str]
) -> None:
    presented = issuing.vc(sample_pass(), SLOT)
    issuing.statuses.change(SLOT.index, CertificateStatus.REVOKED, REVOKED_ON)
    _, deps = published(issuing)

    call(deps, json_event({"credential": presented}))
    call(deps, form_event({"credential": presented}))

    logged = capsys.readouterr().out
    assert '"outcome":"revoked"' in logged.replace(" ", "")
    for secret in ("勅使河原", "TESHIGAWARA", "1988-11-23", "13-1-2026-000123", presented[:40]):
        assert secret not in logged


def test_an_empty_bucket_serves_404_for_the_documents() -> None:
    deps = Dependencies(documents=InMemoryDocuments(), issuer=ISSUER)
    assert call(deps, event("GET", "/.well-known/jwks.json"))["statusCode"] == 404
    assert call(deps, event("GET", "/v1/status-lists/1/message"))["statusCode"] == 404


def test_health_needs_nothing_published() -> None:
    deps = Dependencies(documents=InMemoryDocuments(), issuer=ISSUER)
    response = call(deps, event("GET", "/v1/health"))
    assert (response["statusCode"], body(response)) == (
        200,
        {"status": "ok", "issuer": {"id": ISSUER.id, "name": ISSUER.name}},
    )


def test_the_function_serves_exactly_the_routes_of_its_path_table(issuing: Issuing) -> None:
    from public import paths
    from public.api import ROUTES, STATUS_LIST_METHODS

    served = {(path, method) for path, methods in ROUTES.items() for method in methods}
    served |= {
        (template, method)
        for template in (paths.STATUS_LIST, paths.STATUS_LIST_V1)
        for method in STATUS_LIST_METHODS
    }
    declared = {(path, method) for path, methods in paths.METHODS.items() for method in methods}
    assert served == declared
