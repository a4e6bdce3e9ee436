"""The report benchmark still runs end to end on tiny caches, printing its growth figures."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[3]
QUERIES = ("adoption", "deliveries", "ageing", "usage", "payment_delays", "sync_health")


@pytest.mark.slow
def test_report_benchmark(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "bench.report_benchmark", "--results", str(tmp_path),
         "--folder", str(tmp_path), "--sizes", "500", "2000", "--runs", "3"],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    figures = json.loads((tmp_path / "report_benchmark.json").read_text())
    for query in QUERIES:
        assert figures[f"{query}_p95_ms_2000"] > 0
        assert f"{query}_growth_2000_over_500" in figures
    assert result.stdout.splitlines()[-1].startswith(("PASS", "MISS"))
