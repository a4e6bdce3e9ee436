"""Printing PDFs on the system spooler through CUPS (`lp`, `lpstat`), silently, job id in hand."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from kiosk.domain.delivery import PrinterInfo
from kiosk.services.errors import ExternalRejected, ExternalUnavailable

_JOB = re.compile(r"request id is (\S+)")
_PRINTER = re.compile(r"^printer (\S+) ")
_ACCEPTING = re.compile(r"^(\S+) (not )?accepting requests")
_DEFAULT = re.compile(r"system default destination: (\S+)")


class CupsPrinter:
    """The CUPS spooler of this machine (Linux and macOS)."""

    def __init__(self, timeout_seconds: float = 30) -> None:
        self._timeout = timeout_seconds

    def printers(self) -> list[PrinterInfo]:
        """Every queue with its state, the default one first."""
        states = self._run(["lpstat", "-p"], allow_failure=True)
        accepting = self._run(["lpstat", "-a"], allow_failure=True)
        default = _DEFAULT.search(self._run(["lpstat", "-d"], allow_failure=True))
        default_name = default.group(1) if default else None
        accepts = {
            match.group(1): match.group(2) is None
            for line in accepting.splitlines()
            if (match := _ACCEPTING.match(line))
        }
        found = []
        for line in states.splitlines():
            match = _PRINTER.match(line)
            if match:
                name = match.group(1)
                found.append(
                    PrinterInfo(
                        name=name,
                        is_default=name == default_name,
                        accepting=accepts.get(name, False),
                        enabled="disabled" not in line,
                        description=line.strip(),
                    )
                )
        return sorted(found, key=lambda printer: (not printer.is_default, printer.name))

    def print_pdf(self, pdf: bytes, *, printer: str | None, title: str) -> str:
        """Submit the PDF and return the job id; the errors name the printer and what to do."""
        known = {info.name: info for info in self.printers()}
        if printer is None:
            default = next((info for info in known.values() if info.is_default), None)
            if default is None:
                raise ExternalRejected(
                    "no printer: this computer has no default printer; choose one "
                    "(printing.printer, or --printer)",
                    code="no-printer",
                )
            printer = default.name
        info = known.get(printer)
        if info is None:
            names = ", ".join(sorted(known)) or "none"
            raise ExternalRejected(
                f"unknown printer {printer!r} (printers here: {names})", code="unknown-printer"
            )
        if not info.enabled or not info.accepting:
            raise ExternalUnavailable(
                f"printer {printer} is stopped or not accepting jobs; the job waits until "
                "staff start it again (cupsenable / cupsaccept)",
                code="printer-stopped",
            )
        with tempfile.TemporaryDirectory(prefix="kiosk-print-") as folder:
            path = Path(folder) / "document.pdf"
            path.write_bytes(pdf)
            answer = self._run(["lp", "-d", printer, "-t", title, str(path)])
        job = _JOB.search(answer)
        if job is None:
            raise ExternalUnavailable(f"printer {printer} gave no job id ({answer.strip()})")
        return job.group(1)

    def _run(self, command: list[str], *, allow_failure: bool = False) -> str:
        if shutil.which(command[0]) is None:
            raise ExternalUnavailable(
                f"no print spooler: the {command[0]} command is missing (install CUPS)",
                code="no-spooler",
            )
        try:
            result = subprocess.run(
                command, capture_output=True, text=True, timeout=self._timeout, check=False
            )
        except subprocess.TimeoutExpired:
            raise ExternalUnavailable(f"the print spooler did not answer ({command[0]})") from None
        if result.returncode != 0 and not allow_failure:
            message = (result.stderr or result.stdout).strip().removeprefix("lp: ")
            raise ExternalUnavailable(f"the print spooler refused the job: {message}")
        return result.stdout
