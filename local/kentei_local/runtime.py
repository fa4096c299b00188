"""The local runtime as one object: moto, the catalog's resources, the gateway, the pumps.

The gateway has the deployed system's three entry points: the staff port (:attr:`LocalRuntime.url`,
HTTP, Cognito ID tokens of the user pool seeded in moto), the bridge port
(:attr:`LocalRuntime.bridge_url`, HTTPS with client certificates of a local CA made at start)
and the public port (:attr:`LocalRuntime.public_url`, HTTP, the verification page and API in
front of the public function; the credential issuer's URL is this port's, locally).
:attr:`LocalRuntime.endpoints` is what ``runtime.json`` (written in the state folder) says:
both URLs, the CA file, the pool, the seeded users and the bridges' certificates.

>>> with LocalRuntime(LocalSettings(port=0)) as runtime:
...     requests.get(f"{runtime.url}/v1/health")
...     runtime.sqs().send_message(QueueUrl=runtime.resources.queues["verify"].url, ...)

The handlers read ``os.environ`` and moto's backends are process-global, so one runtime at a
time may run in a process; :meth:`LocalRuntime.stop` restores the environment it changed.
Handler modules are imported once per process: a handler that bound a client to an earlier
runtime's endpoint at import would keep it (the project's handlers create clients lazily,
but :func:`functools.cache` keeps them too), so in-process tests of real handlers should share
one runtime.
"""

from __future__ import annotations

import logging
import os
import shutil
import ssl
import tempfile
import threading
import urllib.error
import urllib.request
from collections.abc import Mapping
from contextlib import ExitStack
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Final

import boto3
from botocore.config import Config

from kentei import catalog
from kentei.certificates.pades_chain import DEFAULT_SIGNING_CHAIN_KEY, SIGNING_CHAIN_ENV
from kentei.credentials.issuer import ISSUER_URL_ENV
from kentei.national.https import ENVIRONMENT as NATIONAL_ENVIRONMENT
from kentei.national.https import NationalSettings
from kentei_local import certificate_ca, cognito, localca
from kentei_local.containers import forget_containers
from kentei_local.endpoints import RUNTIME_FILE, LocalEndpoints, NationalEndpoint
from kentei_local.environment import FAKE_CREDENTIALS, handler_environment, patched_environ
from kentei_local.fake_national_server import FakeNationalServer
from kentei_local.functions import Handler, LocalFunction
from kentei_local.gateway import (
    BridgeEntry,
    Gateway,
    GatewayServer,
    PublicEntry,
    StaffEntry,
    server_tls,
)
from kentei_local.links import LIFETIME_S as LINK_LIFETIME_S
from kentei_local.links import LocalLinks, link_ca, start_links
from kentei_local.moto_server import MotoServer
from kentei_local.pump import QueuePump
from kentei_local.resources import Resources, provision
from kentei_local.settings import HOST, LocalSettings
from kentei_local.stream_pump import StreamPump
from kentei_local.tokens import TokenVerifier

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient
    from mypy_boto3_kms.client import KMSClient
    from mypy_boto3_s3.client import S3Client
    from mypy_boto3_sqs.client import SQSClient

HEALTH_PATH: Final = "/v1/health"
LOCAL_ISSUER_URL: Final = "https://certificates.kentei.localhost"
"""The local runtime's electronic certificate issuer (``.localhost`` never leaves the host)."""
NATIONAL_CLIENT: Final = "sync"
"""The common name of the client certificate sync presents to the fake national system."""


def _national_pace() -> dict[str, str]:
    """Sync's pace toward the national system here: what all of its containers would start
    together when deployed. Each deployed container paces itself
    (:class:`~kentei.national.https.NationalSettings`: 5 calls a second) and sync runs up to
    its reserved concurrency of them; the local runtime runs one, so it takes their sum (a
    thousand applicants' ~6,000 national calls took 20 minutes at one container's pace). A
    setting already in the environment (a test's) wins."""
    containers = catalog.function("sync").reserved_concurrency or 1
    return {
        field: str(NationalSettings.model_fields[field].default * containers)
        for field in ("rate_per_s", "burst")
    }


_STOP_TIMEOUT_S: Final = 10.0
_ONE_AT_A_TIME = threading.Lock()
logger = logging.getLogger(__name__)
_CLIENT_CONFIG: Final = Config(retries={"mode": "standard", "max_attempts": 3})


class RuntimeStartError(RuntimeError):
    """The runtime could not start; the message says which part failed."""


