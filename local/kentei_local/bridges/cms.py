"""The Mynaportal signature: a detached CMS SignedData made with OpenSSL's ``cms -sign``.

Exactly what a bridge operator would run::

    openssl cms -sign -binary -in doc.json -signer cert.pem -inkey key.pem \\
        -md sha256 -nosmimecap -outform DER -out sig.der

Without ``-nodetach`` the content is left out (detached); the signer's certificate is
embedded; the signed attributes (contentType, signingTime, messageDigest) are kept, with
the S/MIME capabilities left out. ``digest`` and ``signed_attributes`` exist so tests can
make what the verifier must refuse (a SHA-1 signature, no messageDigest).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Final, Literal

from kentei_local.bridges.signer import Signer

Digest = Literal["sha256", "sha384", "sha512", "sha1"]
_TIMEOUT_S: Final = 60


class ToolError(RuntimeError):
    """A signing tool (openssl, xmlsec1) is missing or failed; the message has its output."""


def run_tool(arguments: Sequence[str], *, cwd: Path | None = None) -> None:
    """Run a command-line tool; ToolError with its output if it is missing or fails."""
    tool = shutil.which(arguments[0])
    if tool is None:
        raise ToolError(f"{arguments[0]} is not installed (Debian: apt-get install {arguments[0]})")
    result = subprocess.run(  # noqa: S603 (fixed tools, arguments built here)
        [tool, *arguments[1:]],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=_TIMEOUT_S,
        check=False,
    )
    if result.returncode != 0:
        raise ToolError(
            f"{arguments[0]} exited {result.returncode}: {(result.stderr or result.stdout)[-2000:]}"
        )


def sign_detached(
    document: bytes,
    signer: Signer,
    *,
    digest: Digest = "sha256",
    signed_attributes: bool = True,
) -> bytes:
    """The DER of a detached CMS SignedData over ``document`` by ``signer``."""
    with tempfile.TemporaryDirectory(prefix="kentei-cms-") as folder:
        work = Path(folder)
        (work / "doc.json").write_bytes(document)
        arguments = [
            "openssl",
            "cms",
            "-sign",
            "-binary",
            "-in",
            "doc.json",
            "-signer",
            str(signer.certificate.resolve()),
            "-inkey",
            str(signer.key.resolve()),
            "-md",
            digest,
            "-nosmimecap",
            "-outform",
            "DER",
            "-out",
            "sig.der",
        ]
        if not signed_attributes:
            arguments.append("-noattr")
        run_tool(arguments, cwd=work)
        return (work / "sig.der").read_bytes()
