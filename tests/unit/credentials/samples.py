"""A realistic certificate and the issuer's documents, for the credential tests.

The name is long on purpose (a long Japanese name, with its Latin spelling, and long trade
and work names): the 2D code's QR version is measured on it. With its Latin name the sample
is an English 合格証明書 (certificate id ``<number>-P1``), without it a 合格証書 (``-1``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from kentei.credentials.claims import CertifiedPass, issuing_authority
from kentei.credentials.issuer import IssuerProfile
from kentei.credentials.jwks import jwks_document
from kentei.credentials.paper_code import encode
from kentei.credentials.status import StatusList, StatusSlot, signed_status_lists
from kentei.credentials.vc import issue_vc_jwt
from kentei.records.codes import Grade
from kentei.signing.keyring import KeyRing, RetiredKey
from kentei.signing.memory import InMemorySigningKey

ISSUER = IssuerProfile("https://kentei.example.jp", "技能検定 電子合格証 発行者（テスト）")
ISSUED_AT = dt.datetime(2026, 3, 19, 1, 0, tzinfo=dt.UTC)
NOW = dt.datetime(2026, 6, 1, 0, 0, tzinfo=dt.UTC)


def sample_pass(**changes: object) -> CertifiedPass:
    values: dict[str, object] = {
        "certificate_number": "13-1-2026-000123",
        "name": "勅使河原　龍之介左衛門",
        "name_latin": "TESHIGAWARA Ryunosukezaemon",
        "birth_date": dt.date(1988, 11, 23),
        "trade_code": "0405",
        "trade_name": "機械加工",
        "work_code": "040502",
        "work_name": "数値制御旋盤作業",
        "grade": Grade.FIRST,
        "passed_on": dt.date(2026, 3, 13),
        "issuing_authority": issuing_authority(Grade.FIRST, "13"),
    }
    values.update(changes)
    if "certificate_id" not in values:
        # With a Latin name it is an English 合格証明書 (the first: -P1), else a 合格証書 (-1).
        mark = "P1" if values["name_latin"] is not None else "1"
        values["certificate_id"] = f"{values['certificate_number']}-{mark}"
    return CertifiedPass.model_validate(values)


@dataclass
class Issuing:
    """An issuer with an in-memory key, its ring and one status list, as certify would have."""

    key: InMemorySigningKey = field(default_factory=lambda: InMemorySigningKey("kentei-cert-1"))
    retired: tuple[RetiredKey, ...] = ()
    statuses: StatusList = field(default_factory=lambda: StatusList(1))

    @property
    def ring(self) -> KeyRing:
        return KeyRing(self.key, self.retired)

    def jwks(self) -> dict[str, list[dict[str, str]]]:
        return jwks_document(self.ring)

    def vc(self, certified: CertifiedPass, slot: StatusSlot) -> str:
        return issue_vc_jwt(certified, slot, ISSUER, self.key, ISSUED_AT)

    def code(self, certified: CertifiedPass, slot: StatusSlot) -> str:
        return encode(certified, slot, self.key, ISSUED_AT)

    def status_lists(self, now: dt.datetime = NOW) -> dict[str, str]:
        return signed_status_lists(self.statuses, ISSUER, self.key, now)
