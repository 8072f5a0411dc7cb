"""Brain only: bus + brain throughput with no event loop, and the agent's own overhead per reply.

This is not the whole path (no loop, recorder, stats, overlay feed; the brain's
filtered events are not re-published): ``bench_whole_path.py`` measures that.

1. Throughput: the demo room's danmaku (repeated with fresh users and text) pushed
   through one bus queue and the brain (filters + state machine) with the reply engine off.
   Target >= 50,000 msgs/s on one core. Best of three runs after a warm-up run; each
   run has a fresh brain and empty text caches, and every text is unique.
2. Overhead: the time Cohost's own code adds per reply (bus hops, brain, prompt,
   sentence split, dispatch to TTS and the sink) with zero-latency engines.
   Target p99 <= 2 ms.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import AsyncGenerator

import numpy as np

from agent.app.runtime import BRAIN_INPUTS, Pipeline
from agent.app.startup import Models
from agent.app.stats import percentile
from agent.audio.sinks import AudioSink
from agent.brain import flood, normalize, sentiment
from agent.brain.brain import Brain
from agent.brain.moderation import Moderator
from agent.bus import Bus
from agent.clock import Clock
from agent.config import BrainConfig, Config
from agent.events import Danmaku, UtteranceDone
from agent.llm.base import ReplyRequest
from agent.loading import ModelSlot
from agent.reply.pipeline import ReplyPipeline
from agent.sources.replay import DEMO_RECORDING, read_recording


def _danmaku(n: int, first: int = 0, *, unique: bool = True) -> list[Danmaku]:
    """The demo room's danmaku looped over 5000 viewers; ``unique`` makes every text new
    (the worst case: no cache helps), else texts repeat as they do in the recording."""
    base = [t.event for t in read_recording(DEMO_RECORDING) if isinstance(t.event, Danmaku)]
    out = []
    for i in range(first, first + n):
        text = base[i % len(base)].text
        out.append(
            dataclasses.replace(
                base[i % len(base)], uid=str(i % 5000), text=f"{text[:60]}{i}" if unique else text
            )
        )
    return out


def _clear_text_caches() -> None:
    """Forget every per-text cache, so a run's unique texts cannot hit one another run filled."""
    normalize.forms.cache_clear()
    flood.dup_key.cache_clear()
    sentiment.shared().clear_cache()


def _one_run(messages: list[Danmaku]) -> float:
    """Seconds to push ``messages`` through a fresh bus and a fresh brain."""
    cfg = Config()
    brain = Brain(cfg.brain, Moderator.from_config(cfg.brain))
    bus = Bus(cfg.bus.queue_size)
    queue = bus.subscribe("brain", accepts=BRAIN_INPUTS)
    _clear_text_caches()
    began = time.perf_counter()
    for i, message in enumerate(messages):
        bus.publish(message)
        while (event := queue.get_nowait()) is not None:
            brain.handle(event, i * 0.001)  # a 1000 msgs/s room; speaking is never executed
    return time.perf_counter() - began


def throughput(n: int = 50_000, runs: int = 3, *, unique: bool = True) -> float:
    """Best of ``runs`` after a warm-up run (imports, lazily built tables, the model's
    first calls) on other texts; every run starts from a fresh brain and empty text caches."""
    _one_run(_danmaku(5000, first=10 * n))
    messages = _danmaku(n, unique=unique)
    return n / min(_one_run(messages) for _ in range(runs))


class InstantEngine:
    name = "instant"

    async def load(self) -> None:
        return None

    async def close(self) -> None:
        return None

    async def stream(self, request: ReplyRequest) -> AsyncGenerator[str, None]:
        yield "谢谢你的提问，"
        yield "我们马上回答。"


class InstantTTS:
    name = "instant"
    sample_rate = 16000
    _samples = np.zeros(16, dtype=np.float32)

    def load(self) -> None:
        return None

    def synthesize(self, text: str) -> np.ndarray:
        return self._samples


class NullSink:
    name = "null"

    def __init__(self) -> None:
        self.playhead: dict[int, float] = {}

    async def play(
        self, utterance_id: int, samples: np.ndarray, sample_rate: int, stop: asyncio.Event, text: str = ""
    ) -> float:
        return len(samples) / sample_rate

    async def finish(self, utterance_id: int) -> None:
        return None

    def close(self) -> None:
        return None


async def _overhead(replies: int) -> list[float]:
    cfg = Config(brain=BrainConfig(cooldown_s=0.0, max_replies_per_minute=10**6, gap_after_streamer_s=0.0))
    clock = Clock()
    bus = Bus(cfg.bus.queue_size)
    moderator = Moderator.from_config(cfg.brain)
    sink: AudioSink = NullSink()
    engine = InstantEngine()
    reply = ReplyPipeline(engine, InstantTTS(), sink, moderator.banned_in, bus.publish)  # type: ignore[arg-type]
    models = Models(
        ModelSlot.ready_with("llm", engine), ModelSlot.off("tts", "bench"), ModelSlot.off("asr", "bench")
    )
    pipeline = Pipeline(cfg, clock, bus, Brain(cfg.brain, moderator), reply, models, [])
    done = bus.subscribe("bench", accepts={"utterance_done", "audio"})
    stop = asyncio.Event()
    runner = asyncio.create_task(pipeline.run(stop))
    await asyncio.sleep(0.05)
    samples: list[float] = []
    for i in range(replies):
        message = Danmaku(text=f"主播这是什么游戏？{i}", uname=f"u{i}", uid=str(i))
        bus.publish(message)
        first_audio = 0.0
        while True:
            event = await done.get()
            if first_audio == 0.0 and event.type == "audio":
                first_audio = time.perf_counter()
            if isinstance(event, UtteranceDone):
                break
        samples.append((first_audio - message.at) * 1e6)
    stop.set()
    await runner
    return samples[10:]  # skip warm-up


def run() -> list[tuple[str, float, str]]:
    recorded = throughput(unique=False)
    unique = throughput()
    overhead = asyncio.run(_overhead(1000))
    return [
        (
            "brain only: bus + brain, recorded danmaku (texts repeat)",
            round(recorded),
            "msgs/s (target >= 50000)",
        ),
        (
            "brain only: bus + brain, every text unique (worst case)",
            round(unique),
            "msgs/s (target >= 50000)",
        ),
        ("agent overhead per reply, p50", round(percentile(overhead, 50), 1), "us"),
        ("agent overhead per reply, p99", round(percentile(overhead, 99), 1), "us (target <= 2000)"),
    ]


if __name__ == "__main__":
    for name, value, unit in run():
        print(f"{name:60s} {value:>12} {unit}")
