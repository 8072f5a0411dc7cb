"""The stream log: every bus event as one JSON line (type, mono and wall time, fields).

The same format feeds the replay source, so any recorded stream can be replayed.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import IO

from agent.bus import EventQueue
from agent.clock import Clock
from agent.events import Event, to_dict

NOT_RECORDED = frozenset({"tick"})


def encode_line(event: Event, mono: float, wall: float) -> str:
    record = to_dict(event)
    line = {"type": record.pop("type"), "mono": round(mono, 4), "wall": round(wall, 4), **record}
    return json.dumps(line, ensure_ascii=False, separators=(",", ":"))


class Recorder:
    """Writes what its queue receives; flushes often and on shutdown so nothing is lost."""

    def __init__(self, path: Path, clock: Clock) -> None:
        self.path = path
        self.clock = clock
        self.lines = 0
        self._wall0 = time.time() - clock.now() / clock.speed

    async def run(self, queue: EventQueue) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("w", encoding="utf-8") as out:
            try:
                while True:
                    self._write(out, await queue.get())
                    while (event := queue.get_nowait()) is not None:
                        self._write(out, event)
                    out.flush()
            finally:
                while (event := queue.get_nowait()) is not None:
                    self._write(out, event)
                out.flush()

    def _write(self, out: IO[str], event: Event) -> None:
        if event.type in NOT_RECORDED:
            return
        mono = self.clock.now()
        out.write(encode_line(event, mono, self._wall0 + mono / self.clock.speed) + "\n")
        self.lines += 1
