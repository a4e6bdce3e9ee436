"""How far a first download has got when its pages come out of order: every DocEntry up to
`last_key` is stored, and so are the windows beyond it; what is left is the gaps."""

from __future__ import annotations

from kiosk.services.ports.sap import Window


class DownloadPosition:
    """The stored run from the first DocEntry, and the windows stored beyond it, merged."""

    def __init__(self, last_key: int | None, stored_windows: tuple[Window, ...] = ()) -> None:
        self.last_key = last_key or 0
        self._beyond: list[Window] = []
        for window in stored_windows:
            self.add(window)

    @property
    def stored_windows(self) -> tuple[Window, ...]:
        return tuple(self._beyond)

    def add(self, window: Window) -> None:
        """Note a window as stored whole."""
        merged: list[Window] = []
        for first, last in sorted([*self._beyond, window]):
            if merged and first <= merged[-1][1] + 1:
                merged[-1] = (merged[-1][0], max(merged[-1][1], last))
            else:
                merged.append((first, last))
        while merged and merged[0][0] <= self.last_key + 1:
            self.last_key = max(self.last_key, merged.pop(0)[1])
        self._beyond = merged

    def advance_to(self, last_key: int) -> None:
        """Note every DocEntry up to `last_key` as stored (pages read in order)."""
        if last_key > self.last_key:
            self.add((self.last_key + 1, last_key))

    def gaps(self, highest: int) -> list[Window]:
        """The ranges still to read, up to SAP's `highest` DocEntry."""
        left, start = [], self.last_key + 1
        for first, last in self._beyond:
            if first > start:
                left.append((start, min(first - 1, highest)))
            start = max(start, last + 1)
        if start <= highest:
            left.append((start, highest))
        return [(first, last) for first, last in left if first <= last]
