"""Print the intake API's OpenAPI document as committed: ``make openapi`` writes openapi.json."""

from __future__ import annotations

import sys

from intake import openapi
from intake.api import full_app

if __name__ == "__main__":
    sys.stdout.write(openapi.render(full_app()))
