"""What a request's OData query options ask for: fields, expansions, order, count and its page."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from kiosk.sap_emulator.data_store import EmulatorData
from kiosk.sap_emulator.errors import ServiceLayerFault, invalid_property
from kiosk.sap_emulator.schema import ENTITY_SETS, EntitySet
from kiosk.sap_emulator.wire_format import ApiVersion, render_record

_PAGE_PREFERENCE = re.compile(r"odata\.maxpagesize=(\d+)")


class QueryOptions:
    """The system query options of one request, with the raw text kept for next links.

    $filter stays text here: the data store parses it (odata_filter.py) against the set's fields.
    """

    def __init__(self) -> None:
        self.raw: list[tuple[str, str]] = []
        self.values: dict[str, str] = {}

    @classmethod
    def parse(cls, query: str) -> QueryOptions:
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


@dataclass(frozen=True)
class Page:
    """Which rows of a query one answer holds, and whether a next link follows them."""

    start: int
    take: int
    has_next: bool


def page_of(total: int, options: QueryOptions, page_size: int) -> Page:
    """$skip and $top over `total` rows, cut to the page size (0: no paging)."""
    start = min(options.skip, total)
    wanted = total - start if options.top is None else min(options.top, total - start)
    take = wanted if page_size == 0 else min(page_size, wanted)
    more_allowed = options.top is None or options.top > take
    return Page(start, take, bool(page_size) and take == page_size and more_allowed)


def page_size(headers: Any, default: int) -> tuple[int, str | None]:
    """The page size asked for (Prefer: odata.maxpagesize, B1S-PageSize) and what to echo back."""
    preference = _PAGE_PREFERENCE.search(headers.get("Prefer", ""))
    if preference:
        return int(preference.group(1)), f"odata.maxpagesize={preference.group(1)}"
    if headers.get("B1S-PageSize", "").isdigit():
        return int(headers["B1S-PageSize"]), None
    return default, None


def folds_case(headers: Any) -> bool:
    """Whether $filter and $orderby compare text ignoring case (B1S-CaseInsensitive)."""
    return str(headers.get("B1S-CaseInsensitive", "")).lower() == "true"


def expand_related(
    data: EmulatorData,
    entity_set: EntitySet,
    record: dict[str, Any],
    rendered: dict[str, Any],
    expand: list[str],
    version: ApiVersion,
) -> None:
    """$expand: each navigation property's record rendered into `rendered` (None if missing)."""
    for navigation in expand:
        target_name = entity_set.navigation[navigation]
        target = ENTITY_SETS[target_name]
        try:
            related = data.get(target_name, record.get("CardCode"))
        except ServiceLayerFault:
            rendered[navigation] = None
            continue
        rendered[navigation] = render_record(
            target.name, related, data.fields_of(target.name), version, None
        )


def _whole_number(text: str) -> int:
    if not text.isdigit():
        raise ServiceLayerFault(400, 201, "Query string error - Invalid top or skip value")
    return int(text)
