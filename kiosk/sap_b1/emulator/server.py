"""The emulator's HTTP server: Service Layer routes, sessions, paging and faults on a socket."""

from __future__ import annotations

import contextlib
import json
import logging
import re
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from kiosk.sap_b1.emulator.clock import EmulatorClock
from kiosk.sap_b1.emulator.data_store import EmulatorData, etag_of
from kiosk.sap_b1.emulator.errors import ServiceLayerFault, invalid_property, not_supported
from kiosk.sap_b1.emulator.faults import FaultKind, FaultPlan
from kiosk.sap_b1.emulator.schema import ENTITY_SETS, EntitySet, Kind
from kiosk.sap_b1.emulator.sessions import Session, SessionRegistry
from kiosk.sap_b1.emulator.wire_format import (
    ApiVersion,
    error_body,
    render_record,
    to_json,
)

logger = logging.getLogger(__name__)

DEMO_COMPANY = "SBODEMOMX"
DEMO_USER = "manager"
DEMO_PASSWORD = "manager"  # the emulator's own demo login; no real system uses it
SAP_VERSION = "1000340"

_ROOT = re.compile(r"^/b1s/(v1|v2)/(.*)$")
_RESOURCE = re.compile(
    r"^(?P<set>[A-Za-z0-9_]+)(?:\((?P<key>.+)\))?(?:/(?P<tail>\$count|Cancel))?$"
)
_PAGE_PREFERENCE = re.compile(r"odata\.maxpagesize=(\d+)")


