"""The bundle's entry point: the same `kiosk` command the source install gets."""

import multiprocessing

# A frozen program starts its helper processes (the cache writer) by running itself again;
# this turns such a run into the helper before anything else is imported.
multiprocessing.freeze_support()

from kiosk.app.main import run  # noqa: E402

raise SystemExit(run())
