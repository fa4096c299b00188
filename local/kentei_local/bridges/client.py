"""HTTP clients of ``POST /v1/applications``: the two bridges and a staff member's desk.

Each sends ``Content-Type: application/json``, an ``Idempotency-Key`` (a fresh one unless
given) and, locally, the caller in ``X-Kentei-Local-Caller`` (deployed, the authorizers of a
later issue take its place). A :class:`Submission` keeps the exact bytes sent, so a test can
replay them with the same key.
"""

from __future__ import annotations

import base64
import json
import secrets
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import requests

from kentei_local.bridges.document import Attachment

APPLICATIONS_PATH: Final = "/v1/applications"
REVIEW_PATH: Final = "/v1/review/applications"
CALLER_HEADER: Final = "X-Kentei-Local-Caller"
IDEMPOTENCY_HEADER: Final = "Idempotency-Key"
JSON: Final = "application/json"
_TIMEOUT_S: Final = 60.0


def new_idempotency_key() -> str:
    return f"kentei-{uuid.uuid4()}"


def _b64(content: bytes) -> str:
    return base64.b64encode(content).decode("ascii")


def attachment_entries(attachments: Sequence[Attachment]) -> list[dict[str, str]]:
    """The request's ``attachments``: name, declared media type, base64 content."""
    return [
        {"name": a.name, "media_type": a.media_type, "content": _b64(a.content)}
        for a in attachments
    ]


@dataclass(frozen=True)
class Submission:
    """A POST as sent (key and body bytes) and its response."""

    idempotency_key: str
    body: bytes
    response: requests.Response

    @property
    def application_id(self) -> str | None:
        value = self._json().get("application_id")
        return value if isinstance(value, str) else None

    @property
    def status_url(self) -> str | None:
        value = self._json().get("status_url")
        return value if isinstance(value, str) else None

    def _json(self) -> dict[str, Any]:
        try:
            parsed = self.response.json()
        except ValueError:
            return {}
        return parsed if isinstance(parsed, dict) else {}


class ApiClient:
    """A caller of the intake API at ``base_url`` (``http://127.0.0.1:PORT``)."""

    def __init__(
        self,
        base_url: str,
        caller: str | None,
        *,
        session: requests.Session | None = None,
        timeout_s: float = _TIMEOUT_S,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.caller = caller
        self.session = session or _session()
        self.timeout_s = timeout_s

    def headers(self, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        headers = {"Accept": "application/json, application/problem+json"}
        if self.caller is not None:
            headers[CALLER_HEADER] = self.caller
        return {**headers, **(extra or {})}

    def post_application(
        self,
        body: Mapping[str, Any] | bytes,
        *,
        idempotency_key: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Submission:
        """POST ``body`` (a JSON object, or bytes sent as they are) to /v1/applications."""
        key = idempotency_key or new_idempotency_key()
        raw = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
        response = self.session.post(
            f"{self.base_url}{APPLICATIONS_PATH}",
            data=raw,
            headers=self.headers(
                {"Content-Type": JSON, IDEMPOTENCY_HEADER: key, **(headers or {})}
            ),
            timeout=self.timeout_s,
        )
        return Submission(key, raw, response)

    def status(self, application_id: str) -> requests.Response:
        """``GET /v1/applications/{id}``."""
        return self.get(f"{APPLICATIONS_PATH}/{application_id}")

    def get(self, path: str, params: Mapping[str, str] | None = None) -> requests.Response:
        return self.session.get(
            f"{self.base_url}{path}",
            params=params,
            headers=self.headers(),
            timeout=self.timeout_s,
        )

    def post(self, path: str, body: Mapping[str, Any]) -> requests.Response:
        return self.session.post(
            f"{self.base_url}{path}",
            data=json.dumps(body, ensure_ascii=False).encode(),
            headers=self.headers({"Content-Type": JSON}),
            timeout=self.timeout_s,
        )


class MynaportalBridge(ApiClient):
    """The Mynaportal bridge: the signed document, its detached CMS signature, the files."""

    def __init__(self, base_url: str, **options: Any) -> None:
        super().__init__(base_url, "bridge:mynaportal", **options)

    @staticmethod
    def request_body(
        document: bytes,
        signature: bytes,
        attachments: Sequence[Attachment] = (),
        *,
        pseudonym_id: str | None = None,
    ) -> dict[str, Any]:
        return {
            "channel": "mynaportal",
            "mynaportal_pseudonym_id": pseudonym_id or f"mp-{secrets.token_urlsafe(18)}",
            "document": _b64(document),
            "signature": _b64(signature),
            "attachments": attachment_entries(attachments),
        }

    def submit(
        self,
        document: bytes,
        signature: bytes,
        attachments: Sequence[Attachment] = (),
        *,
        pseudonym_id: str | None = None,
        idempotency_key: str | None = None,
    ) -> Submission:
        return self.post_application(
            self.request_body(document, signature, attachments, pseudonym_id=pseudonym_id),
            idempotency_key=idempotency_key,
        )


class EgovBridge(ApiClient):
    """The e-Gov bridge: the package as e-Gov delivers it (see :mod:`.egov`)."""

    def __init__(self, base_url: str, **options: Any) -> None:
        super().__init__(base_url, "bridge:egov", **options)

    @staticmethod
    def request_body(package: bytes) -> dict[str, Any]:
        return {"channel": "egov", "package": _b64(package)}

    def submit(self, package: bytes, *, idempotency_key: str | None = None) -> Submission:
        return self.post_application(self.request_body(package), idempotency_key=idempotency_key)


class PaperDesk(ApiClient):
    """A staff member of a prefecture's association: keys in paper applications, reviews."""

    def __init__(self, base_url: str, prefecture_code: str, user_id: str, **options: Any) -> None:
        super().__init__(base_url, f"staff:{prefecture_code}:{user_id}", **options)
        self.prefecture_code = prefecture_code
        self.user_id = user_id

    @staticmethod
    def request_body(
        form: Mapping[str, Any],
        identity_confirmation: str = "drivers_license",
        attachments: Sequence[Attachment] = (),
    ) -> dict[str, Any]:
        return {
            "channel": "paper",
            "form": dict(form),
            "identity_confirmation": identity_confirmation,
            "attachments": attachment_entries(attachments),
        }

    def submit(
        self,
        form: Mapping[str, Any],
        identity_confirmation: str = "drivers_license",
        attachments: Sequence[Attachment] = (),
        *,
        idempotency_key: str | None = None,
    ) -> Submission:
        return self.post_application(
            self.request_body(form, identity_confirmation, attachments),
            idempotency_key=idempotency_key,
        )

    def review_list(self, **params: str) -> requests.Response:
        """``GET /v1/review/applications``: the prefecture's applications awaiting review."""
        return self.get(REVIEW_PATH, params or None)

    def review_item(self, application_id: str) -> requests.Response:
        """``GET /v1/review/applications/{id}``: one application with its automatic checks."""
        return self.get(f"{REVIEW_PATH}/{application_id}")


def _session() -> requests.Session:
    session = requests.Session()
    # Everything is on the loopback interface: never through a developer's proxy.
    session.trust_env = False
    return session
