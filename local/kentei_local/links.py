"""The registry, Mynaportal and e-Gov as their local HTTPS fakes, reached as deployed.

By default the local runtime gives verify the seed-file registry and certify in-memory notice
ports (:func:`kentei.registry.registry_from_environment`,
:func:`kentei.notices.notices_from_environment`,
:func:`kentei.egov_notices.egov_notices_from_environment`). With
``LocalSettings(https_links=True)`` it starts the three fakes instead, each on its own local
CA with mutual TLS as the national system always is
(:mod:`kentei_local.fake_registry_server`, :mod:`kentei_local.fake_mynaportal_server`,
:mod:`kentei_local.fake_egov_server`), and sets the production adapters' settings
(``KENTEI_REGISTRY_*``, ``KENTEI_MYNAPORTAL_*``, ``KENTEI_EGOV_*``): the functions then go
through the same HTTPS adapters, retries and circuit breakers as deployed, and a test can make
the fakes fail (:meth:`LocalLinks.set_rates`) and read what each received and holds.

The registry fake answers from a copy of the seed file the environment names (the demo's by
default), in the runtime's state folder: :attr:`LocalLinks.registry_seed`, read again when it
changes, is where a run writes its own population.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
from collections.abc import Mapping
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from kentei.egov_notices.https import ENVIRONMENT as EGOV_ENVIRONMENT
from kentei.notices.https import ENVIRONMENT as MYNAPORTAL_ENVIRONMENT
from kentei.registry import SEED_ENV
from kentei.registry.https import ENVIRONMENT as REGISTRY_ENVIRONMENT
from kentei_local import localca
from kentei_local.fake_egov_server import FakeEgovServer
from kentei_local.fake_mynaportal_server import FakeMynaportalServer
from kentei_local.fake_registry_server import DEMO_SEED, FakeRegistryServer
from kentei_local.localca import LinkCa
from kentei_local.mtls_server import FakeServer, FaultRates

LIFETIME_S: Final = 30 * 24 * 60 * 60
"""The fakes (the national system's too) outlive any run: the runtime stops them."""
SEED_FILE: Final = "registry_seed.json"


@dataclass(frozen=True)
class LocalLinks:
    registry: FakeRegistryServer
    registry_seed: Path
    """The seed the registry fake answers from (read again when it changes)."""
    mynaportal: FakeMynaportalServer
    egov: FakeEgovServer

    @property
    def servers(self) -> dict[str, FakeServer]:
        return {"registry": self.registry, "mynaportal": self.mynaportal, "egov": self.egov}

    def set_rates(self, rates: FaultRates) -> None:
        """Each fake fails this share of its requests from now on, each drawing its own
        faults (its seed is ``rates.seed`` plus its place)."""
        for place, server in enumerate(self.servers.values()):
            seed = None if rates.seed is None else rates.seed + place
            server.set_rates(dataclasses.replace(rates, seed=seed))

    def fault_counts(self) -> dict[str, dict[str, int]]:
        """The faults each fake applied so far, by kind."""
        return {name: server.fault_counts for name, server in self.servers.items()}


def start_links(folder: Path, stack: ExitStack) -> LocalLinks:
    """Start the three fakes (stopped by ``stack``) on CAs made in ``folder``, and point the
    functions' adapters at them in ``os.environ`` (the runtime restores it when it stops)."""
    seed = folder / SEED_FILE
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(os.environ.get(SEED_ENV, "").strip() or DEMO_SEED, seed)
    os.environ.pop(SEED_ENV, None)  # the seed-file registry and the HTTPS one exclude each other

    ca = link_ca(folder / "registry", "Local registry link CA", "verify", REGISTRY_ENVIRONMENT)
    registry = FakeRegistryServer.from_seed_file(
        seed,
        certfile=ca.server.cert,
        keyfile=ca.server.key,
        client_ca=ca.ca_file,
        lifetime_s=LIFETIME_S,
    )
    ca = link_ca(
        folder / "mynaportal", "Local mynaportal link CA", "certify", MYNAPORTAL_ENVIRONMENT
    )
    mynaportal = FakeMynaportalServer(
        certfile=ca.server.cert, keyfile=ca.server.key, client_ca=ca.ca_file, lifetime_s=LIFETIME_S
    )
    ca = link_ca(folder / "egov", "Local egov link CA", "certify", EGOV_ENVIRONMENT)
    egov = FakeEgovServer(
        certfile=ca.server.cert, keyfile=ca.server.key, client_ca=ca.ca_file, lifetime_s=LIFETIME_S
    )
    links = LocalLinks(registry, seed, mynaportal, egov)
    for environment, server in (
        (REGISTRY_ENVIRONMENT, registry),
        (MYNAPORTAL_ENVIRONMENT, mynaportal),
        (EGOV_ENVIRONMENT, egov),
    ):
        stack.callback(server.stop)
        server.start()
        os.environ[environment["url"]] = server.url
    return links


def link_ca(folder: Path, ca_name: str, client: str, environment: Mapping[str, str]) -> LinkCa:
    """A local CA in ``folder`` for the link to a fake outside system, and the client's side of
    it (``client``'s pair, the CA that signs the server) in ``os.environ`` under the adapter's
    variables (``environment``: its settings' names); the URL is set once the server runs."""
    ca = localca.create_link(folder, ca_name, client)
    os.environ.update(
        {
            environment["client_cert"]: str(ca.client.cert),
            environment["client_key"]: str(ca.client.key),
            environment["ca_bundle"]: str(ca.ca_file),
        }
    )
    return ca
