"""A delivery left sending is taken over only when its claimer is gone."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

from kiosk.services.sending_claims import abandoned, this_process


def test_a_claim_of_a_process_that_ended_on_this_machine_is_abandoned():
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                           capture_output=True, text=True, check=True)  # fmt: skip

    assert abandoned(f"{socket.gethostname()}:{ended.stdout.strip()}")


def test_a_killed_child_not_yet_reaped_is_abandoned_too():
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        child.kill()
        os.waitid(os.P_PID, child.pid, os.WEXITED | os.WNOWAIT)  # a zombie, still unreaped
        assert abandoned(f"{socket.gethostname()}:{child.pid}")
    finally:
        child.wait()


def test_a_living_claimer_keeps_its_delivery():
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        assert not abandoned(f"{socket.gethostname()}:{child.pid}")
    finally:
        child.kill()
        child.wait()


def test_this_process_and_other_machines_are_never_second_guessed():
    assert not abandoned(this_process())
    assert not abandoned("caja-2.sucursal:123")
    assert not abandoned(None) and not abandoned("")
