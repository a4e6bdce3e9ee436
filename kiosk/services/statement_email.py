"""The e-mail that carries a customer's statement of account: its PDF, and its CSV beside it."""

from __future__ import annotations

from kiosk.domain.delivery import EmailAttachment, OutgoingEmail
from kiosk.domain.display_formats import format_date, format_money
from kiosk.domain.money import Money
from kiosk.domain.statement import Statement
from kiosk.language.catalogue import Texts
from kiosk.services.email_body import html_body, text_body
from kiosk.services.statements import StatementFiles


def statement_email(
    statement: Statement, files: StatementFiles, *, to: str, seller: str, language: str
) -> OutgoingEmail:
    """The statement's closing balance in each currency in the body, the files attached."""
    words = Texts(language)
    values = {
        "customer": statement.customer_name,
        "seller": seller,
        "start": format_date(statement.period.start, language),
        "end": format_date(statement.period.end, language),
    }
    balances = [
        words.format(
            "statement_email_balance",
            currency=section.currency,
            amount=format_money(Money(section.closing, section.currency)),
        )
        for section in statement.sections
    ]
    paragraphs = [
        words.format("invoice_email_hello", **values),
        words.format("statement_email_body", **values),
        *(balances or [words["statement_nothing"]]),
        *([] if statement.history_complete else [words["statement_incomplete"]]),
        words["invoice_email_thanks"],
        seller,
    ]
    return OutgoingEmail(
        to=to,
        subject=words.format("statement_email_subject", **values),
        text=text_body(paragraphs),
        html=html_body(paragraphs, language=language),
        attachment_name=files.pdf_name,
        attachment=files.pdf,
        also_attached=(EmailAttachment(files.csv_name, files.csv, "text/csv"),),
    )
