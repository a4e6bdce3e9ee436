"""A pass of the branch's background work runs only under the sync lease, and always lets it go."""

from __future__ import annotations

from datetime import datetime

import pytest

from kiosk.services.branch_work import BranchWork
from kiosk.services.ports.lease import LeaseGrant, LeaseHolder
from kiosk.services.sync import SyncReport
from tests.fakes.mutable_clock import MutableClock

NOW = datetime(2026, 12, 3, 10, 0)


class FakeLease:
    """A lease another client may hold; records what the pass told it."""

    shared = True

    def __init__(self, *, free: bool = True, other: LeaseHolder | None = None) -> None:
        self.free = free
        self.other = other
        self.progress: list[tuple[str, int]] = []
        self.released: list[str | None] = []

    def try_acquire(self) -> bool:
        return self.free

    def note_progress(self, activity: str, count: int) -> None:
        self.progress.append((activity, count))

    def release(self, error: str | None) -> None:
        self.released.append(error)

    def holder(self) -> LeaseHolder | None:
        return self.other

    def grants(self, limit: int = 20) -> list[LeaseGrant]:
        return []


class Work:
    """The parts of a pass, each noting that it ran."""

    def __init__(self, report: SyncReport | Exception) -> None:
        self.ran: list[str] = []
        self.report = report

    def run_once(self, *, full, progress, asked):
        self.ran.append("sync")
        progress("invoices", 500)
        if isinstance(self.report, Exception):
            raise self.report
        return self.report

    def deliver_new_invoices(self):
        self.ran.append("deliver")
        return "delivered"

    def check_if_due(self):
        self.ran.append("bounces")

    def purge_if_due(self):
        self.ran.append("purge")


def branch(lease: FakeLease, work: Work) -> BranchWork:
    return BranchWork(lease, work, work, work, work, MutableClock(NOW))  # type: ignore[arg-type]


def test_the_holder_syncs_delivers_and_lets_the_lease_go():
    lease, work = FakeLease(), Work(SyncReport(started_at=NOW, full=False))
    told: list[tuple[str, int]] = []

    outcome = branch(lease, work).run(progress=lambda entity, count: told.append((entity, count)))

    assert work.ran == ["sync", "deliver", "bounces", "purge"]
    assert outcome.delivered == "delivered" and outcome.report.held_by is None
    assert told == lease.progress == [("invoices", 500)]
    assert lease.released == [None]


def test_a_pass_that_could_not_reach_sap_says_so_to_the_others():
    lease = FakeLease()
    work = Work(SyncReport(started_at=NOW, full=False, error="SAP unreachable"))

    outcome = branch(lease, work).run()

    assert work.ran == ["sync", "bounces", "purge"]  # nothing delivered without a pull
    assert outcome.delivered is None and lease.released == ["SAP unreachable"]


def test_a_pass_that_crashes_still_lets_the_lease_go():
    lease, work = FakeLease(), Work(RuntimeError("bug"))

    with pytest.raises(RuntimeError):
        branch(lease, work).run()

    assert lease.released == ["the pass stopped before it finished"]


def test_while_another_client_holds_the_lease_nothing_runs_and_the_report_names_it():
    other = LeaseHolder("MTY-01 #2 (caja2, pid 77)", NOW, NOW, running=True)
    lease, work = FakeLease(free=False, other=other), Work(SyncReport(started_at=NOW, full=False))

    outcome = branch(lease, work).run(asked=True)

    assert work.ran == [] and lease.released == []
    assert outcome.report.held_by == "MTY-01 #2 (caja2, pid 77)" and outcome.report.error is None
    assert branch(lease, work).deliver() is None and work.ran == []


def test_the_holders_last_failure_is_the_branchs():
    other = LeaseHolder(
        "caja2", NOW, NOW, running=False, finished_at=NOW, outcome="error", error="SAP down"
    )
    lease, work = FakeLease(free=False, other=other), Work(SyncReport(started_at=NOW, full=False))

    assert branch(lease, work).run().report.error == "SAP down"


def test_kiosk_deliver_runs_under_the_lease_too():
    lease, work = FakeLease(), Work(SyncReport(started_at=NOW, full=False))

    assert branch(lease, work).deliver() == "delivered"
    assert work.ran == ["deliver"] and lease.released == [None]
