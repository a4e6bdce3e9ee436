"""One Service Layer session: login behind a lock, cookies kept by hand, re-login, retries."""

from __future__ import annotations

import http.cookiejar
import json
import logging
import random
import threading
import time
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, TypeVar

import msgspec
import requests
import urllib3

from kiosk.sap_b1.config import ServiceLayerConfig
from kiosk.sap_b1.errors import error_for, error_for_transport, is_session_expired, is_transient
from kiosk.services.errors import ExternalRejected, ExternalUnavailable

logger = logging.getLogger(__name__)
Decoded = TypeVar("Decoded")

# Log in again this long before SAP's idle timeout would end the session.
RELOGIN_MARGIN_SECONDS = 60.0
# Only reads repeat by themselves; a write whose answer was lost goes back to its caller (the
# outbox), which checks SAP before trying again.
SAFE_METHODS = frozenset({"GET"})
_BODY_PIECE_BYTES = 1 << 20


class _NoCookies(http.cookiejar.DefaultCookiePolicy):
    """Keep requests' jar empty: SAP's B1SESSION cookie has no Path and a trailing ';'."""

    def set_ok(self, cookie: http.cookiejar.Cookie, request: Any) -> bool:
        return False

    def return_ok(self, cookie: http.cookiejar.Cookie, request: Any) -> bool:
        return False


