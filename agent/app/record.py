"""The stream log: every bus event as one JSON line (type, mono and wall time, fields).

The same format feeds the replay source, so any recorded stream can be replayed.
Recording is a side job: it must never take the stream down. A line that cannot
be written (a full disk, an event that will not encode) is counted in
``Recorder.failed`` and logged once per kind of failure; the queue keeps draining.

Lines are written in batches: each event is stamped and encoded when it arrives
(the events one turn of the loop finds waiting share one stamp: they were all there
at that instant), and every ``WRITE_EVERY_S`` what has gathered is written and
flushed in one call.
A flood costs ten writes a second instead of one per event (each write is a
system call that also hands the GIL to the brain's thread), and a line still
reaches the disk within about ``WRITE_EVERY_S`` of its event. Shutdown writes
whatever is left.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from pathlib import Path
from typing import IO

import orjson

from agent.bus import EventQueue
from agent.clock import Clock
from agent.events import Event, to_dict

log = logging.getLogger(__name__)

NOT_RECORDED = frozenset({"tick"})
# Seconds of events gathered into one write: short enough that a crash loses little.
WRITE_EVERY_S = 0.1


def encode_bytes(event: Event, mono: float, wall: float) -> bytes:
    """One recording line (no newline) as UTF-8.

    orjson writes the normal case. It refuses a lone surrogate (which UTF-8 cannot hold);
    the standard library then writes the line and ``backslashreplace`` turns the surrogate
    into ``\\udxxx``: inside a JSON string that is its escape, so the line stays valid JSON
    and reads back to the same text. Raises TypeError/ValueError for an unencodable value.
    """
    line = to_dict(event, mono=round(mono, 4), wall=round(wall, 4))
    try:
        return orjson.dumps(line)
    except orjson.JSONEncodeError:
        text = json.dumps(line, ensure_ascii=False, separators=(",", ":"))
        return text.encode("utf-8", errors="backslashreplace")


def encode_line(event: Event, mono: float, wall: float) -> str:
    """One recording line (no newline) as text: what ``encode_bytes`` writes."""
    return encode_bytes(event, mono, wall).decode("utf-8")


def open_log(path: Path) -> IO[bytes]:
    """The log file for writing (lines are encoded to UTF-8 before they are written)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return path.open("wb")


class Recorder:
    """Writes what its queue receives, a batch at a time; writes the rest on shutdown."""

    def __init__(self, path: Path, clock: Clock, *, write_every_s: float = WRITE_EVERY_S) -> None:
        self.path = path
        self.clock = clock
        self.write_every_s = write_every_s
        self.lines = 0  # lines encoded and handed to the file (a failed flush counts in ``failed``)
        self.failed = 0  # writes that failed: an event, or a batch of lines
        self._wall0 = time.time() - clock.now() / clock.speed
        self._batch: list[bytes] = []
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
            async with asyncio.TaskGroup() as tg:
                tg.create_task(self._write_every(out))
                while True:  # each line is stamped when it arrives, written with its batch
                    first = await queue.get()
                    self._drain(queue, first)
        finally:
            self._drain(queue)
            self._write(out)
            with contextlib.suppress(OSError):  # close flushes again; the failure is counted already
                out.close()

    async def _write_every(self, out: IO[bytes]) -> None:
        while True:
            await asyncio.sleep(self.write_every_s)
            self._write(out)

    def _drain(self, queue: EventQueue, first: Event | None = None) -> None:
        """Encode ``first`` and every event waiting behind it, stamped with this instant."""
        clock = self.clock
        mono = clock.since_start()  # a demo's recording starts at 0, not after the model loads
        wall = self._wall0 + clock.now() / clock.speed
        event = first if first is not None else queue.get_nowait()
        while event is not None:
            self._add(event, mono, wall)
            event = queue.get_nowait()

    def _add(self, event: Event, mono: float, wall: float) -> None:
        if event.type in NOT_RECORDED:
            return
        try:
            line = encode_bytes(event, mono, wall)
        except Exception as exc:  # one bad event: count it, keep recording
            self._failed(f"a {event.type} event", exc)
            return
        self._batch.append(line)
        self.lines += 1

    def _write(self, out: IO[bytes]) -> None:
        if not self._batch:
            return
        batch, self._batch = self._batch, []
        try:
            out.write(b"\n".join(batch) + b"\n")
            out.flush()
        except OSError as exc:  # a full disk: count it, keep draining
            self._failed(f"{len(batch)} buffered lines", exc)

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
