"""Whatever the inbox holds, verify ends the application with a documented reason, or admits
it: never an exception (bounded fuzzing of the raw parts of each channel)."""

from __future__ import annotations

from collections.abc import Mapping

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.unit.signatures.builders import XmlOptions, sign_cms, sign_kousei
from tests.unit.signatures.test_signatures_fuzz import mutated
from tests.unit.verification.conftest import TARO, World, document_of, zipped

from kentei.applications.model import Channel, Status
from kentei.registry.fake import SeededRegistry
from kentei.signatures import TrustStore
from kentei.signatures.crl import CrlDirectory
from kentei_local.testpki import Issued, TestPki
from verify.reasons import REASONS

FUZZ = settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
FORM = TARO.form()
DOCUMENT = document_of(FORM)
ENDED = {Status.UNDER_REVIEW, Status.RETURNED, Status.REJECTED}


class Fuzzed:
    """A fresh world per example, sharing the session's PKI, trust and registry."""

    card: Issued | None = None

    def __init__(self, pki: TestPki, trust: TrustStore, registry: SeededRegistry) -> None:
        self.world = World(pki, trust, CrlDirectory(pki.crl_dir), registry)
        if Fuzzed.card is None:
            Fuzzed.card = pki.signature_certificate(TARO.four_items())

    def ends_documented(self, channel: Channel, parts: Mapping[str, bytes]) -> None:
        application_id = self.world.store(channel, FORM, parts)

        outcome = self.world.verify(application_id)

        assert outcome.status in ENDED
        assert outcome.reason is None or outcome.reason in REASONS
        if outcome.reason is not None:
            evidence = self.world.application(application_id).verification
            assert evidence is not None
            assert not str(evidence.get("detail", "")).startswith("unexpected"), evidence


@FUZZ
@given(data=st.data())
def test_any_mynaportal_parts_end_documented(
    pki: TestPki, trust: TrustStore, registry: SeededRegistry, data: st.DataObject
) -> None:
    fuzzed = Fuzzed(pki, trust, registry)
    assert Fuzzed.card is not None
    signature = sign_cms(DOCUMENT, Fuzzed.card)
    document = data.draw(st.one_of(st.just(DOCUMENT), mutated(DOCUMENT), st.binary(max_size=64)))
    signed = data.draw(st.one_of(mutated(signature), st.binary(max_size=64)))

    fuzzed.ends_documented(Channel.MYNAPORTAL, {"document.json": document, "signature.p7s": signed})


@FUZZ
@given(data=st.data())
def test_any_egov_package_ends_documented(
    pki: TestPki, trust: TrustStore, registry: SeededRegistry, data: st.DataObject
) -> None:
    fuzzed = Fuzzed(pki, trust, registry)
    assert Fuzzed.card is not None
    files = {"application.json": DOCUMENT}
    kousei = sign_kousei(files, Fuzzed.card, XmlOptions())
    package = data.draw(
        st.one_of(
            mutated(zipped({"kousei.xml": kousei, **files})),
            st.builds(
                lambda k, d: zipped({"kousei.xml": k, "application.json": d}),
                mutated(kousei),
                st.one_of(st.just(DOCUMENT), mutated(DOCUMENT)),
            ),
        )
    )

    fuzzed.ends_documented(Channel.EGOV, {"package.zip": package})


@FUZZ
@given(form=st.one_of(st.binary(max_size=256), mutated(DOCUMENT)))
def test_any_paper_form_ends_documented(
    pki: TestPki, trust: TrustStore, registry: SeededRegistry, form: bytes
) -> None:
    Fuzzed(pki, trust, registry).ends_documented(Channel.PAPER, {"form.json": form})
