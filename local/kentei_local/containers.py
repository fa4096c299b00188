"""Fresh containers for the handlers the local runtime runs in this process.

A deployed function keeps what it builds across invocations of one container: its composition
root (ports, adapters with their connection pools and circuits), its idempotency layers, the
signing key ring. In the local runtime every function runs in this one process, so what one
runtime's invocations built would outlive it and point the next runtime's at a stopped moto or
fake server. :func:`forget_containers` forgets all of it, as if every function got a new
container; the runtime calls it when it starts and when it stops, and tests that start one of
their own do too. What each function keeps is named once, in its ``container.py`` (the shared
package's in :data:`kentei.snapstart.KENTEI_KEPT`), the same list SnapStart's hooks forget
after a restore; a test keeps the lists whole.
"""

from __future__ import annotations


def forget_containers() -> None:
    from certify import container as certify
    from intake import container as intake
    from kentei import snapstart
    from sync import container as sync
    from verify import container as verify

    functions = (intake, verify, certify, sync)
    snapstart.forget((*snapstart.KENTEI_KEPT, *(e for f in functions for e in f.KEPT)))
