"""Control API benchmarks on loopback against the real uvicorn server and a bus-backed fake runtime.

1. POST /api/mute round trip (what an OBS hotkey costs), p50/p95 over 300 calls.
2. Overlay feed: a reply sentence published on the bus -> the JSON frame read by
   a websocket client, p50/p95 over 200 sentences. Target p95 < 20 ms.
3. GET /metrics round trip.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx
import websockets

from agent.bus import Bus, EventQueue
from agent.config import ControlConfig, OverlayConfig
from agent.control.server import ControlServer
from agent.events import Control, ReplySentence


class _Runtime:
    def __init__(self) -> None:
        self.bus = Bus()

    def send(self, event: Control) -> None:
        self.bus.publish(event)

    def status(self) -> dict[str, Any]:
        return {"state": "listening", "muted": False, "queues": self.bus.sizes()}

    def subscribe(self, name: str, accepts: frozenset[str] | None) -> EventQueue:
        return self.bus.subscribe(name, accepts=accepts, maxsize=64)

    def unsubscribe(self, queue: EventQueue) -> None:
        self.bus.unsubscribe(queue)

    def counters(self) -> dict[str, dict[str, float]]:
        return {"events_published_total": dict(self.bus.published)}


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 3)


async def _measure() -> list[tuple[str, float, str]]:
    runtime = _Runtime()
    ready = asyncio.Event()
    server = ControlServer(
        runtime, ControlConfig(port=0, rate_per_s=0), OverlayConfig(), on_listening=lambda h, p: ready.set()
    )
    task = asyncio.create_task(server.run())
    await ready.wait()
    base = f"http://127.0.0.1:{server.port}"
    rows: list[tuple[str, float, str]] = []
    try:
        async with httpx.AsyncClient(base_url=base) as http:
            for path, method, count in (("/api/mute", "POST", 300), ("/metrics", "GET", 100)):
                took = []
                for _ in range(count):
                    began = time.perf_counter()
                    (await http.request(method, path)).raise_for_status()
                    took.append((time.perf_counter() - began) * 1000)
                rows += [(f"control {method} {path} p50", _pct(took, 0.5), "ms")]
                rows += [(f"control {method} {path} p95", _pct(took, 0.95), "ms")]
        async with websockets.connect(f"ws://127.0.0.1:{server.port}/ws/events") as ws:
            await ws.recv()  # the state snapshot
            took = []
            for i in range(200):
                began = time.perf_counter()
                runtime.bus.publish(ReplySentence(utterance_id=i, index=0, text="谢谢大家的支持！"))
                while json.loads(await ws.recv())["type"] != "reply_sentence":
                    pass
                took.append((time.perf_counter() - began) * 1000)
            rows += [("overlay feed bus -> websocket frame p50", _pct(took, 0.5), "ms")]
            rows += [("overlay feed bus -> websocket frame p95 (target < 20)", _pct(took, 0.95), "ms")]
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    return rows


def run() -> list[tuple[str, float, str]]:
    return asyncio.run(_measure())


if __name__ == "__main__":
    for name, value, unit in run():
        print(f"{name:60s} {value:>10} {unit}")
