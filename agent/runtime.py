"""Builds the pipeline from config and runs every stage under one TaskGroup.

sources and the ears -> bus -> brain -> reply pipeline -> sink, with the
recorder, stats, OBS and the control API as further bus subscribers. Models
load in the background (``agent.startup``). Ctrl-C / SIGTERM stop it cleanly.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agent.audio.sinks import open_sink
from agent.brain.brain import Brain, Speak
from agent.brain.moderation import Moderator
from agent.brain.prompt import count_chars
from agent.brain.state import Emit, StopReply
from agent.bus import Bus, EventQueue
from agent.clock import Clock
from agent.config import Config, ConfigError
from agent.events import Control, Tick
from agent.llm.base import ReplyEngine
from agent.llm.template import TemplateEngine
from agent.record import Recorder
from agent.reply.pipeline import ReplyPipeline
from agent.sources.base import Source
from agent.startup import Models, plan_models
from agent.stats import Stats

if TYPE_CHECKING:  # imported when asr is on (faster-whisper's stack), in _ears
    from agent.ears.capture import Mic
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
    # Set once every model has loaded (or failed) and the language model is in use.
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    # Hold the sources until then (the demo: its room and its streamer start together).
    sources_wait_ready: bool = False
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

    def status(self) -> dict[str, Any]:
        stats = self.stats
        return {
            "state": stats.state,
            "muted": stats.muted,
            "topic": stats.topic,
            "engine": self.engine.name,
            "queues": self.bus.sizes(),
            "dropped": {name: dict(c) for name, c in self.bus.dropped().items()},
            "sources": dict(stats.sources),
            "latency_ms": stats.latency_table(),
            "replies": stats.answered,
            "received": dict(stats.received),
            "filtered": stats.filtered_total,
            "pending": self.brain.pending(),
            "obs": self.obs_state() if self.obs_state is not None else "disabled",
            "models": self.models.status(),
            "mic": self.ears.status() if self.ears is not None else "off",
        }

    def subscribe(self, name: str, accepts: frozenset[str] | None) -> EventQueue:
        return self.bus.subscribe(name, accepts=accepts, maxsize=64, policy="drop_oldest")

    def unsubscribe(self, queue: EventQueue) -> None:
        self.bus.unsubscribe(queue)

    def counters(self) -> dict[str, dict[str, float]]:
        dropped: dict[str, float] = {}
        for counts in self.bus.dropped().values():
            for kind, n in counts.items():
                dropped[kind] = dropped.get(kind, 0) + n
        return {
            "events_published_total": {k: float(v) for k, v in self.bus.published.items()},
            "events_dropped_total": dropped,
            "replies_total": {k: float(v) for k, v in self.stats.outcomes.items()},
        }

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
        stats_queue = bus.subscribe("stats", accepts=None, maxsize=65536)
        record_queue = bus.subscribe("record", maxsize=65536) if self.recorder else None
        stage_queues = [(bus.subscribe(name, accepts=accepts), fn) for name, accepts, fn in self.extra_stages]
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
        """Replies come from the template engine until the language model is loaded."""
        engine = await self.models.llm.get()
        if engine is not None and engine is not self.reply.engine:
            self.reply.engine = engine
            self.brain.count_tokens = _token_counter(engine)
        await self.models.settled()
        self.ready.set()

    async def _listen(self, ears: Ears) -> None:
        """The mic stage runs once Whisper is loaded; the bot's own audio feeds its echo guard."""
        transcriber = await self.models.asr.get()
        if transcriber is None:
            return
        if self.sources_wait_ready:
            await self.ready.wait()
        ears.transcriber = transcriber
        echo = self.bus.subscribe("echo-guard", accepts=ECHO_EVENTS, maxsize=256)

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
        while True:
            event = await queue.get()
            for decision in self.brain.handle(event, self.clock.now()):
                if isinstance(decision, Emit):
                    self.bus.publish(decision.event)
                elif isinstance(decision, Speak):
                    self.reply.start(decision.request, decision.arrived_at)
                elif isinstance(decision, StopReply):
                    self.reply.interrupt(decision.utterance_id, finish_sentence=decision.finish_sentence)


