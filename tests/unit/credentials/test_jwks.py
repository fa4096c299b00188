"""The JWK Set: every key of the ring, public members only, and lookups by kid."""

from __future__ import annotations

import jwt
import pytest
from tests.unit.credentials.samples import Issuing
from tests.unit.signing.test_keyring import retired_entry

from kentei.credentials.jwks import JwksError, find_key, jwks_document
from kentei.signing.keyring import KeyRing, RetiredKey
from kentei.signing.memory import InMemorySigningKey


def test_the_set_holds_the_active_and_retired_keys_for_signing_with_es256() -> None:
    retired = RetiredKey.model_validate(retired_entry("kentei-cert-1"))
    issuing = Issuing(key=InMemorySigningKey("kentei-cert-2"), retired=(retired,))
    document = issuing.jwks()
    assert [key["kid"] for key in document["keys"]] == ["kentei-cert-2", "kentei-cert-1"]
    for key in document["keys"]:
        assert set(key) == {"kty", "crv", "x", "y", "kid", "use", "alg"}
        assert (key["use"], key["alg"]) == ("sig", "ES256")
    pyjwt_set = jwt.PyJWKSet.from_dict(document)
    assert pyjwt_set["kentei-cert-1"].key_id == "kentei-cert-1"


def test_find_key_gives_the_named_key_or_none() -> None:
    document = Issuing().jwks()
    assert find_key(document, "kentei-cert-1") == document["keys"][0]
    assert find_key(document, "kentei-cert-9") is None
    encryption = {"keys": [{**document["keys"][0], "use": "enc"}]}
    assert find_key(encryption, "kentei-cert-1") is None


def test_a_set_naming_a_kid_twice_or_without_keys_is_refused() -> None:
    key = Issuing().jwks()["keys"][0]
    with pytest.raises(JwksError):
        find_key({"keys": [key, key]}, "kentei-cert-1")
    with pytest.raises(JwksError):
        find_key({"keys": "none"}, "kentei-cert-1")
    retired = RetiredKey.model_validate(retired_entry("kentei-cert-5"))
    with pytest.raises(JwksError):
        jwks_document(KeyRing(Issuing().key, (retired, retired)))
