"""Logging: the rotating file is written, and secrets are masked whoever logs them."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from kiosk.app.logging_setup import configure_logging


def test_log_file_masks_secrets(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    log_file = configure_logging(
        tmp_path / "logs", level="INFO", stderr_level=logging.WARNING, secrets=["s3cr3t-pw"]
    )

    logging.getLogger("kiosk.test").warning("login with password %s failed", "s3cr3t-pw")

    assert log_file is not None
    written = log_file.read_text(encoding="utf-8")
    assert "login with password ******** failed" in written
    assert "s3cr3t-pw" not in written
    assert "s3cr3t-pw" not in capsys.readouterr().err


def test_stderr_shows_warnings_only_by_default(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    configure_logging(tmp_path, level="INFO", stderr_level=logging.WARNING, secrets=[])

    logging.getLogger("kiosk.test").info("quiet detail")
    logging.getLogger("kiosk.test").warning("printer offline")

    err = capsys.readouterr().err
    assert "printer offline" in err and "quiet detail" not in err
    assert "quiet detail" in (tmp_path / "kiosk.log").read_text(encoding="utf-8")


def test_unwritable_log_folder_does_not_stop_the_program(tmp_path: Path):
    blocker = tmp_path / "file"
    blocker.write_text("")

    assert configure_logging(blocker / "logs", level="INFO", stderr_level=99, secrets=[]) is None
