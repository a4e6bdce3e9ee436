"""The service files in resources/ start commands the kiosk has, with the settings it reads."""

from __future__ import annotations

import configparser
import shlex

from kiosk.app.cli.command_line import build_parser
from kiosk.bundled_files import resource_path
from kiosk.language.catalogue import Texts


def test_the_systemd_unit_runs_serve_sync_with_a_settings_file_and_restarts():
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str  # type: ignore[assignment,method-assign]  # keys keep their case
    unit.read(resource_path("service") / "kiosk-serve-sync.service")
    service = unit["Service"]

    program, *arguments = shlex.split(service["ExecStart"])
    assert program.endswith("/kiosk")
    assert build_parser(Texts("en")).parse_args(arguments).command == "serve-sync"
    assert service["Environment"].startswith("KIOSK_CONFIG=")
    assert (service["Restart"], service["KillSignal"]) == ("always", "SIGTERM")
    assert "network-online.target" in unit["Unit"]["After"]


def test_the_windows_note_uses_the_same_command():
    note = (resource_path("service") / "windows-service.md").read_text(encoding="utf-8")

    assert '"C:\\Program Files\\Billing Kiosk\\kiosk.exe" serve-sync' in note
    assert "KIOSK_CONFIG=" in note
