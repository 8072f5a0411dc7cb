"""The whole path under a flood: a streamed recording -> bus -> brain (filters and state machine,
its filtered events re-published) -> reply pipeline (template engine) -> recorder, stats and the
overlay feed, all on one event loop, as ``cohost run`` wires them.

The room: 60,000 events (danmaku with a few enters, likes and gifts) from 20,000 distinct
viewers, replayed at 1000x so the source is always behind schedule. Printed: input events per
second end to end (until every queue is empty again), the same per second of CPU the process
used meanwhile (all threads: less sensitive to other work on a loaded machine), what each
queue dropped, what the recorder and the overlay page got, how late the loop ran a 10 ms timer
meanwhile, and peak RSS.

The flood runs twice. First from a cold start, as ``cohost run`` meets a room that is already
busy: the meaning model and the sentiment worker load meanwhile and take CPU from the loop and
the brain. Then once every model is in, as the demo starts its room ("models loaded first").
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import resource
import tempfile
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from agent.app.assemble import build_pipeline
from agent.app.stage import Stage
from agent.app.stats import percentile
from agent.bus import EventQueue
from agent.clock import Clock
from agent.config import (
    AsrConfig,
    AudioConfig,
    BrainConfig,
    Config,
    ControlConfig,
    LlmConfig,
    ObsConfig,
    TtsConfig,
)
from agent.control.overlay_hub import OverlayHub, Page
from agent.events import INPUT_TYPES, Danmaku
from agent.sources.replay import DEMO_RECORDING, ReplaySource, read_recording

EVENTS = 60_000
VIEWERS = 20_000
SPEED = 1000.0


def write_room(path: Path, n: int) -> None:
    texts = [t.event.text for t in read_recording(DEMO_RECORDING) if isinstance(t.event, Danmaku)]
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            uid = i % VIEWERS
            viewer = {"uid": str(uid), "uname": f"观众{uid:05d}"}
            line: dict[str, Any]
            if i % 100 == 7:
                line = {"type": "gift", "gift_name": "小心心", "count": 1, **viewer}
            elif i % 20 == 3:
                line = {"type": "enter", **viewer}
            elif i % 25 == 5:
                line = {"type": "like", **viewer}
            else:
                line = {"type": "danmaku", "text": f"{texts[i % len(texts)]}{i // len(texts)}", **viewer}
            line["mono"] = round(i * 0.0005, 4)  # a 2,000 msg/s room
            out.write(json.dumps(line, ensure_ascii=False) + "\n")


def flood_config() -> Config:
    """``cohost run``'s defaults with the template engine, no voice, no mic, no API, no OBS.

    As the demo does at --speed N: the models' wall-clock patience and the sentiment and
    meaning models' per-second budgets stay what they are live (all are in stream time)."""
    live = BrainConfig()
    brain = BrainConfig(
        reply_timeout_s=live.reply_timeout_s * SPEED,
        sentiment_per_s=live.sentiment_per_s / SPEED,
        meaning_per_s=live.meaning_per_s / SPEED,
    )
    return Config(
        brain=brain,
        llm=LlmConfig(engine="template"),
        tts=TtsConfig(engine="none"),
        asr=AsrConfig(engine="none"),
        audio=AudioConfig(output_device="none"),
        control=ControlConfig(enabled=False),
        obs=ObsConfig(enabled=False),
    )


