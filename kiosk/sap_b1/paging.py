"""Server-driven paging: follow SAP's next links until there is none."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import quote, urljoin

from kiosk.sap_b1.session import ServiceLayerSession

# Characters SAP reads literally in query options; everything else is percent-encoded,
# spaces as %20 (a '+' is not a space to the Service Layer).
_SAFE = "'(),:*/"


def query_string(options: Mapping[str, str]) -> str:
    """Encode system query options the way the Service Layer expects them."""
    return "&".join(f"{name}={quote(value, safe=_SAFE)}" for name, value in options.items())


def iterate_pages(
    session: ServiceLayerSession,
    resource: str,
    options: Mapping[str, str],
    *,
    page_size: int,
    action: str,
) -> Iterator[list[dict[str, Any]]]:
    """Yield each page's records; stop only when SAP sends no next link.

    A full last page still carries a link to an empty page, so a short page is not the end
    marker. Links may be relative, absolute paths or absolute URLs: all resolve against the
    service root with its trailing slash.
    """
    url: str | None = f"{session.root}{resource}?{query_string(options)}"
    headers = {"Prefer": f"odata.maxpagesize={page_size}"}
    while url:
        response = session.request("GET", url, headers=headers, action=action)
        body = session.json(response, action)
        yield body.get("value", [])
        link = body.get("@odata.nextLink") or body.get("odata.nextLink")
        url = urljoin(session.root, link) if link else None
