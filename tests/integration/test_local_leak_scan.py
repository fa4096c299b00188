"""The leak scan the e2e tier runs over output, items and messages finds what it must."""

from __future__ import annotations

import uuid

import pytest

from kentei.my_number import check_digit
from kentei_local.probes import my_numbers_in

FIRST_ELEVEN = "12345678901"
VALID = f"{FIRST_ELEVEN}{check_digit(FIRST_ELEVEN)}"
INVALID = f"{FIRST_ELEVEN}{(check_digit(FIRST_ELEVEN) + 1) % 10}"
FULL_WIDTH = VALID.translate(str.maketrans("0123456789", "０１２３４５６７８９"))


@pytest.mark.parametrize(
    "text",
    [
        f'{{"my_number": "{VALID}"}}',
        f"path=/v1/applicants/{VALID}?x=1",
        f"{VALID[:4]}-{VALID[4:8]}-{VALID[8:]}",
        f"番号 {FULL_WIDTH}",
    ],
)
def test_a_valid_my_number_is_found_however_written(text: str) -> None:
    assert len(my_numbers_in(text)) == 1


@pytest.mark.parametrize(
    "text",
    [
        INVALID,
        f"1{VALID}",
        "1795746972536",
        f"{uuid.UUID(int=0)}".replace("000000000000", VALID),
        f"took 0.{VALID} s",
    ],
)
def test_other_numbers_are_not_reported(text: str) -> None:
    assert my_numbers_in(text) == []


def test_an_emf_lines_values_are_numbers_of_their_own() -> None:
    """A metric's values (six counts of 3 and 2) once joined into a run of twelve digits
    whose check digit happened to pass (the thousand-applicant run, in CI); a number beside
    such a list is still found, and so is one in a list that is not all floats."""
    values = [1.0, 1.0, 1.0, 1.0, 3.0, 2.0]
    digits = "".join(f"{v:.0f}0" for v in values)
    assert check_digit(digits[:11]) == int(digits[11]), "a run that would pass"
    listed = ",".join(map(str, values))
    line = f'{{"_aws":{{}},"service":"verify","VaultKmsRequests":[{listed}]}}'
    assert my_numbers_in(line) == []
    assert len(my_numbers_in(f'{{"Value":[1.0,2.0],"note":"{VALID}"}}')) == 1
    assert len(my_numbers_in(f"[{VALID[:4]},{VALID[4:8]},{VALID[8:]}]")) == 1


def test_the_stored_scan_finds_a_plant_in_every_kind_of_resource_but_where_one_may_be() -> None:
    """Plants in a table item, an overwritten (older) object version, a delete marker's key,
    a queue and a DLQ, in other spellings: each is found; the vault and the inbox are not
    scanned (kentei_local.leaks.MAY_HOLD)."""
    from kentei import catalog
    from kentei_local import leaks
    from kentei_local.resources import physical_name
    from kentei_local.runtime import LocalRuntime
    from kentei_local.settings import LocalSettings

    dashed = f"{VALID[:4]}-{VALID[4:8]}-{VALID[8:]}"
    with LocalRuntime(LocalSettings(port=0), pumps=False) as runtime:
        dynamodb, s3, sqs = runtime.dynamodb(), runtime.s3(), runtime.sqs()
        assert leaks.stored_my_numbers(dynamodb, s3, sqs) == {}
        dynamodb.put_item(
            TableName=physical_name("audit"),
            Item={
                "audit_partition": {"S": "13"},
                "event_key": {"S": "x"},
                "note": {"S": f"番号 {FULL_WIDTH}"},
            },
        )
        bucket = physical_name("attachments")
        s3.put_object(Bucket=bucket, Key="a/scan.txt", Body=f"id {dashed}".encode())
        s3.put_object(Bucket=bucket, Key="a/scan.txt", Body=b"overwritten")
        s3.put_object(Bucket=bucket, Key=f"b/{VALID}.pdf", Body=b"x")
        s3.delete_object(Bucket=bucket, Key=f"b/{VALID}.pdf")
        s3.put_object(Bucket=physical_name("inbox"), Key="raw/document.json", Body=VALID.encode())
        for name in ("verify", "verify-dlq"):
            url = sqs.get_queue_url(QueueName=physical_name(name))["QueueUrl"]
            sqs.send_message(QueueUrl=url, MessageBody=f'{{"note": "{VALID}"}}')
        vault = next(t for t in catalog.TABLES if t.name == "vault")
        dynamodb.put_item(
            TableName=physical_name(vault.name),
            Item={vault.partition_key: {"S": "blind"}, "n": {"S": VALID}},
        )

        found = leaks.stored_my_numbers(dynamodb, s3, sqs)

    assert found == {
        "table:audit": 1,
        "bucket:attachments": 3,
        "queue:verify": 1,
        "queue:verify-dlq": 1,
    }


def test_the_output_scan_sees_a_logger_made_before_it_and_keeps_no_number() -> None:
    from aws_lambda_powertools import Logger

    from kentei_local import leaks

    logger = Logger(service="leak-scan-test")
    with leaks.scanning_output() as output:
        logger.info("fine", extra={"count": 3})
        logger.info("planted", extra={"value": VALID})
        print(f"番号 {FULL_WIDTH}")
    assert output.lines == 3
    assert [line.split(":")[0] for line in output.leaking] == ["line 2", "line 3"]
    assert all(my_numbers_in(line) == [] for line in output.leaking)
