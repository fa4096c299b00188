"""The JSON-over-HTTPS contract between verify and the registry link server (住基連携サーバ).

Only the registry link server may talk to the resident registry network (P4); verify talks
to it over mutual TLS: the server proves itself with a certificate from the CA bundle verify
is configured with, and verify with its client certificate. Both lookups are read-only and
idempotent, so a client may repeat them after a failure.

Requests (``Content-Type: application/json``; ``X-Request-Id``, a UUID the server echoes and
logs, the same across a client's retries of one lookup)::

    POST /v1/lookups/by-my-number
    {"my_number": "123456789018"}

    POST /v1/lookups/by-four-items
    {"name": "見本 太郎", "birth_date": "1990-04-01", "sex": "1",
     "address": "東京都千代田区九段南1-2-3"}

Replies, ``200`` with ``Content-Type: application/json``::

    by-my-number:  {"status": "current" | "moved" | "deceased",
                    "person": {"name": ..., "name_kana": ... | null, "birth_date": "YYYY-MM-DD",
                               "sex": "0" | "1" | "2" | "9", "address": ...}}
                   {"status": "unknown", "person": null}      (not found is an answer, not a 404)
    by-four-items: {"candidates": [{"my_number": ..., "status": ..., "person": {...}}, ...]}

Dates are ISO 8601, sex an ISO/IEC 5218 code. Fields not listed here are a protocol error
(the interface is fixed, P1).

Errors are ``application/problem+json`` (RFC 9457) ``{"type", "title", "status"}`` without
personal values:

- ``400`` the request broke the contract, ``401``/``403`` the client certificate was refused:
  the client does not retry (:class:`~kentei.registry.port.RegistryProtocolError`);
- ``429`` too many requests, ``500``/``502``/``503``/``504`` the registry or the link is down:
  the client retries with backoff, honouring ``Retry-After`` in seconds up to its cap, then
  gives up (:class:`~kentei.registry.port.RegistryUnavailableError`).
"""

from __future__ import annotations

from datetime import date
from typing import Any, Final

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from kentei import link_contract
from kentei.link_contract import describe
from kentei.my_number import MyNumber
from kentei.records.codes import Sex
from kentei.records.fields import Date, ShortText, Text
from kentei.registry.model import Candidate, Iso5218Sex, Person, RegistryRecord
from kentei.registry.port import RegistryProtocolError

BY_MY_NUMBER: Final = "/v1/lookups/by-my-number"
BY_FOUR_ITEMS: Final = "/v1/lookups/by-four-items"
REQUEST_ID_HEADER: Final = link_contract.REQUEST_ID_HEADER
JSON: Final = link_contract.JSON
PROBLEM_JSON: Final = link_contract.PROBLEM_JSON


class ByMyNumberRequest(BaseModel):
    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    my_number: MyNumber = Field(repr=False)


class ByFourItemsRequest(BaseModel):
    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    name: ShortText = Field(repr=False)
    birth_date: Date = Field(repr=False)
    sex: Iso5218Sex = Field(repr=False)
    address: Text = Field(repr=False)


class ByFourItemsResponse(BaseModel):
    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    candidates: tuple[Candidate, ...]


def by_my_number_body(my_number: MyNumber) -> bytes:
    return link_contract.dump({"my_number": my_number.reveal()})


def by_four_items_body(name: str, birth_date: date, sex: Sex, address: str) -> bytes:
    return link_contract.dump(
        {"name": name, "birth_date": birth_date.isoformat(), "sex": sex.value, "address": address}
    )


def record_body(record: RegistryRecord) -> bytes:
    return link_contract.dump({"status": record.status.value, "person": _person(record.person)})


def candidates_body(candidates: tuple[Candidate, ...]) -> bytes:
    return link_contract.dump(
        {
            "candidates": [
                {
                    "my_number": candidate.my_number.reveal(),
                    "status": candidate.status.value,
                    "person": _person(candidate.person),
                }
                for candidate in candidates
            ]
        }
    )


def problem_body(status: int, title: str) -> bytes:
    return link_contract.dump(
        {"type": f"urn:kentei:registry:{status}", "title": title, "status": status}
    )


def parse_record(raw: bytes) -> RegistryRecord:
    """A by-my-number reply; :class:`RegistryProtocolError` naming fields, never values."""
    try:
        return RegistryRecord.model_validate_json(raw)
    except ValidationError as exc:
        raise RegistryProtocolError(f"malformed by-my-number reply: {describe(exc)}") from None


def parse_candidates(raw: bytes) -> tuple[Candidate, ...]:
    try:
        return ByFourItemsResponse.model_validate_json(raw).candidates
    except ValidationError as exc:
        raise RegistryProtocolError(f"malformed by-four-items reply: {describe(exc)}") from None


def _person(person: Person | None) -> dict[str, Any] | None:
    if person is None:
        return None
    return {
        "name": person.name,
        "name_kana": person.name_kana,
        "birth_date": person.birth_date.isoformat(),
        "sex": person.sex.value,
        "address": person.address,
    }
