"""Logging: a rotating file in the user log folder, stderr for the CLI, secrets always masked."""

from __future__ import annotations

import logging
import logging.handlers
import sys
from collections.abc import Iterable
from pathlib import Path

LOG_FILE_NAME = "kiosk.log"
_MASK = "********"


class SecretMaskingFilter(logging.Filter):
    """Replace any known secret value in a record's final text, whatever logged it."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self._secrets = [secret for secret in secrets if secret]

    def filter(self, record: logging.LogRecord) -> bool:
        if not self._secrets:
            return True
        text = record.getMessage()
        masked = text
        for secret in self._secrets:
            masked = masked.replace(secret, _MASK)
        if masked != text:
            record.msg, record.args = masked, None
        return True


class _KioskHandler:
    """Marks the handlers this module installed, so a second call replaces them."""


def configure_logging(
    directory: Path, *, level: str, stderr_level: int, secrets: Iterable[str]
) -> Path | None:
    """Install the file and stderr handlers; return the log file (None if it cannot be written)."""
    remove_kiosk_handlers()
    root = logging.getLogger()
    root.setLevel(min(logging.getLevelName(level), stderr_level))
    masking = SecretMaskingFilter(secrets)

    stderr = _StderrHandler(sys.stderr)
    stderr.setLevel(stderr_level)
    stderr.setFormatter(_OneLineFormatter("kiosk: %(levelname)s: %(message)s"))
    stderr.addFilter(masking)
    root.addHandler(stderr)

    log_file = directory / LOG_FILE_NAME
    try:
        directory.mkdir(parents=True, exist_ok=True)
        file_handler = _RotatingFileHandler(
            log_file, maxBytes=5 * 1024 * 1024, backupCount=5, encoding="utf-8"
        )
    except OSError as error:
        logging.getLogger(__name__).warning("cannot write the log file %s: %s", log_file, error)
        return None
    file_handler.setLevel(level)
    file_handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(threadName)s %(name)s: %(message)s")
    )
    file_handler.addFilter(masking)
    root.addHandler(file_handler)
    return log_file


def remove_kiosk_handlers() -> None:
    """Take away the handlers configure_logging installed (at exit, and between tests)."""
    root = logging.getLogger()
    for handler in [h for h in root.handlers if isinstance(h, _KioskHandler)]:
        root.removeHandler(handler)
        handler.close()


class _OneLineFormatter(logging.Formatter):
    """For people: the message only; tracebacks stay in the log file."""

    def format(self, record: logging.LogRecord) -> str:
        return self.formatMessage(_without_traceback(record))


def _without_traceback(record: logging.LogRecord) -> logging.LogRecord:
    copy = logging.makeLogRecord(record.__dict__)
    copy.message = copy.getMessage()
    copy.exc_info = copy.exc_text = copy.stack_info = None
    return copy


class _StderrHandler(logging.StreamHandler, _KioskHandler):  # type: ignore[type-arg]
    pass


class _RotatingFileHandler(logging.handlers.RotatingFileHandler, _KioskHandler):
    pass