class _Probes:
    """What the bench adds to the agent: one overlay page's websocket (it encodes what the page
    would be sent) and a 10 ms timer that measures how late the loop runs it."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.overlay_sent = 0
        self.lags: list[float] = []

    def stages(self) -> tuple[Stage, Stage]:
        return Stage("overlay-socket", self._overlay_socket), Stage("loop-lag", self._loop_lag)

    async def _overlay_socket(self, _: EventQueue) -> None:
        while True:
            await self.page.ready.wait()
            for message in self.page.take():
                json.dumps(message, ensure_ascii=False)
                self.overlay_sent += 1

    async def _loop_lag(self, _: EventQueue) -> None:
        while True:
            began = time.perf_counter()
            await asyncio.sleep(0.01)
            self.lags.append((time.perf_counter() - began - 0.01) * 1000)


async def _flood(folder: Path, *, models_first: bool = False) -> dict[str, Any]:
    """The flood from a cold start, as ``cohost run`` meets a room already busy (the models load
    meanwhile), or with ``models_first`` once every model is in (as the demo starts its room)."""
    room = folder / "room.jsonl"
    write_room(room, EVENTS)
    clock = Clock(SPEED)
    replay = ReplaySource(room, clock)
    pipeline = await build_pipeline(
        flood_config(),
        clock,
        [replay],
        record=folder / "run.jsonl",
        out_dir=folder,
        room_waits=models_first,
    )
    hub = OverlayHub(pipeline.controller, chat_lines=20, reply_keep_s=30.0, page_buffer=256)
    probes = _Probes(hub.attach())
    pipeline = pipeline.adding(*probes.stages())
    stop = asyncio.Event()
    runner = asyncio.create_task(pipeline.run(stop))
    if models_first:
        await pipeline.ready.wait()  # the room starts now
    began, cpu_began = time.perf_counter(), time.process_time()
    published = 0.0  # when the source had published its last event
    while pipeline.stats.sources.get("replay") != "ended" or any(pipeline.bus.sizes().values()):
        if not published and pipeline.stats.sources.get("replay") == "ended":
            published = time.perf_counter() - began
        await asyncio.sleep(0.01)
    elapsed, cpu = time.perf_counter() - began, time.process_time() - cpu_began
    stop.set()
    await runner
    hub.detach(probes.page)
    dropped = {name: sum(c.values()) for name, c in pipeline.bus.dropped().items()}
    brain_drops = pipeline.bus.dropped().get("brain", Counter())
    return {
        "elapsed": elapsed,
        "published": published or elapsed,
        "cpu": cpu,
        "received": sum(pipeline.stats.received.values()),
        "dropped": dropped,
        "judged": EVENTS - sum(n for kind, n in brain_drops.items() if kind in INPUT_TYPES),
        "recorded": pipeline.recorder.lines if pipeline.recorder else 0,
        "overlay": probes.overlay_sent,
        "replies": pipeline.stats.answered,
        "lag_p99": percentile(probes.lags, 99),
        "lag_max": max(probes.lags, default=0.0),
    }


def _flood_in_a_folder(models_first: bool) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="cohost-bench-") as folder:
        result = asyncio.run(_flood(Path(folder), models_first=models_first))
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def _flood_in_a_fresh_process(models_first: bool) -> dict[str, Any]:
    """Each flood in a process of its own: start-up freezes what it loaded once per process, so
    a second agent in the same process would have its collections walk the first one's objects."""
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as process:
        return process.submit(_flood_in_a_folder, models_first).result()


def run() -> list[tuple[str, float, str]]:
    result = _flood_in_a_fresh_process(models_first=False)
    settled = _flood_in_a_fresh_process(models_first=True)
    judged = result["judged"]
    rows: list[tuple[str, float, str]] = [
        ("whole path: input events end to end", round(EVENTS / result["elapsed"]), "events/s"),
        ("whole path: input events per CPU second (all threads)", round(EVENTS / result["cpu"]), "events/s"),
        ("whole path: seconds until the source had sent every event", round(result["published"], 2), "s"),
        ("whole path: seconds until every queue was empty again", round(result["elapsed"], 2), "s"),
        ("whole path: input events counted by stats", result["received"], f"of {EVENTS}"),
        # The brain judges what it can at its own rate; its queue drops the rest, chat first.
        ("whole path: input events the brain judged", judged, f"of {EVENTS}"),
        ("whole path: events the brain judged per second", round(judged / result["elapsed"]), "events/s"),
        # Less sensitive to other work on a loaded machine than the row above.
        ("whole path: events the brain judged per CPU second", round(judged / result["cpu"]), "events/s"),
        ("whole path: lines written by the recorder", result["recorded"], "lines"),
        ("whole path: messages sent to one overlay page", result["overlay"], "messages"),
        ("whole path: replies spoken (template engine)", result["replies"], "replies"),
        ("whole path: event loop lag of a 10 ms timer, p99", round(result["lag_p99"], 1), "ms"),
        ("whole path: event loop lag of a 10 ms timer, max", round(result["lag_max"], 1), "ms"),
    ]
    rows += [
        (f"whole path: dropped by queue '{name}'", n, "events")
        for name, n in sorted(result["dropped"].items())
    ]
    rows.append(("whole path: peak RSS of the process", round(result["peak_mb"]), "MB"))
    return rows + _settled_rows(settled)


def _settled_rows(result: dict[str, Any]) -> list[tuple[str, float, str]]:
    """The same flood once the models are in: the loop and the brain without start-up's loading
    (the meaning model, the sentiment worker) competing for the CPU."""
    label = "whole path, models loaded first:"
    judged = result["judged"]
    return [
        (f"{label} input events end to end", round(EVENTS / result["elapsed"]), "events/s"),
        (f"{label} input events per CPU second", round(EVENTS / result["cpu"]), "events/s"),
        (f"{label} input events the brain judged", judged, f"of {EVENTS}"),
        (f"{label} events the brain judged per second", round(judged / result["elapsed"]), "events/s"),
        (f"{label} events the brain judged per CPU second", round(judged / result["cpu"]), "events/s"),
        (f"{label} lines written by the recorder", result["recorded"], "lines"),
        (f"{label} event loop lag of a 10 ms timer, p99", round(result["lag_p99"], 1), "ms"),
    ]


if __name__ == "__main__":
    for name, value, unit in run():
        print(f"{name:72s} {value:>12} {unit}")
