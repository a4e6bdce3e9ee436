"""The desktop bundle, built once from this checkout, does what the source install does.

`python build_scripts/build.py` runs into a temporary folder; then the frozen program is run the
way a store runs it, from a folder that is not the checkout: --version, db upgrade and doctor
(against the source install's doctor), the bundled emulator, sync, an invoice PDF, and the window
offscreen. Skip it locally with `pytest -m "not release"`; CI runs it.
"""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader

from kiosk import __version__
from kiosk.language.catalogue import LANGUAGES
from kiosk.storage.schema_migration import SCHEMA_HEAD
from tests.fixtures.delivery_parts import cups_pdf_output

ROOT = Path(__file__).parents[2]
WINDOWS = sys.platform == "win32"
MAX_BUNDLE_MB = 200  # uncompressed, on Linux
DEMO_INVOICES, DEMO_CUSTOMERS = 60, 10

pytestmark = [pytest.mark.release, pytest.mark.slow]


class Frozen:
    """The built bundle, and how to run its program like a store PC would."""

    def __init__(self, folder: Path, build_output: str) -> None:
        self.folder = folder
        # On Windows the window program has no console; commands go through kiosk-cli.exe.
        self.program = folder / ("kiosk.exe" if WINDOWS else "kiosk")
        self.cli = folder / ("kiosk-cli.exe" if WINDOWS else "kiosk")
        self.build_output = build_output

    def run(
        self, *args: str, cwd: Path, env: dict[str, str], gui: bool = False
    ) -> subprocess.CompletedProcess[str]:
        command = [str(self.program if gui else self.cli), *args]
        return subprocess.run(
            command, cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False
        )


@pytest.fixture(scope="module")
def frozen(tmp_path_factory: pytest.TempPathFactory) -> Frozen:
    """Build the bundle once, exactly as the README says (the pinned install included)."""
    out = tmp_path_factory.mktemp("bundle")
    build = subprocess.run(
        [sys.executable, str(ROOT / "build_scripts" / "build.py"),
         "--distpath", str(out / "dist"), "--workpath", str(out / "work")],
        cwd=out, capture_output=True, text=True, timeout=900, check=False,
    )  # fmt: skip
    assert build.returncode == 0, build.stdout + build.stderr
    return Frozen(out / "dist" / "kiosk", build.stdout)


def clean_environment(**settings: str) -> dict[str, str]:
    """The test process's environment without any KIOSK_* setting, plus `settings`."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    environment["QT_QPA_PLATFORM"] = "offscreen"
    environment["KIOSK_KIOSK__LANGUAGE"] = "en"  # the checks below read English output
    environment.update(settings)
    return environment


@pytest.fixture
def store(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A store's folder (not the checkout) with a settings file naming a fresh SQLite cache."""
    folder = tmp_path / "store"
    folder.mkdir()
    config = folder / "kiosk.toml"
    config.write_text(
        f"[database]\nurl = 'sqlite:///{(folder / 'cache.sqlite3').as_posix()}'\n"
        f"[logging]\ndirectory = '{(folder / 'logs').as_posix()}'\n",
        encoding="utf-8",
    )
    return folder, clean_environment(KIOSK_CONFIG=str(config))


