"""OBS output benchmarks against a real headless OBS (tests/obs_harness.py).

1. Latency: a reply sentence event published on the bus -> the same text read
   back from OBS with GetInputSettings. Target p95 < 50 ms on loopback.
2. Flood: transcript events published at ~2,000/s for 3 s -> SetInputSettings
   requests OBS actually receives per second (bounded by 1000 / coalesce_ms).
Needs obs, Xvfb and root for the private network namespace; raises otherwise.
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from agent.app.stats import percentile
from agent.bus import Bus
from agent.config import ObsConfig
from agent.events import ReplySentence, Transcript
from agent.obs.output import ObsOutput
from tests.obs_harness import ObsSpec, headless_obs, missing_tools

REPLY, SUBS, STATUS = "Cohost Reply", "Cohost Subtitles", "Cohost Status"
SENTENCES = 100
FLOOD_S = 3.0
COALESCE_MS = 50


def _text(probe: Any, name: str) -> str:
    return str(probe.send("GetInputSettings", {"inputName": name}, raw=True)["inputSettings"].get("text", ""))


async def _measure(port: int, password: str, probe: Any) -> list[tuple[str, float, str]]:
    cfg = ObsConfig(
        enabled=True,
        port=port,
        password=password,
        reply_sync="sentence",
        coalesce_ms=COALESCE_MS,
        clear_after_s=0,
    )
    bus = Bus()
    output = ObsOutput(cfg)
    task = asyncio.create_task(output.run(bus.subscribe("obs", accepts=ObsOutput.accepts)))
    try:
        while output.connection_state() != "connected":
            await asyncio.sleep(0.02)
        await asyncio.sleep(0.2)
        latencies: list[float] = []
        for i in range(SENTENCES):
            text = f"第{i}句：谢谢大家的支持！"
            started = time.perf_counter()
            bus.publish(ReplySentence(utterance_id=i + 1, index=0, text=text))
            while await asyncio.to_thread(_text, probe, REPLY) != text:
                pass
            latencies.append((time.perf_counter() - started) * 1000)
            await asyncio.sleep(COALESCE_MS / 1000 + 0.01)  # next sentence starts a fresh frame
        before = output.updates[SUBS]
        published = 0
        started = time.perf_counter()
        while time.perf_counter() - started < FLOOD_S:
            for _ in range(20):
                bus.publish(Transcript(text=f"弹幕 {published}"))
                published += 1
            await asyncio.sleep(0.01)
        elapsed = time.perf_counter() - started
        sent = output.updates[SUBS] - before
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    return [
        ("obs: reply sentence -> readable in OBS p50", round(percentile(latencies, 50), 2), "ms"),
        (
            "obs: reply sentence -> readable in OBS p95 (target < 50)",
            round(percentile(latencies, 95), 2),
            "ms",
        ),
        ("obs: reply sentence -> readable in OBS max", round(max(latencies), 2), "ms"),
        ("obs: flood events published", round(published / elapsed), "events/s"),
        ("obs: flood updates sent to OBS", round(sent / elapsed, 1), "updates/s"),
        ("obs: flood update bound (1000 / coalesce_ms)", round(1000 / COALESCE_MS, 1), "updates/s"),
    ]


def run() -> list[tuple[str, float, str]]:
    reason = missing_tools()
    if reason:
        raise RuntimeError(f"needs a headless OBS: {reason}")
    spec = ObsSpec(text_sources=[REPLY, SUBS, STATUS])
    with headless_obs(spec) as obs, obs.client() as probe:
        return asyncio.run(_measure(obs.port, spec.password, probe))


if __name__ == "__main__":
    for name, value, unit in run():
        print(f"{name:60s} {value:>12} {unit}")
