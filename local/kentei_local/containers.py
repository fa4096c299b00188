"""Fresh containers for the handlers the local runtime runs in this process.

A deployed function keeps what it builds across invocations of one container: its composition
root (ports, adapters with their connection pools and circuits), its idempotency layers, the
signing key ring. In the local runtime every function runs in this one process, so what one
runtime's invocations built would outlive it and point the next runtime's at a stopped moto or
fake server. :func:`forget_containers` forgets all of it, as if every function got a new
container; the runtime calls it when it starts and when it stops, and tests that start one of
their own do too. Each function's state is named here once (a test keeps the list whole).
"""

from __future__ import annotations


def forget_containers() -> None:
    from certify import certificate_ports
    from certify import dependencies as certify
    from intake import dependencies as intake
    from intake import exactly_once
    from kentei import aws
    from kentei.data import idempotency
    from sync import dependencies as sync
    from sync.national_ports import national_system
    from verify import dependencies as verify

    aws.reset()
    idempotency.persistence_layer.cache_clear()
    intake.reset()
    # Each idempotent route keeps its persistence layer, bound to the endpoint of its time.
    exactly_once._idempotent.cache_clear()
    verify.reset()
    certify.dependencies.cache_clear()
    certify.notice_dependencies.cache_clear()
    certify.renewal_dependencies.cache_clear()
    # The signing key (its public half) and chain, read from the runtime of their time.
    certificate_ports._key_ring.cache_clear()
    certificate_ports._chain.cache_clear()
    sync.dependencies.cache_clear()
    # Sync's adapter to the national system, bound to the fake server of its runtime.
    national_system.cache_clear()