@pytest.fixture(scope="module")
def emulator(frozen: Frozen, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`kiosk emulator` from the bundle on a free port; yields the URL it prints."""
    folder = tmp_path_factory.mktemp("emulator")
    process = subprocess.Popen(
        [str(frozen.cli), "emulator", "--port", "0", "--api", "v1",
         "--invoices", str(DEMO_INVOICES), "--customers", str(DEMO_CUSTOMERS)],
        cwd=folder, env=clean_environment(KIOSK_LOGGING__DIRECTORY=str(folder / "logs")),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    with process:
        assert process.stdout is not None and process.stderr is not None
        first_line: queue.Queue[str] = queue.Queue()
        reader = threading.Thread(target=lambda: first_line.put(process.stdout.readline()))
        reader.start()
        try:
            first = first_line.get(timeout=60)
        except queue.Empty:
            process.kill()
            pytest.fail(f"the frozen emulator printed nothing: {process.communicate()[1]}")
        found = re.fullmatch(r"SAP Business One Service Layer emulator at (http://\S+/)\n", first)
        assert found, first + (process.stderr.read() if process.poll() is not None else "")
        yield found.group(1)
        process.send_signal(signal.CTRL_C_EVENT if WINDOWS else signal.SIGINT)
        try:
            _, stderr = process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
    assert process.returncode == 0 and "Traceback" not in stderr, stderr


def sap_settings(url: str) -> dict[str, str]:
    return {
        "KIOSK_SAP__BASE_URL": url,
        "KIOSK_SAP__COMPANY_DB": "SBODEMOMX",
        "KIOSK_SAP__USERNAME": "manager",
        "KIOSK_SAP__PASSWORD": "manager",
    }


def test_build_reports_a_bundle_within_its_size(frozen):
    found = re.search(r"^  size +([\d.]+) MB", frozen.build_output, re.MULTILINE)
    assert found, frozen.build_output
    assert re.search(r"^  build time +[\d.]+ s", frozen.build_output, re.MULTILINE)
    if sys.platform.startswith("linux"):
        assert float(found.group(1)) <= MAX_BUNDLE_MB
    bundled = {p.relative_to(frozen.folder).as_posix() for p in frozen.folder.rglob("*")}
    data = "_internal/"
    assert f"{data}resources/fonts/DejaVuSans.ttf" in bundled
    assert f"{data}resources/icons/kiosk.png" in bundled
    assert f"{data}resources/kiosk.qss" in bundled
    for language in LANGUAGES:
        assert f"{data}resources/locale/{language}/LC_MESSAGES/kiosk.mo" in bundled
    assert f"{data}sqlite/migrations/versions/{SCHEMA_HEAD}.py" in bundled
    left_out = ("WebEngine", "Quick", "Qml", "Qt3D", "Multimedia", "translations", "pytest")
    assert not [name for name in bundled if any(part in name for part in left_out)]


def test_version(frozen, store):
    folder, environment = store

    result = frozen.run("--version", cwd=folder, env=environment)

    assert (result.returncode, result.stdout, result.stderr) == (0, f"kiosk {__version__}\n", "")


def test_db_upgrade_then_doctor_as_the_source_install_says(frozen, store, emulator):
    folder, environment = store
    environment.update(sap_settings(emulator))

    upgrade = frozen.run("db", "upgrade", cwd=folder, env=environment)
    assert upgrade.returncode == 0, upgrade.stderr
    assert upgrade.stdout.endswith(f"is at schema {SCHEMA_HEAD}\n")
    doctor = frozen.run("doctor", cwd=folder, env=environment)

    lines = doctor.stdout.splitlines()
    assert lines[0].startswith("ok    settings  ") and "kiosk.toml" in lines[0]
    assert lines[1].startswith("ok    database  ") and f"at schema {SCHEMA_HEAD}" in lines[1]
    assert lines[2].startswith("ok    sap       logged in to SBODEMOMX as manager")
    source = subprocess.run(
        [sys.executable, "-m", "kiosk", "doctor"],
        cwd=folder, env=environment, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert (doctor.returncode, doctor.stdout) == (source.returncode, source.stdout)
    assert "Traceback" not in doctor.stderr


def synced_invoice(frozen: Frozen, folder: Path, environment: dict[str, str]) -> str:
    """Sync the store's cache from the emulator with the frozen kiosk; one invoice number."""
    sync = frozen.run("sync", cwd=folder, env=environment)
    assert sync.returncode == 0, sync.stderr
    assert f"pulled {DEMO_INVOICES} invoices ({DEMO_INVOICES} new or changed)" in sync.stdout
    search = frozen.run("invoices", "search", "C000001", cwd=folder, env=environment)
    doc_num = re.search(r"^(\d{6})  ", search.stdout, re.MULTILINE)
    assert doc_num, search.stdout + search.stderr
    return doc_num.group(1)


def test_sync_from_the_emulator_then_an_invoice_pdf(frozen, store, emulator):
    folder, environment = store
    environment.update(sap_settings(emulator))

    doc_num = synced_invoice(frozen, folder, environment)
    pdf = frozen.run(
        "invoices", "pdf", doc_num, "--out", "a.pdf", "--lang", "es", cwd=folder, env=environment
    )

    assert pdf.returncode == 0, pdf.stderr
    assert (folder / "a.pdf").read_bytes().startswith(b"%PDF-")
    reader = PdfReader(folder / "a.pdf")
    assert len(reader.pages) >= 1
    assert f"Factura núm. {doc_num}" in reader.pages[0].extract_text()
    fonts = reader.pages[0]["/Resources"]["/Font"]
    embedded = {str(font.get_object()["/BaseFont"]) for font in fonts.values()}
    assert any("DejaVuSans" in name for name in embedded), embedded  # found in the bundle


def test_qt_printing_renders_pages_with_qtpdf(frozen, store, emulator, cups_queue):
    folder, environment = store
    environment.update(sap_settings(emulator), KIOSK_PRINTING__BACKEND="qt")
    doc_num = synced_invoice(frozen, folder, environment)
    started = time.time()

    printed = frozen.run(
        "invoices", "print", doc_num, "--printer", cups_queue, cwd=folder, env=environment
    )

    assert printed.returncode == 0, printed.stderr
    assert printed.stdout.startswith(f"invoice {doc_num} printed on {cups_queue} (qt:")
    output = cups_pdf_output(f"*_{doc_num}_*.pdf", newer_than=started - 1)
    assert len(PdfReader(output).pages) >= 1


@pytest.mark.parametrize("arguments", [("--smoke-test",), ("--demo", "--smoke-test")])
def test_window_opens_offscreen_and_closes(frozen, store, arguments):
    folder, environment = store

    result = frozen.run(*arguments, cwd=folder, env=environment, gui=True)

    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "Error" not in result.stderr, result.stderr
    log = (folder / "logs" / "kiosk.log").read_text(encoding="utf-8")
    assert "Traceback" not in log and " ERROR " not in log, log


def test_start_benchmark_runs_on_the_bundle(frozen, tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "bench.frozen_start_benchmark", "--bundle", str(frozen.folder),
         "--starts", "1", "--results", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    figures = json.loads((tmp_path / "frozen_start_benchmark.json").read_text())
    assert figures["starts"] == 1 and 0 < figures["cold_start_median_s"] < 30
    assert "build_s" not in figures and figures["bundle_mb"] > 0
