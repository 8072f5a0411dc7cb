"""Replays a JSONL recording (the --record format) as if the room were live."""

from __future__ import annotations

import dataclasses
import json
import logging
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from agent.bus import Publish
from agent.clock import Clock
from agent.events import INPUT_TYPES, Event, EventDecodeError, SourceStatus, from_dict

log = logging.getLogger(__name__)

DEMO_RECORDING = Path(__file__).resolve().parent.parent / "data" / "demo_room.jsonl"


@dataclass(frozen=True, slots=True)
class Timed:
    mono: float
    event: Event


def load_recording(path: Path) -> tuple[list[Timed], Counter[str]]:
    """The room's input events with their times; bad lines are counted, not fatal."""
    events: list[Timed] = []
    skipped: Counter[str] = Counter()
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
                if not isinstance(data, dict):
                    raise EventDecodeError("not a JSON object")
                if data.get("type") not in INPUT_TYPES:
                    skipped["output"] += 1  # the bot's own replies in a recording are not replayed
                    continue
                mono = float(data.get("mono", 0.0))
                events.append(Timed(mono, from_dict(data)))
            except (ValueError, TypeError) as exc:
                if not skipped["bad"]:
                    log.warning("%s:%d: skipped a bad line (%s)", path, number, exc)
                skipped["bad"] += 1
    events.sort(key=lambda t: t.mono)
    return events, skipped


class ReplaySource:
    name = "replay"

    def __init__(self, path: Path, clock: Clock, *, leave_out: frozenset[str] = frozenset()) -> None:
        """``leave_out``: event types not to replay (the demo's streamer speaks through the ears)."""
        self.path = path
        self.clock = clock
        self.events, self.skipped = load_recording(path)
        self.recorded = self.events
        self.events = [t for t in self.events if t.event.type not in leave_out]
        self.position = 0.0
        self.duration = self.events[-1].mono if self.events else 0.0

    async def run(self, publish: Publish) -> None:
        publish(SourceStatus(source=self.name, state="live", detail=str(self.path)))
        start = self.events[0].mono if self.events else 0.0
        began = self.clock.now()
        for timed in self.events:
            await self.clock.sleep_until(began + timed.mono - start)
            self.position = timed.mono - start
            # ``at`` becomes the moment it arrives now, not when the file was loaded.
            publish(dataclasses.replace(timed.event, at=time.perf_counter()))
        publish(SourceStatus(source=self.name, state="ended", detail=f"{len(self.events)} events"))
