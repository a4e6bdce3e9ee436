"""The emulator's HTTP side: read each request and its cookie, play load and faults, answer it."""

from __future__ import annotations

import contextlib
import logging
import socket
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from kiosk.sap_emulator.errors import ServiceLayerFault
from kiosk.sap_emulator.faults import FaultKind, FaultPlan
from kiosk.sap_emulator.load import HTML_503, HTML_503_CONTENT_TYPE, EmulatedLoad
from kiosk.sap_emulator.routing import Answer, ServiceLayerRoutes, ServicePath, locate
from kiosk.sap_emulator.wire_format import ApiVersion, error_body

logger = logging.getLogger(__name__)


class EmulatorHttpServer(ThreadingHTTPServer):
    """A threading HTTP server handing every request to the routes, through its load and faults."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(
        self,
        address: tuple[str, int],
        routes: ServiceLayerRoutes,
        faults: FaultPlan,
        load: EmulatedLoad,
    ):
        super().__init__(address, ServiceLayerRequestHandler)
        self.routes = routes
        self.faults = faults
        self.load = load


class ServiceLayerRequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: EmulatorHttpServer

    def setup(self) -> None:
        super().setup()
        # Headers and body leave in separate writes; without NODELAY, Nagle's algorithm and
        # delayed ACKs add 40 ms to every keep-alive answer.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_PATCH(self) -> None:
        self._handle("PATCH")

    def do_DELETE(self) -> None:
        self._handle("DELETE")

    def handle_expect_100(self) -> bool:
        # The Apache load balancer in front of the Service Layer answers 500 with an empty
        # body to any request that asks for 100-continue (reference section 8).
        self.send_response(500)
        self.send_header("Content-Length", "0")
        self.end_headers()
        return False

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("%s %s", self.address_string(), format % args)

    def _handle(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        path, _, query = self.path.partition("?")
        target = locate(method, path)
        if isinstance(target, Answer):
            self._send(target)
            return
        load = self.server.load
        if not load.admit():
            self._send(Answer(503, HTML_503, HTML_503_CONTENT_TYPE))
            return
        try:
            self._serve(method, target, query, body)
        finally:
            load.release()

    def _serve(self, method: str, target: ServicePath, query: str, body: bytes) -> None:
        version, resource = target.version, target.resource
        fault = self.server.faults.take(method, f"{resource}?{query}" if query else resource)
        kind = fault.kind if fault is not None else None
        if fault is not None and fault.kind is FaultKind.DELAY:
            time.sleep(fault.delay_seconds)
        answer: Answer | None = None  # None: the connection is dropped instead of answered
        if fault is not None and fault.kind is FaultKind.RESPOND:
            answer = Answer(fault.status, fault.body, fault.content_type)
        elif kind is not FaultKind.DROP:
            answer = self._routed(method, version, resource, query, body)
        if kind is FaultKind.WRITE_THEN_DROP:
            answer = None
        # Outside any lock: a real Service Layer serves its requests in parallel.
        time.sleep(self.server.load.delay_for(answer.rows if answer is not None else 0))
        if answer is None:
            self._drop()
        else:
            self._send(answer, version)

    def _routed(
        self, method: str, version: ApiVersion, resource: str, query: str, body: bytes
    ) -> Answer:
        session_id = _cookie(self.headers.get("Cookie", ""), "B1SESSION")
        try:
            answer, _session = self.server.routes.answer(
                method, version, resource, query, self.headers, body, session_id
            )
        except ServiceLayerFault as error:
            answer = Answer(error.status, error_body(error, version), version.content_type)
        except Exception:
            logger.exception("emulator failed on %s %s", method, self.path)
            answer = Answer(500, b"", None)
        return answer

    def _send(self, answer: Answer, version: ApiVersion | None = None) -> None:
        self.send_response(answer.status)
        if answer.content_type:
            self.send_header("Content-Type", answer.content_type)
            if version is not None and answer.content_type.startswith("application/json;odata"):
                self.send_header(*version.version_header)
        for name, value in answer.headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(answer.body)))
        self.end_headers()
        if answer.body:
            self.wfile.write(answer.body)

    def _drop(self) -> None:
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)


def _cookie(header: str, name: str) -> str | None:
    for part in header.split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return None
