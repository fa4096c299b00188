"""The published documents in memory, and events as the public REST API sends them."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from tests.unit.credentials.samples import ISSUER, NOW, Issuing

from kentei.credentials.jwks import JWKS_CACHE_SECONDS
from kentei.credentials.status import CACHE_CONTROL
from kentei.data.published import (
    JWKS_KEY,
    JWKS_MEDIA_TYPE,
    VC_JWT_MEDIA_TYPE,
    PublishedDocument,
    status_list_key,
)
from public.dependencies import Dependencies


@dataclass
class InMemoryDocuments:
    documents: dict[str, PublishedDocument] = field(default_factory=dict)
    reads: list[str] = field(default_factory=list)
    failing: set[str] = field(default_factory=set)

    def get(self, key: str) -> PublishedDocument | None:
        self.reads.append(key)
        if key in self.failing:
            raise OSError("the bucket did not answer")
        return self.documents.get(key)

    def publish(self, issuing: Issuing) -> None:
        """What certify publishes: the JWK Set and both credentials of the issuer's list."""
        self.documents[JWKS_KEY] = PublishedDocument(
            json.dumps(issuing.jwks()).encode(),
            JWKS_MEDIA_TYPE,
            f"public, max-age={JWKS_CACHE_SECONDS}",
        )
        for url, token in issuing.status_lists().items():
            located = ISSUER.parse_status_list_url(url)
            assert located is not None
            self.documents[status_list_key(*located)] = PublishedDocument(
                token.encode(), VC_JWT_MEDIA_TYPE, CACHE_CONTROL
            )


def published(issuing: Issuing) -> tuple[InMemoryDocuments, Dependencies]:
    documents = InMemoryDocuments()
    documents.publish(issuing)
    return documents, Dependencies(documents=documents, issuer=ISSUER, clock=lambda: NOW)


def event(
    method: str,
    path: str,
    *,
    body: str | bytes | None = None,
    headers: dict[str, str] | None = None,
    query: dict[str, str] | None = None,
) -> dict[str, Any]:
    encoded = isinstance(body, bytes)
    return {
        "httpMethod": method,
        "path": path,
        "resource": path,
        "headers": headers or {},
        "queryStringParameters": query,
        "body": base64.b64encode(body).decode() if isinstance(body, bytes) else body,
        "isBase64Encoded": encoded,
    }


def json_event(payload: object) -> dict[str, Any]:
    return event(
        "POST",
        "/v1/verifications",
        body=json.dumps(payload),
        headers={"Content-Type": "application/json"},
    )


def form_event(fields: dict[str, str], **headers: str) -> dict[str, Any]:
    return event(
        "POST",
        "/verify",
        body=urlencode(fields),
        headers={"Content-Type": "application/x-www-form-urlencoded", **headers},
    )
