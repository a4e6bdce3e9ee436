"""Sending e-mail."""

from __future__ import annotations

from typing import Protocol

from kiosk.domain.delivery import (
    OutgoingEmail,
)


class Mailer(Protocol):
    """Sends e-mail; raises ExternalUnavailable to retry later, ExternalRejected to give up."""

    def send(self, email: OutgoingEmail) -> str:
        """Send and return the message id once the server accepted the message."""
        ...
