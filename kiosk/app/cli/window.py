"""The default command, with no COMMAND given: open the kiosk window (or its demo)."""

from __future__ import annotations

import argparse

from kiosk.app.settings import Settings
from kiosk.language.catalogue import Texts


def add_options(parser: argparse.ArgumentParser, texts: Texts) -> None:
    parser.add_argument("--demo", action="store_true", help=texts["cli_help_demo"])
    parser.add_argument("--smoke-test", action="store_true", help=texts["cli_help_smoke_test"])
    parser.set_defaults(handler=_open_window)


def _open_window(args: argparse.Namespace, settings: Settings, texts: Texts) -> int:
    from kiosk.app.gui import run_gui  # Qt loads only for the window, not for commands

    return run_gui(settings, demo=args.demo, smoke_test=args.smoke_test)
