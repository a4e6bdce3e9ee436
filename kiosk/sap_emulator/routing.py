"""Which answer each method and path of the Service Layer gets: the route table and its handlers."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import unquote

from kiosk.sap_emulator import attachments
from kiosk.sap_emulator.data_store import ATTACHMENTS, EmulatorData, Record, etag_of
from kiosk.sap_emulator.errors import ServiceLayerFault, invalid_property, not_supported
from kiosk.sap_emulator.query_options import (
    QueryOptions,
    expand_related,
    folds_case,
    page_of,
    page_size,
)
from kiosk.sap_emulator.schema import ENTITY_SETS, EntitySet
from kiosk.sap_emulator.sessions import Session, SessionRegistry
from kiosk.sap_emulator.wire_format import ApiVersion, render_record, to_json

SAP_VERSION = "1000340"

_SERVICE_PATH = re.compile(r"^/b1s/(v1|v2)/(.*)$")
_RESOURCE = re.compile(
    r"^(?P<set>[A-Za-z0-9_]+)(?:\((?P<key>.+)\))?(?:/(?P<tail>\$count|\$value|Cancel))?$"
)


@dataclass
class Answer:
    """One HTTP answer: its status, body, content type, further headers and records it holds."""

    status: int
    body: bytes = b""
    content_type: str | None = None
    headers: tuple[tuple[str, str], ...] = ()
    rows: int = 0  # records in the body: a page's length, 1 for one entity


@dataclass(frozen=True)
class ServicePath:
    """A path under the Service Layer's root: its API version and the resource after it."""

    version: ApiVersion
    resource: str


def locate(method: str, path: str) -> Answer | ServicePath:
    """The load balancer's own answer (its ping, an unknown path), or the Service Layer path."""
    if path in ("/ping", "/ping/") and method == "GET":
        pong = {"message": "pong", "sender": "load balancer", "timestamp": f"{time.time():.3f}"}
        return Answer(200, to_json(pong).encode(), "application/json")
    root = _SERVICE_PATH.match(path)
    if root is None:
        return Answer(404, b"Not Found", "text/plain")
    return ServicePath(ApiVersion(root.group(1)), root.group(2))


@dataclass(frozen=True)
class EntityRequest:
    """One request to an entity set, as the route table's handlers receive it."""

    entity_set: EntitySet
    version: ApiVersion
    key: Any
    options: QueryOptions
    headers: Any
    body: bytes


