"""How a command ends: its exit code, and the one line a failure prints on stderr."""

from __future__ import annotations

import sys

EXIT_OK = 0
EXIT_USER_ERROR = 1
EXIT_USAGE = 2
EXIT_UNAVAILABLE = 3
EXIT_REJECTED = 4
EXIT_BUG = 70


def fail(message: str, code: int) -> int:
    print(f"kiosk: {message}", file=sys.stderr)
    return code
