"""The verification page (``GET /verify``, ``POST /verify``): HTML from one template string.

No template engine and nothing from another origin: the style and the one script are inline,
allowed by their SHA-256 in the ``Content-Security-Policy`` (:data:`CSP`), which allows nothing
else (no other script, style, image, frame or form target). Every value is escaped. The form
posts to the page itself and works without JavaScript; with it, where the browser has a
``BarcodeDetector``, a picture of the 2D code fills the text box (nothing is uploaded).
"""

from __future__ import annotations

import base64
import hashlib
from html import escape
from typing import Any, Final

from public.wording import CLAIM_LABELS, TEXT, Language

STYLE: Final = """
body{font-family:system-ui,"Noto Sans CJK JP","IPAexGothic",sans-serif;margin:0;color:#1b1b1b;
background:#f6f6f4;line-height:1.6}
main{max-width:44rem;margin:0 auto;padding:1.5rem}
h1{font-size:1.4rem;margin:.5rem 0 1rem}
textarea{width:100%;min-height:8rem;font-family:monospace;font-size:.9rem;box-sizing:border-box}
button{font-size:1rem;padding:.5rem 1.5rem;margin-top:.75rem}
.verdict{border:3px solid;border-radius:.5rem;padding:1rem;margin:1.25rem 0;background:#fff}
.verdict.valid{border-color:#1a7f37}.verdict.invalid{border-color:#c62828}
.verdict.undecided{border-color:#b26a00}.verdict h2{margin:0 0 .25rem;font-size:1.6rem}
.error{border:2px solid #c62828;background:#fff;padding:.75rem;margin:1rem 0}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:.75rem 0 0}
dt{font-weight:bold}dd{margin:0}nav{text-align:right}small{color:#555}
""".strip()

SCRIPT: Final = """
(function(){var f=document.getElementById("scan");
if(!f||!("BarcodeDetector" in window))return;document.getElementById("scanner").hidden=false;
f.addEventListener("change",function(){var file=f.files&&f.files[0];if(!file)return;
createImageBitmap(file).then(function(image){
return new BarcodeDetector({formats:["qr_code"]}).detect(image);}).then(function(codes){
if(codes.length){document.getElementById("credential").value=codes[0].rawValue;}});});})();
""".strip()


def _sha256(text: str) -> str:
    return base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


CSP: Final = (
    "default-src 'none'; "
    f"style-src 'sha256-{_sha256(STYLE)}'; "
    f"script-src 'sha256-{_sha256(SCRIPT)}'; "
    "img-src 'none'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
"""Only this page's own style and script, forms back to this origin, no framing."""
ERROR_KEYS: Final = frozenset(
    {"missing", "too-long", "my-number", "unknown-field", "too-large", "keys-unavailable"}
)
"""The refusals the page explains (:data:`public.wording.TEXT`); any other reads as a form
it cannot take."""
HEADERS: Final = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    # A verdict shows what a certificate says (a name, a birth date): never cached anywhere.
    "Cache-Control": "no-store",
    "Vary": "Accept-Language",
}

TEMPLATE: Final = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>{title}</title>
<style>{style}</style>
</head>
<body>
<main>
<nav><a href="verify?lang={other_lang}" hreflang="{other_lang}">{other}</a></nav>
<h1>{title}</h1>
{result}
<form method="post" action="verify?lang={lang}" accept-charset="utf-8">
<input type="hidden" name="lang" value="{lang}">
<p>{intro}</p>
<label for="credential">{label}</label>
<textarea id="credential" name="credential" required maxlength="{max_chars}"
 autocomplete="off" autocapitalize="off" spellcheck="false">{value}</textarea>
<p id="scanner" hidden><label>{scan}
 <input id="scan" type="file" accept="image/*" capture="environment"></label></p>
<button type="submit">{submit}</button>
</form>
<p><small>{how}<code>POST v1/verifications</code>, <code>.well-known/jwks.json</code>,
<code>credentials/status/&lt;n&gt;/&lt;purpose&gt;</code></small></p>
</main>
<script>{script}</script>
</body>
</html>
"""


def _claims(claims: dict[str, Any], language: Language) -> str:
    rows = []
    for name, labels in CLAIM_LABELS.items():
        value = claims.get(name)
        if value is None:
            continue
        if isinstance(value, dict):
            value = f"{value.get('name', '')}（{value.get('code', '')}）"
        rows.append(f"<dt>{escape(labels[language])}</dt><dd>{escape(str(value))}</dd>")
    return "".join(rows)


def verdict_html(document: dict[str, Any], language: Language) -> str:
    """The verdict box of :func:`public.verdicts.verdict_document`'s ``document``."""
    outcome = document["outcome"]
    kind = (
        "valid"
        if document["valid"]
        else ("undecided" if outcome == "status-unavailable" else "invalid")
    )
    message = document["message"][language.value]
    rows = [
        f"<dt>{escape(TEXT['issuer'][language])}</dt>"
        f"<dd>{escape(document['issuer']['name'])}<br><small>{escape(document['issuer']['id'])}"
        "</small></dd>"
    ]
    if document["form"] is not None:
        rows.append(
            f"<dt>{escape(TEXT['form'][language])}</dt>"
            f"<dd>{escape(TEXT[document['form']][language])}</dd>"
        )
    says = ""
    if document["credential"] is not None:
        says = (
            f"<h3>{escape(TEXT['says'][language])}</h3>"
            f"<dl>{_claims(document['credential'], language)}</dl>"
        )
    return (
        f'<section class="verdict {kind}" id="verdict" data-outcome="{escape(outcome)}"'
        ' role="status">'
        f"<h2>{escape(message['headline'])}</h2>"
        f'<p id="reason">{escape(message["reason"])}</p>'
        f"<dl>{''.join(rows)}</dl>{says}</section>"
    )


def error_html(key: str, language: Language) -> str:
    return (
        f'<section class="error" id="error" data-error="{escape(key)}" role="alert">'
        f"<strong>{escape(TEXT['error'][language])}</strong>"
        f"<p>{escape(TEXT[key][language])}</p></section>"
    )


def render(language: Language, *, result: str = "", value: str = "") -> str:
    """The page in ``language``, with ``result`` (an escaped fragment) above the form and the
    text box holding ``value``."""
    from public.verification import MAX_PRESENTED_CHARS

    other = Language.EN if language is Language.JA else Language.JA
    return TEMPLATE.format(
        lang=language.value,
        other_lang=other.value,
        other=escape(TEXT["other"][language]),
        title=escape(TEXT["title"][language]),
        intro=escape(TEXT["intro"][language]),
        label=escape(TEXT["label"][language]),
        scan=escape(TEXT["scan"][language]),
        submit=escape(TEXT["submit"][language]),
        how=escape(TEXT["how"][language]),
        max_chars=MAX_PRESENTED_CHARS,
        value=escape(value),
        result=result,
        style=STYLE,
        script=SCRIPT,
    )
