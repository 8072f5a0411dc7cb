"""Times written to files count from the stream's start, not from when the process began: a
demo whose models took 20 s to load (200 stream seconds at --speed 10) must not shift its
recording or index.csv by that much. A clock whose time is set by the test, no sleeping."""

from __future__ import annotations

import asyncio
import csv
import json
from pathlib import Path

import numpy as np
import pytest

from agent.app.record import Recorder
from agent.audio.sinks import WavSink
from agent.bus import EventQueue
from agent.clock import Clock
from agent.events import Danmaku


class SetClock(Clock):
    """The real Clock with its "now" set by hand (speed 10, like `cohost demo --speed 10`)."""

    def __init__(self) -> None:
        super().__init__(10.0)
        self.t = 0.0

    def now(self) -> float:
        return self.t

    async def sleep(self, seconds: float) -> None:
        self.t += max(0.0, seconds)
        await asyncio.sleep(0)


async def test_the_recording_starts_at_the_stream_not_at_model_loading(tmp_path: Path) -> None:
    clock = SetClock()
    clock.t = 200.0  # 20 s of model loading at 10x
    clock.mark_start()
    clock.t = 203.5  # the first danmaku, 3.5 stream seconds in
    path = tmp_path / "run.jsonl"
    queue = EventQueue(10)
    recorder = Recorder(path, clock)
    task = asyncio.create_task(recorder.run(queue))
    queue.put(Danmaku(text="来了", uname="a"))
    for _ in range(10_000):  # a bounded wait for the write, not a timing assumption
        if recorder.lines:
            break
        await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    (line,) = path.read_text(encoding="utf-8").splitlines()
    assert json.loads(line)["mono"] == 3.5


async def test_index_csv_stream_times_start_at_the_stream(tmp_path: Path) -> None:
    clock = SetClock()
    clock.t = 200.0
    clock.mark_start()
    clock.t = 212.0
    sink = WavSink(tmp_path, clock)
    await sink.play(1, np.zeros(2400, np.float32), 24000, asyncio.Event(), text="欢迎！")
    await sink.finish(1)
    (index,) = tmp_path.glob("run-*/index.csv")
    rows = list(csv.reader(index.open(encoding="utf-8")))
    times = [float(cell) for row in rows[1:] for cell in row if cell.replace(".", "", 1).isdigit()]
    assert 12.0 in times and not any(t >= 200 for t in times), rows


def test_before_the_start_is_zero() -> None:
    clock = SetClock()
    clock.t = 50.0
    assert clock.since_start() == 50.0  # never marked: the process's own start
    clock.mark_start()
    clock.t = 49.0
    assert clock.since_start() == 0.0
