"""How the Service Layer writes JSON on each API version: metadata keys, dates, numbers, errors."""

from __future__ import annotations

import enum
import json
from datetime import date, time
from decimal import Decimal
from typing import Any

from kiosk.sap_emulator.data_store import etag_of
from kiosk.sap_emulator.errors import ServiceLayerFault
from kiosk.sap_emulator.schema import ENTITY_SETS, Field, Kind

Record = dict[str, Any]


class ApiVersion(enum.Enum):
    V1 = "v1"  # OData V3
    V2 = "v2"  # OData V4

    @property
    def content_type(self) -> str:
        if self is ApiVersion.V1:
            return "application/json;odata=minimalmetadata;charset=utf-8"
        return "application/json;odata.metadata=minimal;charset=utf-8"

    @property
    def version_header(self) -> tuple[str, str]:
        return ("DataServiceVersion", "3.0") if self is ApiVersion.V1 else ("OData-Version", "4.0")

    @property
    def metadata_key(self) -> str:
        return "odata.metadata" if self is ApiVersion.V1 else "@odata.context"

    @property
    def next_link_key(self) -> str:
        return "odata.nextLink" if self is ApiVersion.V1 else "@odata.nextLink"

    @property
    def count_key(self) -> str:
        return "odata.count" if self is ApiVersion.V1 else "@odata.count"

    @property
    def etag_key(self) -> str:
        return "odata.etag" if self is ApiVersion.V1 else "@odata.etag"

    def entity_suffix(self) -> str:
        return "/@Element" if self is ApiVersion.V1 else "/$entity"


def render_value(kind: Kind, value: Any, version: ApiVersion) -> Any:
    """One field's value as it travels: v1 dates 2024-01-31, v2 2024-01-31T00:00:00Z."""
    if value is None:
        return None
    if kind is Kind.DATE and isinstance(value, date):
        text = value.isoformat()
        return text if version is ApiVersion.V1 else f"{text}T00:00:00Z"
    if kind is Kind.TIME and isinstance(value, time):
        return value.strftime("%H:%M:%S")
    if isinstance(value, Decimal):
        # SAP sends amounts as Edm.Double: a JSON number such as 1190.0.
        return float(value)
    return value


def render_record(
    set_name: str,
    record: Record,
    fields: dict[str, Field],
    version: ApiVersion,
    select: list[str] | None,
) -> Record:
    """A record's JSON object; selected fields only when $select named some."""
    entity_set = ENTITY_SETS[set_name]
    rendered: Record = {}
    if entity_set.etag:
        rendered[version.etag_key] = etag_of(record)
    names = select if select is not None else list(fields)
    for name in names:
        spec = fields[name]
        value = record.get(name)
        if spec.kind is Kind.COLLECTION:
            item_fields = entity_set.type.collections[name]
            rendered[name] = [
                {key: render_value(item_fields[key].kind, item.get(key), version) for key in item}
                for item in value or []
            ]
        else:
            rendered[name] = render_value(spec.kind, value, version)
    return rendered


def to_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def error_body(fault: ServiceLayerFault, version: ApiVersion) -> bytes:
    """SAP's error shape: v1 numeric code and {lang, value}; v2 string code and plain message."""
    if version is ApiVersion.V1:
        error: Record = {
            "code": fault.code,
            "message": {"lang": "en-us", "value": fault.message},
        }
    else:
        error = {
            "code": str(fault.code),
            "message": fault.message,
            "details": [{"code": "", "message": ""}],
        }
    return to_json({"error": error}).encode()
