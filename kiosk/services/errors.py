"""Errors from outside systems: temporarily unreachable, or refusing what we sent."""

from __future__ import annotations

NETWORK_TROUBLE = "network"
"""The code of an `ExternalUnavailable` that got no answer at all: the system was not reached."""


class ExternalUnavailable(Exception):
    """An outside system (SAP, a printer, the mail server, the database) cannot be reached now.

    The work stays queued; retrying later or working offline is the answer. `code` keeps what
    the system said, when it said anything (an SMTP 451, say).
    """

    def __init__(self, message: str, *, code: str | None = None):
        super().__init__(message)
        self.code = code


class DatabaseUnavailable(ExternalUnavailable):
    """The cache's database cannot be reached (a branch's PostgreSQL is down, the disk is
    gone): nothing was written, and what was queued stays queued."""


class ExternalRejected(Exception):
    """An outside system refused the request; staff must look at it.

    `code` and `detail` keep what the system said, for staff and the logs.
    """

    def __init__(self, message: str, *, code: str | None = None, detail: str | None = None):
        super().__init__(message)
        self.code = code
        self.detail = detail


class ExternalOutcomeUnknown(ExternalUnavailable):
    """A write was sent but no answer came back: it may or may not have happened.

    Never repeat such a write blindly; look it up by its reference first.
    """


class ExternalNotFound(ExternalRejected):
    """The outside system has no record with that key."""
