"""A long build's progress: per locale, on one status line of a terminal."""

from __future__ import annotations

import shutil
import time
from typing import TextIO

__all__ = ["Progress"]


class Progress:
    """Per-locale progress of a long build on one status line; silent when ``stream`` is not a terminal."""

    def __init__(self, stream: TextIO | None, totals: dict[str, int], min_total: int = 200):
        self.stream = stream
        self.totals = totals
        self.done = dict.fromkeys(totals, 0)
        self.enabled = stream is not None and _isatty(stream) and sum(totals.values()) >= min_total
        self._last = 0.0

    def advance(self, locale: str, count: int) -> None:
        self.done[locale] += count
        now = time.monotonic()
        if self.enabled and (now - self._last > 0.1 or self.done[locale] == self.totals[locale]):
            self._last = now
            self._show()

    def line(self) -> str:
        done, total = sum(self.done.values()), sum(self.totals.values())
        parts = [f"{done}/{total} pages"]
        for name, count in self.done.items():
            if count == self.totals[name]:
                parts.append(f"{name} done")
            elif count:
                parts.append(f"{name} {count}/{self.totals[name]}")
        return " · ".join(parts)

    def _show(self) -> None:
        assert self.stream is not None
        width = shutil.get_terminal_size((100, 20)).columns - 1
        self.stream.write("\r" + self.line()[:width].ljust(width))
        self.stream.flush()

    def close(self) -> None:
        if self.enabled and self.stream is not None:
            self._show()
            self.stream.write("\n")
            self.stream.flush()


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
