"""A small progress bar for long commands: redrawn in place on a terminal, occasional
plain lines otherwise (CI logs, pipes)."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    def __init__(self, label: str, total: int, *, stream: TextIO | None = None) -> None:
        self.label = label
        self.total = max(total, 1)
        self.done = 0
        self.stream = stream if stream is not None else sys.stderr
        self.tty = self.stream.isatty()
        self.started = time.monotonic()
        self._last_draw = 0.0
        self._last_percent_logged = -1

    def advance(self, count: int = 1) -> None:
        self.done = min(self.done + count, self.total)
        now = time.monotonic()
        if self.tty and now - self._last_draw >= 0.1:
            self._draw()
            self._last_draw = now
        elif not self.tty and now - self.started >= 1.0:
            percent = self.done * 100 // self.total
            if percent // 25 > self._last_percent_logged // 25:
                self._last_percent_logged = percent
                self.stream.write(f"{self.label}: {percent}% ({self.done:,}/{self.total:,})\n")
                self.stream.flush()

    def _draw(self) -> None:
        width = 30
        filled = width * self.done // self.total
        elapsed = time.monotonic() - self.started
        bar = "#" * filled + "-" * (width - filled)
        self.stream.write(
            f"\r{self.label:<24} [{bar}] {self.done:>10,}/{self.total:,} {elapsed:6.1f}s"
        )
        self.stream.flush()

    def finish(self) -> float:
        self.done = self.total
        elapsed = time.monotonic() - self.started
        if self.tty:
            self._draw()
            self.stream.write("\n")
        elif elapsed >= 1.0:
            self.stream.write(f"{self.label}: done in {elapsed:.1f}s\n")
        self.stream.flush()
        return elapsed
