"""What the tests of verify's signed requests share (change requests, initial registrations):
a request as intake leaves it (its raw parts in the inbox, its record ``received``), the
Mynaportal account a person is linked by, and a batch through the real handler whose log
must hold no personal data."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import pytest
from tests.unit.verification.conftest import TARO, TOKYO, Person, World
from tests.unit.verification.test_verify_handler import logged

from kentei_local.context import LocalContext
from kentei_local.probes import my_numbers_in
from verify import dependencies, handler
from verify.dependencies import Dependencies

MYNAPORTAL = "bridge:mynaportal"


@dataclass
class SignedBridge:
    """The world of the application tests with a kind's stores in place of the defaults
    (:meth:`stores`, by the field of verify's dependencies each replaces)."""

    world: World
    counter: int = 0

    def stores(self) -> dict[str, Any]:
        raise NotImplementedError

    def dependencies(self) -> Dependencies:
        return replace(self.world.dependencies(), **self.stores())

    def new_key(self) -> str:
        """A new ``Idempotency-Key`` of the Mynaportal bridge."""
        self.counter += 1
        return f"key-{self.counter:08d}"


def account_of(person: Person) -> str:
    """The person's Mynaportal account (マイナポータル仮名ID) in these tests."""
    return f"mp-account-{person.my_number[-4:]}"


def arrived(world: World, request_id: str, document: bytes, signature: bytes) -> dict[str, Any]:
    """A signed request as intake leaves it: its raw parts in the inbox, and its record's
    items (ids only), ``received`` from the Mynaportal bridge in Tokyo."""
    world.inbox.put(request_id, "document.json", document)
    world.inbox.put(request_id, "signature.p7s", signature)
    return {
        "request_id": request_id,
        "prefecture_code": TOKYO,
        "status": "received",
        "received_at": dt.datetime.now(dt.UTC),
        "submitted_by": MYNAPORTAL,
    }


def handled(
    ports: Callable[[], Dependencies],
    records: Sequence[dict[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> tuple[Any, str]:
    """A batch of ``records`` through verify's handler over ``ports``: its answer and its
    log, which holds no My Number and no name."""
    for name, value in (
        ("POWERTOOLS_TRACE_DISABLED", "true"),
        ("POWERTOOLS_METRICS_DISABLED", "true"),
        ("AWS_DEFAULT_REGION", "ap-northeast-1"),
    ):
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(dependencies, "dependencies", ports)
    caplog.set_level(logging.INFO)
    response = handler.handler({"Records": list(records)}, LocalContext.for_function("verify"))
    text = logged(caplog)
    assert my_numbers_in(text) == []
    assert TARO.name not in text
    return response, text
