"""A staff user works only from their own prefecture's office networks: the web ACL admits
every prefecture's offices together, the function tells them apart (kentei.staff_networks)."""

from __future__ import annotations

import json
from http import HTTPStatus

import pytest

from intake import paths
from kentei import staff_networks
from kentei.data.audit import AuditOutcome

from .events import event, invoke
from .fakes import Fakes


@pytest.fixture
def offices(monkeypatch: pytest.MonkeyPatch) -> None:
    setting = staff_networks.setting({"13": ["198.51.100.0/24"], "27": ["203.0.113.16/28"]})
    monkeypatch.setenv(staff_networks.STAFF_NETWORKS_ENV, setting)
    staff_networks.configured.cache_clear()


def _audit_from(address: str, caller: str) -> tuple[int, object]:
    request = event("GET", paths.AUDIT, caller=caller)
    request["requestContext"]["identity"]["sourceIp"] = address
    status, _, body = invoke(request)
    return status, body


@pytest.mark.usefixtures("offices")
def test_a_user_of_13_at_27s_office_is_refused_and_the_refusal_audited(fakes: Fakes) -> None:
    status, body = _audit_from("198.51.100.7", "staff:13:aud13:auditor")
    assert status == HTTPStatus.OK, body

    status, body = _audit_from("203.0.113.17", "staff:13:aud13:auditor")
    assert status == HTTPStatus.FORBIDDEN
    assert "network" in json.dumps(body)
    refused = [e for e in fakes.audit.events if e.outcome is AuditOutcome.DENIED]
    assert [(e.actor, e.source_ip) for e in refused] == [("staff:13:aud13", "203.0.113.17")]


@pytest.mark.usefixtures("offices")
def test_the_bridges_are_not_held_to_the_offices() -> None:
    """A bridge is known by its client certificate wherever it calls from."""
    target = paths.APPLICATION.replace("<application_id>", "13-0000000000000000000000000A")
    request = event("GET", target, caller="bridge:mynaportal")
    request["requestContext"]["identity"]["sourceIp"] = "192.0.2.1"
    status, _, body = invoke(request)
    assert status == HTTPStatus.NOT_FOUND, body
