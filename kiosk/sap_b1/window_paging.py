"""Reading a collection in windows of DocEntries, several requests in flight, pages as they come.

A first download against a real Service Layer waits on SAP (0.2 to 2 s a page), not on us;
SAP's own advice is a few requests in parallel. Each window is at most one page wide, so it is
one request; a window that still has a next link (SAP chose smaller pages) is followed.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Iterator, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import TypeVar
from urllib.parse import urljoin

import msgspec
import requests

from kiosk.sap_b1.paging import Page, query_string
from kiosk.sap_b1.parallel_limit import ParallelLimit
from kiosk.sap_b1.session import ServiceLayerSession
from kiosk.services.errors import ExternalUnavailable
from kiosk.services.ports.sap import Window, WindowPage

Record = TypeVar("Record")


def windows_of(ranges: list[Window], width: int) -> list[Window]:
    """The ranges cut into windows of at most `width` DocEntries, in order."""
    return [
        (start, min(start + width - 1, last))
        for first, last in ranges
        for start in range(first, last + 1, width)
    ]


def iterate_windows(
    session: ServiceLayerSession,
    resource: str,
    options: Mapping[str, str],
    ranges: list[Window],
    *,
    key: str,
    page_size: int,
    limit: ParallelLimit,
    action: str,
    decoder: msgspec.json.Decoder[Page[Record]],
) -> Iterator[WindowPage[Record]]:
    """Yield each window's pages as SAP answers them, up to `limit.allowed` requests at once.

    Pages are decoded in the caller's thread; the request threads only wait for bytes, which
    releases the interpreter lock.
    """
    # One more than a window holds: a full window then comes without a link to an empty page.
    headers = {"Prefer": f"odata.maxpagesize={page_size + 1}"}

    def fetch(url: str) -> tuple[requests.Response, float]:
        started = time.monotonic()
        response = session.request(
            "GET", url, headers=headers, action=action, on_overload=limit.overloaded
        )
        response.content  # noqa: B018 - read the body here, in the request thread
        return response, time.monotonic() - started

    def first_page(window: Window) -> str:
        bounds = f"{key} ge {window[0]} and {key} le {window[1]}"
        return f"{session.root}{resource}?{query_string({**options, '$filter': bounds})}"

    waiting = deque(windows_of(ranges, page_size))
    in_flight: dict[Future[tuple[requests.Response, float]], Window] = {}

    def fill(pool: ThreadPoolExecutor) -> None:
        # Before the caller gets a page: SAP works on the next ones while we store this one.
        while waiting and len(in_flight) < limit.allowed:
            window = waiting.popleft()
            in_flight[pool.submit(fetch, first_page(window))] = window

    with ThreadPoolExecutor(max_workers=limit.most, thread_name_prefix="sap-window") as pool:
        try:
            fill(pool)
            while in_flight:
                answered, _ = wait(in_flight, return_when=FIRST_COMPLETED)
                for future in answered:
                    window = in_flight.pop(future)
                    try:
                        response, seconds = future.result()
                    except ExternalUnavailable:
                        if limit.allowed == 1 and not in_flight:
                            raise  # alone and still refused: SAP is down, not just busy
                        # Overloaded while others were in flight: fewer at once, and this
                        # window again later.
                        limit.overloaded()
                        waiting.appendleft(window)
                        fill(pool)
                        continue
                    limit.answered(seconds)
                    fill(pool)
                    page = session.decode(response, decoder, action)
                    link = page.next_link or page.v1_next_link
                    if link:
                        in_flight[pool.submit(fetch, urljoin(session.root, link))] = window
                    yield WindowPage(window, page.value, finished=not link)
        finally:
            for future in in_flight:
                future.cancel()


__all__ = ["iterate_windows", "windows_of"]
