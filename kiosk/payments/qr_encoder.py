"""Encoding payment payloads as QR symbols with the qrcode library (its only door)."""

from __future__ import annotations

import qrcode
from qrcode.constants import ERROR_CORRECT_H, ERROR_CORRECT_M, ERROR_CORRECT_Q

from kiosk.domain.qr_code import QrCode

QUIET_ZONE = 4  # modules of white around the symbol, as ISO/IEC 18004 asks
_LEVELS = {"M": ERROR_CORRECT_M, "Q": ERROR_CORRECT_Q, "H": ERROR_CORRECT_H}


class QrEncoder:
    """Makes QR symbols at error-correction level M or better."""

    def __init__(self, error_correction: str = "M") -> None:
        if error_correction not in _LEVELS:
            raise ValueError("payment QR codes use error correction M, Q or H")
        self._level = error_correction

    def encode(self, payload: str) -> QrCode:
        code = qrcode.QRCode(error_correction=_LEVELS[self._level], border=QUIET_ZONE)
        code.add_data(payload.encode("utf-8"))
        code.make(fit=True)
        matrix = tuple(tuple(bool(cell) for cell in row) for row in code.get_matrix())
        return QrCode(payload=payload, modules=matrix, error_correction=self._level)
