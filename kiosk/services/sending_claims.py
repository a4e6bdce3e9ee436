"""Who is sending a delivery: a claim names the process, so that another process (another
kiosk of the branch, `kiosk deliver` beside the window) leaves the delivery alone while its
claimer lives, and takes it over at once when the claimer died on this machine."""

from __future__ import annotations

import os
import socket
from datetime import timedelta
from pathlib import Path

SENDING_GRACE = timedelta(minutes=10)
"""How long a claim holds when its claimer cannot be checked (another machine): longer than any
SMTP or print-spooler timeout, so a delivery is never sent twice while its claimer still works."""


def this_process() -> str:
    """The claim of this process: "host:pid"."""
    return f"{socket.gethostname()}:{os.getpid()}"[:120]


def abandoned(claimed_by: str | None) -> bool:
    """True when the claimer was a process of this machine that is no longer running."""
    host, _, pid_text = (claimed_by or "").rpartition(":")
    if host != socket.gethostname() or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return False  # another thread of this process is sending it
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # alive, under another user
    return _zombie(pid)


def _zombie(pid: int) -> bool:
    """A killed child its parent has not reaped yet still has a pid, but sends nothing."""
    try:
        status = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return status.rpartition(")")[2].split()[:1] == ["Z"]
