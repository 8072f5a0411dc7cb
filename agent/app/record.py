"""The stream log: every bus event as one JSON line (type, mono and wall time, fields).

The same format feeds the replay source, so any recorded stream can be replayed.
Recording is a side job: it must never take the stream down. A line that cannot
be written (a full disk, an event that will not encode) is counted in
``Recorder.failed`` and logged once per kind of failure; the queue keeps draining.
"""

from __future__ import annotations

import contextlib
import json
import logging
import time
from pathlib import Path
from typing import IO

from agent.bus import EventQueue
from agent.clock import Clock
from agent.events import Event, to_dict

log = logging.getLogger(__name__)

NOT_RECORDED = frozenset({"tick"})


def encode_line(event: Event, mono: float, wall: float) -> str:
    record = to_dict(event)
    line = {"type": record.pop("type"), "mono": round(mono, 4), "wall": round(wall, 4), **record}
    return json.dumps(line, ensure_ascii=False, separators=(",", ":"))


def open_log(path: Path) -> IO[str]:
    """The log file for writing. ``backslashreplace``: a lone surrogate (which UTF-8 cannot
    hold) can only occur inside a JSON string here, where ``\\udxxx`` is its JSON escape,
    so such a line stays valid JSON that reads back to the same text."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return path.open("w", encoding="utf-8", errors="backslashreplace")


class Recorder:
    """Writes what its queue receives; flushes often and on shutdown so nothing is lost."""

    def __init__(self, path: Path, clock: Clock) -> None:
        self.path = path
        self.clock = clock
        self.lines = 0
        self.failed = 0  # writes that failed: an event, or a flush of buffered lines
        self._wall0 = time.time() - clock.now() / clock.speed
        self._reported: set[str] = set()

    async def run(self, queue: EventQueue) -> None:
        try:
            out = open_log(self.path)
        except OSError as exc:
            log.error(
                "record: cannot write %s (%s): the stream goes on unrecorded; fix the path", self.path, exc
            )
            while True:  # keep the queue drained so the bus never backs up behind us
                await queue.get()
                self.failed += 1
        try:
            while True:
                self._write(out, await queue.get())
                while (event := queue.get_nowait()) is not None:
                    self._write(out, event)
                self._flush(out)
        finally:
            while (event := queue.get_nowait()) is not None:
                self._write(out, event)
            self._flush(out)
            with contextlib.suppress(OSError):  # close flushes again; the failure is counted already
                out.close()

    def _write(self, out: IO[str], event: Event) -> None:
        if event.type in NOT_RECORDED:
            return
        now = self.clock.now()
        mono = self.clock.since_start()  # a demo's recording starts at 0, not after the model loads
        try:
            out.write(encode_line(event, mono, self._wall0 + now / self.clock.speed) + "\n")
        except Exception as exc:  # one bad event or a full disk: count it, keep recording
            self._failed(f"a {event.type} event", exc)
            return
        self.lines += 1

    def _flush(self, out: IO[str]) -> None:
        try:
            out.flush()
        except OSError as exc:
            self._failed("buffered lines", exc)

    def _failed(self, what: str, exc: Exception) -> None:
        self.failed += 1
        kind = type(exc).__name__
        if kind not in self._reported:
            self._reported.add(kind)
            log.error(
                "record: could not write %s to %s (%s: %s); later failures are only counted",
                what,
                self.path,
                kind,
                exc,
            )
