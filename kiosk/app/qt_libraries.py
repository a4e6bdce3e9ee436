"""The system libraries Qt's X11 platform plugin needs on Linux, checked before Qt starts.

Without one of them Qt aborts the process (exit 134) blaming only xcb-cursor. The list is what
`objdump -p` shows the PySide6 wheel's libqxcb.so, libQt6XcbQpa.so.6 and libQt6Gui.so.6 need
beyond what the wheel ships and libc; a test compares it with the installed plugin.
"""

from __future__ import annotations

import ctypes
import os
import sys

XCB_PLUGIN_LIBRARIES = {
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libX11.so.6": "libx11-6",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxcb.so.1": "libxcb1",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxkbcommon.so.0": "libxkbcommon0",
}


def uses_xcb() -> bool:
    """True where Qt would open its window through X11: Linux with an X display, no override."""
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    return (
        sys.platform.startswith("linux")
        and platform in ("", "xcb")
        and bool(os.environ.get("DISPLAY"))
        and not (platform == "" and os.environ.get("WAYLAND_DISPLAY"))
    )


def missing_libraries() -> list[str]:
    """The libraries of the list that this system cannot load."""
    missing = []
    for name in XCB_PLUGIN_LIBRARIES:
        try:
            ctypes.CDLL(name)
        except OSError:
            missing.append(name)
    return missing


def missing_libraries_message(missing: list[str]) -> str:
    """One line naming what is missing and the Debian/Ubuntu packages that bring it."""
    packages = " ".join(dict.fromkeys(XCB_PLUGIN_LIBRARIES[name] for name in missing))
    return (
        f"kiosk: the window cannot open: this system lacks {', '.join(missing)}, which Qt needs"
        f" on X11; on Debian/Ubuntu install them with: sudo apt-get install {packages}"
    )
