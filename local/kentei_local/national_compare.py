"""Do both sides hold the same records? An independent comparison of our records table and the
fake national qualifications system's store (国家資格等情報連携・活用システム, issue 12).

``python -m kentei_local compare-national --endpoint MOTO_URL`` (and the demo's last national
step) reads both stores as they are:

- **ours**: the synced items of every prefecture's partition of the records table
  (``EXAMINEE#``, ``SITTING#``, ``PASS#``, ``CERTIFICATE#``, and the ``NATIONAL_SENT#`` marks),
  by a consistent ``Scan`` through boto3 at the runtime's moto endpoint;
- **theirs**: every record the fake holds, over its test-only control path ``GET
  /_test/records`` (mutual TLS, sync's client certificate from ``runtime.json``).

It compares each record's content field by field: the person, the prefecture, whether it is
deleted, and each field of the kind's data. The data's fields come from the contract document
(``kentei/national/contract.json``: the ``Record`` schema names each kind's data definition,
the definition its fields); where each field lives in a stored item is this module's own small
table (:data:`SOURCES`), written from the stores' layouts and not from
``kentei.national.records``, so a mistake in sync's mapping shows up here as a difference
rather than being repeated. A field of the contract the table does not place (or the other
way round) stops the comparison (:class:`ContractDriftError`). Instants are compared as
instants (the contract allows any offset); every other value as JSON.

Versions are not compared (ours are stream sequence numbers the national side was told), but a
record whose national version is older than our sent mark (``NATIONAL_SENT#``: the version it
acknowledged) is reported as behind.

The output names kinds, record ids (a 資格仮名ID, an application id, a certificate id), field
names, versions and counts: never a value. An examinee item that holds a My Number, or a
record of either side whose data does, is refused loudly (:class:`MyNumberFoundError`): the
comparison stops and says where, never what.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, TextIO
from zoneinfo import ZoneInfo

import requests

from kentei import catalog, my_number
from kentei_local.endpoints import RUNTIME_FILE, NationalEndpoint
from kentei_local.environment import FAKE_CREDENTIALS
from kentei_local.resources import physical_name

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

RECORDS_PATH: Final = "/_test/records"
SENT_PREFIX: Final = "NATIONAL_SENT#"
PREFECTURE: Final = re.compile(r"^(0[1-9]|[1-3][0-9]|4[0-7])$")
JAPAN: Final = ZoneInfo("Asia/Tokyo")
KINDS_IN_ORDER: Final = ("examinee", "sitting", "pass", "part_pass", "certificate")
MY_NUMBER_ITEMS: Final = ("my_number", "個人番号")
"""The examinee's My Number item under its English and Japanese names: never stored on the
roster, never compared, refused when present."""

Item = Mapping[str, Any]
"""A records-table item in DynamoDB JSON."""


class ComparisonError(RuntimeError):
    """The comparison cannot be made; the text names ids and fields, never values."""


class ContractDriftError(ComparisonError):
    """The contract's fields and :data:`SOURCES` disagree: this script must be updated."""


class MyNumberFoundError(ComparisonError):
    """A record (ours or theirs) holds a My Number: refused, named by kind, id and field."""


@dataclass(frozen=True)
class Revocation:
    """The day in Japan of the item's ``revoked_at`` instant (None when not revoked)."""


@dataclass(frozen=True)
class ItemShape:
    """Where a kind's data lives in its stored item: the JSON attribute that holds the record,
    and, per contract field, the path inside it (or :class:`Revocation`)."""

    prefix: str
    attribute: str
    fields: Mapping[str, tuple[str, ...] | Revocation]


def _same_names(*names: str) -> dict[str, tuple[str, ...] | Revocation]:
    return {name: (name,) for name in names}


_ROUND: Final[dict[str, tuple[str, ...] | Revocation]] = {
    "fiscal_year": ("exam_round", "fiscal_year"),
    "term": ("exam_round", "term"),
}

