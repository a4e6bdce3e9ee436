"""The program's entry point: the command line, which also opens the kiosk window."""

from __future__ import annotations

import gc
from collections.abc import Sequence


def run(argv: Sequence[str] | None = None) -> int:
    """Start the kiosk and return its exit code."""
    # Imported here, not above: the cache writer's helper process (storage) re-imports the
    # module that started the program, and needs none of the command line.
    from kiosk.app.cli import main

    # What start-up imported lives as long as the process; frozen, the collector stops walking
    # it on every full collection. A sync allocates millions of short-lived objects, which
    # trigger one every few thousand invoices (the gain: README, Benchmarks).
    gc.freeze()
    return main(argv)