@dataclass
class _Answer:
    status: int
    body: bytes = b""
    content_type: str | None = None
    headers: tuple[tuple[str, str], ...] = ()


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
    ) -> None:
        self.data = data or EmulatorData(EmulatorClock())
        self.faults = FaultPlan()
        self.sessions = SessionRegistry(
            {company_db: {username: password}}, timeout_seconds=session_timeout_seconds
        )
        self.default_page_size = default_page_size
        self._server = _Server((host, port), _Handler, self)
        self.scheme = "http"
        if tls_files is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(str(tls_files[0]), str(tls_files[1]))
            self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
            self.scheme = "https"
        self._thread: threading.Thread | None = None
        self._render_cache: dict[tuple[Any, ...], str] = {}

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

    # --- request handling ------------------------------------------------------------------

    def answer(
        self, method: str, version: ApiVersion, resource: str, query: str, headers: Any, body: bytes
    ) -> tuple[_Answer, Session | None]:
        if resource == "Login" and method == "POST":
            return self._login(version, body), None
        session = self.sessions.use(_cookie(headers.get("Cookie", ""), "B1SESSION"))
        if resource == "Logout" and method == "POST":
            self.sessions.logout(session.session_id)
            return _Answer(204), session
        if resource == "UserFieldsMD" and method == "GET":
            return self._user_fields(version), session
        match = _RESOURCE.match(resource)
        if not match or match["set"] not in ENTITY_SETS:
            raise ServiceLayerFault(400, -1000, "Service Not Found")
        entity_set = ENTITY_SETS[match["set"]]
        key = _parse_key(entity_set, match["key"]) if match["key"] else None
        tail = match["tail"]
        options = _QueryOptions.parse(query)
        if method == "GET" and key is None and tail == "$count":
            return self._count(entity_set, options, headers), session
        if method == "GET" and key is None and tail is None:
            return self._collection(entity_set, version, options, headers), session
        if method == "GET" and key is not None and tail is None:
            return self._entity(entity_set, version, key, options), session
        if method == "POST" and key is None and tail is None:
            return self._create(entity_set, version, body, headers), session
        if method == "PATCH" and key is not None and tail is None:
            replace = headers.get("B1S-ReplaceCollectionsOnPatch", "").lower() == "true"
            self.data.patch(
                entity_set.name,
                key,
                _json_object(body),
                if_match=headers.get("If-Match"),
                replace_collections=replace,
            )
            return _Answer(204), session
        if method == "DELETE" and key is not None and tail is None:
            self.data.delete(entity_set.name, key, if_match=headers.get("If-Match"))
            return _Answer(204), session
        if method == "POST" and key is not None and tail == "Cancel":
            self.data.cancel(entity_set.name, key, if_match=headers.get("If-Match"))
            return _Answer(204), session
        raise not_supported()

    def _login(self, version: ApiVersion, body: bytes) -> _Answer:
        credentials = _json_object(body)
        session = self.sessions.login(
            str(credentials.get("CompanyDB", "")),
            str(credentials.get("UserName", "")),
            str(credentials.get("Password", "")),
        )
        payload = {
            version.metadata_key: f"{self._base(version)}$metadata#B1Sessions"
            + version.entity_suffix(),
            "SessionId": session.session_id,
            "Version": SAP_VERSION,
            "SessionTimeout": self.sessions.timeout_minutes,
        }
        cookies = (
            ("Set-Cookie", f"B1SESSION={session.session_id};HttpOnly;"),
            ("Set-Cookie", f"ROUTEID={session.route_id}; path=/b1s"),
        )
        return _Answer(200, to_json(payload).encode(), version.content_type, cookies)

    def _collection(
        self, entity_set: EntitySet, version: ApiVersion, options: _QueryOptions, headers: Any
    ) -> _Answer:
        fields = self.data.fields_of(entity_set.name)
        select = options.select_for(fields)
        expand = options.expand_for(entity_set)
        rows = self.data.query(
            entity_set.name, options.filter, options.order_by(), _folds_case(headers)
        )
        page_size, applied = _page_size(headers, self.default_page_size)
        start = min(options.skip, len(rows))
        wanted = len(rows) - start if options.top is None else min(options.top, len(rows) - start)
        take = wanted if page_size == 0 else min(page_size, wanted)
        page = rows[start : start + take]
        rendered = [
            self._rendered(entity_set, row, version, select, expand, fields) for row in page
        ]
        context = self._base(version) + "$metadata#" + entity_set.name
        parts = [f'"{version.metadata_key}":{to_json(context)}']
        if options.count:
            count: Any = str(len(rows)) if version is ApiVersion.V1 else len(rows)
            parts.append(f'"{version.count_key}":{to_json(count)}')
        parts.append(f'"value":[{",".join(rendered)}]')
        more_allowed = options.top is None or options.top > take
        if page_size and take == page_size and more_allowed:
            link = options.next_link(entity_set.name, start + take, take)
            parts.append(f'"{version.next_link_key}":{to_json(link)}')
        answer_headers = (("Preference-Applied", applied),) if applied else ()
        return _Answer(
            200, ("{" + ",".join(parts) + "}").encode(), version.content_type, answer_headers
        )

    def _entity(
        self, entity_set: EntitySet, version: ApiVersion, key: Any, options: _QueryOptions
    ) -> _Answer:
        fields = self.data.fields_of(entity_set.name)
        record = self.data.get(entity_set.name, key)
        select = options.select_for(fields)
        expand = options.expand_for(entity_set)
        rendered = render_record(entity_set.name, record, fields, version, select)
        self._expand(entity_set, record, rendered, expand, version)
        context = f"{self._base(version)}$metadata#{entity_set.name}{version.entity_suffix()}"
        body = {version.metadata_key: context, **rendered}
        etag = (("ETag", etag_of(record)),) if entity_set.etag else ()
        return _Answer(200, to_json(body).encode(), version.content_type, etag)

    def _count(self, entity_set: EntitySet, options: _QueryOptions, headers: Any) -> _Answer:
        rows = self.data.query(entity_set.name, options.filter, [], _folds_case(headers))
        return _Answer(200, str(len(rows)).encode(), "text/plain")

    def _create(
        self, entity_set: EntitySet, version: ApiVersion, body: bytes, headers: Any
    ) -> _Answer:
        record = self.data.create(entity_set.name, _json_object(body))
        key = record[entity_set.key]
        key_text = f"'{key}'" if entity_set.string_key else str(key)
        location = ("Location", f"{self._base(version)}{entity_set.name}({key_text})")
        etag = (("ETag", etag_of(record)),) if entity_set.etag else ()
        if "return-no-content" in headers.get("Prefer", ""):
            return _Answer(
                204, headers=(location, ("Preference-Applied", "return-no-content"), *etag)
            )
        fields = self.data.fields_of(entity_set.name)
        rendered = render_record(entity_set.name, record, fields, version, None)
        context = f"{self._base(version)}$metadata#{entity_set.name}{version.entity_suffix()}"
        payload = to_json({version.metadata_key: context, **rendered}).encode()
        return _Answer(201, payload, version.content_type, (location, *etag))

    def _user_fields(self, version: ApiVersion) -> _Answer:
        rows = [
            {
                "Name": udf.name,
                "Type": "db_Alpha",
                "Size": udf.size,
                "Description": udf.description,
                "SubType": "st_None",
                "TableName": udf.table,
                "FieldID": number,
                "Mandatory": "tNO",
                "ValidValuesMD": [{"Value": v, "Description": d} for v, d in udf.valid_values],
            }
            for number, udf in enumerate(self.data.user_fields)
        ]
        body = {version.metadata_key: f"{self._base(version)}$metadata#UserFieldsMD", "value": rows}
        return _Answer(200, to_json(body).encode(), version.content_type)

    def _rendered(
        self,
        entity_set: EntitySet,
        record: dict[str, Any],
        version: ApiVersion,
        select: list[str] | None,
        expand: list[str],
        fields: Any,
    ) -> str:
        # Pages are assembled from cached JSON of each record version: serving stays cheap
        # enough that benchmarks measure the client, not the emulator.
        cache_key = (
            entity_set.name,
            record.get(entity_set.key),
            record.get("__revision"),
            version,
            tuple(select) if select is not None else None,
            tuple(expand),
        )
        cached = self._render_cache.get(cache_key)
        if cached is None:
            rendered = render_record(entity_set.name, record, fields, version, select)
            self._expand(entity_set, record, rendered, expand, version)
            cached = to_json(rendered)
            if len(self._render_cache) > 500_000:
                self._render_cache.clear()
            self._render_cache[cache_key] = cached
        return cached

    def _expand(
        self,
        entity_set: EntitySet,
        record: dict[str, Any],
        rendered: dict[str, Any],
        expand: list[str],
        version: ApiVersion,
    ) -> None:
        for navigation in expand:
            target_name = entity_set.navigation[navigation]
            target = ENTITY_SETS[target_name]
            try:
                related = self.data.get(target_name, record.get("CardCode"))
            except ServiceLayerFault:
                rendered[navigation] = None
                continue
            rendered[navigation] = render_record(
                target.name, related, self.data.fields_of(target.name), version, None
            )

    def _base(self, version: ApiVersion) -> str:
        return self.service_root(version.value)