SOURCES: Final[dict[str, ItemShape]] = {
    # kentei.data.roster: the person (kentei.records.examinee.Examinee as JSON).
    "ExamineeData": ItemShape(
        "EXAMINEE#",
        "examinee",
        _same_names(
            "name",
            "name_kana",
            "birth_date",
            "sex",
            "postal_code",
            "address",
            "address_line2",
            "phone",
        ),
    ),
    # kentei.data.roster: a sitting (kentei.roster.sitting.Sitting as JSON).
    "SittingData": ItemShape(
        "SITTING#",
        "sitting",
        _ROUND | _same_names("trade_code", "work_code", "grade", "exam_number", "parts", "status"),
    ),
    # kentei.data.passes: a pass record (kentei.exemptions.model.PassRecord as JSON); its
    # record id is the application's; revoked_at is an attribute of the item.
    "PassData": ItemShape(
        "PASS#",
        "record",
        {"application_id": ("record_id",)}
        | _ROUND
        | _same_names(
            "trade_code",
            "work_code",
            "grade",
            "parts",
            "passed_on",
            "passer_number",
            "certificate_number",
            "notice_number",
        )
        | {"revoked_on": Revocation()},
    ),
    # kentei.data.certificates: a certificate (CertificateRecord as JSON).
    "CertificateData": ItemShape(
        "CERTIFICATE#",
        "certificate",
        _same_names(
            "application_id",
            "certificate_number",
            "kind",
            "language",
            "status",
            "issued_at",
            "reissue_of",
            "superseded_by",
        ),
    ),
}
"""Where each contract field of each data definition lives in our stored items."""


@dataclass(frozen=True)
class ContractKinds:
    """What the contract document says of each record kind's data."""

    definitions: Mapping[str, str]
    """Kind → the name of its data definition (``pass`` and ``part_pass`` share one)."""
    fields: Mapping[str, tuple[str, ...]]
    """Data definition → its fields."""
    instants: Mapping[str, frozenset[str]]
    """Data definition → its fields that are instants."""

    def shape(self, kind: str) -> ItemShape:
        return SOURCES[self.definitions[kind]]


def contract_kinds(document: Mapping[str, Any]) -> ContractKinds:
    """Each kind's data definition and fields, read from the contract's ``Record`` schema, and
    checked against :data:`SOURCES`."""
    definitions_of = document["$defs"]
    kinds: dict[str, str] = {}
    for rule in definitions_of["Record"]["allOf"]:
        condition = rule["if"]["properties"].get("kind")
        reference = rule["then"]["properties"].get("data", {}).get("$ref")
        if condition is None or reference is None:
            continue
        named = condition.get("enum") or [condition["const"]]
        for kind in named:
            kinds[kind] = reference.removeprefix("#/$defs/")
    expected = set(definitions_of["Kind"]["enum"])
    if set(kinds) != expected:
        raise ContractDriftError(
            f"the contract gives data to kinds {sorted(kinds)}, its kinds are {sorted(expected)}"
        )
    fields: dict[str, tuple[str, ...]] = {}
    instants: dict[str, frozenset[str]] = {}
    for name in sorted(set(kinds.values())):
        properties = definitions_of[name]["properties"]
        fields[name] = tuple(properties)
        instants[name] = frozenset(
            field_name
            for field_name, schema in properties.items()
            if schema.get("$ref") == "#/$defs/Instant"
        )
        placed = SOURCES.get(name)
        if placed is None or set(placed.fields) != set(properties):
            known = set() if placed is None else set(placed.fields)
            raise ContractDriftError(
                f"{name}: the contract's fields not placed here "
                f"{sorted(set(properties) - known)}, placed but not in the contract "
                f"{sorted(known - set(properties))}"
            )
    return ContractKinds(kinds, fields, instants)


