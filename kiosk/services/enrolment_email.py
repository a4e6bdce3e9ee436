"""The e-mail carrying an e-billing code (and the confirmation link) in the customer's language."""

from __future__ import annotations

from html import escape

from kiosk.domain.delivery import OutgoingEmail
from kiosk.language.catalogue import Texts


def enrolment_code_email(
    code: str,
    *,
    to: str,
    seller: str,
    language: str,
    minutes: int,
    link: str | None = None,
) -> OutgoingEmail:
    """Short and plain, as mail filters like it: who sends it, the code, how long it is valid,
    the link where the store has one, and what to do if the customer did not ask for it."""
    words = Texts(language)
    values = {"code": code, "seller": seller, "minutes": minutes, "address": to}
    intro = words.format("enrol_email_intro", **values)
    validity = words.format("enrol_email_valid", **values)
    ignore = words.format("enrol_email_ignore", **values)
    paragraphs = [intro, words.format("enrol_email_code", **values), validity]
    html_parts = [
        f"<p>{escape(intro)}</p>",
        f'<p style="font-size:28px;font-weight:bold;letter-spacing:6px">{escape(code)}</p>',
        f"<p>{escape(validity)}</p>",
    ]
    if link:
        paragraphs.append(words.format("enrol_email_link", link=link))
        html_parts.append(
            f"<p>{escape(words['enrol_email_link_html'])} "
            f'<a href="{escape(link, quote=True)}">{escape(link)}</a></p>'
        )
    paragraphs += [ignore, seller]
    html_parts += [f"<p>{escape(ignore)}</p>", f"<p>{escape(seller)}</p>"]
    return OutgoingEmail(
        to=to,
        subject=words.format("enrol_email_subject", **values),
        text="\n\n".join(paragraphs) + "\n",
        html=f"<html><body>{''.join(html_parts)}</body></html>",
        attachment_name="",
        attachment=None,
    )
