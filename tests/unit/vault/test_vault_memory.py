"""The in-memory vault and links: the port's behaviour that callers rely on, without AWS."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from kentei.my_number import MyNumber
from kentei.vault import (
    PseudonymLinkConflictError,
    UnknownPseudonymError,
    Vault,
    VaultEntry,
    new_qualification_pseudonym_id,
)
from kentei.vault.links import InMemoryPseudonymLinks
from kentei.vault.memory import InMemoryVault

TARO = MyNumber("900000000010")
HANAKO = MyNumber("900000000028")


def test_given_the_same_person_twice_then_one_entry_and_the_same_pseudonym() -> None:
    vault = InMemoryVault()

    first, second = vault.enrol(TARO), vault.enrol(MyNumber("９０００００００００１０"))

    assert first.created
    assert not second.created
    assert first.qualification_pseudonym_id == second.qualification_pseudonym_id
    assert first.enrolled_at == second.enrolled_at
    assert len(vault) == 1


def test_given_different_persons_then_different_pseudonyms() -> None:
    vault = InMemoryVault()

    assert vault.enrol(TARO) != vault.enrol(HANAKO)
    assert len(vault) == 2


def test_given_an_enrolled_person_then_find_and_reveal_agree() -> None:
    vault: Vault = InMemoryVault()
    entry = vault.enrol(TARO)

    assert vault.find(TARO) == VaultEntry(
        entry.qualification_pseudonym_id, created=False, enrolled_at=entry.enrolled_at
    )
    assert vault.find(HANAKO) is None
    assert vault.reveal(entry.qualification_pseudonym_id) == TARO


def test_given_an_unknown_pseudonym_then_reveal_refuses() -> None:
    with pytest.raises(UnknownPseudonymError):
        InMemoryVault().reveal(new_qualification_pseudonym_id())


def test_given_operations_then_kms_requests_are_counted_as_the_real_vault_would() -> None:
    vault = InMemoryVault()

    entry = vault.enrol(TARO)
    assert vault.kms_requests.snapshot() == {"GenerateMac": 1, "Encrypt": 1}
    vault.enrol(TARO)
    vault.reveal(entry.qualification_pseudonym_id)

    assert vault.kms_requests.snapshot() == {"GenerateMac": 2, "Encrypt": 1, "Decrypt": 1}
    assert vault.kms_requests.total == 4


def test_given_concurrent_enrolments_of_one_person_then_one_pseudonym() -> None:
    vault = InMemoryVault()

    with ThreadPoolExecutor(max_workers=8) as pool:
        entries = list(pool.map(lambda _: vault.enrol(TARO), range(32)))

    assert len({e.qualification_pseudonym_id for e in entries}) == 1
    assert sum(e.created for e in entries) == 1


def test_given_the_vault_then_its_repr_holds_no_number() -> None:
    vault = InMemoryVault()
    vault.enrol(TARO)

    assert "900000000010" not in repr(vault.__dict__)


def test_given_a_link_then_both_directions_resolve_and_relinking_is_idempotent() -> None:
    links = InMemoryPseudonymLinks()
    person = new_qualification_pseudonym_id()

    links.link_mynaportal(person, "mp-000111222")
    links.link_mynaportal(person, "mp-000111222")

    assert links.qualification_for("mp-000111222") == person
    assert links.mynaportal_for(person) == "mp-000111222"
    assert links.qualification_for("mp-unknown-1") is None


def test_given_a_mynaportal_pseudonym_of_another_person_then_linking_is_refused() -> None:
    links = InMemoryPseudonymLinks()
    links.link_mynaportal(new_qualification_pseudonym_id(), "mp-000111222")

    with pytest.raises(PseudonymLinkConflictError):
        links.link_mynaportal(new_qualification_pseudonym_id(), "mp-000111222")


def test_given_a_new_mynaportal_account_then_notices_go_to_the_latest() -> None:
    links = InMemoryPseudonymLinks()
    person = new_qualification_pseudonym_id()
    links.link_mynaportal(person, "mp-old-account")
    links.link_mynaportal(person, "mp-new-account")

    assert links.mynaportal_for(person) == "mp-new-account"
    assert links.qualification_for("mp-old-account") == person


@pytest.mark.parametrize(
    ("qualification", "mynaportal"),
    [("not-a-pseudonym", "mp-000111222"), (None, "short"), (None, "has space 123")],
)
def test_given_malformed_ids_then_linking_is_refused(
    qualification: str | None, mynaportal: str
) -> None:
    with pytest.raises(ValueError, match="pseudonymous ID"):
        InMemoryPseudonymLinks().link_mynaportal(
            qualification or new_qualification_pseudonym_id(), mynaportal
        )


def test_given_a_number_then_its_blind_index_is_stable_per_person_and_keyed() -> None:
    vault, other = InMemoryVault(), InMemoryVault()

    reference = vault.blind_index(TARO)

    assert reference == vault.blind_index(TARO)
    assert reference != vault.blind_index(HANAKO)
    assert reference != other.blind_index(TARO), "keyed: another key, another reference"
    assert "900000000010" not in reference
    assert len(vault) == 0