class LocalRuntime:
    """Start with :meth:`start` (or ``with``); everything stops with :meth:`stop`.

    ``handlers`` replaces catalog functions by name (tests use stubs); the others are
    imported from the catalog's handler path. ``serve_http=False`` skips the gateway (and
    intake); ``pumps=False`` creates the pumps without starting them (see :meth:`start_pumps`).
    """

    def __init__(
        self,
        settings: LocalSettings | None = None,
        *,
        handlers: Mapping[str, Handler] | None = None,
        serve_http: bool = True,
        pumps: bool = True,
    ) -> None:
        self.settings = settings or LocalSettings(port=0)
        self._handlers = dict(handlers or {})
        self._serve_http = serve_http
        self._start_pumps = pumps
        self._stack = ExitStack()
        self._moto: MotoServer | None = None
        self._gateway: GatewayServer | None = None
        self._bridge_gateway: GatewayServer | None = None
        self._public_gateway: GatewayServer | None = None
        self._endpoints: LocalEndpoints | None = None
        self._temporary: Path | None = None
        self._resources: Resources | None = None
        self._national: FakeNationalServer | None = None
        self._links: LocalLinks | None = None
        self._national_endpoint: NationalEndpoint | None = None
        self._session: boto3.Session | None = None
        self._pool: cognito.UserPool | None = None
        self._users: list[cognito.StaffUser] = []
        self.functions: dict[str, LocalFunction] = {}
        self.pumps: dict[str, QueuePump] = {}
        self.stream_pumps: dict[str, StreamPump] = {}

    def __enter__(self) -> LocalRuntime:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def moto_endpoint(self) -> str:
        if self._moto is None:
            raise RuntimeError("the runtime is not started")
        return self._moto.endpoint

    @property
    def url(self) -> str:
        """The staff port's base URL, ``http://127.0.0.1:PORT``."""
        if self._gateway is None:
            raise RuntimeError("the runtime serves no HTTP (not started, or serve_http=False)")
        return self._gateway.url

    @property
    def bridge_url(self) -> str:
        """The bridge port's base URL, ``https://127.0.0.1:BRIDGE_PORT``."""
        if self._bridge_gateway is None:
            raise RuntimeError("the runtime serves no HTTP (not started, or serve_http=False)")
        return self._bridge_gateway.url

    @property
    def public_url(self) -> str:
        """The public port's base URL, ``http://127.0.0.1:PUBLIC_PORT`` (the issuer's id)."""
        if self._public_gateway is None:
            raise RuntimeError("the runtime serves no HTTP (not started, or serve_http=False)")
        return self._public_gateway.url

    @property
    def endpoints(self) -> LocalEndpoints:
        """What ``runtime.json`` says: the URLs and the credentials of the local callers."""
        if self._endpoints is None:
            raise RuntimeError("the runtime serves no HTTP (not started, or serve_http=False)")
        return self._endpoints

    @property
    def staff_pool(self) -> cognito.UserPool:
        """The staff user pool in moto (seeded at start, whether or not HTTP is served)."""
        if self._pool is None:
            raise RuntimeError("the runtime is not started")
        return self._pool

    @property
    def national(self) -> FakeNationalServer:
        """The fake national system (国家資格等情報連携・活用システム) sync's adapter reaches:
        its store, its test hooks and its faults."""
        if self._national is None:
            raise RuntimeError("the runtime is not started")
        return self._national

    @property
    def links(self) -> LocalLinks | None:
        """The registry, Mynaportal and e-Gov fakes over HTTPS (``https_links``), else None."""
        return self._links

    @property
    def national_endpoint(self) -> NationalEndpoint:
        """The fake national system's URL and the files of sync's side of its mutual TLS."""
        if self._national_endpoint is None:
            raise RuntimeError("the runtime is not started")
        return self._national_endpoint

    @property
    def runtime_file(self) -> Path:
        return self._state_dir() / RUNTIME_FILE

    @property
    def session(self) -> boto3.Session:
        """A session with the runtime's fake credentials, for clients at :attr:`moto_endpoint`."""
        if self._session is None:
            raise RuntimeError("the runtime is not started")
        return self._session

    @property
    def resources(self) -> Resources:
        if self._resources is None:
            raise RuntimeError("the runtime is not started")
        return self._resources

    def start(self) -> LocalRuntime:
        if not _ONE_AT_A_TIME.acquire(blocking=False):
            raise RuntimeStartError("a local runtime is already running in this process")
        self._stack.callback(_ONE_AT_A_TIME.release)
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        return self

    def _start(self) -> None:
        try:
            self._moto = MotoServer(HOST, self.settings.moto_port)
        except OSError as exc:
            raise RuntimeStartError(f"moto cannot listen on {HOST}: {exc}") from exc
        self._stack.callback(self._moto.stop)
        self._moto.start()
        self._stack.enter_context(patched_environ(handler_environment(self._moto.endpoint)))
        # Clients made before would keep another endpoint; those made now, this one's. Every
        # function starts in a fresh container, and leaves none behind.
        forget_containers()
        self._stack.callback(forget_containers)
        self._session = boto3.Session(
            aws_access_key_id=FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=FAKE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
            aws_session_token=FAKE_CREDENTIALS["AWS_SESSION_TOKEN"],
            region_name=catalog.REGION,
        )
        self._resources = provision(
            self._session, self._moto.endpoint, self.settings.visibility_timeout_s
        )
        os.environ.update(self._resources.environment())
        # The certificate-signing key's certificate chain, where an operator puts the deployed
        # one: issued by the local test CA for the key moto made.
        certificate_ca.provision_signing_chain(
            self.kms(),
            self.s3(),
            self._resources.key_arns["certificate-signing"],
            self._resources.buckets["certificates"],
        )
        os.environ[SIGNING_CHAIN_ENV] = DEFAULT_SIGNING_CHAIN_KEY
        # The electronic certificates' issuer: a local name (deployed: the CDK context's URL).
        os.environ[ISSUER_URL_ENV] = LOCAL_ISSUER_URL
        self._start_national()
        if self.settings.https_links:
            self._links = start_links(self._state_dir() / "links", self._stack)
        # The staff pool: the API's tokens, and the accounts the admin route and the
        # accounts job read (functions find it by its catalog variable, as deployed).
        self._pool, self._users = cognito.seed(self.moto_endpoint)
        os.environ[catalog.user_pool(catalog.STAFF_USER_POOL).env_var] = self._pool.user_pool_id
        wanted = [spec for spec in catalog.FUNCTIONS if self._is_used(spec)]
        self.functions = {spec.name: self._function(spec) for spec in wanted}
        if self._serve_http:
            self._serve()
        self.pumps = {
            spec.name: QueuePump(
                self._resources.queues[spec.name], self.functions[spec.consumer], self.sqs()
            )
            for spec in catalog.QUEUES
        }
        self.stream_pumps = {
            spec.table: StreamPump(
                spec,
                self._resources.tables[spec.table],
                self.functions[spec.consumer],
                dynamodb=self.dynamodb(),
                streams=self.session.client(
                    "dynamodbstreams", endpoint_url=self.moto_endpoint, config=_CLIENT_CONFIG
                ),
                sqs=self.sqs(),
                on_failure_url=self._resources.queues[spec.on_failure_queue].dlq_url,
            )
            for spec in catalog.STREAMS
        }
        self._stack.callback(self._stop_pumps)
        if self._start_pumps:
            self.start_pumps()

    def start_pumps(self) -> None:
        for pump in self.pumps.values():
            pump.start()
        for stream in self.stream_pumps.values():
            stream.start()

    def stop(self) -> None:
        """Stop the pumps, the gateway and moto, and restore the environment; idempotent."""
        self._stack.close()
        self._gateway = None
        self._bridge_gateway = None
        self._public_gateway = None
        self._endpoints = None
        self._national = None
        self._national_endpoint = None
        self._links = None
        self._temporary = None
        self._moto = None
        self._session = None

    def pump(self, queue: str) -> QueuePump:
        return self.pumps[queue]

    def sqs(self) -> SQSClient:
        return self.session.client("sqs", endpoint_url=self.moto_endpoint, config=_CLIENT_CONFIG)

    def dynamodb(self) -> DynamoDBClient:
        return self.session.client(
            "dynamodb", endpoint_url=self.moto_endpoint, config=_CLIENT_CONFIG
        )

    def s3(self) -> S3Client:
        return self.session.client("s3", endpoint_url=self.moto_endpoint, config=_CLIENT_CONFIG)

    def kms(self) -> KMSClient:
        return self.session.client("kms", endpoint_url=self.moto_endpoint, config=_CLIENT_CONFIG)

    def _is_used(self, spec: catalog.FunctionSpec) -> bool:
        served = spec.api or spec.public_api
        consumes = catalog.queues_for(spec.name) or catalog.streams_for(spec.name)
        return (served and self._serve_http) or bool(consumes)

    def _function(self, spec: catalog.FunctionSpec) -> LocalFunction:
        handler = self._handlers.get(spec.name)
        return LocalFunction(spec, handler) if handler else LocalFunction.load(spec)

    def _state_dir(self) -> Path:
        if self.settings.state_dir is not None:
            return self.settings.state_dir
        if self._temporary is None:
            self._temporary = Path(tempfile.mkdtemp(prefix="kentei-local-"))
            self._stack.callback(shutil.rmtree, self._temporary, ignore_errors=True)
        return self._temporary

    def _serve(self) -> None:
        api = next(spec for spec in catalog.FUNCTIONS if spec.api)
        function = self.functions[api.name]
        pool, users = self._pool, self._users
        assert pool is not None, "the pool is seeded before the API is served"
        state = self._state_dir()
        ca = localca.create(state / "tls")
        staff = self._listen(
            Gateway(function, StaffEntry(TokenVerifier(pool))), self.settings.port, "PORT"
        )
        tls = server_tls(str(ca.server.cert), str(ca.server.key), str(ca.ca_file))
        bridge = self._listen(
            Gateway(function, BridgeEntry()),
            self.settings.bridge_port_or_default,
            "BRIDGE_PORT",
            tls,
        )
        (public_spec,) = (spec for spec in catalog.FUNCTIONS if spec.public_api)
        public = self._listen(
            Gateway(self.functions[public_spec.name], PublicEntry()),
            self.settings.public_port_or_default,
            "PUBLIC_PORT",
        )
        self._gateway, self._bridge_gateway, self._public_gateway = staff, bridge, public
        self._endpoints = LocalEndpoints(
            staff_api=staff.url,
            bridge_api=bridge.url,
            ca_file=ca.ca_file,
            cognito=pool,
            staff_users=tuple(users),
            bridges=dict(ca.bridges),
            public_api=public.url,
            national=self._national_endpoint,
        )
        for url, context in ((staff.url, None), (bridge.url, _client_tls(ca)), (public.url, None)):
            status, body = _get(f"{url}{HEALTH_PATH}", context)
            if status != 200:
                raise RuntimeStartError(f"GET {url}{HEALTH_PATH} answered {status}: {body[:500]}")
        self._endpoints.write(state / RUNTIME_FILE)
        self._stack.callback((state / RUNTIME_FILE).unlink, missing_ok=True)

    def _start_national(self) -> None:
        """The fake national system on its own local CA, and sync's adapter settings to reach
        it (``KENTEI_NATIONAL_*``: its URL, sync's client pair, the CA that signs its server)."""
        ca = link_ca(
            self._state_dir() / "national",
            "Local national system CA",
            NATIONAL_CLIENT,
            NATIONAL_ENVIRONMENT,
        )
        server = FakeNationalServer(
            certfile=ca.server.cert,
            keyfile=ca.server.key,
            client_ca=ca.ca_file,
            lifetime_s=LINK_LIFETIME_S,
        )
        self._stack.callback(server.stop)
        server.start()
        self._national = server
        self._national_endpoint = NationalEndpoint(
            url=server.url, ca_file=ca.ca_file, client=ca.client
        )
        os.environ[NATIONAL_ENVIRONMENT["url"]] = server.url
        for field, value in _national_pace().items():
            os.environ.setdefault(NATIONAL_ENVIRONMENT[field], value)

    def _listen(
        self, gateway: Gateway, port: int, setting: str, tls: ssl.SSLContext | None = None
    ) -> GatewayServer:
        try:
            server = GatewayServer(gateway, HOST, port, tls)
        except OSError as exc:
            raise RuntimeStartError(
                f"the {gateway.entry.name} port cannot listen on {HOST}:{port} ({exc}); "
                f"set {setting} to another port, or 0 for a free one"
            ) from exc
        self._stack.callback(server.stop)
        server.start()
        return server

    def _stop_pumps(self) -> None:
        pumps: list[QueuePump | StreamPump] = [*self.pumps.values(), *self.stream_pumps.values()]
        for pump in pumps:
            pump.request_stop()
        for pump in pumps:
            if not pump.wait_idle(timeout=_STOP_TIMEOUT_S):
                logger.warning("the %s consumer is still running; stopping anyway", pump.name)


def _client_tls(ca: localca.LocalCa) -> ssl.SSLContext:
    """A bridge's side of the handshake: the local CA's server certificate, its own pair."""
    context = ssl.create_default_context(cafile=str(ca.ca_file))
    pair = next(iter(ca.bridges.values()))
    context.load_cert_chain(str(pair.cert), str(pair.key))
    return context


def _get(url: str, context: ssl.SSLContext | None = None) -> tuple[int, str]:
    handlers: list[urllib.request.BaseHandler] = [urllib.request.ProxyHandler({})]
    if context is not None:
        handlers.append(urllib.request.HTTPSHandler(context=context))
    opener = urllib.request.build_opener(*handlers)
    try:
        with opener.open(url, timeout=30) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace")
