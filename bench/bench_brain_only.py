"""Brain only: bus + brain throughput with no event loop, and the agent's own overhead per reply.

This is not the whole path (no loop, recorder, stats, overlay feed; the brain's
filtered events are not re-published): ``bench_whole_path.py`` measures that.

1. Throughput: the demo room's danmaku (repeated with fresh users and text) pushed
   through one bus queue and the brain (filters + state machine) with the reply engine off.
   Target >= 50,000 msgs/s on one core. Best of three runs after a warm-up run; each
   run has a fresh brain and empty text caches, and every text is unique.
2. Overhead: the time Cohost's own code adds per reply with zero-latency engines (a model
   that answers at once, a TTS that returns silence): from the brain deciding to answer to
   the reply's first sentence reaching TTS and the overlay (thread hop back to the loop, the
   reply stage, prompt, sentence split, guard): floor p99 <= 2 ms. Also from the danmaku
   entering to the first audio leaving, which adds the bus and the brain's filters.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import AsyncGenerator

import numpy as np

from agent.app.assemble import assemble
from agent.app.runtime import BRAIN_INPUTS
from agent.app.startup import Models
from agent.app.stats import percentile
from agent.audio.sinks import AudioSink
from agent.brain import flood, normalize, sentiment
from agent.brain.brain import Brain, Decision, Speak
from agent.brain.moderation import Moderator
from agent.bus import Bus
from agent.clock import Clock
from agent.config import BrainConfig, Config, ControlConfig
from agent.events import Danmaku, Event, UtteranceDone
from agent.knowledge.base import Knowledge
from agent.llm.base import ReplyRequest
from agent.reply.pipeline import ReplyPipeline
from agent.shared.loading import ModelSlot
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
    normalize.clear_forms_cache()
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

    def __init__(self) -> None:
        self.first_text_at = 0.0  # when the reply's first sentence reached TTS (perf_counter)

    def synthesize(self, text: str) -> np.ndarray:
        self.first_text_at = self.first_text_at or time.perf_counter()
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


@dataclasses.dataclass
class Overhead:
    """Microseconds per reply: from the danmaku in to the first audio out (the brain's filters
    included), and from the brain deciding to answer to the first sentence at TTS and at the
    overlay (the bus's reply_sentence): what the agent adds to a reply, no model time."""

    to_audio: list[float] = dataclasses.field(default_factory=list)
    to_tts: list[float] = dataclasses.field(default_factory=list)
    to_overlay: list[float] = dataclasses.field(default_factory=list)


def _stamp_decisions(brain: Brain, decided: list[float]) -> None:
    """``decided`` gets the time each reply is decided (the brain returns a Speak)."""
    handle = brain.handle

    def handle_and_stamp(event: Event, now: float) -> list[Decision]:
        decisions = handle(event, now)
        if any(isinstance(d, Speak) for d in decisions):
            decided.append(time.perf_counter())
        return decisions

    brain.handle = handle_and_stamp  # type: ignore[method-assign]


async def _overhead(replies: int) -> Overhead:
    cfg = Config(brain=BrainConfig(cooldown_s=0.0, max_replies_per_minute=10**6, gap_after_streamer_s=0.0))
    clock = Clock()
    bus = Bus(cfg.bus.queue_size)
    moderator = Moderator.from_config(cfg.brain)
    sink: AudioSink = NullSink()
    engine = InstantEngine()
    tts = InstantTTS()
    reply = ReplyPipeline(engine, tts, sink, moderator.banned_in, bus.publish)  # type: ignore[arg-type]
    models = Models(
        ModelSlot.ready_with("llm", engine), ModelSlot.off("tts", "bench"), ModelSlot.off("asr", "bench")
    )
    brain = Brain(cfg.brain, moderator)
    decided: list[float] = []
    _stamp_decisions(brain, decided)
    quiet = cfg.model_copy(update={"control": ControlConfig(enabled=False)})  # no API: the agent alone
    pipeline = assemble(quiet, clock, bus, brain, reply, models, Knowledge(cfg.knowledge))
    done = bus.subscribe("bench", accepts={"utterance_done", "audio", "reply_sentence"})
    stop = asyncio.Event()
    runner = asyncio.create_task(pipeline.run(stop))
    await asyncio.sleep(0.05)
    out = Overhead()
    for i in range(replies):
        message = Danmaku(text=f"主播这是什么游戏？{i}", uname=f"u{i}", uid=str(i))
        decided.clear()
        tts.first_text_at = 0.0
        bus.publish(message)
        first_audio = first_shown = 0.0
        while True:
            event = await done.get()
            if first_audio == 0.0 and event.type == "audio":
                first_audio = time.perf_counter()
            if first_shown == 0.0 and event.type == "reply_sentence":
                first_shown = event.at  # stamped as the reply stage made it, right before publishing
            if isinstance(event, UtteranceDone):
                break
        if i >= 10 and decided:  # skip warm-up
            out.to_audio.append((first_audio - message.at) * 1e6)
            out.to_tts.append((tts.first_text_at - decided[0]) * 1e6)
            out.to_overlay.append((first_shown - decided[0]) * 1e6)
    stop.set()
    await runner
    return out


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
        (
            "danmaku in -> first audio out (filters included), p50",
            round(percentile(overhead.to_audio, 50), 1),
            "us",
        ),
        (
            "danmaku in -> first audio out (filters included), p99",
            round(percentile(overhead.to_audio, 99), 1),
            "us",
        ),
        (
            "agent overhead: reply decided -> text at TTS, p50",
            round(percentile(overhead.to_tts, 50), 1),
            "us",
        ),
        (
            "agent overhead: reply decided -> text at TTS, p99",
            round(percentile(overhead.to_tts, 99), 1),
            "us (floor <= 2000)",
        ),
        (
            "agent overhead: reply decided -> text at overlay, p50",
            round(percentile(overhead.to_overlay, 50), 1),
            "us",
        ),
        (
            "agent overhead: reply decided -> text at overlay, p99",
            round(percentile(overhead.to_overlay, 99), 1),
            "us (floor <= 2000)",
        ),
    ]


if __name__ == "__main__":
    for name, value, unit in run():
        print(f"{name:60s} {value:>12} {unit}")
