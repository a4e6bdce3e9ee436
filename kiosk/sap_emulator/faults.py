r"""Fault injection: make the next matching requests fail the ways a real Service Layer fails.

A fault's path is a regular expression searched in the request's resource and query as sent,
relative to the service root: `Invoices\?` matches collection reads, `Invoices\(4\)` one
invoice, `\$skip=40` one page.
"""

from __future__ import annotations

import enum
import re
import threading
from dataclasses import dataclass, field
from typing import Any


class FaultKind(enum.Enum):
    RESPOND = "respond"  # answer with a status and body instead of doing the work
    DROP = "drop"  # close the connection without doing the work or answering
    WRITE_THEN_DROP = "write_then_drop"  # do the work, then close without answering
    DELAY = "delay"  # wait, then do the work and answer as usual


@dataclass
class Fault:
    """One armed fault: what it matches, how many more times, and what it does."""

    kind: FaultKind
    method: str
    path: re.Pattern[str]
    remaining: int
    status: int = 500
    body: bytes = b""
    content_type: str = "text/html"
    headers: dict[str, str] = field(default_factory=dict)
    delay_seconds: float = 0.0


HTML_502 = (
    b'<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head>\n'
    b"<title>502 Proxy Error</title>\n</head><body>\n<h1>Proxy Error</h1>\n"
    b"<p>The proxy server received an invalid\r\nresponse from an upstream server.<br />\r\n"
    b"</p>\n</body></html>\n"
)


class FaultPlan:
    """The faults armed on an emulator, matched against method and path (a regex search)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self.seen: list[tuple[str, str]] = []  # every request as (method, resource?query)

    def fail_next(
        self,
        path: str,
        *,
        method: str = "GET",
        times: int = 1,
        status: int = 500,
        body: bytes | dict[str, Any] | None = None,
        html: bool = False,
    ) -> None:
        """Answer the next `times` matching requests with an error instead of serving them."""
        import json

        if html:
            payload, content_type = HTML_502, "text/html; charset=iso-8859-1"
        elif isinstance(body, dict):
            payload, content_type = json.dumps(body).encode(), "application/json"
        else:
            payload, content_type = body or b"", "text/html"
        self._arm(
            Fault(FaultKind.RESPOND, method, re.compile(path), times, status, payload, content_type)
        )

    def drop_next(self, path: str, *, method: str = "GET", times: int = 1) -> None:
        """Close the connection on the next matching requests without answering."""
        self._arm(Fault(FaultKind.DROP, method, re.compile(path), times))

    def write_then_drop_next(self, path: str, *, method: str = "POST", times: int = 1) -> None:
        """Perform the next matching writes, then close the connection without answering."""
        self._arm(Fault(FaultKind.WRITE_THEN_DROP, method, re.compile(path), times))

    def delay_next(self, path: str, *, seconds: float, method: str = "GET", times: int = 1) -> None:
        """Hold the next matching requests for a while before serving them normally."""
        self._arm(Fault(FaultKind.DELAY, method, re.compile(path), times, delay_seconds=seconds))

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def take(self, method: str, path: str) -> Fault | None:
        """Return and use up the first armed fault matching this request, if any."""
        with self._lock:
            self.seen.append((method, path))
            for fault in self._faults:
                if fault.method == method and fault.path.search(path):
                    fault.remaining -= 1
                    if fault.remaining <= 0:
                        self._faults.remove(fault)
                    return fault
        return None

    def _arm(self, fault: Fault) -> None:
        with self._lock:
            self._faults.append(fault)
