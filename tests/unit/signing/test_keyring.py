"""The key ring as data: the committed ring loads, and a tampered or ambiguous one does not."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from pydantic import ValidationError

from kentei import catalog
from kentei.signing import kms as kms_signing
from kentei.signing.ecdsa import thumbprint
from kentei.signing.keyring import KeyRing, load_key_ring, load_key_ring_data
from kentei.signing.memory import InMemorySigningKey


def retired_entry(kid: str) -> dict[str, object]:
    jwk = InMemorySigningKey(kid).public_jwk()
    return {"kid": kid, "jwk": jwk, "thumbprint": thumbprint(jwk), "retired_on": "2027-04-01"}


def test_the_committed_ring_names_an_active_versioned_kid() -> None:
    data = load_key_ring_data()
    assert data.active_kid == "kentei-cert-1"
    ring = load_key_ring(InMemorySigningKey(data.active_kid))
    assert [jwk["kid"] for jwk in ring.public_jwks()] == ["kentei-cert-1"]


def test_the_catalog_key_is_the_p256_key_the_kms_adapter_expects() -> None:
    spec = catalog.key("certificate-signing")
    assert spec.key_spec == kms_signing.KMS_KEY_SPEC == "ECC_NIST_P256"
    assert spec.usage is catalog.KeyUsage.SIGN_VERIFY


def test_a_retired_key_stays_published_after_the_active_one() -> None:
    text = json.dumps({"active_kid": "kentei-cert-2", "retired": [retired_entry("kentei-cert-1")]})
    data = load_key_ring_data(text)
    ring = load_key_ring(InMemorySigningKey("kentei-cert-2"), data)
    assert [jwk["kid"] for jwk in ring.public_jwks()] == ["kentei-cert-2", "kentei-cert-1"]
    assert data.retired[0].retired_on == dt.date(2027, 4, 1)


def test_an_active_key_other_than_the_data_names_is_refused() -> None:
    with pytest.raises(ValueError, match="kentei-cert-1"):
        load_key_ring(InMemorySigningKey("kentei-cert-9"))


@pytest.mark.parametrize(
    "change",
    [
        {"thumbprint": "x" * 43},
        {"kid": "kentei-cert-3"},
        {"kid": "Kentei_cert"},
    ],
)
def test_a_retired_key_that_does_not_match_its_record_is_refused(
    change: dict[str, object],
) -> None:
    entry = {**retired_entry("kentei-cert-1"), **change}
    with pytest.raises(ValidationError):
        load_key_ring_data(json.dumps({"active_kid": "kentei-cert-2", "retired": [entry]}))


def test_a_private_key_in_the_ring_is_refused() -> None:
    entry = retired_entry("kentei-cert-1")
    entry["jwk"] = {**entry["jwk"], "d": "c2VjcmV0"}  # type: ignore[dict-item]
    with pytest.raises(ValidationError, match="private"):
        load_key_ring_data(json.dumps({"active_kid": "kentei-cert-2", "retired": [entry]}))


def test_a_kid_named_twice_is_refused() -> None:
    entry = retired_entry("kentei-cert-1")
    with pytest.raises(ValidationError, match="twice"):
        load_key_ring_data(json.dumps({"active_kid": "kentei-cert-1", "retired": [entry]}))
    with pytest.raises(ValueError, match="both"):
        KeyRing(
            InMemorySigningKey("kentei-cert-1"),
            load_key_ring_data(
                json.dumps({"active_kid": "kentei-cert-2", "retired": [entry]})
            ).retired,
        )
