"""The shipped exam data as plain JSON documents, to mutate into crafted bad files."""

from __future__ import annotations

import json
from typing import Any

from kentei.exams.catalogue import CATALOGUE_FILE, Catalogue, parse_catalogue
from kentei.exams.check import shipped_text
from kentei.exams.rounds import ROUNDS_FILE, Rounds, parse_rounds


def catalogue_doc() -> dict[str, Any]:
    """A fresh copy of the shipped catalogue."""
    doc: dict[str, Any] = json.loads(shipped_text(CATALOGUE_FILE))
    return doc


def rounds_doc() -> dict[str, Any]:
    """A fresh copy of the shipped rounds."""
    doc: dict[str, Any] = json.loads(shipped_text(ROUNDS_FILE))
    return doc


def catalogue(doc: dict[str, Any]) -> Catalogue:
    return parse_catalogue(json.dumps(doc, ensure_ascii=False))


def rounds(doc: dict[str, Any]) -> Rounds:
    return parse_rounds(json.dumps(doc, ensure_ascii=False))


def trade(doc: dict[str, Any], code: str) -> dict[str, Any]:
    found: dict[str, Any] = next(t for t in doc["trades"] if t["code"] == code)
    return found


def regular(doc: dict[str, Any], fiscal_year: int, term: str) -> dict[str, Any]:
    found: dict[str, Any] = next(
        r for r in doc["regular"] if r["fiscal_year"] == fiscal_year and r["term"] == term
    )
    return found
