"""The benchmarks still run end to end (on tiny sizes), so their figures can be trusted to exist."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[3]


def run_benchmark(module: str, tmp_path: Path, *arguments: str, results: str = "") -> dict:
    result = subprocess.run(
        [sys.executable, "-m", f"bench.{module}", "--results", str(tmp_path), *arguments],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return json.loads((tmp_path / f"{results or module}.json").read_text())


@pytest.mark.slow
def test_cache_benchmark(tmp_path):
    figures = run_benchmark(
        "cache_benchmark", tmp_path, "--invoices", "3000", "--samples", "50",
        "--database", str(tmp_path / "cache.sqlite3"),
    )  # fmt: skip

    assert figures["invoices"] == 3000 and figures["invoices_per_second"] > 0
    assert figures["number_lookup_p95_ms"] > 0 and figures["name_typeahead_p95_ms"] > 0


@pytest.mark.slow
def test_sap_paging_benchmark(tmp_path):
    figures = run_benchmark("sap_paging_benchmark", tmp_path, "--invoices", "600", "--rounds", "1")

    assert figures["page_500"]["client_fetch_parse_map_invoices_per_second"] > 0


@pytest.mark.slow
def test_sync_benchmark(tmp_path):
    figures = run_benchmark(
        "sync_benchmark", tmp_path, "--invoices", "600", "--changed", "10", "--rounds", "1"
    )

    assert figures["delta_stored_invoices"] >= 10 and figures["peak_rss_mb"] > 0
    assert figures["ratio_lowest_round"] == figures["ratio_to_bare_fetch_parse"]


@pytest.mark.slow
def test_sync_benchmark_against_a_slow_sap(tmp_path):
    figures = run_benchmark(
        "sync_benchmark", tmp_path, "--invoices", "3000", "--latency-ms", "150",
        results="sync_latency_benchmark",
    )  # fmt: skip

    # Six pages of 500 and a last empty one, 150 ms each, one after another; with four at once,
    # two rounds and the question for the highest DocEntry. The rest of the pass is the same.
    assert figures["serial_download_seconds"] >= 7 * 0.15
    assert figures["parallel_download_seconds"] < figures["serial_download_seconds"] - 0.2


@pytest.mark.slow
def test_pdf_benchmark(tmp_path):
    figures = run_benchmark("pdf_benchmark", tmp_path, "--runs", "3", "--no-baseline")

    assert 0 < figures["one_page_median_ms"] < figures["two_hundred_lines_median_ms"]


@pytest.mark.slow
def test_email_benchmark(tmp_path):
    figures = run_benchmark("email_benchmark", tmp_path, "--messages", "5")

    assert figures["messages"] == 5 and figures["messages_per_second"] > 0


@pytest.mark.slow
def test_gui_benchmark(tmp_path):
    figures = run_benchmark(
        "gui_benchmark", tmp_path, "--invoices", "2000", "--starts", "1", "--identifies", "3",
        "--database", str(tmp_path / "cache.sqlite3"),
    )  # fmt: skip

    assert figures["invoices_in_cache"] == 2000 and figures["identified_customers"] > 0
    assert figures["cold_start_median_s"] > 0 and figures["peak_rss_mb"] > 0
    assert 0 < figures["identify_to_list_p50_ms"] <= figures["identify_to_list_p95_ms"]


@pytest.mark.slow
def test_catalogue_benchmark(tmp_path):
    figures = run_benchmark("catalogue_benchmark", tmp_path, "--runs", "1")

    assert figures["messages_per_language"] > 150
    assert figures["kiosk_gettext_median_ms"] > 0 and figures["kiosk_typed_module_median_ms"] > 0


@pytest.mark.slow
def test_branch_benchmark(tmp_path):
    from tests.fixtures.postgres import scratch_database

    with scratch_database("kiosk_bench_branch") as url:
        figures = run_benchmark(
            "branch_benchmark", tmp_path, "--invoices", "600", "--clients", "2",
            "--pause-ms", "20", "--postgres-url", url,
        )  # fmt: skip

    assert figures["postgres_identifications"] > 0 and figures["sqlite_identifications"] > 0
    p50, p95 = (figures[f"postgres_identify_to_list_{p}_ms"] for p in ("p50", "p95"))
    assert 0 < p50 <= p95
    assert figures["postgres_download_slowdown"] > 0


@pytest.mark.slow
def test_cost_growth_benchmark(tmp_path):
    figures = run_benchmark(
        "cost_growth_benchmark", tmp_path, "--sizes", "1000", "3000", "--sap-invoices", "1000",
        "--changed", "10", "--samples", "20", "--folder", str(tmp_path / "caches"),
    )  # fmt: skip

    assert figures["cached_invoices_1k"] == 1000 and figures["cached_invoices_3k"] == 3000
    # Eight invoices edited and two paid, at each size; no statement scans a growing table.
    assert figures["delta_pulled_invoices_1k"] == figures["delta_pulled_invoices_3k"] >= 8
    assert figures["delta_full_scans_1k"] == figures["delta_full_scans_3k"] == 0
    assert figures["delta_catch_up_1k"] == figures["delta_catch_up_3k"] == 0  # a plain delta
    assert figures["delta_seconds_ratio"] > 0 and figures["name_typeahead_p95_ms_3k"] > 0
