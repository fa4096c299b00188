"""The public verification page and API in the running local system, and in a real browser.

The certificates are issued and their status list published as certify does
(:mod:`tests.published_certificates`: the runtime's KMS signing key, the certificates bucket's
``published/`` objects); the public port serves the page, the API and those documents. The
browser is Debian's Chromium (``/usr/bin/chromium``, installed by ``make system-tools``)
driven by Playwright, which never downloads a browser here. Each browser test keeps its
screenshots under ``.local/screenshots/`` and prints their paths.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Final

import pytest
import requests
from tests.e2e.support import moto_client
from tests.published_certificates import TEST_LIST, Publisher, sample_pass

from kentei.credentials.issuer import IssuerProfile
from kentei.credentials.status import CertificateStatus
from kentei_local.process import ServeProcess
from kentei_local.resources import physical_name

REPO: Final = Path(__file__).resolve().parents[2]
SCREENSHOTS: Final = REPO / ".local" / "screenshots"
CHROMIUM: Final = "/usr/bin/chromium"
REVOKED_ON: Final = dt.date(2026, 5, 1)


def running_issuer(local_system: ServeProcess) -> IssuerProfile:
    """The issuer the runtime's functions are configured with, as the public API's health
    names it (whatever the runtime chose: its public port's URL by default)."""
    answer = requests.get(f"{local_system.endpoints.public_api}/v1/health", timeout=30)
    assert answer.status_code == 200, answer.text
    issuer = answer.json()["issuer"]
    return IssuerProfile(issuer["id"], issuer["name"])


@pytest.fixture
def publisher(local_system: ServeProcess) -> Publisher:
    issuer = running_issuer(local_system)
    return Publisher(
        s3=moto_client(local_system, "s3"),
        kms=moto_client(local_system, "kms"),
        bucket=physical_name("certificates"),
        issuer=issuer,
    )


def _index() -> int:
    return secrets.randbelow(100_000)


def test_the_api_gives_the_verdict_and_serves_the_published_documents(
    local_system: ServeProcess, publisher: Publisher
) -> None:
    base = local_system.endpoints.public_api
    index = _index()
    code = publisher.code(sample_pass(), index)
    vc = publisher.vc(sample_pass(), index)
    publisher.publish()

    for presented, form in ((code, "2d-code"), (vc, "vc-jwt")):
        answer = requests.post(
            f"{base}/v1/verifications", json={"credential": presented}, timeout=30
        )
        assert answer.status_code == 200, answer.text
        assert (answer.json()["outcome"], answer.json()["form"]) == ("valid", form)
        assert answer.json()["credential"]["certificateId"] == "13-1-2026-990001-P1"

    jwks = requests.get(f"{base}/.well-known/jwks.json", timeout=30)
    assert jwks.headers["Content-Type"] == "application/jwk-set+json"
    assert jwks.headers["Cache-Control"] == "public, max-age=3600"
    assert [key["kid"] for key in jwks.json()["keys"]] == ["kentei-cert-1"]
    for path in (f"credentials/status/{TEST_LIST}/message", f"v1/status-lists/{TEST_LIST}/message"):
        served = requests.get(f"{base}/{path}", timeout=30)
        assert served.status_code == 200, path
        assert served.headers["Content-Type"] == "application/vc+jwt"
        assert served.headers["Cache-Control"] == "public, max-age=300"

    publisher.change(index, CertificateStatus.REVOKED, REVOKED_ON)
    publisher.publish()
    revoked = requests.post(f"{base}/v1/verifications", json={"credential": code}, timeout=30)
    assert (revoked.json()["outcome"], revoked.json()["changedOn"]) == ("revoked", "2026-05-01")

    refused = requests.post(f"{base}/v1/verifications", json={"credential": 1}, timeout=30)
    assert refused.status_code == 422
    assert refused.headers["Content-Type"] == "application/problem+json"
    # The public port carries the public routes only.
    assert requests.get(f"{base}/v1/applications", timeout=30).status_code == 403


@pytest.fixture
def chromium() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # Debian's Chromium, never a downloaded one; no sandbox, since CI runs as root.
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            yield browser
        finally:
            browser.close()


@pytest.mark.tools("chromium")
def test_in_a_browser_a_valid_code_is_valid_then_revoked_it_is_not(
    local_system: ServeProcess, publisher: Publisher, chromium: object
) -> None:
    from playwright.sync_api import Browser

    assert isinstance(chromium, Browser)
    index = _index()
    code = publisher.code(sample_pass(), index)
    publisher.publish()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page = chromium.new_page(locale="ja-JP", viewport={"width": 900, "height": 1100})
    violations: list[str] = []
    page.on(
        "console", lambda m: violations.append(m.text) if "Content Security" in m.text else None
    )

    page.goto(f"{local_system.endpoints.public_api}/verify")
    assert page.locator("h1").inner_text() == "技能検定 合格証の確認"
    page.fill("#credential", code)
    page.click("button[type=submit]")
    verdict = page.locator("#verdict")
    assert verdict.get_attribute("data-outcome") == "valid"
    assert verdict.locator("h2").inner_text() == "有効です"
    assert "検定　花子" in verdict.inner_text()
    assert "13-1-2026-990001-P1" in verdict.inner_text()
    valid_shot = SCREENSHOTS / "verify-valid-ja.png"
    page.screenshot(path=str(valid_shot), full_page=True)

    publisher.change(index, CertificateStatus.REVOKED, REVOKED_ON)
    publisher.publish()
    page.fill("#credential", code)
    page.click("button[type=submit]")
    verdict = page.locator("#verdict")
    assert verdict.get_attribute("data-outcome") == "revoked"
    assert verdict.locator("h2").inner_text() == "無効です"
    assert "合格が取り消されました（2026年5月1日）" in page.locator("#reason").inner_text()
    revoked_shot = SCREENSHOTS / "verify-revoked-ja.png"
    page.screenshot(path=str(revoked_shot), full_page=True)

    page.click("nav a")
    assert page.locator("html").get_attribute("lang") == "en"
    page.fill("#credential", code)
    page.click("button[type=submit]")
    assert page.locator("#verdict h2").inner_text() == "Not valid"
    assert "The pass was revoked on 2026-05-01." in page.locator("#reason").inner_text()
    english_shot = SCREENSHOTS / "verify-revoked-en.png"
    page.screenshot(path=str(english_shot), full_page=True)

    assert violations == [], violations
    for shot in (valid_shot, revoked_shot, english_shot):
        assert shot.stat().st_size > 10_000, shot
        print(f"screenshot: {shot.relative_to(REPO)}")
