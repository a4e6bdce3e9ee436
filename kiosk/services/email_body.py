"""The two bodies of every e-mail the kiosk sends: plain text, and the same words as safe HTML."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape


def text_body(paragraphs: Sequence[str]) -> str:
    """The paragraphs, a blank line apart, as the text/plain part."""
    return "\n\n".join(paragraphs) + "\n"


def html_body(paragraphs: Sequence[str], *, language: str, links: Sequence[str] = ()) -> str:
    """The same paragraphs as a small HTML document: every value escaped, line breaks kept,
    and each of `links` (a payment link, a confirmation link) made something one can tap."""
    rendered = []
    for paragraph in paragraphs:
        html = escape(paragraph).replace("\n", "<br>\n")
        for link in dict.fromkeys(link for link in links if link):
            anchor = f'<a href="{escape(link, quote=True)}">{escape(link)}</a>'
            html = html.replace(escape(link), anchor)
        rendered.append(f"<p>{html}</p>")
    return (
        f'<!DOCTYPE html>\n<html lang="{escape(language, quote=True)}">\n'
        '<head><meta charset="utf-8"></head>\n'
        "<body>\n" + "\n".join(rendered) + "\n</body>\n</html>\n"
    )
