"""A real ``cohost run`` under a bridge flood: is the agent still responsive?

Starts ``python -m agent run`` (template replies, no voice, no mic: what is measured is the
event loop, not a model), connects as a jsonws bridge and sends RATE unique danmaku a second
(a third of them questions, one super chat a second) for SECONDS, while /api/status is polled
every 50 ms. Prints the status round trip's p50/p95/max, how many super chats the brain
admitted, and the drops /metrics counted by type. Not a test: nothing is asserted.

    .venv/bin/python bench/bench_flood.py                 # 2,000 msg/s for 60 s
    .venv/bin/python bench/bench_flood.py --seconds 20 --rate 1000
    .venv/bin/python bench/bench_flood.py --tree /tmp/old-checkout   # the same bench, other code
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import websockets

ROOT = Path(__file__).resolve().parent.parent
BATCHES_PER_S = 20


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def _batch(b: int, size: int, with_super_chat: bool) -> str:
    items: list[dict[str, object]] = [
        {
            "type": "danmaku",
            "msg_id": f"d{b}-{i}",
            "uid": str(b * size + i),
            "uname": f"观众{i}",
            "text": f"主播这关第{b}次第{i}下怎么过？" if i % 3 == 0 else f"刷屏{b}号{i}",
        }
        for i in range(size)
    ]
    if with_super_chat:
        items.append({"type": "super_chat", "msg_id": f"sc{b}", "uid": f"p{b}", "uname": f"老板{b}",
                      "text": f"加油{b}", "price": 30})  # fmt: skip
    return json.dumps(items, ensure_ascii=False)


async def _flood(bridge: str, rate: int, seconds: float) -> tuple[int, int]:
    size = max(1, rate // BATCHES_PER_S)
    sent = paid = 0
    # No keepalive pings: a stalled agent would otherwise lose the bridge, not just answer late.
    async with websockets.connect(bridge, max_size=None, ping_interval=None) as ws:
        start = time.perf_counter()
        b = 0
        while time.perf_counter() - start < seconds:
            with_sc = b % BATCHES_PER_S == 0
            await ws.send(_batch(b, size, with_sc))
            sent += size
            paid += with_sc
            b += 1
            await asyncio.sleep(max(0.0, start + b / BATCHES_PER_S - time.perf_counter()))
    return sent, paid


POLL_TIMEOUT_S = 10.0


async def _poll(base: str, stop: asyncio.Event) -> list[float]:
    """Round trips in ms; one that gets no answer in POLL_TIMEOUT_S counts as that long."""
    times: list[float] = []
    async with httpx.AsyncClient(timeout=POLL_TIMEOUT_S) as http:
        while not stop.is_set():
            t0 = time.perf_counter()
            with contextlib.suppress(httpx.HTTPError):
                await http.get(f"{base}/api/status")
            times.append((time.perf_counter() - t0) * 1000)
            await asyncio.sleep(0.05)
    return times


async def _wait_up(base: str) -> None:
    async with httpx.AsyncClient(timeout=5) as http:
        for _ in range(1200):
            try:
                if (await http.get(f"{base}/api/status")).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.1)
    raise SystemExit("cohost run never answered /api/status")


def _agent_env(control: int, bridge: int) -> dict[str, str]:
    """Template replies, no voice, no mic; a jsonws bridge on ``bridge``, the API on ``control``."""
    return {
        **os.environ,
        "COHOST_SOURCES__ENABLED": '["jsonws"]',
        "COHOST_SOURCES__JSONWS__LISTEN_PORT": str(bridge),
        "COHOST_SOURCES__JSONWS__MAX_MESSAGE_BYTES": str(16 << 20),
        "COHOST_CONTROL__PORT": str(control),
        "COHOST_CONTROL__RATE_PER_S": "0",
        "COHOST_LLM__ENGINE": "template",
        "COHOST_TTS__ENGINE": "none",
        "COHOST_ASR__ENGINE": "none",
        "COHOST_AUDIO__OUTPUT_DEVICE": "none",
    }


@contextlib.contextmanager
def _running_agent(tree: Path, env: dict[str, str]) -> Iterator[None]:
    """``cohost run`` from ``tree`` with every default and ``env`` on top, stopped at the end."""
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "empty.toml").write_text("", encoding="utf-8")  # every default, env on top
        agent = subprocess.Popen(
            [sys.executable, "-m", "agent", "run", "--config", str(Path(tmp) / "empty.toml")],
            cwd=tree,
            env={**env, "PYTHONPATH": str(tree)},
            stdout=subprocess.DEVNULL,
            start_new_session=True,  # its sentiment worker goes with it at the end
            stderr=open(Path(tmp) / "agent.log", "w"),  # noqa: SIM115
        )
        try:
            yield
        finally:
            agent.terminate()
            try:
                agent.wait(30)
            except subprocess.TimeoutExpired:
                print("cohost run did not stop within 30 s of SIGTERM: killed")
            with contextlib.suppress(ProcessLookupError):
                os.killpg(agent.pid, signal.SIGKILL)
            agent.wait()


async def _metrics(base: str) -> str:
    for _ in range(30):  # a stalled agent answers late
        try:
            async with httpx.AsyncClient(timeout=10) as http:
                return (await http.get(f"{base}/metrics")).text
        except httpx.HTTPError:
            continue
    return ""


async def _main(args: argparse.Namespace) -> None:
    control, bridge = _free_port(), _free_port()
    base = f"http://127.0.0.1:{control}"
    with _running_agent(args.tree, _agent_env(control, bridge)):
        await _wait_up(base)
        await asyncio.sleep(args.settle)  # the brain's models load in the background
        idle_stop = asyncio.Event()
        idle_task = asyncio.create_task(_poll(base, idle_stop))
        await asyncio.sleep(3)
        idle_stop.set()
        idle = await idle_task
        stop = asyncio.Event()
        poller = asyncio.create_task(_poll(base, stop))
        t0 = time.perf_counter()
        sent, paid = await _flood(f"ws://127.0.0.1:{bridge}", args.rate, args.seconds)
        elapsed = time.perf_counter() - t0
        stop.set()
        polled = await poller
        metrics = await _metrics(base)
    admitted = re.findall(r'^cohost_events_published_total\{type="admitted"\} (\S+)$', metrics, re.M)
    drops = [line for line in metrics.splitlines() if "dropped_total{" in line and not line.startswith("#")]
    print(f"tree: {args.tree}")
    print(f"flood: {sent} danmaku + {paid} super chats in {elapsed:.1f} s ({sent / elapsed:.0f} msg/s)")
    print(f"/api/status idle:  n={len(idle)} p50={_pct(idle, 0.5):.1f} ms p95={_pct(idle, 0.95):.1f} ms")
    print(
        f"/api/status flood: n={len(polled)} p50={_pct(polled, 0.5):.1f} ms "
        f"p95={_pct(polled, 0.95):.1f} ms max={max(polled, default=float('nan')):.1f} ms"
    )
    print(f"admitted verdicts published: {admitted[0] if admitted else 0}")
    for line in drops:
        print("  " + line)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rate", type=int, default=2000, help="danmaku a second (default 2000)")
    parser.add_argument("--seconds", type=float, default=60.0, help="how long the flood lasts (default 60)")
    parser.add_argument("--settle", type=float, default=15.0, help="seconds for the models to load first")
    parser.add_argument(
        "--tree", type=Path, default=ROOT, help="the Cohost checkout to run (default: this one)"
    )
    asyncio.run(_main(parser.parse_args()))


if __name__ == "__main__":
    main()
