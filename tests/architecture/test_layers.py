"""The architecture's rules, checked by tools rather than by review."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import kiosk

ROOT = Path(__file__).parents[2]
BIN = Path(sys.executable).parent
# ARCHITECTURE.md's one named exception: Qt printing, for Windows and where CUPS is missing.
QT_EXCEPTIONS = {"kiosk.delivery.qt_printer"}
QT_FREE_PACKAGES = (
    "domain", "services", "storage", "sap_b1", "sap_emulator", "documents", "payments", "delivery",
)  # fmt: skip


def core_modules() -> list[str]:
    names = []
    for module in pkgutil.walk_packages(kiosk.__path__, prefix="kiosk."):
        layer = module.name.split(".")[1]
        if module.name in QT_EXCEPTIONS:
            continue
        if layer in QT_FREE_PACKAGES or module.name == "kiosk.bundled_files":
            names.append(module.name)
    return names


def test_core_imports_without_pyside6():
    modules = core_modules()
    assert "kiosk.storage.invoice_store" in modules and "kiosk.domain.money" in modules
    script = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6'))\n"
        "print(','.join(loaded))\n"
    )

    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT
    )

    assert result.stdout.strip() == ""


def test_the_emulator_loads_only_itself_and_the_standard_library():
    emulator = [
        module.name
        for module in pkgutil.walk_packages(kiosk.__path__, prefix="kiosk.")
        if module.name.split(".")[1] == "sap_emulator"
    ]
    assert "kiosk.sap_emulator.server" in emulator and "kiosk.sap_emulator.routing" in emulator
    script = (
        "import importlib, sys\n"
        "before = set(sys.modules)\n"
        f"for name in {emulator!r}:\n"
        "    importlib.import_module(name)\n"
        "tops = {m.split('.')[0] for m in set(sys.modules) - before}\n"
        "foreign = tops - set(sys.stdlib_module_names) - {'kiosk'}\n"
        "kiosk = {m for m in sys.modules if m.startswith('kiosk.')}\n"
        "inner = {m for m in kiosk if not m.startswith('kiosk.sap_emulator')}\n"
        "print(','.join(sorted(foreign | inner)))\n"
    )

    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT
    )

    assert result.stdout.strip() == ""


def test_import_contracts_hold():
    result = subprocess.run(
        [str(BIN / "lint-imports")], capture_output=True, text=True, check=False, cwd=ROOT
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_ruff_finds_nothing():
    result = subprocess.run(
        [str(BIN / "ruff"), "check", "--output-format", "concise", "kiosk", "tests", "bench"],
        capture_output=True, text=True, check=False, cwd=ROOT,
    )  # fmt: skip

    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_passes():
    result = subprocess.run(
        [str(BIN / "mypy")], capture_output=True, text=True, check=False, cwd=ROOT
    )

    assert result.returncode == 0, result.stdout + result.stderr