class _QueryOptions:
    """The system query options of one request, with the raw text kept for next links."""

    def __init__(self) -> None:
        self.raw: list[tuple[str, str]] = []
        self.values: dict[str, str] = {}

    @classmethod
    def parse(cls, query: str) -> _QueryOptions:
        options = cls()
        for segment in query.split("&"):
            if not segment:
                continue
            name, _, value = segment.partition("=")
            options.raw.append((unquote(name), segment))
            options.values[unquote(name)] = unquote(value)
        return options

    @property
    def filter(self) -> str | None:
        return self.values.get("$filter") or None

    @property
    def top(self) -> int | None:
        return _whole_number(self.values["$top"]) if "$top" in self.values else None

    @property
    def skip(self) -> int:
        return _whole_number(self.values.get("$skip", "0"))

    @property
    def count(self) -> bool:
        return self.values.get("$inlinecount") == "allpages" or self.values.get("$count") == "true"

    def select_for(self, fields: dict[str, Any]) -> list[str] | None:
        text = self.values.get("$select", "").strip()
        if not text or text == "*":
            return None
        names = [name.strip() for name in text.split(",")]
        for name in names:
            if name not in fields:
                raise invalid_property(name)
        return names

    def expand_for(self, entity_set: EntitySet) -> list[str]:
        text = self.values.get("$expand", "").strip()
        names = [name.strip() for name in text.split(",") if name.strip()]
        for name in names:
            if name not in entity_set.navigation:
                raise ServiceLayerFault(
                    400,
                    201,
                    f"Cannot expand invalid navigation property '{name}' for entity type "
                    f"'{entity_set.type.name}'",
                )
        return names

    def order_by(self) -> list[tuple[str, bool]]:
        text = self.values.get("$orderby", "").strip()
        order = []
        for part in filter(None, (piece.strip() for piece in text.split(","))):
            words = part.split()
            if len(words) > 2 or (len(words) == 2 and words[1] not in ("asc", "desc")):
                raise ServiceLayerFault(400, 201, "Query string error - Invalid orderby clause")
            order.append((words[0], len(words) == 2 and words[1] == "desc"))
        return order

    def next_link(self, set_name: str, skip: int, taken: int) -> str:
        """SAP's relative next link: the options as sent, then $top left and $skip."""
        kept = [segment for name, segment in self.raw if name not in ("$skip", "$top")]
        if self.top is not None:
            kept.append(f"$top={self.top - taken}")
        kept.append(f"$skip={skip}")
        return f"{set_name}?{'&'.join(kept)}"


