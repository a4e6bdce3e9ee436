"""Before Qt starts on X11, the kiosk names the system libraries its window needs and lacks."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

import PySide6

from kiosk.app import qt_libraries
from kiosk.app.gui import run_gui
from kiosk.app.settings import load_settings

QT = Path(PySide6.__file__).parent / "Qt"
PLUGIN_AND_ITS_QT = (
    QT / "plugins" / "platforms" / "libqxcb.so",
    QT / "lib" / "libQt6XcbQpa.so.6",
    QT / "lib" / "libQt6Gui.so.6",
)
ALWAYS_THERE = re.compile(r"^lib(c|m|dl|pthread|rt|gcc_s|stdc\+\+|z)\.so|^ld-linux|^libQt6")


def test_the_list_is_what_the_installed_xcb_plugin_needs():
    if shutil.which("objdump") is None:
        pytest.fail("objdump is needed (Debian binutils; .ci/run installs it)")
    needed = set()
    for library in PLUGIN_AND_ITS_QT:
        dump = subprocess.run(
            ["objdump", "-p", str(library)], capture_output=True, text=True, check=True
        ).stdout
        needed |= set(re.findall(r"^\s+NEEDED\s+(\S+)$", dump, re.MULTILINE))

    assert {name for name in needed if not ALWAYS_THERE.match(name)} == set(
        qt_libraries.XCB_PLUGIN_LIBRARIES
    )


def test_a_missing_library_is_named_in_one_line_before_qt_starts(monkeypatch, capsys):
    monkeypatch.setenv("DISPLAY", ":99")
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setitem(qt_libraries.XCB_PLUGIN_LIBRARIES, "libkiosk-absent.so.7", "kiosk-absent7")
    monkeypatch.setattr("sys.platform", "linux")

    code = run_gui(load_settings(None))

    err = capsys.readouterr().err
    assert code == 3 and err.count("\n") == 1
    lacking, _, install = err.partition("sudo apt-get install ")
    assert "libkiosk-absent.so.7" in lacking and "kiosk-absent7" in install.split()
    assert "Traceback" not in err


def test_only_an_x11_start_is_checked(monkeypatch):
    monkeypatch.setattr("sys.platform", "linux")
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    assert not qt_libraries.uses_xcb()
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    assert qt_libraries.uses_xcb()
    monkeypatch.delenv("QT_QPA_PLATFORM")
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-0")
    assert not qt_libraries.uses_xcb()
