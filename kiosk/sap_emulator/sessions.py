"""Service Layer sessions: login, B1SESSION and ROUTEID cookies, and the sliding idle timeout."""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass

from kiosk.sap_emulator.errors import ServiceLayerFault, invalid_session


@dataclass
class Session:
    session_id: str
    route_id: str
    company_db: str
    user: str
    last_used: float


class SessionRegistry:
    """Live sessions; an unused one dies after the idle timeout, and use slides the timeout."""

    def __init__(
        self, companies: dict[str, dict[str, str]], *, timeout_seconds: float, nodes: int = 2
    ) -> None:
        self._companies = companies
        self.timeout_seconds = timeout_seconds
        self._nodes = nodes
        self._sessions: dict[str, Session] = {}
        self._lock = threading.Lock()
        self._login_lock = threading.Lock()
        self._logins = 0
        self.login_delay_seconds = 0.0
        self.logins_seen = 0

    def login(self, company_db: str, user: str, password: str) -> Session:
        """Open a session; a second login while one is running fails as SAP's SAML does."""
        if not self._login_lock.acquire(blocking=False):
            raise ServiceLayerFault(500, 299, "SAML Login Failed")
        try:
            self.logins_seen += 1
            if self.login_delay_seconds:
                time.sleep(self.login_delay_seconds)
            users = self._companies.get(company_db)
            if users is None:
                raise ServiceLayerFault(401, -306, "Fail to NONE-SSO login from SLD.")
            if users.get(user) != password:
                raise ServiceLayerFault(401, -304, "Fail to NONE-SSO login from SLD.")
            with self._lock:
                self._logins += 1
                session = Session(
                    session_id=str(uuid.uuid1()),
                    route_id=f".node{(self._logins - 1) % self._nodes + 1}",
                    company_db=company_db,
                    user=user,
                    last_used=time.monotonic(),
                )
                self._sessions[session.session_id] = session
            return session
        finally:
            self._login_lock.release()

    def use(self, session_id: str | None) -> Session:
        """Return the live session and slide its timeout, or answer 401 / 301."""
        now = time.monotonic()
        with self._lock:
            session = self._sessions.get(session_id or "")
            if session is None:
                raise invalid_session()
            if now - session.last_used > self.timeout_seconds:
                del self._sessions[session.session_id]
                raise invalid_session()
            session.last_used = now
            return session

    def logout(self, session_id: str) -> None:
        with self._lock:
            self._sessions.pop(session_id, None)

    def expire_all(self) -> None:
        """Kill every session at once (a test hook: SAP restarted, or everyone idled out)."""
        with self._lock:
            self._sessions.clear()

    @property
    def active(self) -> int:
        """How many sessions are open."""
        with self._lock:
            return len(self._sessions)

    @property
    def timeout_minutes(self) -> int:
        return max(1, round(self.timeout_seconds / 60))
