"""Printing a benchmark's figures against their targets, and keeping them as JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

HIGHER_IS_BETTER = ("per_second", "ratio_to_bare", "over_kiosk")


def report(figures: dict[str, Any], targets: dict[str, float], results_file: Path) -> None:
    """Print one aligned line per figure, with its target and whether it was met."""
    width = max(len(name) for name in figures)
    for name, value in figures.items():
        target = targets.get(name)
        verdict = ""
        if target is not None:
            higher = any(marker in name for marker in HIGHER_IS_BETTER)
            met = value >= target if higher else value <= target
            verdict = f"   target {'>=' if higher else '<='} {target}: {'met' if met else 'MISSED'}"
        shown = f"{value:>12,}" if isinstance(value, int | float) else f"{value!s:>12}"
        print(f"{name:<{width}}  {shown}{verdict}")
    results_file.parent.mkdir(parents=True, exist_ok=True)
    results_file.write_text(json.dumps(figures, indent=2) + "\n")
