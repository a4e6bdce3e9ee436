"""The sync lease on a real PostgreSQL: one holder at a time, seen by the others, and taken
over at once when the holder is killed; on SQLite, always this client's."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine

from kiosk.bundled_files import migrations_path
from kiosk.storage.database import create_database_engine
from kiosk.storage.schema_migration import ensure_schema
from kiosk.storage.sync_lease import PostgresSyncLease, SingleClientLease, sync_lease
from tests.fakes.mutable_clock import MutableClock
from tests.fixtures.postgres import empty_postgres, postgres_url

ROOT = Path(__file__).parents[3]
NOW = datetime(2026, 12, 3, 10, 0)


# A client that takes the lease, says so, and then waits to be killed.
HOLD_THE_LEASE = """
import sys, time
from datetime import datetime
from kiosk.storage.database import create_database_engine
from kiosk.storage.sync_lease import sync_lease
from tests.fakes.mutable_clock import MutableClock
engine = create_database_engine(sys.argv[1])
lease = sync_lease(engine, "killed kiosk", MutableClock(datetime.now()))
assert lease.try_acquire()
lease.note_progress("invoices", 42)
print("holding", flush=True)
time.sleep(600)
"""


@pytest.fixture
def postgres() -> Iterator[Engine]:
    engine = empty_postgres()
    ensure_schema(engine, migrations_path())
    yield engine
    engine.dispose()


@pytest.fixture
def lease() -> Iterator[Callable[[Engine, str], PostgresSyncLease]]:
    """Leases that are let go after the test, even a failed one, so no lock outlives it."""
    made: list[PostgresSyncLease] = []

    def make(engine: Engine, holder: str) -> PostgresSyncLease:
        created = sync_lease(engine, holder, MutableClock(NOW))
        assert isinstance(created, PostgresSyncLease)
        made.append(created)
        return created

    yield make
    for each in made:
        each.release(None)


@pytest.fixture
def holder_process(postgres: Engine) -> Iterator[subprocess.Popen[str]]:
    """Another client, holding the lease until it is killed."""
    process = subprocess.Popen(
        [sys.executable, "-c", HOLD_THE_LEASE, postgres_url()], cwd=ROOT,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    assert process.stdout is not None
    line = process.stdout.readline().strip()
    if line != "holding":
        process.kill()
        _, errors = process.communicate()
        pytest.fail(f"the holding client did not start: {errors}")
    yield process
    process.kill()
    process.communicate()


def test_only_one_client_holds_the_lease_and_the_others_see_who(postgres: Engine, lease):
    other_engine = create_database_engine(postgres_url())
    first, second = lease(postgres, "Caja 1"), lease(other_engine, "Caja 2")

    assert first.try_acquire()
    assert not second.try_acquire()
    first.note_progress("invoices", 1500)
    seen = second.holder()
    assert seen is not None and seen.holder == "Caja 1" and seen.running
    assert (seen.activity, seen.progress) == ("invoices", 1500)

    first.release(None)
    assert second.try_acquire()
    second.release("SAP unreachable")
    last = first.holder()
    assert last is not None and last.holder == "Caja 2" and not last.running
    assert (last.outcome, last.error) == ("error", "SAP unreachable")
    assert [grant.holder for grant in first.grants()] == ["Caja 2", "Caja 1"]
    other_engine.dispose()


def test_a_holder_killed_mid_pass_lets_another_take_over_at_once(
    postgres: Engine, lease, holder_process: subprocess.Popen[str]
):
    holder = holder_process
    waiting = lease(postgres, "Caja 2")
    assert not waiting.try_acquire()

    holder.send_signal(signal.SIGKILL)
    holder.wait()
    deadline = time.monotonic() + 10
    while not waiting.try_acquire():
        assert time.monotonic() < deadline, "the lease was not free 10 s after its holder died"
        time.sleep(0.1)

    grants = waiting.grants()
    assert [grant.holder for grant in grants] == ["Caja 2", "killed kiosk"]


def test_the_status_says_when_a_holder_stopped_without_finishing(
    postgres: Engine, lease, holder_process: subprocess.Popen[str]
):
    holder = holder_process
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    time.sleep(0.5)  # the server notices the closed socket

    seen = lease(postgres, "Caja 2").holder()

    assert seen is not None and seen.holder == "killed kiosk"
    assert not seen.running and seen.finished_at is None and seen.progress == 42


def test_on_sqlite_the_lease_is_always_this_clients(tmp_path: Path):
    engine = create_database_engine(f"sqlite:///{tmp_path / 'cache.sqlite3'}")
    ensure_schema(engine, migrations_path())

    made = sync_lease(engine, "Caja 1", MutableClock(NOW))

    assert isinstance(made, SingleClientLease) and not made.shared
    assert made.try_acquire() and made.try_acquire()
    assert made.holder() is None and made.grants() == []
    engine.dispose()
