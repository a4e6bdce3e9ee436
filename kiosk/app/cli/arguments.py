"""What the command groups share to declare their arguments: the list they add their commands
to, the signature of a command, and argument types."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TypeAlias

from kiosk.app.settings import Settings
from kiosk.language.catalogue import Texts

# argparse does not name the type add_subparsers() returns; it is generic only for type checkers.
Subcommands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"

Command = Callable[[argparse.Namespace, Settings, Texts], int]
"""What a command runs: its arguments, the settings, and the words of the settings' language."""


def add_json_option(parser: argparse.ArgumentParser, texts: Texts) -> None:
    parser.add_argument("--json", action="store_true", help=texts["cli_help_json"])


def positive_int(texts: Texts) -> Callable[[str], int]:
    """The type of a number argument: a whole number, 1 or more."""

    def whole_number(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                texts.format("cli_not_a_whole_number", value=repr(text))
            ) from None
        if value < 1:
            raise argparse.ArgumentTypeError(texts.format("cli_below_one", value=repr(text)))
        return value

    return whole_number
