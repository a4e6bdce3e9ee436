"""Server-driven paging: follow SAP's next links until there is none."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from decimal import Decimal
from typing import Any, Generic, TypeVar
from urllib.parse import quote, urljoin

import msgspec
import requests

from kiosk.sap_b1.session import ServiceLayerSession

Record = TypeVar("Record")

# Characters SAP reads literally in query options; everything else is percent-encoded,
# spaces as %20 (a '+' is not a space to the Service Layer).
_SAFE = "'(),:*/"


def query_string(options: Mapping[str, str]) -> str:
    """Encode system query options the way the Service Layer expects them."""
    return "&".join(f"{name}={quote(value, safe=_SAFE)}" for name, value in options.items())


class Page(msgspec.Struct, Generic[Record]):
    """One page of an OData collection: its records and, unless it is the last, the next link."""

    value: list[Record] = msgspec.field(default_factory=list)
    next_link: str | None = msgspec.field(name="@odata.nextLink", default=None)  # OData V4
    v1_next_link: str | None = msgspec.field(name="odata.nextLink", default=None)  # OData V3


def page_decoder(record: type[Record]) -> msgspec.json.Decoder[Page[Record]]:
    """Reads a page's bytes straight into records; a number with a fraction is an exact Decimal."""
    return msgspec.json.Decoder(Page[record], float_hook=Decimal)  # type: ignore[valid-type]


RAW_RECORDS = page_decoder(dict[str, Any])


def iterate_pages(
    session: ServiceLayerSession,
    resource: str,
    options: Mapping[str, str],
    *,
    page_size: int,
    action: str,
    decoder: msgspec.json.Decoder[Page[Record]] = RAW_RECORDS,  # type: ignore[assignment]
) -> Iterator[list[Record]]:
    """Yield each page's records; stop only when SAP sends no next link.

    A full last page still carries a link to an empty page, so a short page is not the end
    marker. Links may be relative, absolute paths or absolute URLs: all resolve against the
    service root with its trailing slash. The next page is fetched while the caller works on
    the current one, so SAP's time to answer overlaps the caller's time to map and store.
    """
    headers = {"Prefer": f"odata.maxpagesize={page_size}"}

    def fetch(url: str) -> requests.Response:
        response = session.request("GET", url, headers=headers, action=action)
        response.content  # noqa: B018 - read the body here, in the prefetch thread
        return response

    # The prefetch thread only waits for and reads bytes, which releases the GIL; parsing
    # stays in the caller's thread so the two never fight over the interpreter.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sap-page") as prefetcher:
        pending: Future[requests.Response] | None = prefetcher.submit(
            fetch, f"{session.root}{resource}?{query_string(options)}"
        )
        try:
            while pending is not None:
                page = session.decode(pending.result(), decoder, action)
                link = page.next_link or page.v1_next_link
                pending = prefetcher.submit(fetch, urljoin(session.root, link)) if link else None
                yield page.value
        finally:
            if pending is not None:
                pending.cancel()
