"""The sealed copy: AES-256-GCM under a scrypt key from a one-time passphrase of four groups of
five base32 characters; the envelope names nothing of the content, any change to it fails the
opening, and the CLI opens a copy with the passphrase read from stdin."""

from __future__ import annotations

import base64
import io
import json
import re
from pathlib import Path

import pytest

from kentei.disclosures import sealing
from kentei.disclosures.__main__ import main
from kentei.disclosures.sealing import (
    SealError,
    WrongPassphraseError,
    new_passphrase,
    normalised,
    open_sealed,
    seal,
)

PLAINTEXT = json.dumps({"氏名": "山田 太郎", "my_number": "123456789018"}, ensure_ascii=False)
SHAPE = re.compile(r"^[A-Z2-7]{5}-[A-Z2-7]{5}-[A-Z2-7]{5}-[A-Z2-7]{5}$")


def test_a_passphrase_is_four_groups_of_five_base32_characters_drawn_anew_each_time() -> None:
    drawn = [new_passphrase() for _ in range(200)]
    assert all(SHAPE.match(p) for p in drawn)
    assert len(set(drawn)) == len(drawn)
    assert len(sealing.ALPHABET) ** (sealing.GROUPS * sealing.GROUP_LENGTH) == 2**100


def test_a_passphrase_is_read_back_in_any_case_with_spaces_or_hyphens() -> None:
    passphrase = new_passphrase()
    typed = passphrase.lower().replace("-", " ")
    assert normalised(typed) == passphrase.replace("-", "")
    with pytest.raises(WrongPassphraseError):
        normalised("ABCDE-FGHIJ-KLMNO")  # too short
    with pytest.raises(WrongPassphraseError):
        normalised("ABCDE-FGHIJ-KLMNO-PQRS1")  # 1 is not in the alphabet


def test_sealed_then_opened_with_the_same_passphrase_gives_the_plaintext_back() -> None:
    passphrase = new_passphrase()
    sealed = seal(PLAINTEXT.encode(), passphrase)

    assert open_sealed(sealed, passphrase.lower()) == PLAINTEXT.encode()
    envelope = json.loads(sealed)
    assert envelope["kdf"]["name"] == "scrypt"
    assert (envelope["kdf"]["n"], envelope["kdf"]["r"], envelope["kdf"]["p"]) == (2**15, 8, 1)
    assert envelope["cipher"]["name"] == "AES-256-GCM"
    assert len(base64.b64decode(envelope["cipher"]["nonce"])) == 12
    # Nothing of the content in the clear: not the name, not the number.
    assert "123456789018" not in sealed.decode()
    assert "山田" not in sealed.decode("utf-8")
    # A second sealing of the same content differs (new salt and nonce).
    assert seal(PLAINTEXT.encode(), passphrase) != sealed


def test_another_passphrase_does_not_open_the_copy() -> None:
    sealed = seal(PLAINTEXT.encode(), new_passphrase())
    with pytest.raises(WrongPassphraseError):
        open_sealed(sealed, new_passphrase())


@pytest.mark.parametrize(
    "change",
    [
        lambda e: e["kdf"].update(salt=base64.b64encode(b"\0" * 16).decode()),
        lambda e: e["kdf"].update(n=2**14),
        lambda e: e["cipher"].update(nonce=base64.b64encode(b"\0" * 12).decode()),
        lambda e: e.update(ciphertext=base64.b64encode(b"\1" * 40).decode()),
    ],
    ids=["salt", "cost", "nonce", "ciphertext"],
)
def test_a_changed_envelope_does_not_open(change: object) -> None:
    passphrase = new_passphrase()
    envelope = json.loads(seal(PLAINTEXT.encode(), passphrase))
    change(envelope)  # type: ignore[operator]
    with pytest.raises(WrongPassphraseError):
        open_sealed(json.dumps(envelope).encode(), passphrase)


@pytest.mark.parametrize(
    "sealed",
    [
        b"not json",
        b"{}",
        json.dumps({"format": "other", "version": 1, "kdf": {}, "cipher": {}}).encode(),
    ],
)
def test_a_file_of_another_kind_is_refused_as_such(sealed: bytes) -> None:
    with pytest.raises(SealError) as raised:
        open_sealed(sealed, new_passphrase())
    assert not isinstance(raised.value, WrongPassphraseError)


def test_a_crafted_cost_beyond_the_limit_is_refused_before_deriving() -> None:
    passphrase = new_passphrase()
    envelope = json.loads(seal(b"x", passphrase))
    envelope["kdf"]["n"] = 2**24
    with pytest.raises(SealError, match="out of range"):
        open_sealed(json.dumps(envelope).encode(), passphrase)


def test_the_cli_opens_a_copy_with_the_passphrase_from_stdin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    passphrase = new_passphrase()
    copy = tmp_path / "copy.sealed"
    copy.write_bytes(seal(PLAINTEXT.encode(), passphrase))
    out = tmp_path / "copy.json"

    monkeypatch.setattr("sys.stdin", io.StringIO(passphrase + "\n"))
    assert main(["open", str(copy), "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == PLAINTEXT

    monkeypatch.setattr("sys.stdin", io.StringIO(new_passphrase() + "\n"))
    assert main(["open", str(copy)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "does not open" in captured.err

    assert main(["open", str(tmp_path / "missing.sealed")]) == 2