async def build_pipeline(
    cfg: Config,
    clock: Clock,
    sources: list[Source],
    *,
    record: Path | None = None,
    out_dir: Path | None = None,
    control_required: bool = True,
    mic: Mic | None = None,
) -> Pipeline:
    """The pipeline, its models loading as it runs. ``mic``: what the ears listen to
    (default: ``audio.input_device``; the demo passes its streamer track)."""
    notices: list[str] = []
    bus = Bus(cfg.bus.queue_size)
    moderator = Moderator.from_config(cfg.brain)
    models = plan_models(cfg, notices)
    audio_dir = out_dir / "audio" if out_dir is not None else Path(cfg.audio.output_dir)
    sink, where = open_sink(cfg.audio.output_device, audio_dir, clock)
    notices.append(where)
    engine = models.llm.value if models.llm.state == "ready" else None
    reply = ReplyPipeline(
        engine or TemplateEngine(cfg.llm.template),
        models.tts,
        sink,
        moderator.banned_in,
        bus.publish,
        banned_reply=cfg.brain.banned_reply,
        # The brain counts reply_timeout_s in stream time; the pipeline's last-resort cut is wall time.
        hard_timeout_s=cfg.brain.reply_timeout_s / clock.speed,
        first_clause=cfg.tts.first_clause,
        volume=cfg.audio.volume,
    )
    pipeline = Pipeline(
        cfg=cfg,
        clock=clock,
        bus=bus,
        brain=Brain(cfg.brain, cfg.llm, moderator, count_tokens=count_chars),
        reply=reply,
        models=models,
        sources=sources,
        ears=_ears(cfg, clock, mic, notices),
        notices=notices,
        recorder=Recorder(record, clock) if record is not None else None,
    )
    _add_outputs(pipeline, control_required=control_required)
    return pipeline


def _ears(cfg: Config, clock: Clock, mic: Mic | None, notices: list[str]) -> Ears | None:
    if cfg.asr.engine == "none":
        notices.append('asr: off (asr.engine = "none"): the bot does not hear the streamer')
        return None
    from agent.ears.capture import DeviceMic
    from agent.ears.stage import Ears

    return Ears(cfg.asr, mic if mic is not None else DeviceMic(cfg.audio.input_device, clock))


def _token_counter(engine: ReplyEngine) -> Callable[[str], int]:
    """Count prompt tokens with the loaded model's tokenizer; one per character otherwise."""
    tokenizer = getattr(engine, "tokenizer", None)
    if tokenizer is None:
        return count_chars

    def count(text: str) -> int:
        return len(tokenizer.encode(text, add_special_tokens=False))

    return count


def _add_outputs(pipeline: Pipeline, *, control_required: bool) -> None:
    """OBS text sources and the control API, when enabled.

    With ``control_required=False`` (the demo) a control port already in use
    is a notice, not a reason to stop.
    """
    cfg = pipeline.cfg
    if cfg.obs.enabled:
        from agent.obs.output import ObsOutput

        obs = ObsOutput(cfg.obs)
        pipeline.extra_stages.append(("obs", obs.accepts, obs.run))
        pipeline.obs_state = obs.connection_state
    if cfg.control.enabled:
        from agent.control.server import ControlServer

        def announce(host: str, port: int) -> None:
            log.info(
                "control API on http://%s:%d/api/status, overlay on http://%s:%d/overlay",
                host,
                port,
                host,
                port,
            )

        server = ControlServer(pipeline, cfg.control, cfg.overlay, on_listening=announce)

        async def serve() -> None:
            try:
                await server.run()
            except ConfigError as exc:
                if control_required:
                    raise
                log.warning("control API off: %s", exc.lines[0])

        pipeline.extra_tasks.append(serve)


def install_stop_signals(stop: asyncio.Event) -> None:
    """Ctrl-C and SIGTERM end the run cleanly instead of with a traceback."""
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
