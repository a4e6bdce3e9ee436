"""Reading the bounce mailbox over IMAP with TLS: unread delivery reports, marked read once kept."""

from __future__ import annotations

import imaplib
import re
import ssl
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import date
from email.parser import BytesHeaderParser
from pathlib import Path
from typing import Any

from kiosk.delivery.tls_context import tls_context
from kiosk.services.errors import ExternalRejected, ExternalUnavailable

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_UID = re.compile(rb"\bUID (\d+)")
_HEADERS_AT_ONCE = 200  # UIDs per FETCH of headers: a command line servers accept


@dataclass(frozen=True)
class ImapConfig:
    host: str
    port: int
    username: str
    password: str
    mailbox: str
    verify: bool | Path = True
    timeout_seconds: float = 30


class ImapBounceMailbox:
    """One connection per check. Messages are read with BODY.PEEK, so only what the kiosk
    recorded is marked read (\\Seen); nothing is ever deleted or moved."""

    def __init__(self, config: ImapConfig) -> None:
        if not config.host:
            raise ExternalRejected(
                "no bounce mailbox configured (bounces.host is empty)", code="config"
            )
        self._config = config
        self._tls = tls_context(config.verify)
        self._where = f"{config.host}:{config.port}"

    def read_reports(self, since: date, handle: Callable[[bytes], bool]) -> int:
        with self._session() as imap:
            uids = self._report_uids(imap, since)
            for uid in uids:
                fetched = self._call("the message", imap.uid, "FETCH", uid, "(BODY.PEEK[])")
                raw = next((item[1] for item in fetched if isinstance(item, tuple)), None)
                if raw is not None and handle(raw):
                    self._call(
                        "marking it read", imap.uid, "STORE", uid, "+FLAGS.SILENT", r"(\Seen)"
                    )
        return len(uids)

    def check(self) -> str:
        """Log in and open the mailbox without changing anything; say how many are unread."""
        with self._session(readonly=True) as imap:
            found = self._call("the search", imap.uid, "SEARCH", "UNSEEN")
        unread = len(found[0].split()) if found and found[0] else 0
        return f"{self._config.mailbox}: {unread} unread"

    def _report_uids(self, imap: imaplib.IMAP4_SSL, since: date) -> list[bytes]:
        """The unread messages since a day whose Content-Type says they are reports."""
        day = f"{since.day:02d}-{_MONTHS[since.month - 1]}-{since.year}"
        found = self._call("the search", imap.uid, "SEARCH", "UNSEEN", "SINCE", day)
        unread = found[0].split() if found and found[0] else []
        reports = []
        for start in range(0, len(unread), _HEADERS_AT_ONCE):
            chunk = b",".join(unread[start : start + _HEADERS_AT_ONCE]).decode()
            headers = self._call(
                "the headers", imap.uid, "FETCH", chunk, "(BODY.PEEK[HEADER.FIELDS (CONTENT-TYPE)])"
            )
            for item in headers:
                if not isinstance(item, tuple) or (uid := _UID.search(item[0])) is None:
                    continue
                parsed = BytesHeaderParser().parsebytes(item[1])
                if parsed.get_content_type() == "multipart/report":
                    reports.append(uid.group(1))
        return reports

    @contextmanager
    def _session(self, *, readonly: bool = False) -> Iterator[imaplib.IMAP4_SSL]:
        config = self._config
        try:
            imap = imaplib.IMAP4_SSL(
                config.host, config.port, ssl_context=self._tls, timeout=config.timeout_seconds
            )
        except ssl.SSLCertVerificationError as error:
            raise ExternalRejected(
                f"the TLS certificate of the bounce mailbox {self._where} could not be verified "
                f"({error.verify_message or error.reason}); set bounces.verify to its CA bundle",
                code="tls",
            ) from None
        except ssl.SSLError as error:
            raise ExternalRejected(
                f"the bounce mailbox {self._where} does not speak IMAP over TLS "
                f"({error.reason or error})",
                code="tls",
            ) from None
        except (OSError, imaplib.IMAP4.error) as error:
            raise self._unreachable(error) from None
        try:
            try:
                imap.login(config.username, config.password)
            except imaplib.IMAP4.abort as error:
                raise self._unreachable(error) from None
            except imaplib.IMAP4.error as error:
                raise ExternalRejected(
                    f"the bounce mailbox {self._where} refused the login of {config.username} "
                    f"({_text(error)})",
                    code="login",
                ) from None
            except OSError as error:
                raise self._unreachable(error) from None
            self._call(
                f"the folder {config.mailbox!r}", imap.select, _quoted(config.mailbox), readonly
            )
            yield imap
        finally:
            # A connection that is gone already has nothing left to close.
            with suppress(OSError, imaplib.IMAP4.error):
                imap.logout()

    def _call(
        self, what: str, command: Callable[..., tuple[str, list[Any]]], *args: Any
    ) -> list[Any]:
        """One IMAP command; its failure as ours, naming what was asked for."""
        try:
            status, data = command(*args)
        except imaplib.IMAP4.abort as error:
            raise self._unreachable(error) from None
        except imaplib.IMAP4.error as error:
            raise ExternalRejected(
                f"the bounce mailbox {self._where} refused {what} ({_text(error)})", code="imap"
            ) from None
        except OSError as error:
            raise self._unreachable(error) from None
        if status != "OK":
            detail = _text(data[0]) if data else status
            raise ExternalRejected(
                f"the bounce mailbox {self._where} refused {what} ({detail})", code="imap"
            )
        return data

    def _unreachable(self, error: Exception) -> ExternalUnavailable:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else _text(error)
        return ExternalUnavailable(
            f"the bounce mailbox {self._where} cannot be reached ({reason or type(error).__name__})"
        )


def _quoted(mailbox: str) -> str:
    """A folder name as IMAP reads it: "Returned mail" is one name, not two words."""
    return '"' + mailbox.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _text(value: object) -> str:
    if isinstance(value, Exception) and value.args:
        value = value.args[0]
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
