"""EMVCo merchant-presented QR (Pix, CoDi-style, PayNow ...): TLV fields and a CRC-16 checksum."""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.domain.errors import InvalidValue
from kiosk.domain.payment_request import PaymentRequest

# ISO 4217 numeric codes of the currencies the kiosk's markets use.
NUMERIC_CURRENCY = {
    "MXN": "484", "BRL": "986", "USD": "840", "EUR": "978", "COP": "170",
    "CLP": "152", "PEN": "604", "GTQ": "320", "ARS": "032", "SGD": "702",
}  # fmt: skip


def crc16_ccitt_false(data: bytes) -> int:
    """CRC-16/CCITT-FALSE: polynomial 0x1021, initial 0xFFFF, no reflection, no final XOR."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) & 0xFFFF if crc & 0x8000 else (crc << 1) & 0xFFFF
    return crc


def tlv(tag: str, value: str) -> str:
    """One field: two-digit ID, two-digit length, value (at most 99 characters)."""
    if len(value) > 99:
        raise InvalidValue(f"EMVCo field {tag} is longer than 99 characters")
    return f"{tag}{len(value):02d}{value}"


def with_crc(payload_without_crc: str) -> str:
    """Append field 63: the CRC is computed over everything before it, including '6304'."""
    body = payload_without_crc + "6304"
    return f"{body}{crc16_ccitt_false(body.encode('utf-8')):04X}"


@dataclass(frozen=True)
class EmvcoMerchant:
    """Who gets paid: the scheme's GUI and account key, and the merchant's name and city."""

    gui: str
    account: str
    name: str
    city: str
    country: str = "MX"
    category_code: str = "0000"
    account_template: str = "26"


class EmvcoBuilder:
    """A dynamic merchant-presented QR carrying the amount and the request's reference."""

    def __init__(self, merchant: EmvcoMerchant) -> None:
        if not merchant.gui or not merchant.account:
            raise InvalidValue("EMVCo QR needs payments.emvco_gui and payments.emvco_account")
        self._merchant = merchant

    def payload(self, request: PaymentRequest) -> str:
        merchant = self._merchant
        currency = NUMERIC_CURRENCY.get(request.total.currency)
        if currency is None:
            raise InvalidValue(f"EMVCo QR does not know the currency {request.total.currency}")
        account = tlv("00", merchant.gui) + tlv("01", merchant.account)
        fields = [
            tlv("00", "01"),  # payload format indicator
            tlv("01", "12"),  # dynamic: this QR is for one payment
            tlv(merchant.account_template, account),
            tlv("52", merchant.category_code),
            tlv("53", currency),
            tlv("54", f"{request.total.rounded().amount:.2f}"),
            tlv("58", merchant.country),
            tlv("59", merchant.name[:25]),
            tlv("60", merchant.city[:15]),
            tlv("62", tlv("05", request.reference)),
        ]
        return with_crc("".join(fields))