def load_contract(path: Path | None = None) -> ContractKinds:
    """The contract document beside the national port (or the one at ``path``)."""
    text = (
        path.read_text(encoding="utf-8")
        if path is not None
        else resources.files("kentei.national").joinpath("contract.json").read_text("utf-8")
    )
    return contract_kinds(json.loads(text))


@dataclass(frozen=True)
class Held:
    """One record as one side holds it, reduced to what both must agree on."""

    kind: str
    record_id: str
    qualification_pseudonym_id: str
    prefecture_code: str
    deleted: bool
    data: Mapping[str, Any] | None
    version: int | None = None
    """Theirs only: the version they hold."""

    @property
    def key(self) -> tuple[str, str]:
        return self.kind, self.record_id


@dataclass(frozen=True)
class SentMark:
    """Our ``NATIONAL_SENT#`` mark: the newest version the national side acknowledged."""

    kind: str
    record_id: str
    version: int


def _string(item: Item, name: str, where: str) -> str:
    value = item.get(name)
    if not isinstance(value, Mapping) or not isinstance(value.get("S"), str):
        raise ComparisonError(f"{where}: no string attribute {name}")
    text: str = value["S"]
    return text


def _stored_json(item: Item, attribute: str, where: str) -> dict[str, Any]:
    try:
        loaded = json.loads(_string(item, attribute, where))
    except json.JSONDecodeError:
        raise ComparisonError(f"{where}: {attribute} is not JSON") from None
    if not isinstance(loaded, dict):
        raise ComparisonError(f"{where}: {attribute} is not a JSON object")
    return loaded


