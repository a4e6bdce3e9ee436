"""$filter as SAP understands it: dates ignore the time, times compare hours and minutes only."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

from kiosk.sap_emulator.errors import ServiceLayerFault, invalid_filter, invalid_property
from kiosk.sap_emulator.schema import Field, Kind

Record = dict[str, Any]
Predicate = Callable[[Record], bool]

_TOKEN = re.compile(
    r"\s*(?:(?P<string>'(?:[^']|'')*')|(?P<datetime>datetime'[^']*')|(?P<number>-?\d+(?:\.\d+)?)"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_]*)|(?P<punct>[(),]))"
)
_COMPARISONS = {"eq", "ne", "gt", "ge", "lt", "le"}
_FUNCTIONS = {"startswith", "endswith", "contains", "substringof"}


class _Literal:
    def __init__(self, text: str | None, *, is_number: bool = False) -> None:
        self.text = text  # None is the literal null
        self.is_number = is_number


class _FieldRef:
    def __init__(self, spec: Field) -> None:
        self.spec = spec


def parse_filter(text: str, fields: dict[str, Field], *, case_insensitive: bool) -> Predicate:
    """Compile a $filter expression into a predicate over stored records."""
    tokens = _tokenize(text)
    parser = _Parser(tokens, fields, case_insensitive)
    predicate = parser.expression()
    if parser.position != len(tokens):
        raise invalid_filter()
    return predicate


def _tokenize(text: str) -> list[tuple[str, str]]:
    tokens = []
    position = 0
    text = text.rstrip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if not match or match.end() == position:
            raise invalid_filter()
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind)))
        position = match.end()
    return tokens


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]], fields: dict[str, Field], fold: bool) -> None:
        self.tokens = tokens
        self.position = 0
        self.fields = fields
        self.fold = fold

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.peek()
        if token is None:
            raise invalid_filter()
        self.position += 1
        return token

    def expect(self, value: str) -> None:
        if self.take()[1] != value:
            raise invalid_filter()

    def expression(self) -> Predicate:
        left = self.conjunction()
        while self.peek() == ("name", "or"):
            self.take()
            right = self.conjunction()
            left = (lambda a, b: lambda r: a(r) or b(r))(left, right)
        return left

    def conjunction(self) -> Predicate:
        left = self.negation()
        while self.peek() == ("name", "and"):
            self.take()
            right = self.negation()
            left = (lambda a, b: lambda r: a(r) and b(r))(left, right)
        return left

    def negation(self) -> Predicate:
        if self.peek() == ("name", "not"):
            self.take()
            inner = self.negation()
            return lambda record: not inner(record)
        return self.comparison()

    def comparison(self) -> Predicate:
        token = self.peek()
        if token == ("punct", "("):
            self.take()
            inner = self.expression()
            self.expect(")")
            return inner
        if token is not None and token[0] == "name" and token[1] in _FUNCTIONS:
            return self.function()
        left = self.operand()
        operator = self.take()
        if operator[0] != "name" or operator[1] not in _COMPARISONS:
            raise invalid_filter()
        right = self.operand()
        if isinstance(left, _FieldRef) and isinstance(right, _Literal):
            return _compare(left.spec, operator[1], right, self.fold)
        if isinstance(left, _Literal) and isinstance(right, _FieldRef):
            return _compare(right.spec, _MIRRORED[operator[1]], left, self.fold)
        raise invalid_filter()

    def function(self) -> Predicate:
        name = self.take()[1]
        self.expect("(")
        first = self.operand()
        self.expect(",")
        second = self.operand()
        self.expect(")")
        if name == "substringof":
            first, second = second, first
        if not (isinstance(first, _FieldRef) and isinstance(second, _Literal)):
            raise invalid_filter()
        if first.spec.kind not in (Kind.TEXT, Kind.ENUM) or second.text is None:
            raise invalid_filter()
        return _text_function(name, first.spec.name, second.text, self.fold)

    def operand(self) -> _Literal | _FieldRef:
        kind, value = self.take()
        if kind == "string":
            return _Literal(value[1:-1].replace("''", "'"))
        if kind == "datetime":
            return _Literal(value[len("datetime'") : -1])
        if kind == "number":
            return _Literal(value, is_number=True)
        if kind == "name":
            if value == "null":
                return _Literal(None)
            spec = self.fields.get(value)
            if spec is None or spec.kind is Kind.COLLECTION:
                raise invalid_property(value)
            return _FieldRef(spec)
        raise invalid_filter()


_MIRRORED = {"eq": "eq", "ne": "ne", "gt": "lt", "ge": "le", "lt": "gt", "le": "ge"}
_OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": lambda a, b: a == b,
    "ne": lambda a, b: a != b,
    "gt": lambda a, b: a > b,
    "ge": lambda a, b: a >= b,
    "lt": lambda a, b: a < b,
    "le": lambda a, b: a <= b,
}


def _compare(spec: Field, operator: str, literal: _Literal, fold: bool) -> Predicate:
    name = spec.name
    if literal.text is None:
        if operator not in ("eq", "ne"):
            raise invalid_filter()
        wanted_null = operator == "eq"
        return lambda record: (record.get(name) is None) == wanted_null
    value, read = _operand_reader(spec, literal, fold)
    test = _OPERATORS[operator]

    def predicate(record: Record) -> bool:
        stored = record.get(name)
        if stored is None:
            return operator == "ne"
        return test(read(stored), value)

    return predicate


def _operand_reader(spec: Field, literal: _Literal, fold: bool) -> tuple[Any, Callable[[Any], Any]]:
    """The literal as a comparable value, and how to read the stored value the same way."""
    text = literal.text or ""
    if spec.kind is Kind.DATE:
        return parse_date_literal(text), lambda stored: stored
    if spec.kind is Kind.TIME:
        return parse_time_literal(text), lambda stored: stored.replace(second=0)
    if spec.kind in (Kind.INT, Kind.NUMBER):
        try:
            return Decimal(text), Decimal
        except InvalidOperation:
            raise invalid_filter() from None
    if spec.kind is Kind.ENUM:
        by_short = {short: member for member, short in spec.members.items()}
        member = text if text in spec.members else by_short.get(text, text)
        return member, lambda stored: stored
    if fold:
        return text.casefold(), lambda stored: str(stored).casefold()
    return text, str


def _text_function(name: str, field_name: str, needle: str, fold: bool) -> Predicate:
    wanted = needle.casefold() if fold else needle

    def predicate(record: Record) -> bool:
        stored = record.get(field_name)
        if stored is None:
            return False
        text = str(stored).casefold() if fold else str(stored)
        if name == "startswith":
            return text.startswith(wanted)
        if name == "endswith":
            return text.endswith(wanted)
        return wanted in text

    return predicate


_DATE_FORMATS = ("%Y-%m-%d", "%Y%m%d")


def parse_date_literal(text: str) -> date:
    """Read any date form SAP accepts; a time part is ignored, as SAP ignores it."""
    day = text.strip()
    for separator in ("T", " "):
        day = day.split(separator)[0]
    if len(day) == 14 and day.isdigit():
        day = day[:8]
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(day, pattern).date()
        except ValueError:
            continue
    raise invalid_filter()


def parse_time_literal(text: str) -> time:
    """Read any time form SAP accepts, keeping hours and minutes only (SAP drops seconds)."""
    value = text.strip()
    if "T" in value:
        value = value.split("T", 1)[1]
    value = value.rstrip("Z")
    digits = value.replace(":", "")
    if not digits.isdigit() or len(digits) not in (4, 6):
        raise invalid_filter()
    hours, minutes = int(digits[:2]), int(digits[2:4])
    if hours > 23 or minutes > 59:
        raise invalid_filter()
    return time(hours, minutes)


__all__ = [
    "Predicate",
    "ServiceLayerFault",
    "parse_date_literal",
    "parse_filter",
    "parse_time_literal",
]
