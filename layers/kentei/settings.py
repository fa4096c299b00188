"""Where a function finds its resources: the environment variables the catalog names.

The CDK stacks set, for each resource a function has a grant on, the catalog's ``env_var`` to
the resource's physical name (table name, queue URL, bucket name, key ARN); the local runtime
sets the same variables to its local resources.
"""

from __future__ import annotations

import os

from kentei import catalog


class MissingSettingError(RuntimeError):
    """A resource the code needs has no environment variable: a deployment mistake."""


def _lookup(env_var: str, what: str) -> str:
    value = os.environ.get(env_var, "").strip()
    if not value:
        raise MissingSettingError(f"{what} is not configured (environment variable {env_var})")
    return value


def table_name(name: str) -> str:
    return _lookup(catalog.table(name).env_var, f"table {name!r}")


def queue_url(name: str) -> str:
    return _lookup(catalog.queue(name).env_var, f"queue {name!r}")


def dlq_url(name: str) -> str:
    """The URL of the catalog queue ``name``'s DLQ (a function granted ``queue:send-dlq``)."""
    return _lookup(catalog.queue(name).dlq_env_var, f"the DLQ of queue {name!r}")


def key_id(name: str) -> str:
    return _lookup(catalog.key(name).env_var, f"key {name!r}")


def bucket_name(name: str) -> str:
    env_var = catalog.bucket(name).env_var
    if env_var is None:
        raise MissingSettingError(f"bucket {name!r} is not for functions")
    return _lookup(env_var, f"bucket {name!r}")


def environment() -> str:
    """``aws`` when deployed, ``local`` in the local runtime and tests."""
    return os.environ.get("KENTEI_ENV", "aws")
