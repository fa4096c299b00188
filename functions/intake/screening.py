"""Intake's half of privacy invariant 3: a My Number anywhere but ``my_number`` is a ``422``.

The paths come from :mod:`kentei.screening` (one detector, :mod:`kentei.my_number`); this
module names them as intake's clients know them and raises intake's
:class:`~intake.errors.InvalidRequestError`. Each check runs before what it guards can store
or log the value:

* :func:`refuse_in_parameters` on the raw event, before routing: path and query parameters
  (the gateway's and Powertools' log lines would otherwise carry them) and the
  ``Idempotency-Key`` header (it becomes part of the idempotency record's key and of the
  application id's derivation); other headers are credentials and transport, not the
  client's items;
* :func:`refuse_in_submission` on the parsed submission, before anything is stored: every
  form item but ``my_number``, every attachment's file name, the Mynaportal pseudonym;
* :func:`refuse_in_reasons` on a review decision, before it is decided or audited;
* :func:`refuse_in_staff_body` on what staff send about exam sessions and seats (a venue's
  name, address and room, codes), before it is checked, stored or audited.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Mapping
from typing import Any, Final
from urllib.parse import unquote

from intake import paths
from intake.errors import IDEMPOTENCY_HEADER, InvalidRequestError
from kentei import screening
from kentei.applications.model import Channel, Reason
from kentei.field_errors import FieldError
from kentei.submissions import ParsedSubmission, egov_package

DETAIL: Final = "a My Number is given only as the form's my_number item"
PROBLEM: Final = "must not contain a My Number"
_FORM_AT: Final = {
    Channel.MYNAPORTAL: "document",
    Channel.EGOV: f"{egov_package.LOCATION}:{egov_package.DOCUMENT}",
    Channel.PAPER: "form",
}
_PARAMETER: Final = re.compile(r"<([a-z_]+)>")
IDEMPOTENCY_FIELD: Final = "header.Idempotency-Key"


def _templates() -> tuple[tuple[re.Pattern[str], tuple[str, ...]], ...]:
    """Each route with parameters: its pattern, one group per parameter, and their names."""
    compiled = []
    for template in paths.METHODS:
        parts = _PARAMETER.split(template)  # literal, name, literal, ...
        if len(parts) > 1:
            regex = "".join(re.escape(p) if i % 2 == 0 else "([^/]+)" for i, p in enumerate(parts))
            compiled.append((re.compile(f"^{regex}$"), tuple(parts[1::2])))
    return tuple(compiled)


_TEMPLATES: Final = _templates()


def refuse(found: Iterable[str]) -> None:
    """Raise the ``422`` naming every path in ``found``, if any."""
    fields = list(dict.fromkeys(found))
    if fields:
        raise InvalidRequestError(DETAIL, [FieldError(field=f, problem=PROBLEM) for f in fields])


def refuse_in_parameters(event: Mapping[str, Any]) -> None:
    """Path parameters as ``path.<name>`` (a path no route has: ``path``), query parameters as
    ``query.<name>``, every value of a repeated one included. The path is percent-decoded
    first, as a log line or a route would read it."""
    path = unquote(str(event.get("path") or ""))
    refuse([*_path_parameters(path), *_query(event), *_idempotency_key(event)])


def refuse_in_submission(parsed: ParsedSubmission) -> None:
    """Form items (``<form>.<item>``), file names, the applying group (``group.<item>``) and
    the pseudonym of a parsed submission."""
    found = screening.form_items(parsed.form, _FORM_AT[parsed.channel])
    names = [attachment.name for attachment in parsed.attachments]
    found += [_name_at(parsed, n) for n in screening.holding_my_number(names)]
    if parsed.group is not None:
        found += screening.holding_my_number(parsed.group, "group")
    if parsed.mynaportal_pseudonym_id is not None:
        found += screening.holding_my_number(
            parsed.mynaportal_pseudonym_id, "mynaportal_pseudonym_id"
        )
    refuse(found)


def refuse_in_reasons(reasons: Iterable[Reason]) -> None:
    """A review decision's reasons: ``reasons.<n>.code``, ``.field``, ``.message``."""
    refuse(screening.reasons(reasons, "reasons"))


def refuse_in_staff_body(body: object) -> None:
    """Every string of a staff request's body (a pydantic model, as its items are named)."""
    refuse(screening.holding_my_number(body))


def _path_parameters(path: str) -> list[str]:
    if not screening.holding_my_number(path):
        return []
    for pattern, names in _TEMPLATES:
        match = pattern.match(path)
        if match:
            return screening.holding_my_number(
                dict(zip(names, match.groups(), strict=True)), "path"
            )
    return ["path"]


def _idempotency_key(event: Mapping[str, Any]) -> list[str]:
    headers = event.get("headers") or {}
    given = [str(v) for k, v in headers.items() if str(k).lower() == IDEMPOTENCY_HEADER]
    return [IDEMPOTENCY_FIELD] if screening.holding_my_number(given) else []


def _query(event: Mapping[str, Any]) -> list[str]:
    multi = event.get("multiValueQueryStringParameters") or {}
    single = event.get("queryStringParameters") or {}
    values: dict[str, list[str]] = {}
    for name, value in single.items():
        values.setdefault(str(name), []).append(str(value))
    for name, given in multi.items():
        values.setdefault(str(name), []).extend(str(v) for v in given or ())
    return [re.sub(r"\.\d+$", "", found) for found in screening.holding_my_number(values, "query")]


def _name_at(parsed: ParsedSubmission, index: str) -> str:
    """Where the client finds attachment ``index``'s name, as the channel's parser names it."""
    position = int(index)
    if parsed.channel is not Channel.EGOV:
        return f"attachments.{position}.name"
    # The parser names a package entry by its position in the zip (its name is the client's
    # text): find it in the package as received; only the central directory is read.
    name = parsed.attachments[position].name
    package = next(p.content for p in parsed.raw_parts if p.name == "package.zip")
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        for n, info in enumerate(archive.infolist()):
            if info.filename == name:
                return egov_package.location_of(n, name)
    return egov_package.LOCATION
