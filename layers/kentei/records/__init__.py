"""Record models: one pydantic model per table of the record items (別添1 記録項目).

``RECORD_MODELS`` maps each table key of ``record-items.json`` to its model. Fields have
English names and the Japanese item names as aliases; input takes either, and
``model_dump(by_alias=True)`` / :func:`dump_csv` write the Japanese ones. My Numbers and
residence-card numbers serialise masked unless ``context={REVEAL: True}`` (or
``dump_csv(..., reveal=True)``).

Validation errors raised by the models never carry the submitted values. Where a record is
validated as part of another model, pass the error through :func:`without_input`.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from kentei.records.applicant import Applicant
from kentei.records.application_info import ApplicationInfo
from kentei.records.base import Record, without_input
from kentei.records.csv_io import CsvFormatError, csv_headers, dump_csv, load_csv
from kentei.records.exam_management import ExamManagement
from kentei.records.examinee import Examinee
from kentei.records.initial_registration import InitialRegistration
from kentei.records.passer import Passer
from kentei.records.pseudonyms import Pseudonyms
from kentei.records.sensitive import REVEAL, ResidenceCardNumber

RECORD_MODELS: Final[Mapping[str, type[Record]]] = MappingProxyType(
    {
        "pseudonymous_ids": Pseudonyms,
        "examinee": Examinee,
        "exam_management": ExamManagement,
        "passer": Passer,
        "application_info": ApplicationInfo,
        "applicant": Applicant,
        "initial_registration": InitialRegistration,
    }
)
"""Table key of record-items.json → record model."""

__all__ = [
    "RECORD_MODELS",
    "REVEAL",
    "Applicant",
    "ApplicationInfo",
    "CsvFormatError",
    "ExamManagement",
    "Examinee",
    "InitialRegistration",
    "Passer",
    "Pseudonyms",
    "Record",
    "ResidenceCardNumber",
    "csv_headers",
    "dump_csv",
    "load_csv",
    "without_input",
]
