"""The `kiosk` command line: one module per command group, assembled in command_line.py."""

from kiosk.app.cli.command_line import main

__all__ = ["main"]
