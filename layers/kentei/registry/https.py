"""The production registry adapter: the contract of :mod:`kentei.registry.contract` over
mutual TLS to the registry link server (住基連携サーバ).

- TLS 1.2 or newer; the server must present a certificate for the URL's host from the
  configured CA bundle only (not the system store); the client presents its certificate.
- Timeouts for connecting and for reading, and a budget for the whole lookup, retries
  included, so a message's lookups fit in verify's function timeout.
- Bounded retries with exponential backoff and full jitter (:class:`Backoff`) on connection
  errors, timeouts, 429 and 5xx; both lookups are idempotent, so repeating one is safe. TLS
  failures are not retried: a refused certificate stays refused.
- A :class:`CircuitBreaker` over whole lookups: after repeated unavailability the adapter
  refuses at once, so a queue of applications does not each wait out the timeouts.

The mechanics (mutual TLS, timeouts, budget, retries, circuit) are
:class:`kentei.mtls.MutualTlsClient`'s, shared with the Mynaportal notice port.

Log lines carry the request id, the endpoint, the attempt, the HTTP status or error class and
the duration: never the number, the four items or a reply body.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from datetime import date
from typing import Final, TypeVar

from kentei.mtls import LinkAdapter, LinkSettings, LinkUnavailableError, environment_variables
from kentei.my_number import MyNumber
from kentei.records.codes import Sex
from kentei.registry import contract
from kentei.registry.model import Candidate, RegistryRecord
from kentei.registry.port import (
    RegistryConfigurationError,
    RegistryProtocolError,
    RegistryUnavailableError,
)

ENVIRONMENT: Final = environment_variables("KENTEI_REGISTRY")
"""Each setting's environment variable."""

_Parsed = TypeVar("_Parsed")


class RegistryLinkSettings(LinkSettings):
    """Where the registry link server is and how to talk to it; read from the environment.
    The budget (10 s by default) bounds one lookup: verify's function timeout (60 s) must
    hold the lookups of a message and then some."""

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> RegistryLinkSettings:
        return cls.from_variables(ENVIRONMENT, environ, _configuration_error)


def _configuration_error(problems: str) -> RegistryConfigurationError:
    return RegistryConfigurationError(f"registry link settings: {problems}")


class HttpsRegistry(LinkAdapter):
    """The :class:`~kentei.registry.port.Registry` port over the link server's HTTPS API.

    Create one per container and reuse it: it keeps the connection pool and the circuit.
    """

    link_name = "registry link"

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> HttpsRegistry:
        return cls(RegistryLinkSettings.from_environ(environ))

    def by_my_number(self, my_number: MyNumber) -> RegistryRecord:
        body = contract.by_my_number_body(my_number)
        return self._lookup(contract.BY_MY_NUMBER, body, contract.parse_record)

    def by_four_items(
        self, name: str, birth_date: date, sex: Sex, address: str
    ) -> tuple[Candidate, ...]:
        body = contract.by_four_items_body(name, birth_date, sex, address)
        return self._lookup(contract.BY_FOUR_ITEMS, body, contract.parse_candidates)

    def _lookup(self, path: str, body: bytes, parse: Callable[[bytes], _Parsed]) -> _Parsed:
        request_id = str(uuid.uuid4())
        headers = {
            "Content-Type": contract.JSON,
            "Accept": contract.JSON,
            contract.REQUEST_ID_HEADER: request_id,
        }
        try:
            reply = self.client.call(
                "POST", path, body=body, headers=headers, log={"registry_request_id": request_id}
            )
        except LinkUnavailableError as exc:
            raise RegistryUnavailableError(str(exc)) from None
        if reply.code != 200:
            raise RegistryProtocolError(f"the registry link refused the lookup (HTTP {reply.code})")
        if reply.too_large:
            raise RegistryProtocolError("the registry link reply is too large")
        if reply.media_type != contract.JSON:
            raise RegistryProtocolError("the registry link reply is not application/json")
        return parse(reply.body)
