"""EPC069-12 (SEPA credit transfer QR, "GiroCode"), version 002: exact lines in exact order."""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.domain.errors import InvalidValue
from kiosk.domain.payment_request import PaymentRequest

MAX_AMOUNT = 999_999_999.99


@dataclass(frozen=True)
class EpcBeneficiary:
    name: str
    iban: str
    bic: str = ""


class EpcBuilder:
    """A SEPA credit transfer in EUR to the company, with the reference as remittance text."""

    def __init__(self, beneficiary: EpcBeneficiary) -> None:
        iban = beneficiary.iban.replace(" ", "").upper()
        if not iban or not beneficiary.name:
            raise InvalidValue("EPC QR needs payments.account_holder and payments.iban")
        self._beneficiary = EpcBeneficiary(beneficiary.name[:70], iban, beneficiary.bic.upper())

    def payload(self, request: PaymentRequest) -> str:
        if request.total.currency != "EUR":
            raise InvalidValue(f"EPC QR codes are for EUR, not {request.total.currency}")
        amount = request.total.rounded().amount
        if not 0.01 <= amount <= MAX_AMOUNT:
            raise InvalidValue(f"EPC QR amounts go from 0.01 to {MAX_AMOUNT} EUR")
        lines = [
            "BCD",  # service tag
            "002",  # version
            "1",  # character set: UTF-8
            "SCT",  # SEPA credit transfer
            self._beneficiary.bic,
            self._beneficiary.name,
            self._beneficiary.iban,
            f"EUR{amount:.2f}",
            "",  # purpose code
            "",  # structured creditor reference (we use the text line instead)
            f"{request.reference} {' '.join(map(str, request.doc_nums))}"[:140],
        ]
        return "\n".join(lines)
