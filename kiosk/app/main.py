"""The program's entry point: the command line now, the kiosk window once it exists."""

from __future__ import annotations

from collections.abc import Sequence

from kiosk.app.cli import main


def run(argv: Sequence[str] | None = None) -> int:
    """Start the kiosk and return its exit code."""
    return main(argv)
