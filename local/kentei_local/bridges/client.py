"""HTTP clients of ``POST /v1/applications``: the two bridges and a staff member's desk.

Each sends ``Content-Type: application/json`` and an ``Idempotency-Key`` (a fresh one unless
given), and authenticates as deployed: a bridge presents its client certificate to the bridge
port (mutual TLS, the server verified with the local CA), a staff member sends a Cognito ID
token (``Authorization: Bearer``) to the staff port. Given the local runtime's
:class:`~kentei_local.endpoints.LocalEndpoints` (``runtime.json``), a client finds its port
and credentials from its caller (:mod:`kentei_local.signin`); given
:class:`~kentei_local.signin.Credentials`, it uses those; given a plain URL, it presents
nothing. A :class:`Submission` keeps the exact bytes sent, so a test can replay them with the
same key.
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
from kentei_local.endpoints import LocalEndpoints
from kentei_local.signin import Credentials, credentials

APPLICATIONS_PATH: Final = "/v1/applications"
CHANGE_REQUESTS_PATH: Final = "/v1/change-requests"
INITIAL_REGISTRATIONS_PATH: Final = "/v1/initial-registrations"
REVIEW_PATH: Final = "/v1/review/applications"
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
    def request_id(self) -> str | None:
        """A change request's id (``POST /v1/change-requests``)."""
        value = self._json().get("request_id")
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


Target = LocalEndpoints | Credentials | str
"""The local runtime (credentials from the caller), given credentials, or a bare URL."""


class ApiClient:
    """A caller of the intake API (see the module docstring for ``target``)."""

    def __init__(
        self,
        target: Target,
        caller: str | None = None,
        *,
        session: requests.Session | None = None,
        timeout_s: float = _TIMEOUT_S,
    ) -> None:
        self.target = target
        self.caller = caller
        self.session = session or _session()
        self.timeout_s = timeout_s

    @property
    def credentials(self) -> Credentials:
        """Where to send and what to present (a staff token is renewed before it expires)."""
        if isinstance(self.target, LocalEndpoints):
            return credentials(self.target, self.caller)
        if isinstance(self.target, Credentials):
            return self.target
        return Credentials(self.target)

    @property
    def base_url(self) -> str:
        return self.credentials.base_url.rstrip("/")

    def headers(self, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        headers = {"Accept": "application/json, application/problem+json"}
        return {**headers, **self.credentials.headers(), **(extra or {})}

    def request(
        self,
        method: str,
        path: str,
        *,
        data: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        params: Mapping[str, str] | None = None,
    ) -> requests.Response:
        """``method`` ``path`` on the caller's port, with its token or its certificate."""
        given = self.credentials
        return self.session.request(
            method,
            f"{given.base_url.rstrip('/')}{path}",
            data=data,
            params=params,
            headers={
                "Accept": "application/json, application/problem+json",
                **given.headers(),
                **(headers or {}),
            },
            cert=given.cert,
            verify=given.verify,
            timeout=self.timeout_s,
        )

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
        response = self.request(
            "POST",
            APPLICATIONS_PATH,
            data=raw,
            headers={"Content-Type": JSON, IDEMPOTENCY_HEADER: key, **(headers or {})},
        )
        return Submission(key, raw, response)

    def status(self, application_id: str) -> requests.Response:
        """``GET /v1/applications/{id}``."""
        return self.get(f"{APPLICATIONS_PATH}/{application_id}")

    def get(self, path: str, params: Mapping[str, str] | None = None) -> requests.Response:
        return self.request("GET", path, params=params)

    def post(self, path: str, body: Mapping[str, Any]) -> requests.Response:
        return self.request(
            "POST",
            path,
            data=json.dumps(body, ensure_ascii=False).encode(),
            headers={"Content-Type": JSON},
        )


class MynaportalBridge(ApiClient):
    """The Mynaportal bridge: the signed document, its detached CMS signature, the files."""

    def __init__(self, target: Target, **options: Any) -> None:
        super().__init__(target, "bridge:mynaportal", **options)

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

    def submit_change_request(
        self,
        document: bytes,
        signature: bytes,
        *,
        pseudonym_id: str | None = None,
        idempotency_key: str | None = None,
    ) -> Submission:
        """``POST /v1/change-requests``: a person's signed change document and its detached
        signature (``pseudonym_id``, when given, the document's account)."""
        return self._submit_signed(
            CHANGE_REQUESTS_PATH, document, signature, pseudonym_id, idempotency_key
        )

    def change_request_status(self, request_id: str) -> requests.Response:
        """``GET /v1/change-requests/{request_id}``."""
        return self.get(f"{CHANGE_REQUESTS_PATH}/{request_id}")

    def submit_initial_registration(
        self, document: bytes, signature: bytes, *, idempotency_key: str | None = None
    ) -> Submission:
        """``POST /v1/initial-registrations``: a person's signed initial registration."""
        return self._submit_signed(
            INITIAL_REGISTRATIONS_PATH, document, signature, None, idempotency_key
        )

    def initial_registration_status(self, registration_id: str) -> requests.Response:
        """``GET /v1/initial-registrations/{registration_id}``."""
        return self.get(f"{INITIAL_REGISTRATIONS_PATH}/{registration_id}")

    def _submit_signed(
        self,
        path: str,
        document: bytes,
        signature: bytes,
        pseudonym_id: str | None,
        idempotency_key: str | None,
    ) -> Submission:
        body: dict[str, Any] = {
            "channel": "mynaportal",
            "document": _b64(document),
            "signature": _b64(signature),
        }
        if pseudonym_id is not None:
            body["mynaportal_pseudonym_id"] = pseudonym_id
        key = idempotency_key or new_idempotency_key()
        raw = json.dumps(body, ensure_ascii=False).encode()
        response = self.request(
            "POST", path, data=raw, headers={"Content-Type": JSON, IDEMPOTENCY_HEADER: key}
        )
        return Submission(key, raw, response)


class EgovBridge(ApiClient):
    """The e-Gov bridge: the package as e-Gov delivers it (see :mod:`.egov`)."""

    def __init__(self, target: Target, **options: Any) -> None:
        super().__init__(target, "bridge:egov", **options)

    @staticmethod
    def request_body(package: bytes) -> dict[str, Any]:
        return {"channel": "egov", "package": _b64(package)}

    def submit(self, package: bytes, *, idempotency_key: str | None = None) -> Submission:
        return self.post_application(self.request_body(package), idempotency_key=idempotency_key)


class PaperDesk(ApiClient):
    """A staff member of a prefecture's association: keys in paper applications, reviews."""

    def __init__(
        self,
        target: Target,
        prefecture_code: str,
        user_id: str,
        roles: Sequence[str] = (),
        **options: Any,
    ) -> None:
        caller = f"staff:{prefecture_code}:{user_id}"
        super().__init__(target, f"{caller}:{','.join(roles)}" if roles else caller, **options)
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

    def decide(
        self,
        application_id: str,
        decision: str,
        reasons: Sequence[Mapping[str, str]] = (),
    ) -> requests.Response:
        """``POST /v1/review/applications/{id}/decision``: accept (the person and a sitting go
        on the roster) or return with reasons."""
        body = {"decision": decision, "reasons": list(reasons)}
        return self.post(f"{REVIEW_PATH}/{application_id}/decision", body)


def _session() -> requests.Session:
    session = requests.Session()
    # Everything is on the loopback interface: never through a developer's proxy.
    session.trust_env = False
    return session
