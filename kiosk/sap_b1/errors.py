"""Turning Service Layer answers and transport failures into the kiosk's error kinds."""

from __future__ import annotations

import json
import re

import requests

from kiosk.services.errors import (
    NETWORK_TROUBLE,
    ExternalNotFound,
    ExternalOutcomeUnknown,
    ExternalRejected,
    ExternalUnavailable,
)

_TAGS = re.compile(r"<[^>]+>")
SESSION_EXPIRED_CODE = "301"


def sap_error(response: requests.Response) -> tuple[str | None, str]:
    """SAP's code and message from an error answer: JSON of either version, HTML, or nothing."""
    try:
        error = json.loads(response.content)["error"]
        code = error.get("code")
        message = error.get("message")
        if isinstance(message, dict):
            message = message.get("value")
        return (None if code is None else str(code)), str(message or response.reason)
    except (ValueError, KeyError, TypeError, AttributeError):
        text = " ".join(_TAGS.sub(" ", response.text).split())
        return None, (text[:200] or response.reason or f"HTTP {response.status_code}")


def is_session_expired(response: requests.Response) -> bool:
    return response.status_code == 401 and sap_error(response)[0] == SESSION_EXPIRED_CODE


def is_transient(status: int) -> bool:
    """Statuses a safe request may be repeated after: proxy and gateway trouble, overload."""
    return status in (502, 503, 504) or status == 500


def error_for(response: requests.Response, action: str) -> Exception:
    """The kiosk error for a failed answer, keeping SAP's code and message."""
    code, message = sap_error(response)
    detail = f"HTTP {response.status_code}" + (f", code {code}" if code else "")
    text = f"SAP Service Layer refused to {action}: {message} ({detail})"
    if response.status_code == 404:
        return ExternalNotFound(text, code=code, detail=message)
    if response.status_code >= 500:
        return ExternalUnavailable(f"SAP Service Layer failed to {action}: {message} ({detail})")
    return ExternalRejected(text, code=code, detail=message)


def error_for_transport(error: requests.RequestException, *, action: str, url: str) -> Exception:
    """The kiosk error for a request that got no answer."""
    reason = _reason(error)
    if isinstance(error, requests.exceptions.SSLError):
        return ExternalRejected(
            f"the TLS certificate of {url} could not be verified ({reason}); "
            "set sap.verify to the company's CA bundle file",
            code="tls",
            detail=reason,
        )
    if _never_sent(error):
        return ExternalUnavailable(
            f"SAP Service Layer unreachable at {url} ({reason}) while trying to {action}",
            code=NETWORK_TROUBLE,
        )
    return ExternalOutcomeUnknown(
        f"SAP Service Layer did not answer at {url} ({reason}) while trying to {action}; "
        "it may or may not have done it",
        code=NETWORK_TROUBLE,
    )


def _never_sent(error: requests.RequestException) -> bool:
    text = str(error)
    return (
        isinstance(error, requests.ConnectTimeout)
        or "NewConnectionError" in text
        or ("Failed to establish a new connection" in text)
    )


_REASONS = (
    (re.compile(r"certificate verify failed: ([^(\'\"]+)"), None),
    (re.compile(r"Connection refused"), "connection refused"),
    (re.compile(r"Read timed out|ReadTimeout"), "no answer in time"),
    (re.compile(r"timed out"), "timed out"),
    (re.compile(r"RemoteDisconnected|Connection aborted|Connection reset"), "connection dropped"),
    (re.compile(r"Name or service not known|nodename nor servname"), "host not found"),
)


def _reason(error: Exception) -> str:
    text = str(error)
    for pattern, phrase in _REASONS:
        match = pattern.search(text)
        if match:
            return phrase or f"certificate verify failed: {match.group(1).strip()}"
    return type(error).__name__
