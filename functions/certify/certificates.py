"""Issuing the certificates of announced passes (合格証書 and 電子合格証, issue 11) for a
``passes_announced`` message.

For each application id of the page: the decision (under the message's results group) names
the person (資格仮名ID), whose pass record gives the facts. A part pass gets no certificate
here (its notice is another worker's). A full pass gets:

1. its content (:func:`kentei.certificates.issue.printed_certificate`: the minister's or the
   governor's layout by grade), with the name and birth date from the roster's examinee
   (never the My Number), under the certificate id ``<合格証書番号>-1``;
2. the glyph gate (:func:`kentei.certificates.pdf.check`): a name the font cannot draw holds
   the certificate for staff (``CERTIFICATE_HOLD#``: the fields and counts, never the
   characters), and nothing else is made. Once staff resolve the hold (a spelling to print,
   kept on the examinee's item), intake sends the pass again and it is issued with that
   spelling;
3. a status index (:class:`kentei.data.certificates.DynamoStatusIndexAllocator`), then the
   ``CERTIFICATE#`` record with its audit entry and counts, in one transaction;
4. the stored documents, from the record (so a retry makes the same ones): the VC-JWT and the
   2D code (COSE_Sign1 in a QR code) over the same status index, the PDF with the code drawn
   in its square, signed as PAdES by the KMS key; both SSE-KMS in the certificates bucket.
5. Publication (:func:`publish`): a status list this message opened is signed and published
   with the JWKS (``published/``), with ``Cache-Control`` from :mod:`kentei.credentials`,
   as soon as it is opened: before any certificate naming it is stored.

Idempotent: a redelivered message finds the ``CERTIFICATE#`` record (or the hold) and draws
no second index; it only writes a document that is missing (a process that stopped after the
record). Two deliveries racing lose at most an index claimed for the same certificate id (its
claim names it) and never write a second record.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Final

from certify.certificate_ports import (
    PDF_MEDIA_TYPE,
    VC_MEDIA_TYPE,
    Allocator,
    CertificatePorts,
)
from certify.dependencies import Dependencies
from certify.suspension import hold_for_later
from kentei.certificates.content import (
    Certificate,
    CertificateOfPass,
    Language,
    PrintedCertificate,
)
from kentei.certificates.glyphs import GlyphGateError
from kentei.certificates.issue import certificate_of_pass, printed_certificate
from kentei.credentials.claims import CertifiedPass, issuing_authority
from kentei.data.audit import AuditAction, AuditEvent
from kentei.data.certificate_files import pdf_key, vc_key
from kentei.data.certificates import (
    CertificateExistsError,
    CertificateHold,
    CertificateKind,
    CertificateRecord,
    HeldField,
    certificate_id,
)
from kentei.data.published import JWKS_KEY, JWKS_MEDIA_TYPE, status_list_key
from kentei.data.roster import StoredExaminee
from kentei.exams.catalogue import Catalogue
from kentei.exemptions.model import PassKind, PassRecord
from kentei.messages import PassesAnnounced, ProofRequested
from kentei.records.examinee import Examinee

ISSUER_ACTOR: Final = "certify"
"""Who issues (the audit entry's actor, the record's ``issued_by``): the function itself,
carrying out the announcement."""
FIRST_SERIAL: Final = 1


class CertificateRefusedError(RuntimeError):
    """The pass cannot be certified (the message goes to the DLQ with this reason): its
    decision, pass record or examinee is missing. Ids and reasons only."""


@dataclass
class IssueReport:
    """Counts by outcome (``issued``, ``already``, ``held``, ``part_pass``, ``repaired``,
    ``suspended``: the person's use is suspended, :mod:`certify.suspension`) and the lists
    published; no person."""

    counts: Counter[str] = field(default_factory=Counter)
    published: list[int] = field(default_factory=list)


def issue_certificates(message: PassesAnnounced, deps: Dependencies) -> IssueReport:
    ports = deps.certificates
    report = IssueReport()
    allocator = ports.allocator()
    suspended = deps.suspensions(message.prefecture_code).suspended_persons()
    for application_id in message.application_ids:
        outcome = _held(message, application_id, deps, suspended) or _issue_one(
            message, application_id, deps, allocator, report.published
        )
        report.counts[outcome] += 1
    # A list opened here whose publication failed before is published now (retried safely).
    report.published += publish(ports, allocator.created, deps.clock())
    return report


def _held(
    message: PassesAnnounced, application_id: str, deps: Dependencies, suspended: frozenset[str]
) -> str | None:
    """``suspended`` when the pass is a suspended person's (its work held for later); None to
    issue it. The decision is read here only while someone is suspended in the prefecture."""
    if not suspended:
        return None
    prefecture = message.prefecture_code
    decided = deps.certificates.passes(prefecture).decision(message.group_key, application_id)
    if decided is None or decided.qualification_pseudonym_id not in suspended:
        return None
    store = deps.suspensions(prefecture)
    hold_for_later(store, message, application_id, decided.qualification_pseudonym_id, deps.clock())
    return "suspended"


def _issue_one(
    message: PassesAnnounced,
    application_id: str,
    deps: Dependencies,
    allocator: Allocator,
    published: list[int],
) -> str:
    ports = deps.certificates
    prefecture = message.prefecture_code
    passes = ports.passes(prefecture)
    decided = passes.decision(message.group_key, application_id)
    if decided is None:
        raise CertificateRefusedError(f"no decision of {application_id} in the group")
    person = decided.qualification_pseudonym_id
    record = passes.pass_of(person, application_id)
    if record is None:
        raise CertificateRefusedError(f"no pass record of {application_id}")
    if record.kind is not PassKind.PASS:
        return "part_pass"
    if record.certificate_number is None:
        raise CertificateRefusedError(f"the pass of {application_id} has no certificate number")
    store = ports.certificates(prefecture)
    the_id = certificate_id(record.certificate_number, FIRST_SERIAL)
    existing = store.certificate(the_id)
    hold = store.hold(person, application_id)
    if existing is None and hold is not None and hold.resolved_at is None:
        return "held"
    stored = deps.roster(prefecture).examinee(person)
    if stored is None:
        raise CertificateRefusedError(f"the examinee of {application_id} is not on the roster")
    examinee = as_printed(stored, hold, application_id)
    catalogue = deps.catalogue()
    if existing is not None:
        repaired = store_documents(existing, record, examinee, catalogue, ports)
        return "repaired" if repaired else "already"
    at = deps.clock()
    printed = printed_content(
        record,
        the_id,
        examinee=examinee,
        prefecture=prefecture,
        catalogue=catalogue,
        at=at,
    )
    try:
        check_glyphs(printed)
    except GlyphGateError as refused:
        store.put_hold(
            CertificateHold(
                qualification_pseudonym_id=person,
                application_id=application_id,
                kind=CertificateKind.PRINTED,
                fields=tuple(HeldField(field=p.field, missing=p.missing) for p in refused.problems),
                held_at=at,
                group_key=message.group_key,
            )
        )
        return "held"
    issued, audit, opened = new_certificate(
        ports,
        record,
        Issuing(
            the_id,
            CertificateKind.PRINTED,
            Language.JA.value,
            by=ISSUER_ACTOR,
            request_id=message.group_key[:128],
        ),
        application_id=application_id,
        prefecture=prefecture,
        at=at,
        allocator=allocator,
    )
    published += opened
    try:
        store.issue(issued, audit=audit)
    except CertificateExistsError:
        # A concurrent delivery wrote it first: its record (and its index) stand.
        winner = store.certificate(the_id)
        assert winner is not None
        store_documents(winner, record, examinee, catalogue, ports)
        return "already"
    store_documents(issued, record, examinee, catalogue, ports, missing_only=False)
    return "issued"


def as_printed(
    stored: StoredExaminee,
    hold: CertificateHold | None,
    application_id: str,
    *,
    spelling_given: bool = False,
) -> Examinee:
    """The examinee as the certificate states them: with the spelling staff chose for
    printing when the pass's hold is resolved (or a reissue gave one: ``spelling_given``),
    else as the roster holds them."""
    if not spelling_given and (hold is None or hold.resolved_at is None):
        return stored.examinee
    if stored.certificate_name is None:
        raise CertificateRefusedError(f"the pass of {application_id} names no printed spelling")
    return stored.examinee.model_copy(update={"name": stored.certificate_name})


def check_glyphs(content: Certificate) -> None:
    from kentei.certificates.pdf import check  # fpdf2 only when a certificate is made

    check(content)


def printed_content(
    record: PassRecord,
    the_id: str,
    *,
    examinee: Examinee,
    prefecture: str,
    catalogue: Catalogue,
    at: dt.datetime,
) -> PrintedCertificate:
    return printed_certificate(
        record,
        certificate_id=the_id,
        name=examinee.name,
        birth_date=examinee.birth_date,
        prefecture_code=prefecture,
        catalogue=catalogue,
        issued_at=at,
    )


def certified_pass(content: Certificate, record: PassRecord, catalogue: Catalogue) -> CertifiedPass:
    """What the electronic certificate and the 2D code state: the certificate's facts with
    the codes of the trade and work (and the Latin name of an English 合格証明書)."""
    work_name = content.work
    if work_name is None:  # a trade-wide grade (特級): the work sat, as the catalogue names it
        work_name = catalogue.work(record.trade_code, record.work_code).name
    return CertifiedPass(
        certificate_number=content.certificate_number,
        certificate_id=content.certificate_id,
        name=content.name,
        name_latin=getattr(content, "name_latin", None),
        birth_date=content.birth_date,
        trade_code=record.trade_code,
        trade_name=content.trade,
        work_code=record.work_code,
        work_name=work_name,
        grade=content.grade,
        passed_on=content.passed_on,
        issuing_authority=issuing_authority(content.grade, content.prefecture_code),
    )


def store_documents(
    issued: CertificateRecord,
    record: PassRecord,
    examinee: Examinee,
    catalogue: Catalogue,
    ports: CertificatePorts,
    *,
    missing_only: bool = True,
    name_latin: str | None = None,
) -> bool:
    """Write the record's VC and signed PDF (those missing, with ``missing_only``); True if
    anything was written. Made from the record: its id, status place and instant."""
    from kentei.credentials.paper_code import encode, qr_png  # cbor2, segno: when issuing
    from kentei.credentials.vc import issue_vc_jwt

    assert issued.pdf_key is not None
    assert issued.vc_key is not None
    wanted = [
        key
        for key in (issued.vc_key, issued.pdf_key)
        if not missing_only or not ports.files.exists(key)
    ]
    if not wanted:
        return False
    prefecture = issued.pdf_key.split("/")[1]
    content: Certificate
    if issued.kind is CertificateKind.PROOF:
        content = _proof(
            record,
            issued.certificate_id,
            Language(issued.language),
            examinee=examinee,
            prefecture=prefecture,
            catalogue=catalogue,
            at=issued.issued_at,
            name_latin=name_latin,
        )
    else:
        content = printed_content(
            record,
            issued.certificate_id,
            examinee=examinee,
            prefecture=prefecture,
            catalogue=catalogue,
            at=issued.issued_at,
        )
    certified = certified_pass(content, record, catalogue)
    key = ports.key_ring().active
    if issued.vc_key in wanted:
        jwt = issue_vc_jwt(certified, issued.slot, ports.issuer(), key, issued.issued_at)
        ports.files.put(issued.vc_key, jwt.encode("ascii"), VC_MEDIA_TYPE)
    if issued.pdf_key in wanted:
        code = qr_png(encode(certified, issued.slot, key, issued.issued_at))
        pdf = ports.sign_pdf(ports.render(content, code), key, issued.issued_at)
        ports.files.put(issued.pdf_key, pdf, PDF_MEDIA_TYPE)
    if issued.signing_kid != key.kid:
        # Signed with another key than the record says (a repair after a rotation, or a record
        # from before the kid was kept): an incident about a key must find it.
        ports.certificates(prefecture).signed_with(issued.certificate_id, key.kid)
    return True


def _proof(
    record: PassRecord,
    the_id: str,
    language: Language,
    *,
    examinee: Examinee,
    prefecture: str,
    catalogue: Catalogue,
    at: dt.datetime,
    name_latin: str | None,
) -> CertificateOfPass:
    return certificate_of_pass(
        record,
        language=language,
        certificate_id=the_id,
        name=examinee.name,
        birth_date=examinee.birth_date,
        prefecture_code=prefecture,
        catalogue=catalogue,
        issued_at=at,
        name_latin=name_latin if language is Language.EN else None,
    )


def publish(
    ports: CertificatePorts, list_numbers: list[int], at: dt.datetime, *, force: bool = False
) -> list[int]:
    """Publish each list of ``list_numbers`` whose stored version is not yet published (its
    two signed credentials, valid from ``at``; with ``force``, a published one too: the daily
    re-signing, :mod:`certify.status_renewal`), and the JWKS with them; the lists published.
    Each is recorded with the key and the instant that signed it."""
    from kentei.credentials.jwks import JWKS_CACHE_SECONDS, jwks_json
    from kentei.credentials.status import CACHE_CONTROL, signed_status_lists

    published: list[int] = []
    ring = ports.key_ring()
    issuer = ports.issuer()
    for number in sorted(set(list_numbers)):
        stored = ports.status_lists.status_list(number)
        if stored is None or (
            not force
            and stored.published_version is not None
            and stored.published_version >= stored.version
        ):
            continue
        for url, jwt in signed_status_lists(stored.statuses, issuer, ring.active, at).items():
            parsed = issuer.parse_status_list_url(url)
            assert parsed is not None
            ports.files.put(
                status_list_key(*parsed),
                jwt.encode("ascii"),
                VC_MEDIA_TYPE,
                cache_control=CACHE_CONTROL,
            )
        ports.status_lists.mark_signed(number, stored.version, kid=ring.active.kid, signed_at=at)
        published.append(number)
    if published:
        ports.files.put(
            JWKS_KEY,
            jwks_json(ring),
            JWKS_MEDIA_TYPE,
            cache_control=f"public, max-age={JWKS_CACHE_SECONDS}",
        )
    return published


def issue_proof(message: ProofRequested, deps: Dependencies) -> str:
    """Issue the 合格証明書 staff asked for (``PROOF_REQUEST#``), once: ``issued``, or
    ``already`` (``repaired`` when a document had to be made again)."""
    ports = deps.certificates
    prefecture = message.prefecture_code
    store = ports.certificates(prefecture)
    request = store.proof_request(message.proof_id)
    if request is None or request.application_id != message.application_id:
        raise CertificateRefusedError(f"no proof request {message.proof_id} of this pass")
    person = request.qualification_pseudonym_id
    record = ports.passes(prefecture).pass_of(person, request.application_id)
    if record is None or record.kind is not PassKind.PASS or record.certificate_number is None:
        raise CertificateRefusedError(f"no numbered pass of {request.application_id}")
    stored = deps.roster(prefecture).examinee(person)
    if stored is None:
        raise CertificateRefusedError(f"the examinee of {request.application_id} is gone")
    examinee = as_printed(
        stored, store.hold(person, request.application_id), request.application_id
    )
    language = Language(request.language)
    latin = stored.certificate_name_latin if language is Language.EN else None
    if language is Language.EN and latin is None:
        raise CertificateRefusedError(f"proof {request.proof_id} has no name in Latin letters")
    catalogue = deps.catalogue()
    if request.certificate_id is not None:
        existing = store.certificate(request.certificate_id)
        assert existing is not None
        repaired = store_documents(existing, record, examinee, catalogue, ports, name_latin=latin)
        return "repaired" if repaired else "already"
    at = deps.clock()
    the_id = f"{record.certificate_number}-P{store.proof_count(record.certificate_number) + 1}"
    content = _proof(
        record,
        the_id,
        language,
        examinee=examinee,
        prefecture=prefecture,
        catalogue=catalogue,
        at=at,
        name_latin=latin,
    )
    refuse_unprintable(content, f"proof {request.proof_id}")
    issued, audit, _ = new_certificate(
        ports,
        record,
        Issuing(
            the_id,
            CertificateKind.PROOF,
            language.value,
            by=request.requested_by,
            request_id=request.proof_id,
        ),
        application_id=request.application_id,
        prefecture=prefecture,
        at=at,
    )
    try:
        store.issue(issued, audit=audit, proof_id=request.proof_id)
    except CertificateExistsError:
        # Another delivery issued it (or took the serial): retried, the request then names
        # its certificate and nothing new is issued.
        raise CertificateRefusedError(f"proof {request.proof_id} raced; retried") from None
    store_documents(
        issued, record, examinee, catalogue, ports, missing_only=False, name_latin=latin
    )
    return "issued"


def refuse_unprintable(content: Certificate, what: str) -> None:
    """The glyph gate for a document staff asked for: a name the font cannot draw refuses the
    message (for the DLQ), naming the fields only."""
    try:
        check_glyphs(content)
    except GlyphGateError as refused:
        raise CertificateRefusedError(
            f"{what}: the font cannot draw {', '.join(refused.fields)}"
        ) from None


@dataclass(frozen=True)
class Issuing:
    """A certificate about to be issued: its id, kind and language, who asked and under which
    request (the audit entry's), and what it reissues."""

    the_id: str
    kind: CertificateKind
    language: str
    by: str
    request_id: str
    action: AuditAction = AuditAction.CERTIFICATE_ISSUED
    reissue_of: str | None = None


def new_certificate(
    ports: CertificatePorts,
    record: PassRecord,
    issuing: Issuing,
    *,
    application_id: str,
    prefecture: str,
    at: dt.datetime,
    allocator: Allocator | None = None,
) -> tuple[CertificateRecord, AuditEvent, list[int]]:
    """The record of a new certificate of ``record`` at a freshly claimed status index (drawn
    by ``allocator``, the message's, or a new one), its audit entry, and the lists published
    because the claim opened them: a new list is published before any certificate naming it
    is stored."""
    assert record.certificate_number is not None
    if allocator is None:
        allocator = ports.allocator()
    already = len(allocator.created)
    slot = allocator.allocate(issuing.the_id)
    opened = allocator.created[already:]
    published = publish(ports, opened, at) if opened else []
    issued = CertificateRecord(
        certificate_id=issuing.the_id,
        kind=issuing.kind,
        language=issuing.language,
        qualification_pseudonym_id=record.qualification_pseudonym_id,
        application_id=application_id,
        certificate_number=record.certificate_number,
        grade=record.grade.value,
        list_number=slot.list_number,
        index=slot.index,
        pdf_key=pdf_key(prefecture, issuing.the_id),
        vc_key=vc_key(prefecture, issuing.the_id),
        issued_at=at,
        issued_by=issuing.by,
        reissue_of=issuing.reissue_of,
        # The key its documents are about to be signed with (store_documents).
        signing_kid=ports.key_ring().active.kid,
    )
    audit = AuditEvent(
        actor=ISSUER_ACTOR,
        action=issuing.action,
        record_type="certificate",
        record_id=issuing.the_id,
        prefecture_code=prefecture,
        request_id=issuing.request_id,
        at=at,
        person_id=record.qualification_pseudonym_id,
    )
    return issued, audit, published
