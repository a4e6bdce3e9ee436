"""Desktop bundle benchmark: the frozen kiosk's cold start to the welcome screen, its size and
build time.

Run from the project root:  .venv/bin/python -m bench.frozen_start_benchmark [--build]
(--build, or a missing dist/kiosk, runs build_scripts/build.py first and times it). Each start is
a new process of `dist/kiosk/kiosk --smoke-test` on the offscreen platform with a settings file
naming a temporary, migrated SQLite cache, as bench/gui_benchmark.py does for the source install.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.figures import report
from bench.gui_benchmark import _child

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).parent / "results"
BUILD_SCRIPT = ROOT / "build_scripts" / "build.py"
TARGETS = {
    "cold_start_median_s": 2.0,
    "bundle_mb": 200,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bundle", type=Path, default=ROOT / "dist" / "kiosk", help="dist/kiosk")
    parser.add_argument("--build", action="store_true", help="build the bundle first (timed)")
    parser.add_argument("--starts", type=int, default=7, help="cold starts timed")
    parser.add_argument("--results", type=Path, default=RESULTS, help="folder for the JSON")
    args = parser.parse_args()

    figures: dict[str, Any] = {}
    if args.build or not args.bundle.exists():
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, str(BUILD_SCRIPT), "--distpath", str(args.bundle.parent)], check=True
        )
        figures["build_s"] = round(time.perf_counter() - started, 1)
    program = args.bundle / ("kiosk.exe" if sys.platform == "win32" else "kiosk")
    with tempfile.TemporaryDirectory(prefix="kiosk-frozen-bench-") as folder:
        config = Path(folder) / "kiosk.toml"
        config.write_text(
            f"[database]\nurl = 'sqlite:///{Path(folder, 'cache.sqlite3').as_posix()}'\n"
            f"[logging]\ndirectory = '{Path(folder, 'logs').as_posix()}'\n",
            encoding="utf-8",
        )
        environment = {
            **{k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")},
            "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
            "KIOSK_CONFIG": str(config),
        }
        version_seconds, _ = _child([str(program), "--version"], environment)
        _child([str(program), "db", "upgrade"], environment)
        starts = [_child([str(program), "--smoke-test"], environment) for _ in range(args.starts)]
    start_seconds = [seconds for seconds, _ in starts]
    figures.update(
        {
            "cold_start_median_s": round(statistics.median(start_seconds), 3),
            "cold_start_max_s": round(max(start_seconds), 3),
            "first_start_s": round(start_seconds[0], 3),
            "version_command_s": round(version_seconds, 3),
            "start_rss_mb": round(max(rss for _, rss in starts), 1),
            "bundle_mb": round(_folder_size(args.bundle) / 1e6, 1),
            "starts": len(starts),
        }
    )
    report(figures, TARGETS, args.results / "frozen_start_benchmark.json")


def _folder_size(folder: Path) -> int:
    """build_scripts/build.py's measure (like `du -sb`), so both print the same figure."""
    spec = importlib.util.spec_from_file_location("kiosk_build_script", BUILD_SCRIPT)
    assert spec is not None and spec.loader is not None
    build_script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build_script)
    size: int = build_script.folder_size(folder)
    return size


if __name__ == "__main__":
    main()
