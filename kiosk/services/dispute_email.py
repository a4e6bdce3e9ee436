"""The e-mail that tells a customer, in their language, where their dispute stands now."""

from __future__ import annotations

from kiosk.domain.delivery import OutgoingEmail
from kiosk.domain.display_formats import format_money
from kiosk.domain.dispute import Dispute, DisputeEvent
from kiosk.language.catalogue import Texts
from kiosk.services.email_body import html_body, text_body


def dispute_email(
    dispute: Dispute, event: DisputeEvent, *, to: str, seller: str, language: str
) -> OutgoingEmail:
    """One e-mail per step of the dispute: opened, in review, accepted, rejected, ..."""
    words = Texts(language)
    what = (
        words.format("dispute_whole_invoice", number=dispute.doc_num)
        if dispute.line_number is None
        else words.format("dispute_line", line=dispute.line_number + 1, number=dispute.doc_num)
    )
    values = {
        "dispute": dispute.number,
        "what": what,
        "amount": format_money(dispute.amount),
        "seller": seller,
        "note": event.note,
    }
    paragraphs = [
        words.format(f"dispute_email_{event.state.value}", **values),
        *([words.format("dispute_email_note", **values)] if event.note else []),
        words["invoice_email_thanks"],
        seller,
    ]
    return OutgoingEmail(
        to=to,
        subject=words.format("dispute_email_subject", **values),
        text=text_body(paragraphs),
        html=html_body(paragraphs, language=language),
        attachment_name="",
        attachment=None,
    )
