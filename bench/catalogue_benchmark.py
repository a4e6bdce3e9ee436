"""Language catalogue benchmark: what gettext costs at start-up against a typed Python module.

Run from the project root:  .venv/bin/python -m bench.catalogue_benchmark [--runs 30]

Each sample is a fresh interpreter, every module compiled to bytecode as an installed kiosk has
it, that has already imported either what the command line imports before its first text
(argparse, which brings gettext along, typing, pathlib: "bare") or also the libraries the window
has loaded by then (PySide6, SQLAlchemy, reportlab, pydantic, requests: "kiosk"). It then times,
with perf_counter, either the kiosk's catalogue (kiosk.language.catalogue, reading the es and en
.mo files) or the alternative: one Python module holding the same messages as dict literals,
generated from the same .po files. The ways take turns, so a busy moment hits both.
"""

from __future__ import annotations

import argparse
import py_compile
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from babel.messages.pofile import read_po

from bench.figures import report
from kiosk.bundled_files import resource_path
from kiosk.language import catalogue

RESULTS = Path(__file__).parent / "results"
ROOT = Path(__file__).resolve().parent.parent
CONTEXTS = {
    "bare": "import argparse, pathlib, typing, time; ",
    "kiosk": (
        "import argparse, pathlib, typing, time; import PySide6.QtWidgets, sqlalchemy.orm, "
        "reportlab.platypus, pydantic_settings, requests; "
    ),
}
WAYS = {
    "gettext": (
        "t = time.perf_counter(); from kiosk.language.catalogue import LANGUAGES, Texts; "
        "texts = [Texts(language)['find'] for language in LANGUAGES]; "
        "print((time.perf_counter() - t) * 1000)"
    ),
    "typed_module": (
        "t = time.perf_counter(); import typed_catalogue; "
        "texts = [typed_catalogue.TEXTS[language]['find'] for language in typed_catalogue.TEXTS]; "
        "print((time.perf_counter() - t) * 1000)"
    ),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="fresh interpreters per way")
    parser.add_argument("--results", type=Path, default=RESULTS, help="folder for the JSON")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        typed = Path(folder) / "typed_catalogue.py"
        typed.write_text(_typed_module(), encoding="utf-8")
        for module in (typed, *Path(catalogue.__file__).parent.glob("*.py")):
            py_compile.compile(str(module), doraise=True)
        py_compile.compile(str(ROOT / "kiosk" / "bundled_files.py"), doraise=True)
        py_compile.compile(str(ROOT / "kiosk" / "__init__.py"), doraise=True)
        samples: dict[str, list[float]] = {
            f"{context}_{way}": [] for context in CONTEXTS for way in WAYS
        }
        for _ in range(args.runs):
            for context, before in CONTEXTS.items():
                for way, code in WAYS.items():
                    samples[f"{context}_{way}"].append(_sample(before + code, Path(folder)))
    figures: dict[str, float | int] = {"messages_per_language": len(_messages("es"))}
    for name, values in samples.items():
        figures[f"{name}_median_ms"] = round(statistics.median(values), 3)
        figures[f"{name}_max_ms"] = round(max(values), 3)
    for context in CONTEXTS:
        gettext, typed = (
            figures[f"{context}_gettext_median_ms"],
            figures[f"{context}_typed_module_median_ms"],
        )
        figures[f"{context}_gettext_minus_typed_ms"] = round(gettext - typed, 3)
    report(figures, {}, args.results / "catalogue_benchmark.json")


def _messages(language: str) -> dict[str, str]:
    with resource_path("locale", language, "LC_MESSAGES", "kiosk.po").open("rb") as file:
        return {message.id: message.string for message in read_po(file) if message.id}


def _typed_module() -> str:
    tables = {language: _messages(language) for language in catalogue.LANGUAGES}
    return (
        '"""The same messages as the .po files, as a typed module would hold them."""\n'
        "from typing import Final\n"
        f"TEXTS: Final[dict[str, dict[str, str]]] = {tables!r}\n"
    )


def _sample(code: str, folder: Path) -> float:
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={"PYTHONPATH": f"{ROOT}:{folder}", "PATH": ""},
        capture_output=True,
        text=True,
        check=True,
    )
    return float(done.stdout)


if __name__ == "__main__":
    main()