def _whole_number(text: str) -> int:
    if not text.isdigit():
        raise ServiceLayerFault(400, 201, "Query string error - Invalid top or skip value")
    return int(text)


def _page_size(headers: Any, default: int) -> tuple[int, str | None]:
    preference = _PAGE_PREFERENCE.search(headers.get("Prefer", ""))
    if preference:
        return int(preference.group(1)), f"odata.maxpagesize={preference.group(1)}"
    if headers.get("B1S-PageSize", "").isdigit():
        return int(headers["B1S-PageSize"]), None
    return default, None


def _folds_case(headers: Any) -> bool:
    return str(headers.get("B1S-CaseInsensitive", "")).lower() == "true"


def _parse_key(entity_set: EntitySet, text: str) -> Any:
    if "=" in text:
        name, _, text = text.partition("=")
        if name.strip() != entity_set.key:
            raise invalid_property(name.strip())
    text = unquote(text.strip())
    if entity_set.string_key:
        if not (len(text) >= 2 and text[0] == text[-1] == "'"):
            raise ServiceLayerFault(400, 201, "Query string error - Invalid key value")
        return text[1:-1].replace("''", "'")
    if not text.isdigit():
        raise ServiceLayerFault(400, 201, "Query string error - Invalid key value")
    return int(text)


def _json_object(body: bytes) -> dict[str, Any]:
    try:
        value = json.loads(body or b"{}", parse_float=Decimal)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise ServiceLayerFault(400, -1000, "Invalid JSON in the request body") from None
    if not isinstance(value, dict):
        raise ServiceLayerFault(400, -1000, "The request body must be a JSON object")
    return value


def _cookie(header: str, name: str) -> str | None:
    for part in header.split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return None


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], handler: type, emulator: ServiceLayerEmulator):
        super().__init__(address, handler)
        self.emulator = emulator


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

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
        emulator = self.server.emulator
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        path, _, query = self.path.partition("?")
        if path in ("/ping", "/ping/") and method == "GET":
            pong = {"message": "pong", "sender": "load balancer", "timestamp": f"{time.time():.3f}"}
            self._send(_Answer(200, to_json(pong).encode(), "application/json"))
            return
        root = _ROOT.match(path)
        if root is None:
            self._send(_Answer(404, b"Not Found", "text/plain"))
            return
        version, resource = ApiVersion(root.group(1)), root.group(2)
        fault = emulator.faults.take(method, f"{resource}?{query}" if query else resource)
        if emulator.faults.latency_seconds:
            time.sleep(emulator.faults.latency_seconds)
        if fault is not None and fault.kind is FaultKind.DELAY:
            time.sleep(fault.delay_seconds)
        if fault is not None and fault.kind is FaultKind.DROP:
            self._drop()
            return
        if fault is not None and fault.kind is FaultKind.RESPOND:
            self._send(_Answer(fault.status, fault.body, fault.content_type))
            return
        try:
            answer, _session = emulator.answer(method, version, resource, query, self.headers, body)
        except ServiceLayerFault as error:
            answer = _Answer(error.status, error_body(error, version), version.content_type)
        except Exception:
            logger.exception("emulator failed on %s %s", method, self.path)
            answer = _Answer(500, b"", None)
        if fault is not None and fault.kind is FaultKind.WRITE_THEN_DROP:
            self._drop()
            return
        self._send(answer, version)

    def _send(self, answer: _Answer, version: ApiVersion | None = None) -> None:
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


__all__ = ["DEMO_COMPANY", "DEMO_PASSWORD", "DEMO_USER", "Kind", "ServiceLayerEmulator"]
