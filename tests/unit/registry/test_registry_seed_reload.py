"""The local fake registry reads its seed file again when the file changes, so a test can
move a person between two lookups."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from kentei.my_number import MyNumber
from kentei.registry import RegistryStatus
from kentei.registry.fake import RegistrySeedError, SeedFileRegistry
from kentei_local.fake_registry_server import DEMO_SEED

TARO = MyNumber("900000000010")


def _write(path: Path, entries: list[dict[str, str]], mtime_ns: int) -> None:
    path.write_text(json.dumps(entries, ensure_ascii=False), encoding="utf-8")
    os.utime(path, ns=(mtime_ns, mtime_ns))


def test_a_person_moved_in_the_seed_file_is_found_at_the_new_address(tmp_path: Path) -> None:
    seed = tmp_path / "seed.json"
    entries = json.loads(DEMO_SEED.read_text(encoding="utf-8"))
    _write(seed, entries, 1_000_000_000_000_000_000)
    registry = SeedFileRegistry(seed)
    before = registry.by_my_number(TARO)
    assert before.person is not None

    entries[0]["address"] = "東京都港区転居町九丁目8番7号"
    entries[0]["status"] = "moved"
    _write(seed, entries, 1_000_000_000_000_000_001)  # same second: the mtime_ns still moves

    after = registry.by_my_number(TARO)
    assert after.status is RegistryStatus.MOVED
    assert after.person is not None
    assert after.person.address == "東京都港区転居町九丁目8番7号"


def test_an_unchanged_file_is_not_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed = tmp_path / "seed.json"
    seed.write_bytes(DEMO_SEED.read_bytes())
    registry = SeedFileRegistry(seed)
    reads: list[Path] = []
    original = Path.read_bytes

    def counted(self: Path) -> bytes:
        reads.append(self)
        return original(self)

    monkeypatch.setattr(Path, "read_bytes", counted)
    registry.by_my_number(TARO)
    registry.by_my_number(TARO)
    assert reads == []


def test_a_seed_file_gone_is_an_error_naming_the_file_not_a_person(tmp_path: Path) -> None:
    seed = tmp_path / "seed.json"
    seed.write_bytes(DEMO_SEED.read_bytes())
    registry = SeedFileRegistry(seed)
    seed.unlink()
    with pytest.raises(RegistrySeedError, match="cannot be read"):
        registry.by_my_number(TARO)
