"""The bundle's entry point: the same `kiosk` command the source install gets."""

from kiosk.app.main import run

raise SystemExit(run())
