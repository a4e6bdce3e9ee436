"""Text laid out for people: rows aligned in columns, and `label  value` lines."""

from __future__ import annotations

from collections.abc import Iterable, Sequence


def columns(rows: list[tuple[str, ...]], *, right_aligned: set[int]) -> str:
    widths = [max(len(row[index]) for row in rows) for index in range(len(rows[0]))]
    return "\n".join(
        "  ".join(
            cell.rjust(widths[index]) if index in right_aligned else cell.ljust(widths[index])
            for index, cell in enumerate(row)
        ).rstrip()
        for row in rows
    )


def label_width(labels: Iterable[str], *, at_least: int) -> int:
    """Where the values of labelled lines start: past the longest label, whatever its language."""
    return max(at_least, *(len(label) + 1 for label in labels))


def aligned(fields: Sequence[tuple[str, object]], *, width: int) -> list[str]:
    return [f"{label:<{width}}{value}" for label, value in fields]
