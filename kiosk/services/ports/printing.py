"""The system's print spooler."""

from __future__ import annotations

from typing import Protocol

from kiosk.domain.delivery import (
    PrinterInfo,
)


class Printer(Protocol):
    """The system's print spooler."""

    def printers(self) -> list[PrinterInfo]: ...

    def print_pdf(self, pdf: bytes, *, printer: str | None, title: str) -> str:
        """Submit a PDF and return the spooler's job id."""
        ...
