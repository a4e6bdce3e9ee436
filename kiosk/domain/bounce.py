"""Delivery status notifications (RFC 3464): which messages came back, to whom, and how badly."""

from __future__ import annotations

import re
from dataclasses import dataclass
from email import message_from_bytes
from email.message import Message
from email.parser import HeaderParser

_STATUS = re.compile(r"\b([245])\.(\d{1,3})\.(\d{1,3})\b")
_REPLY_CODE = re.compile(r"\b([245])\d\d\b")
_RETURNED_HEADERS = {"text/rfc822-headers", "message/rfc822-headers"}


@dataclass(frozen=True, slots=True)
class RecipientStatus:
    """One per-recipient block of a report: what the reporting server did for one address."""

    action: str  # failed, delayed, delivered, relayed or expanded
    status: str  # "5.1.1"; "" when the report gives none we can read
    recipient: str
    diagnostic: str = ""

    @property
    def permanent(self) -> bool:
        """A 5.x.x failure: this address will not work, however often it is tried."""
        return self.action == "failed" and self.status.startswith("5")


@dataclass(frozen=True, slots=True)
class BounceNotice:
    """A delivery status notification: the Message-IDs of the message it returns, and what
    happened to each recipient."""

    message_ids: tuple[str, ...]
    recipients: tuple[RecipientStatus, ...]

    @property
    def worst(self) -> RecipientStatus | None:
        """The recipient that fared worst: a permanent failure, then any failure, then a delay."""
        ranked = sorted(
            (r for r in self.recipients if r.action in {"failed", "delayed"}),
            key=lambda r: (not r.permanent, r.action != "failed"),
        )
        return ranked[0] if ranked else None

    @property
    def failed(self) -> bool:
        worst = self.worst
        return worst is not None and worst.action == "failed"

    @property
    def permanent(self) -> bool:
        worst = self.worst
        return worst is not None and worst.permanent

    @property
    def delayed(self) -> bool:
        worst = self.worst
        return worst is not None and worst.action == "delayed"

    @property
    def reason(self) -> str:
        """The status and the remote server's words, as staff read them: "5.1.1 550 ..."."""
        worst = self.worst
        if worst is None:
            return ""
        return " ".join(part for part in (worst.status, worst.diagnostic) if part)


def read_bounce(raw: bytes) -> BounceNotice | None:
    """The notification a message is, or None when it is no RFC 3464 delivery report."""
    message = message_from_bytes(raw)
    if message.get_content_type() != "multipart/report":
        return None
    report_type = str(message.get_param("report-type", "", header="content-type") or "")
    if report_type and report_type.lower() != "delivery-status":
        return None  # a feedback (abuse) or disposition report: not about delivery
    recipients: list[RecipientStatus] = []
    message_ids: list[str] = []
    found_status = False
    for part in message.walk():
        kind = part.get_content_type()
        if kind == "message/delivery-status":
            found_status = True
            blocks = _status_blocks(part)
            recipients += _recipients(blocks)
            # Gmail names the returned message in the report itself, whatever it returns.
            for block in blocks:
                message_ids += _message_ids(block, "X-Original-Message-ID")
        elif kind == "message/rfc822":
            returned = part.get_payload()
            if isinstance(returned, list) and returned and isinstance(returned[0], Message):
                message_ids += _message_ids(returned[0])
        elif kind in _RETURNED_HEADERS:
            message_ids += _message_ids(HeaderParser().parsestr(_text(part)))
    if not found_status:
        return None
    return BounceNotice(tuple(dict.fromkeys(message_ids)), tuple(recipients))


def _status_blocks(part: Message) -> list[Message]:
    """The header blocks of a message/delivery-status part: per message, then per recipient."""
    blocks = part.get_payload()
    if not isinstance(blocks, list):
        # Some servers send the report as one text block; read it as headers all the same.
        return [HeaderParser().parsestr(_text(part))]
    return [block for block in blocks if isinstance(block, Message)]


def _recipients(blocks: list[Message]) -> list[RecipientStatus]:
    found = []
    for block in blocks:
        if block.get("Action") is None:
            continue  # the per-message block (Reporting-MTA ...), or an empty one
        action = _words(block.get("Action", "")).split(" ")[0].lower()
        diagnostic = _diagnostic(_words(block.get("Diagnostic-Code", "")))
        found.append(
            RecipientStatus(
                action=action,
                status=_status(_words(block.get("Status", "")), diagnostic, action),
                recipient=_address(block.get("Final-Recipient") or block.get("Original-Recipient")),
                diagnostic=diagnostic,
            )
        )
    return found


def _status(status: str, diagnostic: str, action: str) -> str:
    """The enhanced status code; from the diagnostic when the Status field is unreadable."""
    for text in (status, diagnostic):
        if match := _STATUS.search(text):
            return match.group(0)
    if match := _REPLY_CODE.search(diagnostic):
        return f"{match.group(1)}.0.0"
    return "5.0.0" if action == "failed" else ("4.0.0" if action == "delayed" else "")


def _diagnostic(value: str) -> str:
    """A Diagnostic-Code without its type ("smtp; 550 ..." reads "550 ..."): the type says
    nothing to staff."""
    kind, separator, rest = value.partition(";")
    return rest.strip() if separator and " " not in kind.strip() else value.strip()


def _address(value: str | None) -> str:
    """The address of "rfc822; someone@example.com"."""
    _kind, _separator, address = _words(value or "").rpartition(";")
    return address.strip().strip("<>")


def _message_ids(headers: Message, field: str = "Message-ID") -> list[str]:
    value = headers.get(field)
    if value is None:
        return []
    return [found.strip() for found in re.findall(r"<([^<>\s]+)>", str(value))] or [
        str(value).strip()
    ]


def _words(value: object) -> str:
    """A header value unfolded onto one line."""
    return " ".join(str(value).split())


def _text(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if isinstance(payload, bytes):
        return payload.decode(part.get_content_charset() or "utf-8", "replace")
    return str(part.get_payload())
