"""The emulator as one object: a Service Layer on a port, its data, sessions, load and faults."""

from __future__ import annotations

import ssl
import threading
from pathlib import Path

from kiosk.sap_emulator.clock import EmulatorClock
from kiosk.sap_emulator.data_store import EmulatorData
from kiosk.sap_emulator.faults import FaultPlan
from kiosk.sap_emulator.http_handler import EmulatorHttpServer
from kiosk.sap_emulator.load import EmulatedLoad
from kiosk.sap_emulator.routing import ServiceLayerRoutes
from kiosk.sap_emulator.schema import Kind
from kiosk.sap_emulator.sessions import SessionRegistry

DEMO_COMPANY = "SBODEMOMX"
DEMO_USER = "manager"
DEMO_PASSWORD = "manager"  # the emulator's own demo login; no real system uses it


class ServiceLayerEmulator:
    """A Service Layer on a loopback port: start() for tests and the demo, serve() for the CLI."""

    def __init__(
        self,
        data: EmulatorData | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        company_db: str = DEMO_COMPANY,
        username: str = DEMO_USER,
        password: str = DEMO_PASSWORD,
        session_timeout_seconds: float = 30 * 60,
        default_page_size: int = 20,
        tls_files: tuple[Path, Path] | None = None,
        load: EmulatedLoad | None = None,
    ) -> None:
        self.data = data or EmulatorData(EmulatorClock())
        self.faults = FaultPlan()
        self.load = load or EmulatedLoad()
        self.sessions = SessionRegistry(
            {company_db: {username: password}}, timeout_seconds=session_timeout_seconds
        )
        self.routes = ServiceLayerRoutes(
            self.data,
            self.sessions,
            default_page_size=default_page_size,
            service_root=self.service_root,
        )
        self._server = EmulatorHttpServer((host, port), self.routes, self.faults, self.load)
        self.scheme = "http"
        if tls_files is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(str(tls_files[0]), str(tls_files[1]))
            self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
            self.scheme = "https"
        self._thread: threading.Thread | None = None

    @property
    def default_page_size(self) -> int:
        return self.routes.default_page_size

    @default_page_size.setter
    def default_page_size(self, size: int) -> None:
        self.routes.default_page_size = size

    @property
    def clock(self) -> EmulatorClock:
        return self.data.clock

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def service_root(self, version: str = "v2") -> str:
        host = str(self._server.server_address[0])
        return f"{self.scheme}://{host}:{self.port}/b1s/{version}/"

    def start(self) -> ServiceLayerEmulator:
        """Serve in a background thread until stop()."""
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="sap-emulator",
            daemon=True,
        )
        self._thread.start()
        return self

    def serve(self) -> None:
        """Serve in this thread until interrupted."""
        self._server.serve_forever()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def expire_sessions(self) -> None:
        self.sessions.expire_all()

    def __enter__(self) -> ServiceLayerEmulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


__all__ = ["DEMO_COMPANY", "DEMO_PASSWORD", "DEMO_USER", "Kind", "ServiceLayerEmulator"]
