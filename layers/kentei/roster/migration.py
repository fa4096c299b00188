"""Moving examinees registered the old way onto the roster.

Before registration moved to the acceptance, verify registered the person when it verified
an application (one ``EXAMINEE#`` item per person, before review, overwritten by the next
application). Now an examinee exists only for accepted applications, with one sitting each.
For each legacy examinee of a prefecture:

- none of its applications accepted: the examinee is deleted (a returned, rejected or still
  reviewed application leaves no roster entry; one accepted later is registered then);
- else each accepted application without a sitting gets one, with an exam number drawn as
  at acceptance, and the examinee keeps only its accepted applications.

An accepted application that cannot become a sitting (items missing) is reported by id for
staff and left as it is. Idempotent: a run interrupted midway is finished by the next one.
A dry run reports the same without writing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from kentei.applications.model import Application, Status
from kentei.records.examinee import Examinee
from kentei.roster.exam_numbers import Scheme
from kentei.roster.registration import NotRegistrableError, registration_of
from kentei.roster.sitting import Sitting


class LegacyRoster(Protocol):
    def legacy_examinees(self) -> list[tuple[str, frozenset[str]]]: ...

    def sitting(self, qualification_pseudonym_id: str, application_id: str) -> Sitting | None: ...

    def draw(self, counter: str) -> int: ...

    def registration_writes(self, examinee: Examinee, sitting: Sitting, at: datetime) -> list: ...  # type: ignore[type-arg]

    def register(self, writes: list) -> None: ...  # type: ignore[type-arg]

    def finish_migration(
        self, qualification_pseudonym_id: str, accepted: frozenset[str]
    ) -> None: ...

    def delete_examinee(self, qualification_pseudonym_id: str) -> None: ...


@dataclass
class MigrationReport:
    """Counts and application ids only (ids are not personal data)."""

    prefecture_code: str
    examinees: int = 0
    deleted: int = 0
    sittings_registered: int = 0
    already_registered: int = 0
    not_registrable: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Accepted application id → the items it lacks, for staff."""


def migrate(
    prefecture_code: str,
    roster: LegacyRoster,
    application: Callable[[str], Application | None],
    scheme: Scheme,
    *,
    apply: bool,
) -> MigrationReport:
    report = MigrationReport(prefecture_code)
    for pseudonym, application_ids in roster.legacy_examinees():
        report.examinees += 1
        accepted = [
            found
            for found in (application(a) for a in sorted(application_ids))
            if found is not None and found.status is Status.ACCEPTED
        ]
        if not accepted:
            report.deleted += 1
            if apply:
                roster.delete_examinee(pseudonym)
            continue
        for app in accepted:
            if roster.sitting(pseudonym, app.application_id) is not None:
                report.already_registered += 1
                continue
            try:
                registration = registration_of(
                    app.model_copy(update={"qualification_pseudonym_id": pseudonym})
                )
            except NotRegistrableError as exc:
                report.not_registrable[app.application_id] = exc.missing
                continue
            report.sittings_registered += 1
            if apply:
                acceptance = _acceptance(app)
                sitting = registration.drawn_sitting(
                    scheme, roster.draw, at=acceptance[0], by=acceptance[1]
                )
                roster.register(
                    roster.registration_writes(registration.examinee, sitting, acceptance[0])
                )
        if apply:
            roster.finish_migration(pseudonym, frozenset(a.application_id for a in accepted))
    return report


def _acceptance(application: Application) -> tuple[datetime, str]:
    """When and by whom the application was accepted (its latest acceptance)."""
    for change in reversed(application.history):
        if change.status is Status.ACCEPTED:
            return change.at, change.by
    return application.received_at, "migration"
