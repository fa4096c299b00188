"""The runtime's life cycle: the handlers' environment, clean stops, clear start failures."""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from tests.integration.stubs import StubApi, StubConsumer
from tests.unit.national.samples import record

from kentei import catalog
from kentei.egov_notices import egov_notices_from_environment
from kentei.egov_notices.https import HttpsEgov
from kentei.my_number import MyNumber, is_valid
from kentei.national import URL_ENV, national_from_environment
from kentei.national.https import HttpsNational
from kentei.notices import notices_from_environment
from kentei.notices.https import HttpsMynaportal
from kentei.registry import SEED_ENV, RegistryStatus, registry_from_environment
from kentei.registry.https import HttpsRegistry
from kentei_local.context import LocalContext
from kentei_local.functions import Handler
from kentei_local.mtls_server import Fault
from kentei_local.resources import ACCOUNT_ID
from kentei_local.runtime import LocalRuntime, RuntimeStartError
from kentei_local.settings import LocalSettings, SettingError

StartRuntime = Callable[..., LocalRuntime]


def test_while_running_the_handlers_see_the_local_resources_and_after_stop_the_env_is_back(
    start_runtime: StartRuntime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_PROFILE", "a-profile-that-does-not-exist")
    monkeypatch.setenv("AWS_ENDPOINT_URL_SQS", "http://elsewhere.invalid")
    before = dict(os.environ)

    runtime = start_runtime(serve_http=False, pumps=False)

    for name, value in runtime.resources.environment().items():
        assert os.environ[name] == value
    assert os.environ["AWS_ENDPOINT_URL"] == runtime.moto_endpoint
    assert os.environ["AWS_DEFAULT_REGION"] == catalog.REGION
    assert os.environ["AWS_ACCOUNT_ID_ENDPOINT_MODE"] == "disabled"
    assert os.environ["POWERTOOLS_TRACE_DISABLED"] == "true"
    assert os.environ["POWERTOOLS_METRICS_NAMESPACE"] == catalog.PREFIX
    assert os.environ["KENTEI_ENV"] == "local"
    assert "AWS_PROFILE" not in os.environ
    assert "AWS_ENDPOINT_URL_SQS" not in os.environ

    runtime.stop()

    assert dict(os.environ) == before


def test_the_fake_national_system_runs_with_the_runtime_and_syncs_adapter_reaches_it(
    start_runtime: StartRuntime,
) -> None:
    runtime = start_runtime(serve_http=False, pumps=False)
    national = national_from_environment()
    sent = record(version=2)

    assert isinstance(national, HttpsNational)
    assert os.environ[URL_ENV] == runtime.national.url == runtime.national_endpoint.url
    assert national.put(sent).outcome == "applied"
    assert runtime.national.national.records() == (sent,)
    assert runtime.national.received[-1].client_subject == "sync"
    url = runtime.national.url

    runtime.stop()

    assert URL_ENV not in os.environ
    host, port = url.removeprefix("https://").split(":")
    with (
        pytest.raises(ConnectionRefusedError),
        socket.create_connection((host, int(port)), timeout=2),
    ):
        pass
    national.close()


def test_with_https_links_the_registry_and_notice_ports_are_reached_over_https(
    consumers: dict[str, StubConsumer],
) -> None:
    """``https_links``: the registry, Mynaportal and e-Gov fakes run with the runtime, each on
    its own CA, and the production adapters reach them; the faults they apply are counted."""
    before = dict(os.environ)
    settings = LocalSettings(port=0, visibility_timeout_s=1, https_links=True)
    handlers: dict[str, Handler] = {**consumers, "intake": StubApi()}
    with LocalRuntime(settings, handlers=handlers, serve_http=False, pumps=False) as runtime:
        links = runtime.links
        assert links is not None
        assert SEED_ENV not in os.environ, "the seed-file registry and the HTTPS one exclude"
        registry = registry_from_environment()
        assert isinstance(registry, HttpsRegistry)
        links.registry.inject(Fault.unavailable(503))

        found = registry.by_my_number(MyNumber("900000000010"))  # retried past the 503

        assert found.status is RegistryStatus.CURRENT
        assert links.fault_counts()["registry"] == {"failing": 1}
        assert [r.client_subject for r in links.registry.received] == ["verify", "verify"]
        assert isinstance(notices_from_environment(), HttpsMynaportal)
        assert isinstance(egov_notices_from_environment(), HttpsEgov)
        urls = [server.url for server in links.servers.values()]
        registry.close()

    assert runtime.links is None
    assert dict(os.environ) == before
    for url in urls:
        host, port = url.removeprefix("https://").split(":")
        with (
            pytest.raises(ConnectionRefusedError),
            socket.create_connection((host, int(port)), timeout=2),
        ):
            pass


def test_a_failing_health_check_stops_the_start_and_leaves_nothing_behind() -> None:
    before = dict(os.environ)
    handlers = {queue.consumer: StubConsumer() for queue in catalog.QUEUES}
    failing = LocalRuntime(LocalSettings(port=0), handlers={**handlers, "intake": StubApi(503)})

    with pytest.raises(RuntimeStartError, match="answered 503"):
        failing.start()

    assert dict(os.environ) == before
    with LocalRuntime(LocalSettings(port=0), handlers={**handlers, "intake": StubApi()}) as again:
        assert again.url.startswith("http://127.0.0.1:")


def test_one_runtime_at_a_time_per_process(start_runtime: StartRuntime) -> None:
    start_runtime(serve_http=False, pumps=False)

    with pytest.raises(RuntimeStartError, match="already running"):
        start_runtime(serve_http=False, pumps=False)


@pytest.mark.parametrize(
    ("setting", "message"), [("moto_port", "moto cannot listen"), ("port", "set PORT")]
)
def test_a_port_in_use_is_a_clear_start_error(setting: str, message: str) -> None:
    handlers = {queue.consumer: StubConsumer() for queue in catalog.QUEUES}
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        settings = LocalSettings(port=0) if setting == "moto_port" else LocalSettings()
        settings = replace(settings, **{setting: taken.getsockname()[1]})
        runtime = LocalRuntime(settings, handlers={**handlers, "intake": StubApi()})

        with pytest.raises(RuntimeStartError, match=message):
            runtime.start()


def test_settings_come_from_the_environment_with_documented_defaults() -> None:
    assert LocalSettings.from_env({}) == LocalSettings(
        port=8000, bridge_port=8001, public_port=8002, moto_port=0, visibility_timeout_s=2
    )
    assert LocalSettings.from_env(
        {"PORT": "0", "KENTEI_LOCAL_VISIBILITY_TIMEOUT": "1", "KENTEI_LOCAL_MOTO_PORT": "5000"}
    ) == LocalSettings(port=0, bridge_port=0, public_port=0, moto_port=5000, visibility_timeout_s=1)
    assert LocalSettings.from_env(
        {
            "PORT": "9000",
            "BRIDGE_PORT": "9443",
            "PUBLIC_PORT": "9080",
            "KENTEI_LOCAL_STATE_DIR": "/tmp/k",
        }
    ) == LocalSettings(port=9000, bridge_port=9443, public_port=9080, state_dir=Path("/tmp/k"))
    assert LocalSettings.from_env({"PORT": "9000"}).bridge_port == 9001
    assert LocalSettings.from_env({"PORT": "9000"}).public_port == 9002
    assert LocalSettings(port=9000).public_port_or_default == 9002
    assert LocalSettings(port=0).public_port_or_default == 0
    with pytest.raises(SettingError, match="PUBLIC_PORT"):
        LocalSettings.from_env({"PUBLIC_PORT": "70000"})
    with pytest.raises(SettingError, match="BRIDGE_PORT"):
        LocalSettings.from_env({"BRIDGE_PORT": "70000"})
    with pytest.raises(SettingError, match="KENTEI_LOCAL_VISIBILITY_TIMEOUT"):
        LocalSettings.from_env({"KENTEI_LOCAL_VISIBILITY_TIMEOUT": "0"})
    with pytest.raises(SettingError, match="PORT"):
        LocalSettings.from_env({"PORT": "eighty"})


def test_the_lambda_context_names_the_function_and_counts_down() -> None:
    context = LocalContext.for_function("certify")
    spec = catalog.function("certify")

    assert context.function_name == "kentei-local-certify"
    assert context.function_version == "$LATEST"
    assert context.invoked_function_arn == (
        f"arn:aws:lambda:{catalog.REGION}:{ACCOUNT_ID}:function:kentei-local-certify"
    )
    assert context.memory_limit_in_mb == spec.memory_mb
    assert context.log_group_name == "/aws/lambda/kentei-local-certify"
    assert "[$LATEST]" in context.log_stream_name
    first = context.get_remaining_time_in_millis()
    assert spec.timeout_s * 1000 - 1000 < first <= spec.timeout_s * 1000


def test_the_local_account_id_cannot_be_mistaken_for_a_my_number() -> None:
    # Every ARN carries it: the e2e leak scans would fire on each if it were a valid number.
    assert not is_valid(ACCOUNT_ID)
