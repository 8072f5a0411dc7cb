"""Builds the pipeline from config and runs every stage under one TaskGroup.

sources -> bus -> brain -> voice -> sink, with the recorder, stats, OBS and the
control API as further bus subscribers. Ctrl-C / SIGTERM stop it cleanly.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agent.audio.sinks import AudioSink, open_sink
from agent.brain.brain import Brain, Speak
from agent.brain.moderation import Moderator
from agent.brain.prompt import count_chars
from agent.brain.state import Emit, StopReply
from agent.bus import Bus, EventQueue
from agent.clock import Clock
from agent.config import Config, ConfigError
from agent.events import Control, Tick
from agent.llm.base import EngineUnavailable, ReplyEngine
from agent.llm.template import NOTICE as TEMPLATE_NOTICE
from agent.llm.template import TemplateEngine
from agent.record import Recorder
from agent.sources.base import Source
from agent.stats import Stats
from agent.tts.base import TTSEngine, TTSUnavailable
from agent.voice import Voice

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


class _Stop(Exception):
    pass


async def load_engine(cfg: Config, notices: list[str]) -> ReplyEngine:
    """The configured reply engine, or the template engine with a notice saying why."""
    llm = cfg.llm
    if llm.engine == "template":
        notices.append(TEMPLATE_NOTICE)
        return TemplateEngine(llm.template)
    try:
        engine = _language_model(cfg)
        await engine.load()
        return engine
    except EngineUnavailable as exc:
        notices.append(f"{TEMPLATE_NOTICE}: {exc}")
    return TemplateEngine(llm.template)


def _language_model(cfg: Config) -> ReplyEngine:
    llm = cfg.llm
    if llm.engine == "transformers":
        if not llm.transformers.model:
            raise EngineUnavailable(
                "no GLM model configured (set llm.transformers.model in config.toml, e.g. "
                "zai-org/glm-edge-1.5b-chat, or COHOST_LLM__TRANSFORMERS__MODEL)"
            )
        from agent.llm.transformers_engine import TransformersEngine

        return TransformersEngine(llm.transformers)
    from agent.llm.openai_engine import OpenAIEngine

    return OpenAIEngine(llm.openai)


async def load_tts(cfg: Config, notices: list[str]) -> TTSEngine | None:
    if cfg.tts.engine == "none":
        notices.append('tts: off (tts.engine = "none"): replies are text only')
        return None
    from agent.tts.espeak import EspeakEngine

    tts = EspeakEngine(cfg.tts.espeak)
    try:
        await tts.load()
    except TTSUnavailable as exc:
        notices.append(f"tts: {exc}; replies are text only")
        return None
    return tts


@dataclass
class Pipeline:
    cfg: Config
    clock: Clock
    bus: Bus
    brain: Brain
    voice: Voice
    sink: AudioSink
    engine: ReplyEngine
    sources: list[Source]
    stats: Stats = field(default_factory=Stats)
    notices: list[str] = field(default_factory=list)
    recorder: Recorder | None = None
    extra_stages: list[tuple[str, frozenset[str] | None, Callable[[EventQueue], Any]]] = field(
        default_factory=list
    )
    extra_tasks: list[Callable[[], Any]] = field(default_factory=list)
    obs_state: Callable[[], str] | None = None
    _brain_queue: EventQueue | None = None

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
            and self.voice.idle()
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
                tg.create_task(self.voice.run(), name="voice")
                tg.create_task(self.stats.run(stats_queue), name="stats")
                if self.recorder is not None and record_queue is not None:
                    tg.create_task(self.recorder.run(record_queue), name="record")
                for queue, fn in stage_queues:
                    tg.create_task(fn(queue))
                for task in self.extra_tasks:
                    tg.create_task(task())
                for source in self.sources:
                    tg.create_task(source.run(bus.publish), name=f"source:{source.name}")
        except* _Stop:
            pass
        finally:
            while (event := stats_queue.get_nowait()) is not None:
                self.stats.observe(event)
            self.sink.close()
            with contextlib.suppress(Exception):
                await self.engine.close()

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
                    self.voice.start(decision.request, decision.arrived_at)
                elif isinstance(decision, StopReply):
                    self.voice.interrupt(decision.utterance_id, finish_sentence=decision.finish_sentence)


async def build_pipeline(
    cfg: Config,
    clock: Clock,
    sources: list[Source],
    *,
    record: Path | None = None,
    out_dir: Path | None = None,
    control_required: bool = True,
) -> Pipeline:
    notices: list[str] = []
    bus = Bus(cfg.bus.queue_size)
    moderator = Moderator.from_config(cfg.brain)
    engine = await load_engine(cfg, notices)
    tts = await load_tts(cfg, notices)
    audio_dir = out_dir / "audio" if out_dir is not None else Path(cfg.audio.output_dir)
    sink, where = open_sink(cfg.audio.output_device, audio_dir, clock)
    notices.append(where)
    voice = Voice(
        engine,
        tts,
        sink,
        moderator.banned_in,
        bus.publish,
        clock,
        banned_reply=cfg.brain.banned_reply,
        hard_timeout_s=cfg.brain.reply_timeout_s,
    )
    pipeline = Pipeline(
        cfg=cfg,
        clock=clock,
        bus=bus,
        brain=Brain(cfg.brain, cfg.llm, moderator, count_tokens=_token_counter(engine)),
        voice=voice,
        sink=sink,
        engine=engine,
        sources=sources,
        notices=notices,
        recorder=Recorder(record, clock) if record is not None else None,
    )
    _add_outputs(pipeline, control_required=control_required)
    return pipeline


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
