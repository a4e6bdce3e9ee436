"""A kiosk that cannot start shows one dialog naming the problem, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from kiosk.app.cli import main


def read_and_close_the_dialog(seen: list[str]) -> None:
    dialog = QApplication.activeModalWidget()
    if not isinstance(dialog, QMessageBox):
        QTimer.singleShot(20, lambda: read_and_close_the_dialog(seen))
        return
    seen.append(dialog.text())
    dialog.accept()


def test_bad_settings_open_one_dialog_that_names_the_key(
    qtbot: QtBot, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "kiosk.toml"
    config.write_text('[kiosk]\nidle_timeout_seconds = "soon"\n', encoding="utf-8")
    seen: list[str] = []
    QTimer.singleShot(0, lambda: read_and_close_the_dialog(seen))

    code = main(["--config", str(config)])

    assert code == 2
    [text] = seen
    assert text.startswith("El quiosco no puede iniciar.")
    assert "kiosk.idle_timeout_seconds" in text and "Traceback" not in text
    assert "kiosk.idle_timeout_seconds" in capsys.readouterr().err


def test_an_unusable_database_opens_the_dialog_too(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    not_a_database = tmp_path / "cache.sqlite3"
    not_a_database.write_text("this is not SQLite", encoding="utf-8")
    monkeypatch.setenv("KIOSK_DATABASE__URL", f"sqlite:///{not_a_database}")
    seen: list[str] = []
    QTimer.singleShot(0, lambda: read_and_close_the_dialog(seen))

    code = main([])

    assert code == 1
    [text] = seen
    assert "The kiosk cannot start." in text and "Traceback" not in text
    assert "is not a SQLite database or is damaged" in text and str(not_a_database) in text
