"""`kiosk users`: staff accounts kept in the real database, PINs never shown."""

from __future__ import annotations

import io

import pytest

from kiosk.app.cli import main
from kiosk.app.settings import load_settings
from kiosk.app.wiring import build_services

pytestmark = pytest.mark.usefixtures("english")


def test_add_list_and_change_a_pin(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("4821\n"))
    assert main(["users", "add", "maria", "--role", "supervisor", "--pin-stdin"]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("7310\n"))
    assert main(["users", "passwd", "maria", "--pin-stdin"]) == 0
    assert main(["users"]) == 0

    out = capsys.readouterr().out
    assert "added maria (supervisor)" in out and "PIN changed for maria" in out
    assert "maria" in out.splitlines()[-1] and "supervisor" in out.splitlines()[-1]
    assert "4821" not in out and "7310" not in out
    staff = build_services(load_settings(None)).staff
    assert staff.login("maria", "7310").name == "maria"


def test_a_short_pin_is_refused_with_the_reason(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("12\n"))

    assert main(["users", "add", "luis", "--role", "clerk", "--pin-stdin"]) == 1
    assert "a PIN is at least 4 digits" in capsys.readouterr().err
