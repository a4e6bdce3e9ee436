"""A QR symbol as the kiosk draws it on screen and paper."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class QrCode:
    """A QR symbol ready to draw: its payload and dark modules, quiet zone included."""

    payload: str
    modules: tuple[tuple[bool, ...], ...]
    error_correction: str  # "M", "Q" or "H"
