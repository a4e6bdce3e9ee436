"""Load like a real Service Layer's: latency, a cost per row answered, a cap on requests at once."""

from __future__ import annotations

import threading

# What the Apache load balancer in front of the Service Layer answers when it is too busy.
HTML_503 = (
    b'<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head>\n'
    b"<title>503 Service Unavailable</title>\n</head><body>\n<h1>Service Unavailable</h1>\n"
    b"<p>The server is temporarily unable to service your\nrequest due to maintenance downtime "
    b"or capacity\nproblems. Please try again later.</p>\n</body></html>\n"
)
HTML_503_CONTENT_TYPE = "text/html; charset=iso-8859-1"


class EmulatedLoad:
    """How slow and how busy the emulated Service Layer is, and how busy it has been."""

    def __init__(
        self,
        *,
        latency_seconds: float = 0.0,
        row_cost_seconds: float = 0.0,
        max_concurrent: int | None = None,
    ) -> None:
        self.latency_seconds = latency_seconds
        self.row_cost_seconds = row_cost_seconds
        self.max_concurrent = max_concurrent  # None: no cap
        self.peak_concurrent = 0  # the most requests served at once
        self.refused = 0  # requests answered 503 for being over the cap
        self._lock = threading.Lock()
        self._serving = 0

    def admit(self) -> bool:
        """Count one more request in service; False, and counted as refused, when over the cap."""
        with self._lock:
            if self.max_concurrent is not None and self._serving >= self.max_concurrent:
                self.refused += 1
                return False
            self._serving += 1
            self.peak_concurrent = max(self.peak_concurrent, self._serving)
            return True

    def release(self) -> None:
        """One admitted request has been answered."""
        with self._lock:
            self._serving -= 1

    def delay_for(self, rows: int) -> float:
        """How long an answer of this many rows takes before it is sent."""
        return self.latency_seconds + rows * self.row_cost_seconds
