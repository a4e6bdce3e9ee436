"""The background sync policy: interval, soon after a change, backoff after failures."""

from __future__ import annotations

from datetime import datetime, timedelta

from kiosk.services.sync_schedule import SyncSchedule

T0 = datetime(2026, 11, 20, 9, 0, 0)


def schedule() -> SyncSchedule:
    return SyncSchedule(
        interval=timedelta(minutes=5),
        after_change=timedelta(seconds=5),
        retry_min=timedelta(seconds=15),
        retry_max=timedelta(minutes=4),
    )


def test_runs_at_start_then_on_the_interval():
    policy = schedule()
    policy.start(T0)
    assert policy.is_due(T0)

    policy.succeeded(T0 + timedelta(seconds=3))

    assert not policy.is_due(T0 + timedelta(minutes=5))
    assert policy.is_due(T0 + timedelta(minutes=5, seconds=3))


def test_a_local_change_brings_the_next_run_forward_but_never_back():
    policy = schedule()
    policy.succeeded(T0)

    policy.local_change(T0 + timedelta(minutes=1))
    assert policy.next_run == T0 + timedelta(minutes=1, seconds=5)

    policy.local_change(T0 + timedelta(minutes=1, seconds=2))
    assert policy.next_run == T0 + timedelta(minutes=1, seconds=5)


def test_failures_back_off_exponentially_up_to_the_cap():
    policy = schedule()
    delays = []
    for _ in range(6):
        policy.failed(T0)
        delays.append(policy.seconds_until_due(T0))

    assert delays == [15, 30, 60, 120, 240, 240]
    policy.succeeded(T0)
    assert policy.failures == 0 and policy.seconds_until_due(T0) == 300


def test_changes_made_during_a_run_are_pushed_soon():
    policy = schedule()

    policy.succeeded(T0, changes_waiting=True)

    assert policy.seconds_until_due(T0) == 5