class ServiceLayerSession:
    """Sends requests to one company's Service Layer, logged in, with SAP's quirks handled."""

    def __init__(
        self,
        config: ServiceLayerConfig,
        *,
        http: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.config = config
        self.root = config.service_root
        self._http = http or requests.Session()
        self._http.cookies.set_policy(_NoCookies())
        self._sleep = sleep
        self._monotonic = monotonic
        self._login_lock = threading.Lock()
        self._cookie: str | None = None
        self._generation = 0
        self._last_used = 0.0
        self._timeout_seconds = 30 * 60.0
        self.server_version: str | None = None
        if config.verify is False:
            logger.warning(
                "TLS certificate verification for %s is OFF (sap.verify = false): "
                "anyone on the network path can read the SAP password",
                self.root,
            )
            urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)

    @property
    def route_id(self) -> str | None:
        """The ROUTEID cookie of the current session (which node serves it)."""
        if not self._cookie:
            return None
        for part in self._cookie.split("; "):
            if part.startswith("ROUTEID="):
                return part.removeprefix("ROUTEID=")
        return None

    def login(self) -> None:
        """Log in now, replacing any session this object holds."""
        with self._login_lock:
            self._login()

    def ensure_logged_in(self) -> None:
        """Log in unless this object holds a live session; raises when SAP cannot be reached."""
        self._ensure_session()

    def close(self) -> None:
        """Log out and release the connections."""
        self.logout()
        self._http.close()

    def logout(self) -> None:
        """End the session on SAP's side; failures are logged, not raised (we are leaving)."""
        with self._login_lock:
            if self._cookie is None:
                return
            try:
                self._send("POST", self.root + "Logout", None, {})
            except requests.RequestException as error:
                logger.info("logout from %s failed: %s", self.root, error)
            self._cookie = None

    def request(
        self,
        method: str,
        url: str,
        *,
        body: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        action: str,
        on_overload: Callable[[], None] | None = None,
    ) -> requests.Response:
        """Send a request in the session; `action` says what it does, for error messages;
        `on_overload` is told of each answer that says SAP or its proxy is overloaded (5xx)."""
        retryable = method in SAFE_METHODS
        attempts = 0
        relogged = False
        while True:
            generation = self._ensure_session()
            try:
                response = self._send(method, url, body, dict(headers or {}))
            except requests.RequestException as error:
                failure = error_for_transport(error, action=action, url=self.root)
                if (
                    retryable
                    and attempts < self.config.retries
                    and not isinstance(failure, ExternalRejected)
                ):
                    attempts += 1
                    self._back_off(attempts, f"{action}: {failure}")
                    continue
                raise failure from error
            if is_session_expired(response) and not relogged:
                relogged = True
                self._relogin_after(generation)
                continue
            if is_transient(response.status_code) and on_overload is not None:
                on_overload()
            if is_transient(response.status_code) and retryable and attempts < self.config.retries:
                attempts += 1
                self._back_off(attempts, f"{action}: HTTP {response.status_code}")
                continue
            if response.ok:
                self._last_used = self._monotonic()
                return response
            raise error_for(response, action)

    def json(self, response: requests.Response, action: str) -> Any:
        """The answer's JSON with every number that has a fraction read as an exact Decimal."""
        try:
            return json.loads(response.content, parse_float=Decimal)
        except ValueError:
            raise ExternalUnavailable(
                f"SAP Service Layer answered {action} with something that is not JSON"
            ) from None

    def decode(
        self, response: requests.Response, decoder: msgspec.json.Decoder[Decoded], action: str
    ) -> Decoded:
        """The answer read straight into typed records; a value of the wrong type is named."""
        try:
            return decoder.decode(response.content)
        except msgspec.ValidationError as error:
            raise ExternalRejected(
                f"SAP Service Layer answered {action} with an unexpected value: {error}",
                code="unexpected-answer",
            ) from None
        except msgspec.DecodeError:
            raise ExternalUnavailable(
                f"SAP Service Layer answered {action} with something that is not JSON"
            ) from None

    # --- internals -------------------------------------------------------------------------

    def _ensure_session(self) -> int:
        with self._login_lock:
            idle = self._monotonic() - self._last_used
            if self._cookie is None or idle >= self._timeout_seconds - self._margin():
                self._login()
            return self._generation

    def _relogin_after(self, generation: int) -> None:
        with self._login_lock:
            # Another thread may have logged in while this request was out: use its session.
            if self._generation == generation:
                logger.info("SAP session expired; logging in again to %s", self.root)
                self._login()

    def _login(self) -> None:
        blank = [
            name
            for name, value in (
                ("sap.company_db", self.config.company_db),
                ("sap.username", self.config.username),
                ("sap.password", self.config.password),
            )
            if not value
        ]
        if blank:
            raise ExternalRejected(
                f"cannot log in to SAP at {self.root}: {', '.join(blank)} not set",
                code="not-configured",
            )
        credentials = {
            "CompanyDB": self.config.company_db,
            "UserName": self.config.username,
            "Password": self.config.password,
        }
        action = f"log in as {self.config.username} to company {self.config.company_db}"
        try:
            response = self._send("POST", self.root + "Login", credentials, {}, with_cookie=False)
        except requests.RequestException as error:
            raise error_for_transport(error, action=action, url=self.root) from error
        if response.status_code == 401:
            # Wrong user, password or company: repeating it would only lock the user out.
            raise error_for(response, action)
        if not response.ok:
            raise error_for(response, action)
        cookies = {}
        for header in response.raw.headers.getlist("Set-Cookie"):
            name, _, value = header.split(";", 1)[0].strip().partition("=")
            cookies[name] = value
        if "B1SESSION" not in cookies:
            raise ExternalUnavailable(f"SAP Service Layer at {self.root} sent no session cookie")
        self._cookie = "; ".join(
            f"{name}={cookies[name]}" for name in ("B1SESSION", "ROUTEID") if name in cookies
        )
        answer = self.json(response, action)
        self._timeout_seconds = float(answer.get("SessionTimeout") or 30) * 60
        self.server_version = answer.get("Version")
        self._generation += 1
        self._last_used = self._monotonic()
        logger.info(
            "logged in to %s (%s), route %s", self.root, self.config.company_db, self.route_id
        )

    def _send(
        self,
        method: str,
        url: str,
        body: Mapping[str, Any] | None,
        headers: dict[str, str],
        *,
        with_cookie: bool = True,
    ) -> requests.Response:
        if with_cookie and self._cookie:
            headers["Cookie"] = self._cookie
        payload = None
        if body is not None:
            headers["Content-Type"] = "application/json"
            payload = json.dumps(body, default=_exact_number).encode()
        response = self._http.request(
            method,
            url,
            data=payload,
            headers=headers,
            timeout=(self.config.connect_timeout_seconds, self.config.read_timeout_seconds),
            verify=str(self.config.verify)
            if not isinstance(self.config.verify, bool)
            else self.config.verify,
            allow_redirects=False,
            stream=True,
        )
        # requests would read the body 10 KB at a time, taking the interpreter back after
        # each piece. A page of invoices is a megabyte, read by the prefetch thread while the
        # mapping thread holds the interpreter: in 1 MB pieces it waits a hundred times less.
        # Read here, a dropped connection is still a requests error that request() retries.
        response._content = b"".join(response.iter_content(_BODY_PIECE_BYTES))
        return response

    def _back_off(self, attempt: int, why: str) -> None:
        ceiling = min(
            self.config.retry_max_delay_seconds,
            self.config.retry_base_delay_seconds * 2 ** (attempt - 1),
        )
        delay = random.uniform(ceiling / 2, ceiling)
        logger.info("retrying in %.2f s (attempt %d): %s", delay, attempt + 1, why)
        self._sleep(delay)

    def _margin(self) -> float:
        return min(RELOGIN_MARGIN_SECONDS, self._timeout_seconds / 10)


def _exact_number(value: object) -> object:
    if isinstance(value, Decimal):
        # SAP accepts numbers as strings, which keeps amounts exact on the way in.
        return str(value)
    raise TypeError(f"cannot send {type(value).__name__} to SAP")
