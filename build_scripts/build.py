"""Builds the kiosk's one-folder desktop bundle (dist/kiosk/) for the platform it runs on.

Run from anywhere with the Python the bundle is made from (the project's venv):
    .venv/bin/python build_scripts/build.py [--distpath DIR] [--workpath DIR]
It installs the pinned dependency set with PyInstaller (build_scripts/constraints.txt), runs
build_scripts/kiosk.spec, and prints the version, the bundle's size and the time it took.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "build_scripts" / "kiosk.spec"
CONSTRAINTS = ROOT / "build_scripts" / "constraints.txt"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--distpath", type=Path, default=ROOT / "dist", help="bundle goes here")
    parser.add_argument(
        "--workpath", type=Path, default=ROOT / "build" / "pyinstaller", help="PyInstaller's work"
    )
    parser.add_argument(
        "--no-install", action="store_true", help="skip installing the pinned dependency set"
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    if not args.no_install:
        _run([sys.executable, "-m", "pip", "install", "-q", "-c", str(CONSTRAINTS),
              "-e", f"{ROOT}[bundle]"], quiet=True)  # fmt: skip
    installed = time.perf_counter()
    _run([sys.executable, "-m", "PyInstaller", str(SPEC), "--noconfirm", "--log-level", "WARN",
          "--distpath", str(args.distpath), "--workpath", str(args.workpath)])  # fmt: skip
    bundle = args.distpath / "kiosk"
    finished = time.perf_counter()
    print(f"kiosk {_version()} bundle: {bundle}")
    print(f"  size        {folder_size(bundle) / 1e6:.1f} MB (uncompressed, like du -sb)")
    print(f"  build time  {finished - started:.1f} s ({finished - installed:.1f} s PyInstaller)")
    return 0


def folder_size(folder: Path) -> int:
    """Bytes in a folder the way `du -sb` counts them: every entry's apparent size, no links."""
    total = folder.lstat().st_size
    for directory, names, files in os.walk(folder):
        for name in names + files:
            total += (Path(directory) / name).lstat().st_size
    return total


def _version() -> str:
    sys.path.insert(0, str(ROOT))
    from kiosk import __version__

    return __version__


def _run(command: list[str], *, quiet: bool = False) -> None:
    """Run a build step; `quiet` shows its output only if it fails (pip's build warnings)."""
    result = subprocess.run(command, cwd=ROOT, check=False, capture_output=quiet, text=True)
    if result.returncode != 0:
        if quiet:
            print(result.stdout + result.stderr, file=sys.stderr)
        raise SystemExit(f"build: {' '.join(command[:4])} ... failed ({result.returncode})")


if __name__ == "__main__":
    raise SystemExit(main())
