"""Independent clients of the intake API: what the Mynaportal and e-Gov bridges and a staff
member's desk would write knowing only the published contract (issue 3).

They import nothing of the server (no models, no schemas, no handlers): documents are plain
JSON built here, signatures are made by the standard tools a bridge operator would use
(OpenSSL's ``cms -sign`` for the Mynaportal CMS detached signature, ``xmlsec1 --sign`` for the
e-Gov 構成管理情報), and requests go over HTTP with ``requests``. Tests, the demo and the
benchmark use them to prove the contract is enough to integrate.

>>> signer = Signer(key=Path("card.key.pem"), certificate=Path("card.cert.pem"))
>>> document = application_document(sample_form(), [pdf])
>>> bridge = MynaportalBridge(LocalEndpoints.load(Path(".local/runtime.json")))
>>> submission = bridge.submit(document, sign_detached(document, signer), [pdf])
>>> submission.response.status_code
202
"""

from kentei_local.bridges.client import (
    APPLICATIONS_PATH,
    CHANGE_REQUESTS_PATH,
    IDEMPOTENCY_HEADER,
    ApiClient,
    EgovBridge,
    MynaportalBridge,
    PaperDesk,
    Submission,
    new_idempotency_key,
)
from kentei_local.bridges.cms import ToolError, sign_detached
from kentei_local.bridges.document import (
    JAPANESE_KEYS,
    Attachment,
    application_document,
    change_document,
    my_number_check_digit,
    sample_form,
    sample_jpeg,
    sample_my_number,
    sample_pdf,
    sample_png,
)
from kentei_local.bridges.egov import (
    APPLICATION_FILE,
    KOUSEI_FILE,
    KOUSEI_ID,
    build_package,
    kousei_template,
    reference_uri,
    sign_kousei,
)
from kentei_local.bridges.signer import Signer

__all__ = [
    "APPLICATIONS_PATH",
    "APPLICATION_FILE",
    "CHANGE_REQUESTS_PATH",
    "IDEMPOTENCY_HEADER",
    "JAPANESE_KEYS",
    "KOUSEI_FILE",
    "KOUSEI_ID",
    "ApiClient",
    "Attachment",
    "EgovBridge",
    "MynaportalBridge",
    "PaperDesk",
    "Signer",
    "Submission",
    "ToolError",
    "application_document",
    "build_package",
    "change_document",
    "kousei_template",
    "my_number_check_digit",
    "new_idempotency_key",
    "reference_uri",
    "sample_form",
    "sample_jpeg",
    "sample_my_number",
    "sample_pdf",
    "sample_png",
    "sign_detached",
    "sign_kousei",
]
