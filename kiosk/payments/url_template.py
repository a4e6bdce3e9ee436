"""The default payment QR: a link to the company's payment page, built from a template."""

from __future__ import annotations

import string
from urllib.parse import quote

from kiosk.domain.errors import InvalidValue
from kiosk.domain.payment_request import PaymentRequest

PLACEHOLDERS = ("reference", "amount", "currency", "invoices", "customer")


class UrlTemplateBuilder:
    """Fills {reference}, {amount}, {currency}, {invoices} and {customer}, URL-encoded."""

    def __init__(self, template: str) -> None:
        names = {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}
        unknown = names - set(PLACEHOLDERS)
        if unknown:
            raise InvalidValue(
                f"payments.url_template uses unknown placeholder(s) {sorted(unknown)}; "
                f"known: {', '.join(PLACEHOLDERS)}"
            )
        if not template.startswith(("https://", "http://")):
            raise InvalidValue("payments.url_template must start with https://")
        self._template = template

    def payload(self, request: PaymentRequest) -> str:
        values = {
            "reference": request.reference,
            "amount": f"{request.total.rounded().amount:.2f}",
            "currency": request.total.currency,
            "invoices": ",".join(str(number) for number in request.doc_nums),
            "customer": request.customer_code,
        }
        return self._template.format(**{k: quote(v, safe="") for k, v in values.items()})
