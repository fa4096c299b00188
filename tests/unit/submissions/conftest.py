from __future__ import annotations

import pytest

from .builders import Signer, make_signer


@pytest.fixture(scope="session")
def signer() -> Signer:
    return make_signer()
