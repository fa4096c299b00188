"""The configured revocation source, built from the environment.

Kept apart from :mod:`kentei.signatures.revocation` (the port and its answers), which
:mod:`kentei.signatures.crl` and :mod:`kentei.signatures.ocsp` import: this module imports all
three at top level, so no import cycle hides inside a function.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from kentei.signatures.crl import CrlDirectory
from kentei.signatures.ocsp import OcspResponder
from kentei.signatures.revocation import (
    CRL_DIR_ENV,
    OCSP_URL_ENV,
    FirstAnswer,
    NoRevocationSource,
    RevocationSource,
)


def revocation_from_environment(environ: Mapping[str, str] | None = None) -> RevocationSource:
    """The configured source: the CRL folder, then the OCSP responder, either or both."""
    env = os.environ if environ is None else environ
    sources: list[RevocationSource] = []
    crl_dir = env.get(CRL_DIR_ENV, "").strip()
    if crl_dir:
        sources.append(CrlDirectory(Path(crl_dir)))
    ocsp_url = env.get(OCSP_URL_ENV, "").strip()
    if ocsp_url:
        sources.append(OcspResponder(ocsp_url))
    if not sources:
        return NoRevocationSource()
    return sources[0] if len(sources) == 1 else FirstAnswer(sources)
