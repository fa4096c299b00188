"""A prefecture's suspensions of use and held work in memory, as
:class:`kentei.data.suspensions.PrefectureSuspensions` keeps them (certify's port)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from kentei.person_requests.suspension import HeldWork, Suspension


@dataclass
class FakeSuspensions:
    suspensions: dict[str, Suspension] = field(default_factory=dict)
    held: dict[tuple[str, str], HeldWork] = field(default_factory=dict)

    def suspend(self, person: str, prefecture_code: str = "13") -> None:
        self.suspensions[person] = Suspension(
            prefecture_code=prefecture_code,
            qualification_pseudonym_id=person,
            request_id="prq-" + "0" * 26,
            since=dt.datetime(2026, 4, 1, tzinfo=dt.UTC),
            by=f"staff:{prefecture_code}:privacy1",
        )

    def suspended_persons(self) -> frozenset[str]:
        return frozenset(self.suspensions)

    def suspension(self, person: str) -> Suspension | None:
        return self.suspensions.get(person)

    def hold_work(self, work: HeldWork) -> None:
        self.held[(work.qualification_pseudonym_id, work.application_id)] = work

    def held_work(self, person: str) -> list[HeldWork]:
        return [w for (p, _), w in sorted(self.held.items()) if p == person]

    def release_work(self, work: HeldWork) -> None:
        del self.held[(work.qualification_pseudonym_id, work.application_id)]
