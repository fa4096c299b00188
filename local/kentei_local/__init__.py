"""The local embedded runtime: moto in server mode, a local API gateway, a queue pump.

``python -m kentei_local serve`` (``make local``) starts moto on 127.0.0.1, provisions every
resource of :mod:`kentei.catalog` in it, seeds the staff user pool (Cognito in moto), makes a
local CA, serves the REST APIs on three ports, the staff API at ``http://127.0.0.1:8000`` (Cognito
ID tokens) and the bridge API at ``https://127.0.0.1:8001`` (mutual TLS), by turning each
authenticated HTTP request into an API Gateway proxy event for the intake handler, and the
public verification API at ``http://127.0.0.1:8002/verify`` (no login, the public handler),
and drives the SQS-triggered handlers the way Lambda's event source mapping does.
``python -m kentei_local demo`` (``make demo``) starts the same runtime, runs a smoke flow,
and stops.

Settings (environment variables):

``PORT``
    Port of the staff API; ``serve`` defaults to 8000, ``demo`` to a free port; 0 picks a
    free port. The gateway listens on 127.0.0.1 only.
``BRIDGE_PORT``
    Port of the bridge API (HTTPS, client certificates of the local CA); default ``PORT + 1``
    (a free port when ``PORT`` is 0).
``PUBLIC_PORT``
    Port of the public verification page and API (HTTP, no login); default ``PORT + 2`` (a
    free port when ``PORT`` is 0). Its URL is the local credential issuer's id.
``KENTEI_LOCAL_STATE_DIR``
    Where the local CA, its certificates and ``runtime.json`` (the URLs, the pool, the seeded
    users' passwords, the bridges' certificates) are written at start; ``serve`` defaults to
    ``.local/``, the demo and tests to a temporary folder.
``KENTEI_LOCAL_MOTO_PORT``
    Port of the embedded moto server; default 0, a free port. Its URL is printed as
    ``moto: http://127.0.0.1:NNNN`` so a developer can inspect it with boto3 or the AWS CLI.
``KENTEI_LOCAL_VISIBILITY_TIMEOUT``
    Visibility timeout of the local queues in whole seconds; default 2. Deployed, a queue's
    visibility timeout is six times its consumer's timeout (minutes), so a message whose
    processing failed comes back only after minutes and a poisoned one reaches its DLQ after
    ``maxReceiveCount`` of those; locally that would take about twenty minutes, hence the short
    setting. Everything else about redelivery (batch size, partial batch response,
    ``maxReceiveCount``, the DLQ) is the catalog's.

moto keeps every resource in memory, and it all ends with the process; only the local CA's
files and ``runtime.json`` are written to disk (``runtime.json`` is removed at stop).
"""