class ServiceLayerRoutes:
    """The Service Layer's answers over the emulator's data and sessions."""

    def __init__(
        self,
        data: EmulatorData,
        sessions: SessionRegistry,
        *,
        default_page_size: int,
        service_root: Callable[[str], str],
    ) -> None:
        self.data = data
        self.sessions = sessions
        self.default_page_size = default_page_size
        self._service_root = service_root
        self._render_cache: dict[tuple[Any, ...], str] = {}

    def answer(
        self,
        method: str,
        version: ApiVersion,
        resource: str,
        query: str,
        headers: Any,
        body: bytes,
        session_id: str | None,
    ) -> tuple[Answer, Session | None]:
        if resource == "Login" and method == "POST":
            return self._login(version, body), None
        session = self.sessions.use(session_id)
        if resource == "Logout" and method == "POST":
            self.sessions.logout(session.session_id)
            return Answer(204), session
        if resource == "UserFieldsMD" and method == "GET":
            return self._user_fields(version), session
        match = _RESOURCE.match(resource)
        if not match or match["set"] not in ENTITY_SETS:
            raise ServiceLayerFault(400, -1000, "Service Not Found")
        entity_set = ENTITY_SETS[match["set"]]
        key = _parse_key(entity_set, match["key"]) if match["key"] else None
        handler = _ENTITY_ROUTES.get((method, key is not None, match["tail"]))
        if handler is None:
            raise not_supported()
        options = QueryOptions.parse(query)
        return handler(
            self, EntityRequest(entity_set, version, key, options, headers, body)
        ), session

    def _login(self, version: ApiVersion, body: bytes) -> Answer:
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
        return Answer(200, to_json(payload).encode(), version.content_type, cookies)

    def _user_fields(self, version: ApiVersion) -> Answer:
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
        return Answer(200, to_json(body).encode(), version.content_type, rows=len(rows))

    def _collection(self, request: EntityRequest) -> Answer:
        entity_set, version, options = request.entity_set, request.version, request.options
        fields = self.data.fields_of(entity_set.name)
        select = options.select_for(fields)
        expand = options.expand_for(entity_set)
        rows = self.data.query(
            entity_set.name, options.filter, options.order_by(), folds_case(request.headers)
        )
        size, applied = page_size(request.headers, self.default_page_size)
        page = page_of(len(rows), options, size)
        rendered = [
            self._rendered(entity_set, row, version, select, expand, fields)
            for row in rows[page.start : page.start + page.take]
        ]
        context = self._base(version) + "$metadata#" + entity_set.name
        parts = [f'"{version.metadata_key}":{to_json(context)}']
        if options.count:
            count: Any = str(len(rows)) if version is ApiVersion.V1 else len(rows)
            parts.append(f'"{version.count_key}":{to_json(count)}')
        parts.append(f'"value":[{",".join(rendered)}]')
        if page.has_next:
            link = options.next_link(entity_set.name, page.start + page.take, page.take)
            parts.append(f'"{version.next_link_key}":{to_json(link)}')
        answer_headers = (("Preference-Applied", applied),) if applied else ()
        body = ("{" + ",".join(parts) + "}").encode()
        return Answer(200, body, version.content_type, answer_headers, rows=len(rendered))

    def _count(self, request: EntityRequest) -> Answer:
        rows = self.data.query(
            request.entity_set.name, request.options.filter, [], folds_case(request.headers)
        )
        return Answer(200, str(len(rows)).encode(), "text/plain")

    def _entity(self, request: EntityRequest) -> Answer:
        entity_set, version, options = request.entity_set, request.version, request.options
        fields = self.data.fields_of(entity_set.name)
        record = self.data.get(entity_set.name, request.key)
        select = options.select_for(fields)
        expand = options.expand_for(entity_set)
        rendered = render_record(entity_set.name, record, fields, version, select)
        expand_related(self.data, entity_set, record, rendered, expand, version)
        context = f"{self._base(version)}$metadata#{entity_set.name}{version.entity_suffix()}"
        body = {version.metadata_key: context, **rendered}
        etag = (("ETag", etag_of(record)),) if entity_set.etag else ()
        return Answer(200, to_json(body).encode(), version.content_type, etag, rows=1)

    def _create(self, request: EntityRequest) -> Answer:
        entity_set, version, headers = request.entity_set, request.version, request.headers
        upload = _upload(request)
        if isinstance(upload, Answer):
            return upload
        record: Record
        if upload is not None:
            record = self.data.add_attachment(upload)
        else:
            record = self.data.create(entity_set.name, _json_object(request.body))
        key = record[entity_set.key]
        key_text = f"'{key}'" if entity_set.string_key else str(key)
        location = ("Location", f"{self._base(version)}{entity_set.name}({key_text})")
        etag = (("ETag", etag_of(record)),) if entity_set.etag else ()
        if "return-no-content" in headers.get("Prefer", ""):
            return Answer(
                204, headers=(location, ("Preference-Applied", "return-no-content"), *etag)
            )
        fields = self.data.fields_of(entity_set.name)
        rendered = render_record(entity_set.name, record, fields, version, None)
        context = f"{self._base(version)}$metadata#{entity_set.name}{version.entity_suffix()}"
        payload = to_json({version.metadata_key: context, **rendered}).encode()
        return Answer(201, payload, version.content_type, (location, *etag), rows=1)

    def _patch(self, request: EntityRequest) -> Answer:
        headers = request.headers
        upload = _upload(request)
        if isinstance(upload, Answer):
            return upload
        if upload is not None:
            self.data.attach_files(request.key, upload)
            return Answer(204)
        replace = headers.get("B1S-ReplaceCollectionsOnPatch", "").lower() == "true"
        self.data.patch(
            request.entity_set.name,
            request.key,
            _json_object(request.body),
            if_match=headers.get("If-Match"),
            replace_collections=replace,
        )
        return Answer(204)

    def _delete(self, request: EntityRequest) -> Answer:
        self.data.delete(
            request.entity_set.name, request.key, if_match=request.headers.get("If-Match")
        )
        return Answer(204)

    def _file(self, request: EntityRequest) -> Answer:
        """Attachments2(n)/$value: the first line's bytes, or the line ?filename='x.ext' names."""
        if request.entity_set.name != ATTACHMENTS:
            raise not_supported()
        wanted = attachments.requested_file_name(request.options.values.get("filename"))
        name, content = self.data.attachment_file(request.key, wanted)
        return Answer(200, content, attachments.content_type_of(name))

    def _cancel(self, request: EntityRequest) -> Answer:
        self.data.cancel(
            request.entity_set.name, request.key, if_match=request.headers.get("If-Match")
        )
        return Answer(204)

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
            expand_related(self.data, entity_set, record, rendered, expand, version)
            cached = to_json(rendered)
            if len(self._render_cache) > 500_000:
                self._render_cache.clear()
            self._render_cache[cache_key] = cached
        return cached

    def _base(self, version: ApiVersion) -> str:
        return self._service_root(version.value)


# The route table of entity sets: (method, key given, path tail) to its handler, for the paths
# Set, Set/$count, Set(key), Set(key)/$value and Set(key)/Cancel. Anything else is not supported.
_ENTITY_ROUTES: dict[
    tuple[str, bool, str | None], Callable[[ServiceLayerRoutes, EntityRequest], Answer]
] = {
    ("GET", False, "$count"): ServiceLayerRoutes._count,
    ("GET", False, None): ServiceLayerRoutes._collection,
    ("GET", True, None): ServiceLayerRoutes._entity,
    ("GET", True, "$value"): ServiceLayerRoutes._file,
    ("POST", False, None): ServiceLayerRoutes._create,
    ("PATCH", True, None): ServiceLayerRoutes._patch,
    ("DELETE", True, None): ServiceLayerRoutes._delete,
    ("POST", True, "Cancel"): ServiceLayerRoutes._cancel,
}


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


def _upload(request: EntityRequest) -> list[tuple[str, bytes]] | Answer | None:
    """The files of a multipart write to Attachments2; None when the body is JSON."""
    content_type = request.headers.get("Content-Type", "")
    if request.entity_set.name != ATTACHMENTS or not attachments.is_upload(content_type):
        return None
    try:
        return attachments.uploaded_files(content_type, request.body)
    except attachments.QuotedBoundary:
        return Answer(405)


def _json_object(body: bytes) -> dict[str, Any]:
    try:
        value = json.loads(body or b"{}", parse_float=Decimal)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise ServiceLayerFault(400, -1000, "Invalid JSON in the request body") from None
    if not isinstance(value, dict):
        raise ServiceLayerFault(400, -1000, "The request body must be a JSON object")
    return value
