"""Certificates of passes (issue 11), for the certificates office: a pass's certificates, a
certificate's PDF, the passes held on the font, and the counts issued."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query

from intake import paths
from intake.access import request_id, require_caller
from intake.certificates import (
    CertificateDownload,
    Counts,
    HoldResolution,
    Holds,
    HoldView,
    PassCertificates,
    ProofQueued,
    ProofRequestBody,
    certificate_counts,
    certificate_holds,
    download_certificate,
    pass_certificates,
    request_proof,
    resolve_hold,
)
from intake.pass_revocations import (
    ReturnBody,
    RevocationBody,
    Revocations,
    RevocationView,
    get_revocation,
    list_revocations,
    record_return,
    revoke_pass,
)
from intake.reissues import ReissueBody, ReissueQueued, request_reissue
from intake.responses import documented
from kentei.results.revocations import ReturnStatus

router = Router()  # type: ignore[no-untyped-call]

_APPLICATION_ID = Query(
    pattern=r"^(0[1-9]|[1-3][0-9]|4[0-7])-[0-9A-HJKMNP-TV-Z]{26}$",
    description="The pass's application (its sitting).",
)
_CERTIFICATE_ID = Path(pattern=r"^[A-Za-z0-9_-]{1,20}$")
_HELD_APPLICATION_ID = Path(pattern=r"^(0[1-9]|[1-3][0-9]|4[0-7])-[0-9A-HJKMNP-TV-Z]{26}$")


@router.get(
    paths.CERTIFICATES,
    summary="A pass's certificates",
    description="The certificates issued for the pass of this accepted application in the "
    "caller's prefecture: each one's id, kind (printed 合格証書, proof 合格証明書), language, "
    "status and issue; and whether the pass is held because its name cannot be printed. "
    "Audited.",
    tags=["certificates"],
    responses=documented(200, "The pass's certificates", 401, 403, 404),
)
def get_pass_certificates(application_id: Annotated[str, _APPLICATION_ID]) -> PassCertificates:
    event = router.current_event.raw_event
    return pass_certificates(require_caller(event), application_id, request_id(event))


@router.get(
    paths.CERTIFICATE_HOLDS,
    summary="Passes held on the certificate font",
    description="Passes whose certificate waits for staff because the certificate font "
    "cannot draw a field (the name): the fields and how many characters of each, never the "
    "characters. Audited.",
    tags=["certificates"],
    responses=documented(200, "The holds", 401, 403),
)
def get_certificate_holds() -> Holds:
    event = router.current_event.raw_event
    return certificate_holds(require_caller(event), request_id(event))


@router.get(
    paths.CERTIFICATE_COUNTS,
    summary="Certificates issued in a fiscal year",
    description="How many certificates the caller's prefecture issued in the fiscal year "
    "(April to March, by the issue day in Japan), by grade, kind, language and new or reissue. "
    "Audited (numbers only).",
    tags=["certificates"],
    responses=documented(200, "The counts", 401, 403, 422),
)
def get_certificate_counts(
    fiscal_year: Annotated[int, Query(ge=2000, le=2100, description="年度 of the issue.")],
) -> Counts:
    event = router.current_event.raw_event
    return certificate_counts(require_caller(event), fiscal_year, request_id(event))


@router.get(
    paths.CERTIFICATE_PDF,
    summary="Download a certificate's PDF",
    description="A link to the certificate's signed PDF valid for five minutes. Audited "
    "before the link goes out (the PDF holds the person's name).",
    tags=["certificates"],
    responses=documented(200, "The link", 401, 403, 404),
)
def get_certificate_pdf(certificate_id: Annotated[str, _CERTIFICATE_ID]) -> CertificateDownload:
    event = router.current_event.raw_event
    return download_certificate(require_caller(event), certificate_id, request_id(event))


@router.post(
    paths.CERTIFICATE_HOLD_RESOLUTION,
    summary="Resolve a font hold",
    description="The spelling of the name to print on the pass's certificates (one the "
    "certificate font draws, e.g. 吉 for 𠮷) and why: kept on the examinee's own item with the "
    "audit entry in one transaction; certify then issues the certificate with it. A spelling "
    "the font cannot draw either `422` (`printed-name-refused`); a resolved hold `409` "
    "(`hold-resolved`).",
    tags=["certificates"],
    responses=documented(200, "The resolved hold", 400, 401, 403, 404, 409, 415, 422),
)
def post_hold_resolution(
    application_id: Annotated[str, _HELD_APPLICATION_ID],
    request: Annotated[HoldResolution, Body(description="The spelling and the reason.")],
) -> HoldView:
    event = router.current_event.raw_event
    return resolve_hold(require_caller(event), application_id, request, request_id(event))


@router.post(
    paths.CERTIFICATE_PROOFS,
    summary="Ask for a certificate of pass (合格証明書)",
    description="Queues a 合格証明書 of the pass of this accepted application in `ja`, or in "
    "`en` with the name in Latin letters as the person wrote it (required for `en` only; kept "
    "on the examinee's own item). Certify issues it once (PDF signed, its electronic "
    "certificate, counted as a proof in its language). Audited with the request.",
    tags=["certificates"],
    responses=documented(202, "Queued", 400, 401, 403, 404, 415, 422),
)
def post_proof(
    request: Annotated[ProofRequestBody, Body(description="The pass and the language.")],
) -> tuple[ProofQueued, int]:
    event = router.current_event.raw_event
    return request_proof(require_caller(event), request, request_id(event)), 202


@router.post(
    paths.CERTIFICATE_REISSUE,
    summary="Reissue a printed certificate (再交付)",
    description="Queues a reissue of this printed certificate (合格証書) for loss, damage or a "
    "name change, with the fee as paid (the amount is the fee schedule's). Certify issues a new "
    "certificate (a new certificate id: the next serial of the 合格証書番号), marks this one "
    "superseded in the status list and publishes it; the reissue is counted. A certificate no "
    "longer valid, or with a reissue pending, `409`; a 合格証明書 `422` (`not-reissuable`); a "
    "name the font cannot print without a spelling `422` (`printed-name-required`). Audited "
    "with the request.",
    tags=["certificates"],
    responses=documented(202, "Queued", 400, 401, 403, 404, 409, 415, 422),
)
def post_reissue(
    certificate_id: Annotated[str, _CERTIFICATE_ID],
    request: Annotated[ReissueBody, Body(description="The reason and the fee paid.")],
) -> tuple[ReissueQueued, int]:
    event = router.current_event.raw_event
    caller = require_caller(event)
    return request_reissue(caller, certificate_id, request, request_id(event)), 202


@router.post(
    paths.REVOCATIONS,
    summary="Revoke a pass (合格の取消し)",
    description="Revokes the announced pass of this accepted application from the day given, "
    "with the reason and the legal basis as text. In one transaction: the pass record kept "
    "and marked revoked, every certificate of the pass revoked, the exemptions that rested on "
    "it withdrawn from the person's sittings not yet announced (sittings announced on one are "
    "listed as dependent passes), and the audit entries. Certify then revokes the "
    "certificates in the published status lists and notifies the person; the return (返納) "
    "of the printed certificate is tracked. A pass revoked already `409` (`pass-revoked`).",
    tags=["certificates"],
    responses=documented(201, "The revocation", 400, 401, 403, 404, 409, 415, 422),
)
def post_revocation(
    request: Annotated[RevocationBody, Body(description="The pass, day, reason and basis.")],
) -> tuple[RevocationView, int]:
    event = router.current_event.raw_event
    return revoke_pass(require_caller(event), request, request_id(event)), 201


@router.get(
    paths.REVOCATIONS,
    summary="Revoked passes and their returns",
    description="The caller's prefecture's revoked passes, newest first, or those whose "
    "certificate's return (返納) is `pending`, `returned` or `not_returned`. Audited.",
    tags=["certificates"],
    responses=documented(200, "The revocations", 401, 403, 422),
)
def get_revocations(
    return_status: Annotated[
        ReturnStatus | None, Query(description="Only revocations whose return is this.")
    ] = None,
) -> Revocations:
    event = router.current_event.raw_event
    return list_revocations(require_caller(event), return_status, request_id(event))


@router.get(
    paths.REVOCATION,
    summary="A revoked pass",
    description="The revocation of the pass of this application: day, reason, basis, the "
    "certificates revoked, exemptions withdrawn, dependent passes and the return. Audited.",
    tags=["certificates"],
    responses=documented(200, "The revocation", 401, 403, 404),
)
def get_one_revocation(
    application_id: Annotated[str, _HELD_APPLICATION_ID],
) -> RevocationView:
    event = router.current_event.raw_event
    return get_revocation(require_caller(event), application_id, request_id(event))


@router.post(
    paths.REVOCATION_RETURN,
    summary="Record the return of a revoked pass's certificate (返納)",
    description="Records the printed certificate returned on a day, or closes the return as "
    "not returned with a note; once (`409` `return-recorded` after). Audited with the write.",
    tags=["certificates"],
    responses=documented(200, "The revocation", 400, 401, 403, 404, 409, 415, 422),
)
def post_revocation_return(
    application_id: Annotated[str, _HELD_APPLICATION_ID],
    request: Annotated[ReturnBody, Body(description="Returned, or not and why.")],
) -> RevocationView:
    event = router.current_event.raw_event
    return record_return(require_caller(event), application_id, request, request_id(event))
