"""The command-line tests read the CLI's English; its Spanish default has tests of its own."""

from __future__ import annotations

import pytest


@pytest.fixture
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    """`kiosk.language = "en"` in the settings, for this process and the commands it starts."""
    monkeypatch.setenv("KIOSK_KIOSK__LANGUAGE", "en")
