"""CSV files of records, with the Japanese item names as headers.

Columns follow record-items order; a file may leave out optional columns, and its headers
may be the Japanese names or the English field names. An empty (or blank) cell is an absent
item; a row of blank cells is skipped like an empty line. Sensitive values (My Number,
residence-card number) are written masked unless the caller reveals them: a masked file is
for people and cannot be read back; a revealed one is for the systems that need the numbers.

Error messages name lines, columns and fields, never a cell's content: a file whose header
row is missing would otherwise echo a person's data as "unknown column".
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import TypeVar

from pydantic import ValidationError
from pydantic_core import InitErrorDetails

from kentei.records.base import Record, error_details
from kentei.records.sensitive import REVEAL

R = TypeVar("R", bound=Record)


class CsvFormatError(ValueError):
    """The CSV's shape is wrong: no header, unknown or repeated columns, ragged rows."""


def csv_headers(model: type[Record]) -> list[str]:
    """The Japanese headers of ``model``, in record-items order."""
    return [field.alias or name for name, field in model.model_fields.items()]


def dump_csv(model: type[R], records: Iterable[R], *, reveal: bool = False) -> str:
    """CSV text (RFC 4180, CRLF) of ``records`` with Japanese headers.

    Encode it as ``utf-8-sig`` for spreadsheets that need the byte-order mark.
    """
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    headers = csv_headers(model)
    writer.writerow(headers)
    for record in records:
        if not isinstance(record, model):
            raise TypeError(f"dump_csv of {model.__name__} got a {type(record).__name__}")
        data = record.model_dump(mode="json", by_alias=True, context={REVEAL: reveal})
        writer.writerow([_cell(data[header]) for header in headers])
    return buffer.getvalue()


def load_csv(model: type[R], text: str) -> list[R]:
    """Records of ``model`` from CSV text; raises one ValidationError for all bad rows.

    Each error's location is the line number of its row (the header is line 1) and the
    item's Japanese name, whichever header the file used.
    """
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    header = next(reader, None)
    if header is None:
        raise CsvFormatError("the CSV has no header row")
    keys = _keys(model, header)
    records: list[R] = []
    errors: list[InitErrorDetails] = []
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(keys):
            raise CsvFormatError(
                f"line {reader.line_num} has {len(row)} cells; the header has {len(keys)}"
            )
        data = {key: cell for key, cell in zip(keys, row, strict=True) if cell.strip()}
        try:
            records.append(model.model_validate(data))
        except ValidationError as exc:
            errors.extend(error_details(exc, (reader.line_num,)))
    if errors:
        raise ValidationError.from_exception_data(f"{model.__name__} CSV", errors, hide_input=True)
    return records


def _keys(model: type[Record], header: list[str]) -> list[str]:
    """The alias of each header cell, which may be the alias or the English field name."""
    by_header: dict[str, str] = {}
    for name, field in model.model_fields.items():
        alias = field.alias or name
        by_header[name] = by_header[alias] = alias
    keys: list[str] = []
    unknown: list[int] = []
    for column, cell in enumerate(header, start=1):
        key = by_header.get(cell.strip())
        if key is None:
            unknown.append(column)
        elif key in keys:
            raise CsvFormatError(f"column {column} repeats an item of {model.__name__}")
        else:
            keys.append(key)
    if unknown:
        columns = ", ".join(map(str, unknown))
        raise CsvFormatError(f"columns {columns} are not items of {model.__name__}")
    return keys


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
