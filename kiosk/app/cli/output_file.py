"""Writing the file a command was asked for (`--out`): a failure is a message, not a traceback."""

from __future__ import annotations

from pathlib import Path

from kiosk.domain.errors import InvalidValue
from kiosk.language.catalogue import Texts


def write_output_file(path: Path, content: bytes, texts: Texts) -> None:
    try:
        path.write_bytes(content)
    except OSError as error:
        raise InvalidValue(
            texts.format("cli_cannot_write", path=path, reason=error.strerror)
        ) from None
