"""Every e-mail has a text and an HTML body with the same words, every value escaped."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from html.parser import HTMLParser

from kiosk.domain.delivery import EmailAttachment
from kiosk.domain.dispute import Dispute, DisputeEvent, DisputeReason, DisputeState
from kiosk.domain.money import Money
from kiosk.domain.statement import build_statement
from kiosk.services.dispute_email import dispute_email
from kiosk.services.email_body import html_body, text_body
from kiosk.services.invoice_email import invoice_email, invoice_xml_email
from kiosk.services.statement_email import statement_email
from kiosk.services.statements import StatementFiles
from tests.builders import make_invoice
from tests.fixtures.statement_data import PERIOD, TODAY, statement_data

HOSTILE = 'Ferretería <script>alert("x")</script> & Hijos'
LINK = "https://pay.example.com/p/0100042?amount=232.00&ref=a<b"


class _Reader(HTMLParser):
    """What a mail reader shows of the HTML: its text, its links, and any script."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.links: list[str] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.links += [value for name, value in attrs if name == "href"]

    def handle_data(self, data):
        self.text.append(data)


def read_html(html: str) -> _Reader:
    reader = _Reader()
    reader.feed(html)
    return reader


def words(text: str) -> list[str]:
    return re.findall(r"\S+", text)


def test_the_invoice_email_says_the_same_in_text_and_html_with_its_payment_link():
    email = invoice_email(
        make_invoice(customer_name=HOSTILE), to="pagos@cliente.mx", pdf=b"%PDF", seller=HOSTILE,
        language="es", amount_due="$232.00", due_date="14/02/2026", payment_link=LINK,
    )  # fmt: skip

    seen = read_html(email.html)
    assert "script" not in seen.tags and seen.links == [LINK]
    assert words("".join(seen.text)) == words(email.text)
    assert HOSTILE in email.text and LINK in email.text
    assert email.html.startswith("<!DOCTYPE html>") and '<html lang="es">' in email.html
    assert '<meta charset="utf-8">' in email.html


def test_a_paid_invoice_has_no_link_and_the_xml_email_speaks_english_when_asked():
    paid = make_invoice(paid_to_date="232.00")
    email = invoice_email(
        paid, to="a@b.mx", pdf=b"%PDF", seller="Tienda", language="es", amount_due="$0.00",
        due_date="14/02/2026", payment_link=LINK,
    )  # fmt: skip
    assert read_html(email.html).links == [] and LINK not in email.text

    xml = invoice_xml_email(
        paid, to="a@b.mx", xml=EmailAttachment("F.xml", b"<x/>"), seller="Tienda", language="en"
    )
    assert '<html lang="en">' in xml.html
    assert words("".join(read_html(xml.html).text)) == words(xml.text)


def test_the_dispute_notice_escapes_the_clerks_note():
    dispute = Dispute(
        id=42, doc_entry=1, doc_num=1001, customer_code="C001", line_number=None,
        reason=DisputeReason.WRONG_PRICE, comment="", amount=Money(Decimal("50.00"), "MXN"),
        state=DisputeState.IN_REVIEW, opened_at=datetime(2026, 1, 20, 10, 0),
    )  # fmt: skip
    event = DisputeEvent(DisputeState.IN_REVIEW, "<b>ok</b> & revisado", "ana", dispute.opened_at)

    email = dispute_email(dispute, event, to="a@b.mx", seller="Tienda", language="es")

    assert (
        "&lt;b&gt;ok&lt;/b&gt; &amp; revisado" in email.html
        and "b" not in read_html(email.html).tags
    )
    assert words("".join(read_html(email.html).text)) == words(email.text)


def test_line_breaks_inside_a_paragraph_survive_in_html():
    html = html_body(["Calle 1\nMonterrey", "Gracias"], language="es")

    assert "<p>Calle 1<br>\nMonterrey</p>" in html
    assert text_body(["Calle 1\nMonterrey", "Gracias"]) == "Calle 1\nMonterrey\n\nGracias\n"


def test_the_statement_email_lists_each_balance_in_both_bodies():
    data = statement_data()
    statement = build_statement(
        data.customer, PERIOD, invoices=data.invoices, credit_notes=data.credit_notes,
        payments=data.payments, disputes=data.disputes, today=TODAY,
    )  # fmt: skip
    files = StatementFiles("Estado.pdf", b"%PDF", "Estado.csv", b"a;b\n")

    email = statement_email(statement, files, to="a@b.mx", seller="Tienda & Co", language="es")

    assert "$2,580.00" in email.text and "2,580.00" in email.html
    assert "Tienda &amp; Co" in email.html
    assert words("".join(read_html(email.html).text)) == words(email.text)