def _at(document: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    value: Any = document
    for step in path:
        if not isinstance(value, Mapping):
            return None
        value = value.get(step)
    return value


def _revoked_day(item: Item, where: str) -> str | None:
    if "revoked_at" not in item:
        return None
    revoked_at = dt.datetime.fromisoformat(_string(item, "revoked_at", where))
    if revoked_at.tzinfo is None:
        raise ComparisonError(f"{where}: revoked_at has no offset")
    return revoked_at.astimezone(JAPAN).date().isoformat()


def ours_of(item: Item, contract: ContractKinds) -> Held | None:
    """Our item as the record the national side should hold (None: not a synced item)."""
    record_key = _string(item, "record_key", "an item")
    prefecture = _string(item, "prefecture_code", record_key)
    where = f"{prefecture}/{record_key}"
    rest: str
    if record_key.startswith("EXAMINEE#"):
        kind, rest = "examinee", record_key.removeprefix("EXAMINEE#")
        # The contract keys an examinee by its prefecture and person (one record per
        # prefecture that holds the person).
        person, record_id = rest, f"{prefecture}-{rest}"
    elif record_key.startswith("SITTING#"):
        kind, rest = "sitting", record_key.removeprefix("SITTING#")
        person, _, record_id = rest.partition("#")
    elif record_key.startswith("PASS#"):
        rest = record_key.removeprefix("PASS#")
        person, _, record_id = rest.partition("#")
        if record_id.startswith("H-"):
            # A past pass (H-<passer number>): the contract adds the person, as a relinked
            # one keeps the first person's revoked record under the same id.
            record_id = f"{record_id}-{person}"
        kind = str(_stored_json(item, "record", where).get("kind"))
        if kind not in ("pass", "part_pass"):
            raise ComparisonError(f"{where}: a pass record of kind {kind!r}")
    elif record_key.startswith("CERTIFICATE#"):
        kind, record_id = "certificate", record_key.removeprefix("CERTIFICATE#")
        stored = _stored_json(item, "certificate", where)
        person = str(stored.get("qualification_pseudonym_id"))
    else:
        return None
    shape = contract.shape(kind)
    stored = _stored_json(item, shape.attribute, where)
    if kind == "examinee":
        held_my_number = [name for name in MY_NUMBER_ITEMS if stored.get(name)]
        if held_my_number:
            raise MyNumberFoundError(
                f"our examinee item {record_id} (prefecture {prefecture}) holds a My Number "
                f"({held_my_number[0]}): refused, nothing compared"
            )
    data = {
        name: _revoked_day(item, where) if isinstance(source, Revocation) else _at(stored, source)
        for name, source in shape.fields.items()
    }
    held = Held(kind, record_id, person, prefecture, deleted=False, data=data)
    _refuse_my_number(held, "our")
    return held


def theirs_of(document: Mapping[str, Any]) -> Held:
    """A record of the fake's store (``GET /_test/records``: the contract's Record)."""
    try:
        held = Held(
            kind=str(document["kind"]),
            record_id=str(document["record_id"]),
            qualification_pseudonym_id=str(document["qualification_pseudonym_id"]),
            prefecture_code=str(document["prefecture_code"]),
            deleted=bool(document["deleted"]),
            data=document["data"],
            version=int(document["version"]),
        )
    except (KeyError, TypeError, ValueError):
        raise ComparisonError("a national record lacks what the contract requires") from None
    _refuse_my_number(held, "the national")
    return held


def _refuse_my_number(held: Held, whose: str) -> None:
    found = my_number.scan(dict(held.data or {}))
    if found is not None:
        raise MyNumberFoundError(
            f"{whose} {held.kind} record {held.record_id} holds a My Number in {found}: refused"
        )


def sent_mark_of(item: Item) -> SentMark | None:
    """Our ``NATIONAL_SENT#`` item as a mark (None: another item)."""
    record_key = _string(item, "record_key", "an item")
    if not record_key.startswith(SENT_PREFIX):
        return None
    return SentMark(
        kind=_string(item, "kind", record_key),
        record_id=_string(item, "record_id", record_key),
        version=int(_string(item, "version", record_key)),
    )


@dataclass
class KindCounts:
    ours: int = 0
    theirs: int = 0
    same: int = 0
    differing: int = 0
    only_ours: int = 0
    only_theirs: int = 0
    deleted: int = 0
    """Of ``same``: deleted on their side, gone from ours."""

    def line(self, kind: str) -> str:
        counts = (
            f"{kind}: ours {self.ours}, theirs {self.theirs}, same {self.same}, "
            f"differing {self.differing}, only ours {self.only_ours}, "
            f"only theirs {self.only_theirs}"
        )
        return counts + (f" ({self.deleted} deleted on both sides)" if self.deleted else "")


@dataclass(frozen=True)
class Difference:
    kind: str
    record_id: str
    fields: tuple[str, ...]
    """``qualification_pseudonym_id``, ``prefecture_code``, ``deleted`` or ``data.<field>``."""


@dataclass(frozen=True)
class Behind:
    kind: str
    record_id: str
    held: int | None
    """The version the national side holds (None: none)."""
    sent: int


@dataclass
class Comparison:
    counts: dict[str, KindCounts] = field(
        default_factory=lambda: {kind: KindCounts() for kind in KINDS_IN_ORDER}
    )
    differing: list[Difference] = field(default_factory=list)
    only_ours: list[tuple[str, str]] = field(default_factory=list)
    only_theirs: list[tuple[str, str]] = field(default_factory=list)
    behind: list[Behind] = field(default_factory=list)
    twice: list[tuple[str, str]] = field(default_factory=list)
    """Records two of our items map to (two prefectures' items of one national record)."""

    @property
    def agree(self) -> bool:
        return not (
            self.differing or self.only_ours or self.only_theirs or self.behind or self.twice
        )

    def lines(self) -> list[str]:
        """The report: counts per kind, then each record that differs (ids and fields)."""
        lines = [self.counts[kind].line(kind) for kind in self.counts]
        lines += [
            f"differing {d.kind} {d.record_id}: {', '.join(d.fields)}" for d in self.differing
        ]
        lines += [f"only ours {kind} {record_id}" for kind, record_id in self.only_ours]
        lines += [f"only theirs {kind} {record_id}" for kind, record_id in self.only_theirs]
        lines += [
            f"behind {b.kind} {b.record_id}: national version {b.held or 'none'} is older "
            f"than the sent mark {b.sent}"
            for b in self.behind
        ]
        lines += [f"twice in ours {kind} {record_id}" for kind, record_id in self.twice]
        return lines

    def summary(self) -> str:
        """One line: each kind's counts as ``name=count`` pairs."""
        return "; ".join(
            f"{kind} ours={c.ours} theirs={c.theirs} same={c.same} differing={c.differing} "
            f"only_ours={c.only_ours} only_theirs={c.only_theirs}"
            for kind, c in self.counts.items()
        )


def compare(
    our_items: Iterable[Item], their_records: Iterable[Mapping[str, Any]], contract: ContractKinds
) -> Comparison:
    """Compare our synced items (and sent marks) with the national side's records."""
    result = Comparison()
    ours: dict[tuple[str, str], Held] = {}
    marks: list[SentMark] = []
    for item in our_items:
        mark = sent_mark_of(item)
        if mark is not None:
            marks.append(mark)
            continue
        held = ours_of(item, contract)
        if held is None:
            continue
        result.counts[held.kind].ours += 1
        if held.key in ours:
            result.twice.append(held.key)
        ours[held.key] = held
    theirs: dict[tuple[str, str], Held] = {}
    for document in their_records:
        record = theirs_of(document)
        if record.kind not in result.counts:
            raise ComparisonError(f"a national record of an unknown kind {record.kind!r}")
        result.counts[record.kind].theirs += 1
        theirs[record.key] = record
    for key in sorted(ours.keys() | theirs.keys()):
        _compare_one(result, contract, ours.get(key), theirs.get(key))
    for mark in marks:
        held_record = theirs.get((mark.kind, mark.record_id))
        held_version = None if held_record is None else held_record.version
        if held_version is None or held_version < mark.version:
            result.behind.append(Behind(mark.kind, mark.record_id, held_version, mark.version))
    return result


def _compare_one(
    result: Comparison, contract: ContractKinds, ours: Held | None, theirs: Held | None
) -> None:
    counts = result.counts[(ours or theirs).kind]  # type: ignore[union-attr]
    if ours is None:
        assert theirs is not None
        if theirs.deleted:
            counts.same += 1
            counts.deleted += 1
        else:
            counts.only_theirs += 1
            result.only_theirs.append(theirs.key)
        return
    if theirs is None:
        counts.only_ours += 1
        result.only_ours.append(ours.key)
        return
    fields = differing_fields(ours, theirs, contract)
    if fields:
        counts.differing += 1
        result.differing.append(Difference(ours.kind, ours.record_id, fields))
    else:
        counts.same += 1


def differing_fields(ours: Held, theirs: Held, contract: ContractKinds) -> tuple[str, ...]:
    """The names of what differs between two holdings of one record (values never leave)."""
    found = [
        name
        for name in ("qualification_pseudonym_id", "prefecture_code", "deleted")
        if getattr(ours, name) != getattr(theirs, name)
    ]
    if ours.deleted or theirs.deleted:
        return tuple(found)
    definition = contract.definitions[ours.kind]
    instants = contract.instants[definition]
    ours_data, theirs_data = ours.data or {}, theirs.data or {}
    for name in contract.fields[definition]:
        same = _same_value(ours_data.get(name), theirs_data.get(name), instant=name in instants)
        if not same:
            found.append(f"data.{name}")
    found += [
        f"data.{name}" for name in sorted(set(theirs_data) - set(contract.fields[definition]))
    ]
    return tuple(found)


def _same_value(ours: Any, theirs: Any, *, instant: bool) -> bool:
    if instant and isinstance(ours, str) and isinstance(theirs, str):
        try:
            return dt.datetime.fromisoformat(ours) == dt.datetime.fromisoformat(theirs)
        except ValueError:
            return ours == theirs
    if isinstance(ours, list | tuple) and isinstance(theirs, list | tuple):
        return list(ours) == list(theirs)
    return bool(ours == theirs)


SCANNED_PREFIXES: Final = (*(shape.prefix for shape in SOURCES.values()), SENT_PREFIX)


def our_items(dynamodb: DynamoDBClient, table: str) -> Iterator[dict[str, Any]]:
    """Every synced item and sent mark of every prefecture's partition (a consistent scan;
    the named partitions, ``CREDENTIALS`` and the like, are not a prefecture's)."""
    names = {f":p{n}": {"S": prefix} for n, prefix in enumerate(SCANNED_PREFIXES)}
    condition = " OR ".join(f"begins_with(record_key, {name})" for name in names)
    for page in dynamodb.get_paginator("scan").paginate(
        TableName=table,
        ConsistentRead=True,
        FilterExpression=condition,
        ExpressionAttributeValues=names,
    ):
        for item in page.get("Items", []):
            if PREFECTURE.match(item.get("prefecture_code", {}).get("S", "")):
                yield dict(item)


def their_records(endpoint: NationalEndpoint, timeout_s: float = 30.0) -> list[dict[str, Any]]:
    """Every record the fake national system holds, over its control path (mutual TLS)."""
    answer = requests.get(
        endpoint.url.rstrip("/") + RECORDS_PATH,
        cert=(str(endpoint.client.cert), str(endpoint.client.key)),
        verify=str(endpoint.ca_file),
        timeout=timeout_s,
    )
    if answer.status_code != 200:
        raise ComparisonError(f"GET {RECORDS_PATH} answered {answer.status_code}")
    records = answer.json().get("records")
    if not isinstance(records, list):
        raise ComparisonError(f"GET {RECORDS_PATH} answered no list of records")
    return records


def compare_stores(
    dynamodb: DynamoDBClient,
    table: str,
    endpoint: NationalEndpoint,
    contract: Callable[[], ContractKinds] = load_contract,
) -> Comparison:
    """Both stores as they are now, compared."""
    kinds = contract()
    theirs = their_records(endpoint)
    return compare(our_items(dynamodb, table), theirs, kinds)


AGREE: Final = "both sides agree"
REFUSED: Final = 2
"""The exit status of a refused comparison (a My Number found, the contract drifted)."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--endpoint", required=True, help="the local runtime's moto URL")
    parser.add_argument(
        "--runtime",
        type=Path,
        default=Path(".local") / RUNTIME_FILE,
        help="the runtime.json whose national section names the fake (default: .local/)",
    )
    parser.add_argument(
        "--table", default=physical_name("records"), help="the records table's physical name"
    )


def main(args: argparse.Namespace, out: TextIO, errors: TextIO) -> int:
    """Print the report; 0 when both sides agree, 1 when they differ, 2 when the comparison was
    refused (a My Number, a contract this script does not know) or could not be made."""
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        document = json.loads(Path(args.runtime).read_text(encoding="utf-8"))
        if not document.get("national"):
            raise ComparisonError(f"{args.runtime} names no national system")
        endpoint = NationalEndpoint.from_json(document["national"])
        session = boto3.Session(
            aws_access_key_id=FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=FAKE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
            region_name=catalog.REGION,
        )
        dynamodb = session.client("dynamodb", endpoint_url=args.endpoint)
        comparison = compare_stores(dynamodb, args.table, endpoint)
    except (MyNumberFoundError, ContractDriftError) as exc:
        print(f"REFUSED: {exc}", file=errors)
        return REFUSED
    except (ComparisonError, OSError, LookupError, ValueError, BotoCoreError, ClientError) as exc:
        # requests' errors are OSErrors; none of these quotes a record's value.
        print(f"cannot compare: {type(exc).__name__}: {exc}", file=errors)
        return REFUSED
    for line in comparison.lines():
        print(line, file=out)
    print(AGREE if comparison.agree else "the sides DIFFER", file=out)
    return 0 if comparison.agree else 1
