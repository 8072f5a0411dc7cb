"""Replays a JSONL recording (the --record format) as if the room were live.

The file is streamed: one line is read, decoded and published at its time, so
a six-hour recording costs no more memory than a minute of one. Lines are
played in file order (the recorder writes them in time order); a line whose
time has already passed is published at once. A replay far behind schedule
(``--speed 1000``) still yields to the event loop every ``YIELD_EVERY`` events,
leaving room for the brain, the control API and Ctrl-C; yielding on every event
would cost a loop turn (and a hand-over to the brain's thread) per event.
"""

from __future__ import annotations

import logging
import math
from collections import Counter
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agent.bus import Publish
from agent.clock import Clock
from agent.events import INPUT_TYPES, Event, EventDecodeError, SourceStatus, from_dict
from agent.sources.boundary import admit
from agent.sources.jsonread import loads

log = logging.getLogger(__name__)

DEMO_RECORDING = Path(__file__).resolve().parent.parent / "data" / "demo_room.jsonl"
# Events published at most between two turns of the event loop when behind schedule.
YIELD_EVERY = 32


@dataclass(frozen=True, slots=True)
class Timed:
    mono: float
    event: Event


def recording_lines(
    path: Path,
    skipped: Counter[str],
    keep: Collection[str] = INPUT_TYPES,
    *,
    errors: str = "replace",
    left_out_as: str = "output",
) -> Iterator[tuple[int, float, dict[str, Any]]]:
    """(line number, time, JSON object) of each line whose type is in ``keep``.

    The default keeps what the room said: the bot's own replies in a recording are not
    replayed. Lines of other types count as ``skipped[left_out_as]``, unreadable ones as
    ``skipped["bad"]``. ``errors`` is how undecodable bytes are read (``"strict"`` raises).
    """
    with path.open(encoding="utf-8", errors=errors) as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                data = loads(line)  # orjson, the standard library for what it refuses
                if not isinstance(data, dict):
                    raise EventDecodeError("not a JSON object")
                if data.get("type") not in keep:
                    skipped[left_out_as] += 1
                    continue
                mono = float(data.get("mono", 0.0))
                if not math.isfinite(mono):
                    raise EventDecodeError(f"mono is {mono}")
            except (ValueError, TypeError) as exc:
                if not skipped["bad"]:
                    log.warning("%s:%d: skipped a bad line (%s)", path, number, exc)
                skipped["bad"] += 1
                continue
            yield number, mono, data


def read_recording(path: Path, skipped: Counter[str] | None = None) -> Iterator[Timed]:
    """The room's input events with their times, read as they are consumed; bad lines are
    counted in ``skipped``, not fatal."""
    skipped = Counter() if skipped is None else skipped
    for number, mono, data in recording_lines(path, skipped):
        try:
            event = admit(from_dict(data))  # a recording is as untrusted as the room it came from
        except (ValueError, TypeError) as exc:
            if not skipped["bad"]:
                log.warning("%s:%d: skipped a bad line (%s)", path, number, exc)
            skipped["bad"] += 1
            continue
        yield Timed(mono, event)


class ReplaySource:
    name = "replay"

    def __init__(self, path: Path, clock: Clock, *, leave_out: frozenset[str] = frozenset()) -> None:
        """``leave_out``: event types not to replay (the demo's streamer speaks through the ears).

        Reads the file once without keeping it, for ``count``, ``duration`` and ``skipped``."""
        self.path = path
        self.clock = clock
        self.leave_out = leave_out
        self.skipped: Counter[str] = Counter()
        self.count = 0
        first = last = None
        for timed in read_recording(path, self.skipped):
            if timed.event.type in leave_out:
                continue
            self.count += 1
            first = timed.mono if first is None else first
            last = timed.mono
        self._start = first or 0.0
        self.position = 0.0
        self.duration = max(0.0, (last or 0.0) - self._start)

    @property
    def recorded(self) -> list[Timed]:
        """The whole recording in memory, every input type (the demo's streamer track reads it)."""
        return list(read_recording(self.path))

    async def run(self, publish: Publish) -> None:
        publish(SourceStatus(source=self.name, state="live", detail=str(self.path)))
        began = self.clock.now()
        sent = read = 0
        # Bad lines were counted and reported by the scan already.
        for _, mono, data in recording_lines(self.path, Counter({"bad": 1})):
            if data.get("type") in self.leave_out:
                continue
            due = began + mono - self._start
            read += 1
            if due > self.clock.now() or read % YIELD_EVERY == 0:
                await self.clock.sleep_until(due)
            try:
                # Built now: its ``at`` is when it arrives, not when it was read.
                event = admit(from_dict(data))
            except (ValueError, TypeError):
                continue
            self.position = max(self.position, mono - self._start)
            publish(event)
            sent += 1
        publish(SourceStatus(source=self.name, state="ended", detail=f"{sent} events"))
