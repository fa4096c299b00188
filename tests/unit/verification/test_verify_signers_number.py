"""No registry oracle (the outside review's hole 1): an applicant who signs with their own card
and types someone else's My Number learns nothing about that number from what the bridge sees.

Unknown, deceased, moved, or a current stranger's: the bridge's status view is the same, one
reason code; staff see the cause in the verification evidence.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from tests.unit.verification.conftest import HANAKO, JIRO, STRANGER, TARO, UME, Person, World

from intake.views import ApplicationStatus, ReviewApplication
from kentei.applications.model import Application, Status
from kentei.my_number import MyNumber
from kentei.registry.fake import SeededRegistry, parse_seed
from kentei.signatures import disagreeing_items
from kentei.submissions import ApplicationForm
from kentei_local.probes import my_numbers_in
from verify import signer
from verify.signer import confirm_signers_number

NOT_CONFIRMED = "registry.not_confirmed"
OTHERS = {
    "unknown": (STRANGER, "unknown"),
    "deceased": (UME, "deceased"),
    "moved": (JIRO, "moved"),
    "current": (HANAKO, "current"),
}


def bridge_view(application: Application) -> dict[str, Any]:
    """What the bridge reads through the status route, without what differs by construction
    (the id and the times)."""
    view = ApplicationStatus.of(application).model_dump(mode="json")
    del view["application_id"], view["received_at"]
    for entry in view["history"]:
        del entry["at"]
    return view


def with_number_of(world: World, signer: Person, other: Person) -> str:
    """``signer``'s own form and card, with ``other``'s My Number typed in."""
    return world.mynaportal(signer, form=signer.form(my_number=other.my_number))


def test_someone_elses_number_looks_the_same_to_the_bridge_whatever_the_registry_holds(
    world: World,
) -> None:
    seen = {}
    for case, (other, _) in OTHERS.items():
        application_id = with_number_of(world, TARO, other)
        world.verify(application_id)
        seen[case] = bridge_view(world.application(application_id))

    first = seen["unknown"]
    assert first["status"] == "returned"
    assert [r["code"] for r in first["reasons"]] == [NOT_CONFIRMED]
    for case, view in seen.items():
        assert view == first, case
    assert len(world.vault) == 0


@pytest.mark.parametrize("case", sorted(OTHERS))
def test_staff_see_the_cause_in_review_and_the_bridge_does_not(world: World, case: str) -> None:
    other, status = OTHERS[case]
    application_id = with_number_of(world, TARO, other)

    world.verify(application_id)

    application = world.application(application_id)
    evidence = application.verification
    assert evidence is not None
    assert evidence["reason"] == NOT_CONFIRMED
    assert evidence["registry"]["status"] == status
    differing = evidence["registry"]["differing"]
    assert differing, "which items differ (names only) is kept for staff"
    assert set(differing) <= {"name", "sex", "birth_date", "address"}
    review = ReviewApplication.of(application, ()).model_dump(mode="json")
    assert review["verification"]["registry"]["status"] == status
    bridge = json.dumps(ApplicationStatus.of(application).model_dump(mode="json"))
    for leak in ("verification", "differing", "deceased", "moved", "unknown", "not_found"):
        assert leak not in bridge, leak
    assert my_numbers_in(json.dumps(evidence, ensure_ascii=False)) == []


def test_a_number_whose_record_differs_in_one_item_is_not_the_signers(world: World) -> None:
    twin = {**TARO.seed(), "my_number": "900000000087", "address": "東京都千代田区別町1-1-1"}
    world.registry = SeededRegistry(parse_seed(json.dumps([TARO.seed(), twin])))
    application_id = world.mynaportal(TARO, form=TARO.form(my_number="900000000087"))

    world.verify(application_id)

    application = world.application(application_id)
    assert [r.code for r in application.reasons] == [NOT_CONFIRMED]
    assert application.verification is not None
    assert application.verification["registry"]["differing"] == ["address"]


def test_the_signers_own_moved_record_is_told_as_moved(world: World) -> None:
    application_id = world.mynaportal(JIRO)

    world.verify(application_id)

    application = world.application(application_id)
    assert application.status is Status.RETURNED
    assert [r.code for r in application.reasons] == ["registry.moved"]


def test_the_signers_own_deceased_record_is_told_as_deceased(world: World) -> None:
    application_id = world.egov(UME)

    world.verify(application_id)

    assert [r.code for r in world.application(application_id).reasons] == ["registry.deceased"]


def test_every_item_is_compared_whatever_the_status(world: World) -> None:
    """Constant shape: the comparison runs for an unknown number too (against a blank)."""
    calls: list[str] = []

    def counting(certified: Any, claimed: Any) -> tuple[str, ...]:
        calls.append("compared")
        return disagreeing_items(certified, claimed)

    form = ApplicationForm.model_validate(TARO.form(my_number=STRANGER.my_number))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(signer, "disagreeing_items", counting)
        for number in (STRANGER.my_number, UME.my_number, JIRO.my_number, HANAKO.my_number):
            confirm_signers_number(form, MyNumber(number), world.registry)
    assert calls == ["compared"] * 4
