"""``python -m kentei_local serve|demo`` (see :mod:`kentei_local.cli`)."""

from kentei_local.cli import main

raise SystemExit(main())
