"""Runs every stage of the pipeline under one TaskGroup (``agent.app.assemble`` builds it).

sources and the ears -> bus -> brain -> reply pipeline -> sink, with the
recorder, stats, OBS and the control API as further bus subscribers. Models
load in the background (``agent.app.startup``). Ctrl-C / SIGTERM stop it cleanly.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from agent.app.record import Recorder
from agent.app.startup import Models, behind_breaker, freeze_loaded_objects
from agent.app.stats import Stats
from agent.brain.brain import Brain, Decision, Speak
from agent.brain.state import Emit, StopReply
from agent.bus import Bus, EventQueue
from agent.clock import Clock
from agent.config import Config
from agent.events import INPUT_TYPES, Control, Event, ModelStatus, Tick
from agent.llm.base import ReplyEngine
from agent.llm.breaker import BreakerEngine
from agent.reply.pipeline import ReplyPipeline
from agent.sources.base import Source

if TYPE_CHECKING:  # imported when asr is on (faster-whisper's stack), in _ears
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
# The overlay hub and other API followers: a flood's chat lines go before a reply line does.
API_QUEUE_SIZE = 256
# What the ears' echo guard follows: when the bot's audio starts and stops.
ECHO_EVENTS = frozenset({"audio", "audio_ended", "utterance_done"})


class _Stop(Exception):
    pass


class _EarsDone(Exception):
    pass


@dataclass
class Pipeline:
    cfg: Config
    clock: Clock
    bus: Bus
    brain: Brain
    reply: ReplyPipeline
    models: Models
    sources: list[Source]
    ears: Ears | None = None  # the mic stage, when asr is on
    stats: Stats = field(default_factory=Stats)
    notices: list[str] = field(default_factory=list)
    recorder: Recorder | None = None
    extra_stages: list[tuple[str, frozenset[str] | None, Callable[[EventQueue], Any]]] = field(
        default_factory=list
    )
    extra_tasks: list[Callable[[], Any]] = field(default_factory=list)
    obs_state: Callable[[], str] | None = None
    # The language model behind its circuit breaker, once there is one to use.
    breaker: BreakerEngine | None = None
    # Set once every model has loaded (or failed) and the language model is in use.
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    # Hold the sources until then (the demo: its room and its streamer start together).
    sources_wait_ready: bool = False
    # The signal (Ctrl-C: SIGINT) that stopped the run; None while none has.
    stopped_by: int | None = None
    _brain_queue: EventQueue | None = None

    @property
    def engine(self) -> ReplyEngine:
        return self.reply.engine

    @property
    def sink(self) -> Any:
        return self.reply.sink

    # --- the Controller the control API talks to ---

    def send(self, event: Control) -> None:
        self.bus.publish(event)

    def refusal(self, text: str) -> str | None:
        return self.reply.stages.guard(text)

    def status(self) -> dict[str, Any]:
        stats = self.stats
        return {
            "state": stats.state,
            "muted": stats.muted,
            "topic": stats.topic,
            "engine": self.engine.name,
            "llm": self.breaker.status() if self.breaker is not None else {"state": self.models.llm.state},
            "queues": self.bus.sizes(),
            "answering": self.brain.tally.summary(),
            "dropped": {name: dict(c) for name, c in self.bus.dropped().items()},
            "sources": dict(stats.sources),
            "latency_ms": stats.latency_table(),
            "replies": stats.answered,
            "received": dict(stats.received),
            "filtered": stats.filtered_total,
            "filtered_by_reason": _by_reason(stats.filtered),
            "pending": self.brain.pending(),
            "obs": self.obs_state() if self.obs_state is not None else "disabled",
            "models": self.models.status(),
            "sentiment_model": self.brain.moderator.model_status(),
            "meaning_model": self.brain.folding.status(),
            "mic": self.ears.status() if self.ears is not None else "off",
        }

    def subscribe(self, name: str, accepts: frozenset[str] | None) -> EventQueue:
        return self.bus.subscribe(name, accepts=accepts, maxsize=API_QUEUE_SIZE)

    def unsubscribe(self, queue: EventQueue) -> None:
        self.bus.unsubscribe(queue)

    def counters(self) -> dict[str, dict[Any, float]]:
        """Counter families for ``/metrics``; a tuple key fills the family's labels in order
        (see ``agent.control.metrics.LABELS``)."""
        by_queue = {
            (queue, kind): float(n)
            for queue, counts in self.bus.dropped().items()
            for kind, n in counts.items()
        }
        dropped: dict[str, float] = {}
        for (_, kind), n in by_queue.items():
            dropped[kind] = dropped.get(kind, 0.0) + n
        out: dict[str, dict[Any, float]] = {
            "events_published_total": {k: float(v) for k, v in self.bus.published.items()},
            "events_dropped_total": dropped,
            "queue_dropped_total": by_queue,
            "filtered_total": {key: float(n) for key, n in self.stats.filtered.items()},
            "reply_outcomes_total": {k: float(v) for k, v in self.stats.outcomes.items()},
        }
        if self.breaker is not None:
            out["llm_failures_total"] = {k: float(v) for k, v in self.breaker.failed.items()}
            out["llm_fallback_replies_total"] = {"template": float(self.breaker.fallback_replies)}
        return out

    # --- running ---

    def idle(self) -> bool:
        return (
            not self.brain.busy()
            and self.reply.idle()
            and (self.ears is None or not self.ears.busy())
            and (self._brain_queue is None or not self._brain_queue)
        )

    async def run(self, stop: asyncio.Event) -> None:
        """Run every stage until ``stop`` is set, then cancel them all and flush."""
        bus = self.bus
        self._brain_queue = bus.subscribe("brain", accepts=BRAIN_INPUTS, maxsize=self.cfg.bus.queue_size)
        stats_queue = bus.subscribe("stats", accepts=STATS_INPUTS, maxsize=QUEUE_SIZES["stats"])
        record_queue = bus.subscribe("record", maxsize=QUEUE_SIZES["record"]) if self.recorder else None
        stage_queues = [
            (bus.subscribe(name, accepts=accepts, maxsize=QUEUE_SIZES.get(name)), fn)
            for name, accepts, fn in self.extra_stages
        ]
        try:
            async with asyncio.TaskGroup() as tg:
                tg.create_task(self._stop_on(stop))
                tg.create_task(self._brain_loop(self._brain_queue), name="brain")
                tg.create_task(self._ticker(self._brain_queue), name="ticker")
                tg.create_task(self.reply.run(), name="reply")
                for load in self.models.loads:
                    tg.create_task(load)
                tg.create_task(self._use_language_model(), name="llm")
                if self.ears is not None:
                    tg.create_task(self._listen(self.ears), name="ears")
                tg.create_task(self.stats.run(stats_queue), name="stats")
                if self.recorder is not None and record_queue is not None:
                    tg.create_task(self.recorder.run(record_queue), name="record")
                for queue, fn in stage_queues:
                    tg.create_task(fn(queue))
                for task in self.extra_tasks:
                    tg.create_task(task())
                for source in self.sources:
                    tg.create_task(self._source(source), name=f"source:{source.name}")
        except* _Stop:
            pass
        finally:
            while (event := stats_queue.get_nowait()) is not None:
                self.stats.observe(event)
            self.sink.close()
            with contextlib.suppress(Exception):
                await self.engine.close()

    async def _use_language_model(self) -> None:
        """Replies come from the template engine until the language model is loaded, and
        whenever it keeps failing (the breaker); start-up ends with the loaded objects frozen."""
        await self.models.llm.get()
        self.breaker = behind_breaker(
            self.models,
            self.reply.engine,
            self.cfg,
            # Half the reply's patience: the template still has time to answer in its place.
            stall_s=self.reply.hard_timeout_s / 2,
            on_change=self._model_changed,
        )
        if self.breaker is not None:
            self.reply.engine = self.breaker
        await self.models.settled()
        # The brain's own models (sentiment, meaning): the demo's room starts once they are in,
        # so a replay answers the same way every time.
        await asyncio.to_thread(self.brain.wait_loaded, BRAIN_MODELS_WAIT_S)
        freeze_loaded_objects()
        if self.sources_wait_ready:  # the room starts now: files count stream time from here
            self.clock.mark_start()
        self.ready.set()
        if self.breaker is not None:
            await self.breaker.watch()

    def _model_changed(self, status: ModelStatus) -> None:
        self.bus.publish(status)
        breaker = self.breaker
        if status.state == "ready" and breaker is not None and self.models.llm.state != "ready":
            # Loaded by a probe; the prompter's token counter follows the slot.
            self.models.llm.settle("ready", breaker.model, breaker.model.name)

    async def _listen(self, ears: Ears) -> None:
        """The mic stage runs once its ASR model is loaded (it awaits its own slot); the bot's
        own audio feeds its echo guard."""
        if await ears.model() is None:
            return
        if self.sources_wait_ready:
            await self.ready.wait()
        echo = self.bus.subscribe("echo-guard", accepts=ECHO_EVENTS, maxsize=QUEUE_SIZES["echo-guard"])

        async def observe() -> None:
            while True:
                ears.observe(await echo.get())

        try:
            async with asyncio.TaskGroup() as tg:
                tg.create_task(observe())
                await ears.run(self.bus.publish)
                raise _EarsDone  # a file mic ended: stop following the bot's audio too
        except* _EarsDone:
            pass
        except* Exception as group:
            # The stream goes on from chat; the streamer hears about it once.
            problem: BaseException = group
            while isinstance(problem, BaseExceptionGroup):  # the ears' own task group nests one
                problem = problem.exceptions[0]
            log.error("ears stopped: %s; the bot keeps answering chat but no longer hears you", problem)
        finally:
            self.bus.unsubscribe(echo)

    async def _source(self, source: Source) -> None:
        if self.sources_wait_ready:
            await self.ready.wait()
        await source.run(self.bus.publish)

    async def _stop_on(self, stop: asyncio.Event) -> None:
        await stop.wait()
        raise _Stop

    async def _ticker(self, queue: EventQueue) -> None:
        while True:
            await asyncio.sleep(TICK_S)
            queue.put(Tick())

    async def _brain_loop(self, queue: EventQueue) -> None:
        """The brain thinks in a worker thread, a batch of waiting events at a time: its model
        calls (sentiment, meaning) never hold the loop, which serves the API, the overlay and
        the audio between batches however fast chat comes in. Order is kept."""
        while True:
            batch = [await queue.get()]
            while len(batch) < BRAIN_BATCH and (event := queue.get_nowait()) is not None:
                batch.append(event)
            # A backlog beyond this batch: no model time until it is gone (rules, character folding).
            self.brain.hurried = len(queue) >= BRAIN_BATCH
            for decision in await asyncio.to_thread(self._think, batch):
                if isinstance(decision, Emit):
                    self.bus.publish(decision.event)
                elif isinstance(decision, Speak):
                    self.reply.answer(decision.order, decision.arrived_at)
                elif isinstance(decision, StopReply):
                    self._interrupt(decision)

    def _interrupt(self, stop: StopReply) -> None:
        self.reply.interrupt(stop.utterance_id, finish_sentence=stop.finish_sentence, reason=stop.reason)

    def _think(self, batch: list[Event]) -> list[Decision]:
        """In the brain's thread: the batch's questions embedded in one model call, then each
        event of ``batch`` at its own stream time."""
        self.brain.prepare(batch)
        return [decision for event in batch for decision in self.brain.handle(event, self.clock.now())]


def _by_reason(filtered: Mapping[tuple[str, str], int]) -> dict[str, int]:
    reasons: dict[str, int] = {}
    for (_, reason), n in filtered.items():
        reasons[reason] = reasons.get(reason, 0) + n
    return reasons


def install_stop_signals(stop: asyncio.Event) -> list[int]:
    """Ctrl-C and SIGTERM end the run cleanly instead of with a traceback; the returned list
    gets the signal that did (for ``Pipeline.stopped_by`` and the exit code). The sentiment
    worker ignores SIGINT itself: the terminal sends Ctrl-C to it too."""
    loop = asyncio.get_running_loop()
    caught: list[int] = []

    def on_signal(sig: int) -> None:
        caught.append(sig)
        stop.set()

    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, on_signal, int(sig))
    return caught
