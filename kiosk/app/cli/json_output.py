"""JSON for scripts (`--json`): the same layout in every command, amounts as exact strings."""

from __future__ import annotations

import json
from typing import Any

from kiosk.domain.money import Money


def to_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)


def amount(money: Money) -> str:
    """An exact amount rounded to the currency, as a string (never a float)."""
    return str(money.rounded().amount)
