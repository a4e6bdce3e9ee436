"""Writing the file a command was asked for (`--out`): a failure is a message, not a traceback."""

from __future__ import annotations

from pathlib import Path

from kiosk.domain.errors import InvalidValue


def write_output_file(path: Path, content: bytes) -> None:
    try:
        path.write_bytes(content)
    except OSError as error:
        raise InvalidValue(f"cannot write {path}: {error.strerror}") from None
