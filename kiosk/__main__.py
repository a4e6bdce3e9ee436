"""Entry point for `python -m kiosk`."""

from kiosk.app.main import run

raise SystemExit(run())
