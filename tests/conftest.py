"""Test-wide isolation: no real user folders, no inherited KIOSK_* settings, logging reset."""

from __future__ import annotations

import gc
import os
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.app.logging_setup import remove_kiosk_handlers

# Real delivery parts (a CUPS queue, SMTP and IMAP servers on loopback) and the test PostgreSQL
# for any test that asks.
pytest_plugins = [
    "tests.fixtures.delivery_parts",
    "tests.fixtures.imap_server",
    "tests.fixtures.postgres",
]

# Qt must never look for a display in tests; set before anything imports Qt.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    for name in list(os.environ):
        if name.startswith("KIOSK_") and name != "KIOSK_TEST_POSTGRES_URL":
            monkeypatch.delenv(name)
    monkeypatch.setenv("KIOSK_LOGGING__DIRECTORY", str(tmp_path / "logs"))
    monkeypatch.setenv("KIOSK_DATABASE__URL", f"sqlite:///{tmp_path / 'kiosk.sqlite3'}")
    yield
    # What a test built and did not close: on PostgreSQL an open connection left to the
    # garbage collector warns, and that warning fails whichever test runs then.
    from kiosk.app.wiring import close_built_services  # after Qt's platform is chosen above

    close_built_services()
    if os.environ.get("KIOSK_DATABASE__URL", "").startswith("postgresql"):
        # A connection a test left open (an engine it never disposed) is closed here, by the
        # collector, instead of warning during whichever test happens to run later.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            gc.collect()
    remove_kiosk_handlers()
