"""Rows of text aligned in columns, for the tables the commands print for people."""

from __future__ import annotations


def columns(rows: list[tuple[str, ...]], *, right_aligned: set[int]) -> str:
    widths = [max(len(row[index]) for row in rows) for index in range(len(rows[0]))]
    return "\n".join(
        "  ".join(
            cell.rjust(widths[index]) if index in right_aligned else cell.ljust(widths[index])
            for index, cell in enumerate(row)
        ).rstrip()
        for row in rows
    )
