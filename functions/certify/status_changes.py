"""Reissues (再交付) and revocations (合格の取消し) as every copy of a certificate sees them
(issue 11): the new certificate, and the status list entries flipped, re-signed and published.

**Reissue** (``reissue_requested``): the request (``REISSUE#``, written by intake with the old
certificate marked ``reissue_pending``) names the printed certificate to replace. Certify
issues a new 合格証書 under the next serial of the 合格証書番号 (``<number>-2``: a new
certificate id, printed under the 2D code and carried by both electronic forms' status
entries), with the examinee's current name (or the spelling staff gave), a new status index,
its documents, and counts it as a reissue: the new record, the old one marked superseded by it
and the request marked issued, in one transaction with the audit entry. Then the old
certificate's entry in the status lists becomes *superseded* and the list is published, so the
old paper code and the old credential verify as superseded from then on.

**Revocation** (``pass_revoked``): intake wrote the revocation (``PASS_REVOCATION#``) with the
pass record and every certificate of the pass marked revoked. Certify flips each of those
certificates' entries to *revoked* (a superseded one too) as of the day the revocation takes
effect, and publishes the lists.

Both are idempotent: a redelivered message finds the request issued (or the entry flipped)
and only completes what is missing (documents, a flip, a publication).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass, field

from certify.certificate_ports import CertificatePorts
from certify.certificates import (
    ISSUER_ACTOR,
    CertificateRefusedError,
    as_printed,
    check_glyphs,
    printed_content,
    publish,
    store_documents,
)
from certify.dependencies import Dependencies
from kentei.certificates.glyphs import GlyphGateError
from kentei.credentials.status import CertificateStatus, StatusTransitionError
from kentei.data.audit import AuditAction, AuditEvent
from kentei.data.certificate_files import pdf_key, vc_key
from kentei.data.certificates import (
    CertificateExistsError,
    CertificateKind,
    CertificateRecord,
    CertificateState,
    certificate_id,
)
from kentei.messages import PassRevoked, ReissueRequested
from kentei.records.fields import JST


@dataclass
class ReissueOutcome:
    outcome: str
    """``issued``, ``already`` (``repaired`` when a document was made again) or
    ``revoked`` (the pass was revoked before the reissue: nothing issued)."""
    certificate_id: str | None = None
    published: list[int] = field(default_factory=list)


def issue_reissue(message: ReissueRequested, deps: Dependencies) -> ReissueOutcome:
    ports = deps.certificates
    prefecture = message.prefecture_code
    store = ports.certificates(prefecture)
    request = store.reissue_request(message.reissue_id)
    if request is None or request.application_id != message.application_id:
        raise CertificateRefusedError(f"no reissue request {message.reissue_id} of this pass")
    old = store.certificate(request.certificate_id)
    if old is None:
        raise CertificateRefusedError(f"reissue {request.reissue_id} names no certificate")
    person = request.qualification_pseudonym_id
    record = ports.passes(prefecture).pass_of(person, request.application_id)
    if record is None or record.certificate_number is None:
        raise CertificateRefusedError(f"no numbered pass of {request.application_id}")
    stored = deps.roster(prefecture).examinee(person)
    if stored is None:
        raise CertificateRefusedError(f"the examinee of {request.application_id} is gone")
    examinee = as_printed(
        stored,
        store.hold(person, request.application_id),
        request.application_id,
        spelling_given=request.printed_spelling,
    )
    catalogue = deps.catalogue()
    if request.new_certificate_id is not None:
        issued = store.certificate(request.new_certificate_id)
        assert issued is not None
        repaired = store_documents(issued, record, examinee, catalogue, ports)
        published = _supersede(ports, old, issued, deps.clock())
        return ReissueOutcome(
            "repaired" if repaired else "already", issued.certificate_id, published
        )
    if old.status is CertificateState.REVOKED:
        return ReissueOutcome("revoked")
    at = deps.clock()
    the_id = certificate_id(record.certificate_number, store.next_serial(record.certificate_number))
    content = printed_content(
        record,
        the_id,
        examinee=examinee,
        prefecture=prefecture,
        catalogue=catalogue,
        at=at,
    )
    try:
        check_glyphs(content)
    except GlyphGateError as refused:
        raise CertificateRefusedError(
            f"reissue {request.reissue_id}: the font cannot draw {', '.join(refused.fields)}"
        ) from None
    allocator = ports.allocator()
    slot = allocator.allocate(the_id)
    published = publish(ports, allocator.created, at) if allocator.created else []
    issued = CertificateRecord(
        certificate_id=the_id,
        kind=CertificateKind.PRINTED,
        language=old.language,
        qualification_pseudonym_id=person,
        application_id=request.application_id,
        certificate_number=record.certificate_number,
        grade=record.grade.value,
        list_number=slot.list_number,
        index=slot.index,
        pdf_key=pdf_key(prefecture, the_id),
        vc_key=vc_key(prefecture, the_id),
        issued_at=at,
        issued_by=request.requested_by,
        reissue_of=old.certificate_id,
    )
    audit = AuditEvent(
        actor=ISSUER_ACTOR,
        action=AuditAction.CERTIFICATE_REISSUED,
        record_type="certificate",
        record_id=the_id,
        prefecture_code=prefecture,
        request_id=request.reissue_id,
        at=at,
        person_id=person,
    )
    try:
        store.issue(issued, audit=audit, reissue=(request, old))
    except CertificateExistsError:
        # Another delivery issued it (or the pass was revoked meanwhile): retried, the
        # request then names its certificate, or the old one is revoked.
        raise CertificateRefusedError(f"reissue {request.reissue_id} raced; retried") from None
    store_documents(issued, record, examinee, catalogue, ports, missing_only=False)
    published += _supersede(ports, old, issued, at)
    return ReissueOutcome("issued", the_id, published)


@dataclass
class RevocationOutcome:
    revoked: list[str] = field(default_factory=list)
    """Certificate ids whose entry flipped now."""
    already: int = 0
    published: list[int] = field(default_factory=list)


def revoke_certificates(message: PassRevoked, deps: Dependencies) -> RevocationOutcome:
    ports = deps.certificates
    prefecture = message.prefecture_code
    revocation = ports.revocations(prefecture).revocation(
        message.qualification_pseudonym_id, message.application_id
    )
    if revocation is None:
        raise CertificateRefusedError(f"no revocation of the pass of {message.application_id}")
    store = ports.certificates(prefecture)
    outcome = RevocationOutcome()
    touched: list[int] = []
    for the_id in revocation.certificates:
        record = store.certificate(the_id)
        if record is None:
            raise CertificateRefusedError(f"revocation names no certificate {the_id}")
        flipped = ports.status_lists.set_status(
            record.slot, CertificateStatus.REVOKED, revocation.effective_on
        )
        touched.append(record.list_number)
        if flipped:
            outcome.revoked.append(the_id)
        else:
            outcome.already += 1
    outcome.published = publish(ports, touched, deps.clock())
    return outcome


def _supersede(
    ports: CertificatePorts, old: CertificateRecord, by: CertificateRecord, at: dt.datetime
) -> list[int]:
    """The old certificate's entry superseded as of ``by``'s issue day (Japan), then its list
    published (unless that version is published already). An entry revoked meanwhile (the
    pass revoked after the reissue) stays revoked: revocation wins."""
    with contextlib.suppress(StatusTransitionError):
        ports.status_lists.set_status(
            old.slot, CertificateStatus.SUPERSEDED, by.issued_at.astimezone(JST).date()
        )
    return publish(ports, [old.list_number], at)
