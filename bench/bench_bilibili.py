"""Bilibili source speed: decode + normalize throughput, against blivedm on the same frames, and
reconnect time after a drop.

The frames: 2,000 brotli-compressed websocket frames of 20 DANMU_MSG each, shaped like real
ones (``tests/bili_server.py``). Decode is measured twice, each against blivedm's own path on
the same frames (``bench/blivedm_reference.py``): frames to JSON commands, and frames to danmaku
objects (ours: ``CommandParser``'s cleaned ``Danmaku`` events; blivedm: its ``DanmakuMessage``).
Best of three interleaved runs each.

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
from bench.blivedm_reference import BlivedmDecoder
from tests.bili_server import ApiServer, ApiState, DanmakuServer, batch, danmu


def _frames(batches: int = 2000, per_batch: int = 20) -> list[bytes]:
    return [batch([danmu(b * per_batch + i) for i in range(per_batch)], "brotli") for b in range(batches)]


def _ours(frames: list[bytes], parse: bool) -> int:
    decoder = FrameDecoder()
    parser = CommandParser()
    count = 0
    for frame in frames:
        for msg in decoder.decode(frame):
            if not isinstance(msg, Command):
                continue
            count += sum(isinstance(e, Danmaku) for e in parser.parse(msg.body)) if parse else 1
    return count


def _blivedm(frames: list[bytes], parse: bool) -> int:
    decoder = BlivedmDecoder(parse_danmaku=parse)
    for frame in frames:
        decoder.parse_ws_message(frame)
    return len(decoder.danmaku) if parse else len(decoder.commands)


def against_blivedm(parse: bool) -> tuple[float, float]:
    """Messages/s (ours, blivedm's) on the same frames: best of three interleaved runs."""
    frames = _frames()
    best = {_ours: 0.0, _blivedm: 0.0}
    for _ in range(3):
        for decode in best:
            start = time.perf_counter()
            count = decode(frames, parse)
            best[decode] = max(best[decode], count / (time.perf_counter() - start))
            assert count == len(frames) * 20
    return best[_ours], best[_blivedm]


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
    ours_commands, blivedm_commands = against_blivedm(parse=False)
    ours_danmaku, blivedm_danmaku = against_blivedm(parse=True)
    times = asyncio.run(reconnect_times())
    return [
        ("bilibili_decode_normalize_brotli_danmaku", rate, "messages/s"),
        ("bilibili_decode_frames_to_commands_cohost", ours_commands, "messages/s"),
        ("bilibili_decode_frames_to_commands_blivedm", blivedm_commands, "messages/s"),
        ("bilibili_decode_frames_to_danmaku_cohost", ours_danmaku, "messages/s"),
        ("bilibili_decode_frames_to_danmaku_blivedm", blivedm_danmaku, "messages/s"),
        ("bilibili_web_reconnect_after_drop_median", statistics.median(times), "s"),
        ("bilibili_web_reconnect_after_drop_max", max(times), "s"),
    ]


if __name__ == "__main__":
    for name, value, unit in run():
        print(f"{name}: {value:,.3f} {unit}")
