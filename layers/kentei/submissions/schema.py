"""The JSON Schema of the application document, generated from :class:`ApplicationDocument`.

A bridge builds documents from it alone. Pydantic generates the schema with the English item
names; each item then also gets its Japanese name as a property, since a document may use
either: a required item needs one of the two names, and no item may have both.
"""

from __future__ import annotations

import copy
import functools
from typing import Any, Final

from kentei.submissions.document import ApplicationDocument
from kentei.submissions.examples import EXAMPLE_DOCUMENTS

SCHEMA_ID: Final = "urn:kentei:schema:application-document"
DIALECT: Final = "https://json-schema.org/draft/2020-12/schema"


def application_document_schema() -> dict[str, Any]:
    """The schema (draft 2020-12), served at ``/v1/schemas/application-document.json``."""
    return copy.deepcopy(_schema())


@functools.cache
def _schema() -> dict[str, Any]:
    generated = ApplicationDocument.model_json_schema(by_alias=False, mode="validation")
    properties: dict[str, Any] = generated.pop("properties")
    required: list[str] = generated.pop("required", [])
    both: dict[str, Any] = {}
    one_of_each: list[dict[str, Any]] = []
    exclusive: dict[str, Any] = {}
    for name, subschema in properties.items():
        both[name] = subschema
        alias = ApplicationDocument.model_fields[name].alias
        if alias is None or alias == name:
            if name in required:
                one_of_each.append({"required": [name]})
            continue
        both[alias] = {
            **copy.deepcopy(subschema),
            "title": alias,
            "description": f"{name} under its Japanese item name. "
            + str(subschema.get("description", "")),
        }
        exclusive[name] = {"not": {"required": [alias]}}
        if name in required:
            one_of_each.append({"anyOf": [{"required": [name]}, {"required": [alias]}]})
    return {
        "$schema": DIALECT,
        "$id": SCHEMA_ID,
        **generated,
        "title": "Application document (受検申請書)",
        "description": (
            "The application form as the applicant signs it: the items of 受検申請者テーブル "
            "except 申請受付ID, which the service assigns, under their English or Japanese "
            "names (one per item), and the list of attached files. UTF-8 JSON; unknown keys, "
            "duplicate keys and a byte order mark are refused."
        ),
        "type": "object",
        "properties": both,
        "additionalProperties": False,
        "allOf": one_of_each,
        "dependentSchemas": exclusive,
        "examples": copy.deepcopy(list(EXAMPLE_DOCUMENTS)),
    }
