"""Reconnect time for the Twitch and JSON WebSocket sources: server drop -> live again (target < 2 s).

Uses the shipped reconnect defaults (initial_s = 1.0, so the first retry waits
0.5..1.0 s of jitter) against local servers that cut the TCP connection
without a close frame, like a network failure.
Run from the repository root: ``python bench/bench_reconnect.py``.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from websockets.asyncio.server import ServerConnection, serve

from agent.config import JsonWsSource, Reconnect, TwitchSource
from agent.events import Event, SourceStatus
from agent.sources.jsonws import JsonWsSession
from agent.sources.supervisor import Session, SupervisedSource
from agent.sources.twitch import TwitchSession
from tests.twitch_server import TwitchTestServer

DROPS = 5


async def _measure(session: Session, drop: Callable[[], None], drops: int) -> list[float]:
    live = asyncio.Event()

    def publish(event: Event) -> None:
        if isinstance(event, SourceStatus) and event.state == "live":
            live.set()

    source = SupervisedSource(session, Reconnect())
    task = asyncio.create_task(source.run(publish))
    times: list[float] = []
    try:
        await asyncio.wait_for(live.wait(), 10)
        for _ in range(drops):
            live.clear()
            began = time.perf_counter()
            drop()
            await asyncio.wait_for(live.wait(), 10)
            times.append(time.perf_counter() - began)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    return times


async def twitch(drops: int) -> list[float]:
    async with TwitchTestServer() as server:
        session = TwitchSession(TwitchSource(channel="cohost_test", ws_url=server.url))
        return await _measure(session, server.drop_all, drops)


async def jsonws(drops: int) -> list[float]:
    open_conns: set[ServerConnection] = set()

    async def hold(ws: ServerConnection) -> None:
        open_conns.add(ws)
        try:
            await ws.wait_closed()
        finally:
            open_conns.discard(ws)

    def drop() -> None:
        for ws in list(open_conns):
            ws.transport.abort()

    async with serve(hold, "127.0.0.1", 0) as server:
        port = next(iter(server.sockets)).getsockname()[1]
        session = JsonWsSession(JsonWsSource(url=f"ws://127.0.0.1:{port}"))
        return await _measure(session, drop, drops)


def run() -> list[tuple[str, float, str]]:
    rows: list[tuple[str, float, str]] = []
    for name, bench in (("twitch", twitch), ("jsonws", jsonws)):
        times = asyncio.run(bench(DROPS))
        rows.append(
            (f"{name} drop -> live again, median of {DROPS}", round(statistics.median(times) * 1000), "ms")
        )
        rows.append((f"{name} drop -> live again, worst of {DROPS}", round(max(times) * 1000), "ms"))
    return rows


if __name__ == "__main__":
    for name, value, unit in run():
        print(f"{name:50s} {value:>8} {unit}")
