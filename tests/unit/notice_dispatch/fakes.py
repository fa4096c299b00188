"""In-memory ports for the pass and completion notice tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from tests.unit.person_requests.fakes import FakeSuspensions

from certify.dependencies import NoticeDependencies
from kentei.applications.model import Application
from kentei.egov_notices.fake import InMemoryEgov
from kentei.egov_notices.model import CompletionNotice, CompletionReceipt
from kentei.exams.catalogue import load_catalogue
from kentei.exemptions.model import PassRecord
from kentei.notice_records import NoticeRecord, PostListEntry
from kentei.notices.fake import InMemoryMynaportal
from kentei.notices.model import Delivery, Notice, Receipt
from kentei.notices.port import NoticeError
from kentei.results.revocations import PassRevocationRecord

AT = dt.datetime(2026, 7, 1, 9, 0, tzinfo=dt.UTC)


@dataclass
class Failing:
    """A port that raises ``error`` for the first ``times`` calls, then forwards."""

    inner: InMemoryMynaportal
    error: NoticeError
    times: int
    calls: int = 0

    def send(self, notice: Notice) -> Receipt:
        self.calls += 1
        if self.calls <= self.times:
            raise self.error
        return self.inner.send(notice)

    def status(self, notice_id: str) -> Delivery | None:
        return self.inner.status(notice_id)


@dataclass
class CountingEgov:
    inner: InMemoryEgov = field(default_factory=InMemoryEgov)
    error: Exception | None = None
    calls: int = 0

    def send(self, notice: CompletionNotice) -> CompletionReceipt:
        self.calls += 1
        if self.error is not None:
            raise self.error
        return self.inner.send(notice)


@dataclass
class World:
    applications: dict[str, Application] = field(default_factory=dict)
    passes: dict[tuple[str, str], PassRecord] = field(default_factory=dict)
    records: dict[str, NoticeRecord] = field(default_factory=dict)
    post: dict[tuple[str, str], PostListEntry] = field(default_factory=dict)
    links: dict[str, str] = field(default_factory=dict)
    revocations: dict[tuple[str, str], PassRevocationRecord] = field(default_factory=dict)
    """(資格仮名ID, application id) → the pass's revocation (合格の取消し)."""
    suspensions: FakeSuspensions = field(default_factory=FakeSuspensions)
    mynaportal: InMemoryMynaportal | Failing = field(default_factory=InMemoryMynaportal)
    egov: CountingEgov = field(default_factory=CountingEgov)
    sends: int = 0

    # ports, one object for every prefecture
    def application(self, application_id: str) -> Application | None:
        return self.applications.get(application_id)

    def pass_of(self, person: str, application_id: str) -> PassRecord | None:
        return self.passes.get((person, application_id))

    def revocation(self, person: str, application_id: str) -> PassRevocationRecord | None:
        return self.revocations.get((person, application_id))

    def announced_pass_of(self, person: str, application_id: str) -> PassRecord | None:
        """None once its revocation is kept (as the data layer marks the record in the
        revocation's transaction)."""
        if (person, application_id) in self.revocations:
            return None
        return self.pass_of(person, application_id)

    def get(self, notice_id: str) -> NoticeRecord | None:
        return self.records.get(notice_id)

    def save(self, record: NoticeRecord, post: PostListEntry | None = None) -> NoticeRecord:
        stored = self.records.get(record.notice_id)
        if stored is not None and stored.final:
            return stored
        self.records[record.notice_id] = record
        if post is not None:
            self.post[(post.group_key, post.application_id)] = post
        return record

    def mynaportal_for(self, person: str) -> str | None:
        return self.links.get(person)

    def deps(self) -> NoticeDependencies:
        return NoticeDependencies(
            applications=lambda _: self,
            passes=lambda _: self,
            records=lambda _: self,
            mynaportal=self.mynaportal,
            egov=self.egov,
            addresses=self,
            catalogue=load_catalogue,
            clock=lambda: AT,
            revocations=lambda _: self,
            suspensions=lambda _: self.suspensions,
        )
