"""Bilibili source speed: decode + normalize throughput, and reconnect time after a drop.

Run from the repository root: ``python bench/bench_bilibili.py``.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from agent.config import BilibiliSource, Reconnect
from agent.events import Danmaku, Event, SourceStatus
from agent.sources.bilibili.codec import Command, FrameDecoder
from agent.sources.bilibili.commands import CommandParser
from agent.sources.bilibili.web import BilibiliWebSession
from agent.sources.supervisor import SupervisedSource
from tests.bili_server import ApiServer, ApiState, DanmakuServer, batch, danmu


def throughput(batches: int = 2000, per_batch: int = 20) -> float:
    """Danmaku/s through FrameDecoder + CommandParser for brotli-batched DANMU_MSG frames."""
    frames = [batch([danmu(b * per_batch + i) for i in range(per_batch)], "brotli") for b in range(batches)]
    decoder = FrameDecoder()
    parser = CommandParser()
    best = 0.0
    for _ in range(3):
        count = 0
        start = time.perf_counter()
        for frame in frames:
            for msg in decoder.decode(frame):
                if isinstance(msg, Command):
                    count += sum(isinstance(e, Danmaku) for e in parser.parse(msg.body))
        elapsed = time.perf_counter() - start
        assert count == batches * per_batch
        best = max(best, count / elapsed)
    return best


async def reconnect_times(drops: int = 5) -> list[float]:
    """Seconds from the server dropping the web client to the client being live again.

    Uses the shipped reconnect settings (first retry after 0.5-1 s of jittered backoff).
    """
    state = ApiState()
    ws = await DanmakuServer().start()
    state.hosts = [{"host": "127.0.0.1", "ws_port": ws.port, "wss_port": 1}]
    api = await ApiServer(state).start()
    ws.commands = [danmu(i) for i in range(10 * (drops + 1))]
    ws.drop_after, ws.drops_left, ws.overlap = 10, drops, 0
    cfg = BilibiliSource(room_id=state.room_short, api_base=api.base, nav_api_base=api.base, host_scheme="ws")
    source = SupervisedSource(BilibiliWebSession(cfg), Reconnect())
    lives: list[float] = []

    def publish(event: Event) -> None:
        if isinstance(event, SourceStatus) and event.state == "live":
            lives.append(event.at)

    task = asyncio.create_task(source.run(publish))
    try:
        async with asyncio.timeout(60):
            while len(lives) < drops + 1:
                await asyncio.sleep(0.01)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await api.stop()
        await ws.stop()
    return [live - drop for drop, live in zip(ws.drop_times, lives[1:], strict=True)]


def run() -> list[tuple[str, float, str]]:
    rate = throughput()
    times = asyncio.run(reconnect_times())
    return [
        ("bilibili_decode_normalize_brotli_danmaku", rate, "messages/s"),
        ("bilibili_web_reconnect_after_drop_median", statistics.median(times), "s"),
        ("bilibili_web_reconnect_after_drop_max", max(times), "s"),
    ]


if __name__ == "__main__":
    for name, value, unit in run():
        print(f"{name}: {value:,.3f} {unit}")
