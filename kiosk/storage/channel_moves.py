"""Adoption kept as it happens: how many customers each day's preference changes moved."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from typing import cast

from sqlalchemy import Connection, Table, select

from kiosk.domain.billing_preference import PreferenceChange
from kiosk.storage.running_counts import add_to_counts
from kiosk.storage.tables import BillingPreferenceHistoryRow, ChannelMoveRow

history = cast(Table, BillingPreferenceHistoryRow.__table__)
channel_moves = cast(Table, ChannelMoveRow.__table__)
Entry = tuple[datetime, int, str]  # consent time, order of recording, channel
_AFTER_EVERY_ID = 2**62


def note_channel_moves(connection: Connection, changes: Sequence[PreferenceChange]) -> None:
    """Before these changes join the history: note what they move in channel_moves.

    A value holds from its consent to the next value's consent (consent order, then the order
    they were recorded in, as the preference reconciliation decides); a change recorded late
    with an earlier consent cuts the span of the value before it.
    """
    if not changes:
        return
    codes = sorted({change.preference.customer_code for change in changes})
    known: dict[str, list[Entry]] = defaultdict(list)
    rows = connection.execute(
        select(history.c.customer_code, history.c.consent_at, history.c.id, history.c.channel)
        .where(history.c.customer_code.in_(codes))
    )  # fmt: skip
    for code, consent_at, entry_id, channel in rows:
        known[code].append((consent_at, entry_id, channel))
    added: dict[str, list[Entry]] = defaultdict(list)
    for order, change in enumerate(changes):
        preference = change.preference
        entry = (preference.consent_at, _AFTER_EVERY_ID + order, preference.channel.value)
        added[preference.customer_code].append(entry)
    moves: Counter[tuple[date, str]] = Counter()
    for code in codes:
        moves.update(moves_of_history(known[code] + added[code]))
        moves.subtract(moves_of_history(known[code]))
    add_to_counts(
        connection,
        channel_moves,
        ("day", "channel"),
        ("change",),
        [{"day": day, "channel": channel, "change": n} for (day, channel), n in moves.items() if n],
    )


def moves_of_history(entries: list[Entry]) -> Counter[tuple[date, str]]:
    """The channel moves of one customer's history: +1 on each value's first day, -1 on the
    day the next value took over."""
    moves: Counter[tuple[date, str]] = Counter()
    ordered = sorted(entries)
    for entry, following in zip(ordered, [*ordered[1:], None], strict=False):
        moves[(entry[0].date(), entry[2])] += 1
        if following is not None:
            moves[(following[0].date(), entry[2])] -= 1
    return moves
