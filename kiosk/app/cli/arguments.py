"""What the command groups share to declare their arguments: the list they add their commands
to, and argument types."""

from __future__ import annotations

import argparse
from typing import TypeAlias

# argparse does not name the type add_subparsers() returns; it is generic only for type checkers.
Subcommands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be 1 or more")
    return value
