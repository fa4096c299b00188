"""In-memory revocations of passes (the port :class:`intake.dependencies.RevocationStore`):
all or nothing, as the data layer's one transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kentei.data.audit import AuditEvent
from kentei.data.certificates import CertificateRecord, CertificateState
from kentei.data.pass_revocations import ReturnClosedError, RevocationConflictError
from kentei.exemptions.model import PassRevocation
from kentei.results.revocations import PassRevocationRecord, ReturnStatus
from kentei.roster.sitting import Sitting

if TYPE_CHECKING:
    from .fakes import FakeCertificates, Records


@dataclass
class FakeRevocations:
    records: Records
    certificates: FakeCertificates
    kept: dict[tuple[str, str, str], PassRevocationRecord] = field(default_factory=dict)
    """(prefecture, 資格仮名ID, application id) → the revocation."""

    def prefecture(self, prefecture_code: str) -> PrefectureRevocations:
        return PrefectureRevocations(self, prefecture_code)


@dataclass
class PrefectureRevocations:
    world: FakeRevocations
    prefecture_code: str

    def revocation(self, person: str, application_id: str) -> PassRevocationRecord | None:
        return self.world.kept.get((self.prefecture_code, person, application_id))

    def revocations(self, return_status: ReturnStatus | None = None) -> list[PassRevocationRecord]:
        found = [
            r
            for (p, _, _), r in self.world.kept.items()
            if p == self.prefecture_code and return_status in (None, r.return_status)
        ]
        return sorted(found, key=lambda r: r.revoked_at, reverse=True)

    def sittings_read(self, person: str) -> list[tuple[Sitting, str]]:
        return [
            (s, s.model_dump_json())
            for s in self.world.records.sittings.values()
            if s.qualification_pseudonym_id == person and s.prefecture_code == self.prefecture_code
        ]

    def revoke(
        self,
        record: PassRevocationRecord,
        revocation: PassRevocation,
        *,
        certificates: Sequence[CertificateRecord],
        rewrites: Sequence[tuple[Sitting, str]],
        audit: Sequence[AuditEvent],
    ) -> None:
        key = (self.prefecture_code, record.qualification_pseudonym_id, record.application_id)
        sittings = self.world.records.sittings
        changed = any(
            sittings[after.application_id].model_dump_json() != read for after, read in rewrites
        )
        stored = self.world.certificates.records
        moved = any(
            stored[(self.prefecture_code, c.certificate_id)].status is not c.status
            for c in certificates
        )
        if key in self.world.kept or revocation.record_id in self.world.records.revoked_passes:
            raise RevocationConflictError(record.application_id)
        if changed or moved:
            raise RevocationConflictError(record.application_id)
        self.world.kept[key] = record
        self.world.records.revoked_passes.add(revocation.record_id)
        for certificate in certificates:
            stored[(self.prefecture_code, certificate.certificate_id)] = certificate.model_copy(
                update={"status": CertificateState.REVOKED}
            )
        for after, _ in rewrites:
            sittings[after.application_id] = after
        self.world.records.audit.extend(audit)

    def record_return(
        self,
        record: PassRevocationRecord,
        status: ReturnStatus,
        *,
        on: dt.date,
        note: str | None,
        by: str,
        at: dt.datetime,
        audit: AuditEvent,
    ) -> PassRevocationRecord:
        key = (self.prefecture_code, record.qualification_pseudonym_id, record.application_id)
        current = self.world.kept.get(key)
        if current is None or current.return_status is not ReturnStatus.PENDING:
            raise ReturnClosedError(record.application_id)
        closed = record.model_copy(
            update={
                "return_status": status,
                "return_on": on,
                "return_note": note,
                "return_recorded_by": by,
                "return_recorded_at": at,
            }
        )
        self.world.kept[key] = closed
        self.world.records.audit.append(audit)
        return closed
