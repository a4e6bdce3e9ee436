"""The default command, with no COMMAND given: open the kiosk window (or its demo)."""

from __future__ import annotations

import argparse

from kiosk.app.settings import Settings


def add_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--demo",
        action="store_true",
        help="open the kiosk against the bundled SAP emulator with demo data",
    )
    parser.add_argument(
        "--smoke-test", action="store_true", help="open the kiosk window and close it at once"
    )
    parser.set_defaults(handler=_open_window)


def _open_window(args: argparse.Namespace, settings: Settings) -> int:
    from kiosk.app.gui import run_gui  # Qt loads only for the window, not for commands

    return run_gui(settings, demo=args.demo, smoke_test=args.smoke_test)
