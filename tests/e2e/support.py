"""Helpers of the e2e applications and fuzz tests: sample people, signers, probes, leak checks.

The people are those of the local registry seed (``local/kentei_local/registry_seed.json``),
so the same applications keep passing once verify checks the registry (issue 4); their data
is obviously made up.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import boto3
import requests

from kentei import catalog
from kentei_local import probes
from kentei_local.bridges import ApiClient, Signer, sample_form
from kentei_local.environment import FAKE_CREDENTIALS
from kentei_local.process import ServeProcess
from kentei_local.resources import physical_name
from kentei_local.testpki import FourItems, TestPki

RECEIVED: Final = "received"
STATUSES: Final = frozenset(
    {"received", "verifying", "under_review", "returned", "accepted", "rejected"}
)
PROBLEM_JSON: Final = "application/problem+json"
PERSONAL_ITEMS: Final = (
    "name",
    "name_kana",
    "address",
    "address_line2",
    "phone",
    "my_number",
    "birth_date",
    "residence_card_number",
    "氏名",
    "ふりがな",
    "住所",
    "方書",
    "電話番号",
    "個人番号",
    "生年月日",
    "在留カード番号",
)
"""Items whose values identify a person: none may come back in a response to its sender."""
_NOISE: Final = re.compile(
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
    r"|\b\d{2}-[0-9A-HJKMNP-TV-Z]{26}\b"
    r"|\d{4}-\d{2}-\d{2}T[0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?"
)
"""Values the service makes (UUIDs, application ids, timestamps), not sent by a client."""


@dataclass(frozen=True)
class Person:
    """A person of the registry seed, as their card and their form carry them."""

    my_number: str
    name: str
    name_kana: str
    birth_date: dt.date
    sex: str
    address: str
    postal_code: str

    def four_items(self) -> FourItems:
        return FourItems(self.name, self.sex, self.birth_date, self.address)

    def form(self, **overrides: Any) -> dict[str, Any]:
        """A complete sample form for this person (English item names)."""
        return sample_form(
            **{
                "my_number": self.my_number,
                "name": self.name,
                "name_kana": self.name_kana,
                "birth_date": self.birth_date.isoformat(),
                "sex": self.sex,
                "address": self.address,
                "postal_code": self.postal_code,
                **overrides,
            }
        )


TARO: Final = Person(
    "900000000010",
    "見本 太郎",
    "みほん たろう",
    dt.date(1990, 4, 1),
    "1",
    "東京都千代田区見本町一丁目2番3号",
    "1000001",
)
HANAKO: Final = Person(
    "900000000028",
    "試験 花子",
    "しけん はなこ",
    dt.date(1985, 11, 23),
    "2",
    "大阪府大阪市北区試験町4丁目5番6号",
    "5300001",
)
SAKURA: Final = Person(
    "900000000044",
    "検定 さくら",
    "けんてい さくら",
    dt.date(1978, 7, 7),
    "2",
    "福岡県福岡市中央区見本通1-23-4 サンプルハイツ101",
    "8100001",
)


def card_signer(pki: TestPki, person: Person, folder: Path) -> Signer:
    """A signature certificate of ``pki`` for ``person``, written under ``folder``."""
    paths = pki.signature_certificate(person.four_items()).write(folder, "card")
    return Signer(key=paths.key, certificate=paths.certificate)


def personal_values(form: Mapping[str, Any]) -> list[str]:
    """The personal values of ``form`` as strings (the My Number also without separators)."""
    values = [str(form[key]) for key in PERSONAL_ITEMS if form.get(key) not in (None, "")]
    return values + [re.sub(r"\D", "", v) for v in values if len(re.sub(r"\D", "", v)) == 12]


def echoed(text: str, values: Iterable[str], *, min_length: int = 4) -> list[str]:
    """The ``values`` (of at least ``min_length`` characters once NFKC-normalised) that
    ``text`` contains as a whole token, after removing what the service itself makes."""
    haystack = unicodedata.normalize("NFKC", _NOISE.sub(" ", text))
    found = []
    for value in values:
        needle = unicodedata.normalize("NFKC", value).strip()
        if len(needle) < min_length:
            continue
        pattern = rf"(?<![0-9A-Za-z]){re.escape(needle)}(?![0-9A-Za-z])"
        if re.search(pattern, haystack) or re.search(pattern, json_unescaped(haystack)):
            found.append(value)
    return found


def json_unescaped(text: str) -> str:
    """``text`` with JSON string escapes (``\\u6c0f``) resolved, where it is JSON."""
    try:
        return json.dumps(json.loads(text), ensure_ascii=False)
    except ValueError:
        return text


def assert_no_personal_echo(response: requests.Response, form: Mapping[str, Any]) -> None:
    values = personal_values(form)
    leaked = echoed(response.text, values)
    leaked += [f"header {k}" for k, v in response.headers.items() if echoed(v, values)]
    # The message says how many values leaked, never which: test output is output too.
    assert not leaked, (
        f"{response.request.method} {response.url} -> {response.status_code} "
        f"echoes {len(leaked)} personal value(s)"
    )
    assert probes.my_numbers_in(response.text) == []


def assert_problem(
    response: requests.Response, status: int, slug: str | None = None
) -> dict[str, Any]:
    """``response`` is an RFC 9457 problem of ``status`` (of type urn:kentei:problem:<slug>)."""
    assert response.status_code == status, f"{response.status_code}: {response.text[:2000]}"
    assert response.headers["Content-Type"].startswith(PROBLEM_JSON), response.headers
    problem = response.json()
    assert problem["status"] == status
    assert problem["type"].startswith("urn:kentei:problem:")
    if slug is not None:
        assert problem["type"] == f"urn:kentei:problem:{slug}", problem
    return dict(problem)


def wait_for_status(
    client: ApiClient, application_id: str, wanted: Iterable[str], timeout_s: float
) -> dict[str, Any]:
    """The status document once its ``status`` is one of ``wanted``."""
    targets = set(wanted)

    def reached() -> dict[str, Any] | None:
        response = client.status(application_id)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body if body["status"] in targets else None

    return probes.wait_until(reached, timeout_s, f"{application_id} never reached {targets}")


def queued_for_verification(
    system: ServeProcess, client: ApiClient, application_id: str, timeout_s: float
) -> str:
    """Proof that ``application_id`` was queued for verify, whichever comes first: verify
    moved it on from ``received`` (issue 4), or, while verify does not handle it yet, its
    ``application_received`` message (ids only) was redriven to the verify DLQ."""
    sqs = system.sqs()
    dlq = system.queue_url(catalog.queue("verify").dlq_name)

    def evidence() -> str | None:
        status = client.status(application_id).json().get("status")
        if status not in (None, RECEIVED):
            return f"verify moved it to {status}"
        for message in sqs.receive_message(
            QueueUrl=dlq, MaxNumberOfMessages=10, VisibilityTimeout=0
        ).get("Messages", []):
            body = json.loads(message["Body"])
            if body.get("application_id") == application_id:
                assert set(body) == {"kind", "application_id", "prefecture_code"}, body
                assert body["kind"] == "application_received"
                return "its application_received message is in the verify DLQ"
        return None

    return probes.wait_until(
        evidence, timeout_s, f"{application_id} was not seen queued for verification"
    )


def moto_client(system: ServeProcess, service: str) -> Any:
    return boto3.client(
        service,  # type: ignore[call-overload]
        endpoint_url=system.moto_endpoint,
        region_name=catalog.REGION,
        aws_access_key_id=FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=FAKE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
    )


def stored_application(system: ServeProcess, application_id: str) -> dict[str, Any] | None:
    """The records-table item of the application (its prefecture is in its id)."""
    item = system.dynamodb().get_item(
        TableName=physical_name("records"),
        Key={
            "prefecture_code": {"S": application_id[:2]},
            "record_key": {"S": f"APPLICATION#{application_id}"},
        },
        ConsistentRead=True,
    )
    return item.get("Item")


def inbox_keys(system: ServeProcess, application_id: str) -> list[str]:
    """The inbox objects of the application (the raw submission, under the vault key)."""
    s3 = moto_client(system, "s3")
    listed = s3.list_objects_v2(
        Bucket=physical_name("inbox"), Prefix=f"applications/{application_id}/"
    )
    return [entry["Key"] for entry in listed.get("Contents", [])]


def application_items(system: ServeProcess) -> set[str]:
    """The record keys of every application item in the records table."""
    keys: set[str] = set()
    for page in (
        system.dynamodb()
        .get_paginator("scan")
        .paginate(TableName=physical_name("records"), ProjectionExpression="record_key")
    ):
        keys.update(
            item["record_key"]["S"]
            for item in page["Items"]
            if item["record_key"]["S"].startswith("APPLICATION#")
        )
    return keys
