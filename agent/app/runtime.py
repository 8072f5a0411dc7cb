"""The agent's stages as the runner runs them, and the assembled agent (``agent.app.assemble``
builds it once).

sources and the ears -> bus -> brain -> reply stage -> sink, with the stats,
the recorder, OBS, the knowledge and the control API as further bus stages.
Models load in the background (``agent.app.startup``); each stage awaits its
own slot. Ctrl-C / SIGTERM stop it cleanly (``agent.app.stage``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from agent.app.controller import AppController
from agent.app.record import Recorder
from agent.app.stage import Runner, Stage
from agent.app.startup import Models, freeze_loaded_objects
from agent.app.stats import Stats
from agent.audio.sinks import AudioSink
from agent.brain.brain import Brain, Decision, Speak
from agent.brain.state import Emit, StopReply
from agent.bus import Bus, EventQueue, Publish
from agent.clock import Clock
from agent.config import Config
from agent.events import INPUT_TYPES, Event, Tick
from agent.llm.breaker import BreakerEngine
from agent.reply.answering import Answering
from agent.reply.pipeline import ReplyPipeline
from agent.sources.base import Source

if TYPE_CHECKING:  # imported when asr is on (faster-whisper's stack)
    from agent.ears.stage import Ears

log = logging.getLogger(__name__)

BRAIN_INPUTS = frozenset(
    {
        "danmaku",
        "gift",
        "super_chat",
        "guard",
        "enter",
        "like",
        "transcript",
        "streamer_voice",
        "control",
        "reply_sentence",
        "audio",
        "utterance_done",
        "tick",
    }
)
TICK_S = 0.05
# How long start-up waits for the brain's models before the room starts without them.
BRAIN_MODELS_WAIT_S = 60.0
# Events the brain's thread takes at once: few enough that a reply order is not held up long.
BRAIN_BATCH = 32
# What the stats stage counts (everything else would only fill its queue).
STATS_INPUTS = INPUT_TYPES | {
    "filtered",
    "reply_sentence",
    "utterance_done",
    "metric",
    "state",
    "source_status",
}
# Each queue is bounded by what it is for (the brain's is bus.queue_size): the counts must stay
# exact through a burst the loop needs seconds to catch up with; a recording should miss nothing
# while the disk is slow; OBS and the echo guard only follow the latest state.
QUEUE_SIZES = {"stats": 16384, "record": 65536, "obs": 256, "echo-guard": 256}
# What the ears' echo guard follows: when the bot's audio starts and stops.
ECHO_EVENTS = frozenset({"audio", "audio_ended", "utterance_done"})


class _EarsDone(Exception):
    pass


# --- the brain ------------------------------------------------------------------


class BrainStage:
    """The brain thinks in a worker thread, a batch of waiting events at a time: its model calls
    (sentiment, meaning) never hold the loop, which serves the API, the overlay and the audio
    between batches however fast chat comes in. Order is kept. A ticker feeds it the time."""

    def __init__(self, brain: Brain, reply: ReplyPipeline, clock: Clock, publish: Publish) -> None:
        self.brain = brain
        self.reply = reply
        self.clock = clock
        self.publish = publish
        self._queue: EventQueue | None = None  # the queue it runs on, for ``busy``

    def stage(self, queue_size: int) -> Stage:
        return Stage("brain", self.run, BRAIN_INPUTS, queue_size)

    def busy(self) -> bool:
        return self.brain.busy() or (self._queue is not None and bool(self._queue))

    async def run(self, queue: EventQueue) -> None:
        self._queue = queue
        async with asyncio.TaskGroup() as tg:
            tg.create_task(_ticker(queue), name="ticker")
            await self._think_in_batches(queue)

    async def _think_in_batches(self, queue: EventQueue) -> None:
        while True:
            batch = [await queue.get()]
            while len(batch) < BRAIN_BATCH and (event := queue.get_nowait()) is not None:
                batch.append(event)
            # A backlog beyond this batch: no model time until it is gone (rules, character folding).
            self.brain.hurried = len(queue) >= BRAIN_BATCH
            for decision in await asyncio.to_thread(self._think, batch):
                if isinstance(decision, Emit):
                    self.publish(decision.event)
                elif isinstance(decision, Speak):
                    self.reply.answer(decision.order, decision.arrived_at)
                elif isinstance(decision, StopReply):
                    self.reply.interrupt(
                        decision.utterance_id,
                        finish_sentence=decision.finish_sentence,
                        reason=decision.reason,
                    )

    def _think(self, batch: list[Event]) -> list[Decision]:
        """In the brain's thread: the batch's questions embedded in one model call, then each
        event of ``batch`` at its own stream time."""
        self.brain.prepare(batch)
        return [decision for event in batch for decision in self.brain.handle(event, self.clock.now())]


async def _ticker(queue: EventQueue) -> None:
    while True:
        await asyncio.sleep(TICK_S)
        queue.put(Tick())


# --- start-up, the reply stage, the followers ------------------------------------


def startup_stage(
    models: Models,
    reply: ReplyPipeline,
    brain: Brain,
    clock: Clock,
    ready: asyncio.Event,
    *,
    room_waits: bool,
) -> Stage:
    """The models load in parallel; ``ready`` is set once each has loaded (or failed) and the
    brain's own are in. ``room_waits``: the room's clock starts then (the demo)."""

    async def settle() -> None:
        await reply.engine.settled()  # the language model behind its breaker, or the template
        await models.settled()
        # The brain's own models (sentiment, meaning): the demo's room starts once they are in,
        # so a replay answers the same way every time.
        await asyncio.to_thread(brain.wait_loaded, BRAIN_MODELS_WAIT_S)
        freeze_loaded_objects()
        if room_waits:  # the room starts now: files count stream time from here
            clock.mark_start()
        ready.set()

    async def run(_: EventQueue) -> None:
        async with asyncio.TaskGroup() as tg:
            for load in models.loads:
                tg.create_task(load)
            tg.create_task(settle())

    return Stage("models", run)


def reply_stage(reply: ReplyPipeline) -> Stage:
    """The reply stage (it awaits its own models); its sink and engine close once all has stopped."""

    async def run(_: EventQueue) -> None:
        await reply.run()

    async def close(_: EventQueue) -> None:
        reply.sink.close()
        with contextlib.suppress(Exception):
            await reply.engine.close()

    return Stage("reply", run, after=close)


def stats_stage(stats: Stats) -> Stage:
    async def count_the_rest(queue: EventQueue) -> None:
        while (event := queue.get_nowait()) is not None:
            stats.observe(event)

    return Stage("stats", stats.run, STATS_INPUTS, QUEUE_SIZES["stats"], after=count_the_rest)


def record_stage(recorder: Recorder) -> Stage:
    return Stage("record", recorder.run, None, QUEUE_SIZES["record"])


def source_stage(source: Source, publish: Publish, ready: asyncio.Event | None) -> Stage:
    """A platform's chat in; with ``ready``, held until the models are in (the demo's room)."""

    async def run(_: EventQueue) -> None:
        if ready is not None:
            await ready.wait()
        await source.run(publish)

    return Stage(f"source:{source.name}", run)


# --- the ears ---------------------------------------------------------------------


def ears_stage(ears: Ears, bus: Bus, ready: asyncio.Event | None) -> Stage:
    """The mic stage runs once its ASR model is loaded (it awaits its own slot); the bot's own
    audio feeds its echo guard. A broken mic is one error line: the bot keeps answering chat."""

    async def run(_: EventQueue) -> None:
        if await ears.model() is None:
            return
        if ready is not None:
            await ready.wait()
        echo = bus.subscribe("echo-guard", accepts=ECHO_EVENTS, maxsize=QUEUE_SIZES["echo-guard"])
        try:
            await _listen(ears, echo, bus.publish)
        except* Exception as group:
            problem: BaseException = group
            while isinstance(problem, BaseExceptionGroup):  # the ears' own task group nests one
                problem = problem.exceptions[0]
            log.error("ears stopped: %s; the bot keeps answering chat but no longer hears you", problem)
        finally:
            bus.unsubscribe(echo)

    return Stage("ears", run)


async def _listen(ears: Ears, echo: EventQueue, publish: Publish) -> None:
    async def observe() -> None:
        while True:
            ears.observe(await echo.get())

    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(observe())
            await ears.run(publish)
            raise _EarsDone  # a file mic ended: stop following the bot's audio too
    except* _EarsDone:
        pass


# --- the assembled agent ----------------------------------------------------------


@dataclass(frozen=True)
class Pipeline:
    """The agent as assembled: its parts, for the summary and the tests, and the runner.

    Built once; ``adding`` returns a new one with more stages."""

    cfg: Config
    clock: Clock
    bus: Bus
    brain: Brain
    reply: ReplyPipeline
    models: Models
    stats: Stats
    controller: AppController
    runner: Runner
    brain_stage: BrainStage
    ready: asyncio.Event  # every model has loaded (or failed) and the language model is in use
    ears: Ears | None = None
    recorder: Recorder | None = None
    notices: tuple[str, ...] = ()

    @property
    def engine(self) -> Answering:
        return self.reply.engine

    @property
    def breaker(self) -> BreakerEngine | None:
        """The language model's circuit breaker, once there is a model to guard."""
        return self.reply.engine.breaker

    @property
    def sink(self) -> AudioSink:
        return self.reply.sink

    def adding(self, *stages: Stage) -> Pipeline:
        return replace(self, runner=self.runner.adding(*stages))

    def status(self) -> dict[str, Any]:
        return self.controller.status()

    def counters(self) -> dict[str, dict[Any, float]]:
        return self.controller.counters()

    def idle(self) -> bool:
        return (
            not self.brain_stage.busy() and self.reply.idle() and (self.ears is None or not self.ears.busy())
        )

    async def run(self, stop: asyncio.Event) -> None:
        """Run every stage until ``stop`` is set, then cancel them all and flush."""
        await self.runner.run(stop)
