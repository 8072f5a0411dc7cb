"""Builds the agent from config, once: the bus, the brain, the reply stage holding its models'
slots, the ears, the outputs (OBS, the control API), as a fixed tuple of stages for the runner."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from agent.app.controller import AppController
from agent.app.record import Recorder
from agent.app.runtime import (
    QUEUE_SIZES,
    BrainStage,
    Pipeline,
    ears_stage,
    record_stage,
    reply_stage,
    source_stage,
    startup_stage,
    stats_stage,
)
from agent.app.stage import Runner, Stage
from agent.app.startup import Models, plan_models, token_counter
from agent.app.stats import Stats
from agent.audio.sinks import open_sink
from agent.brain.brain import Brain
from agent.brain.meaning import MeaningIndex, MeaningUnavailable
from agent.brain.moderation import Moderator
from agent.bus import Bus, EventQueue
from agent.clock import Clock
from agent.config import Config, ConfigError
from agent.knowledge.base import Knowledge
from agent.knowledge.entries import KnowledgeError
from agent.knowledge.match import Embed
from agent.knowledge.viewers import LiveViewers, open_store, store_path
from agent.llm.template import TemplateEngine
from agent.reply.answering import Answering
from agent.reply.pipeline import ReplyPipeline
from agent.reply.prompt import Prompter
from agent.sources.base import Source

if TYPE_CHECKING:  # imported when asr is on (faster-whisper's stack), in _ears
    from agent.ears.capture import Mic
    from agent.ears.stage import Ears
    from agent.obs.output import ObsOutput

log = logging.getLogger(__name__)


async def build_pipeline(
    cfg: Config,
    clock: Clock,
    sources: list[Source],
    *,
    record: Path | None = None,
    out_dir: Path | None = None,
    control_required: bool = True,
    mic: Mic | None = None,
    room_waits: bool = False,
) -> Pipeline:
    """The agent with its fixed stages, its models loading as it runs. ``mic``: what the ears
    listen to (default: ``audio.input_device``; the demo passes its streamer track).
    ``room_waits``: the sources and the ears start once the models are in (the demo: its room
    and its streamer start together)."""
    notices: list[str] = []
    bus = Bus(cfg.bus.queue_size)
    moderator = Moderator.from_config(cfg.brain)
    try:
        knowledge = Knowledge.from_config(cfg.knowledge)
    except KnowledgeError as exc:
        raise ConfigError([f"config error: {exc}"]) from None
    models = plan_models(cfg, notices)
    reply = _reply(cfg, clock, models, moderator, bus, notices, out_dir)
    brain = Brain(cfg.brain, moderator, knowledge)
    ears = _ears(cfg, clock, mic, notices, models)
    if cfg.viewers.remember:
        notices.append(_remember_viewers(cfg, brain, moderator))
    # snownlp (its own worker) and the meaning model (a thread): chat flows on rules meanwhile.
    brain.start_loading()
    knowledge.start_loading(lambda: _meaning_for_knowledge(brain))
    return assemble(
        cfg,
        clock,
        bus,
        brain,
        reply,
        models,
        knowledge,
        sources=sources,
        ears=ears,
        recorder=Recorder(record, clock) if record is not None else None,
        notices=notices,
        control_required=control_required,
        room_waits=room_waits,
    )


def assemble(
    cfg: Config,
    clock: Clock,
    bus: Bus,
    brain: Brain,
    reply: ReplyPipeline,
    models: Models,
    knowledge: Knowledge,
    *,
    sources: Sequence[Source] = (),
    ears: Ears | None = None,
    recorder: Recorder | None = None,
    notices: Sequence[str] = (),
    control_required: bool = True,
    room_waits: bool = False,
) -> Pipeline:
    """The fixed tuple of stages around parts already built (``build_pipeline`` builds them from
    config; a bench builds its own), with OBS and the control API as ``cfg`` enables them."""
    obs = _obs(cfg)
    stats = Stats()
    controller = AppController(
        bus, brain, reply, models, stats, knowledge, ears, obs.connection_state if obs is not None else None
    )
    ready = asyncio.Event()
    held = ready if room_waits else None
    brain_stage = BrainStage(brain, reply, clock, bus.publish)
    stages = (
        brain_stage.stage(cfg.bus.queue_size),
        reply_stage(reply),
        startup_stage(models, reply, brain, clock, ready, room_waits=room_waits),
        *([ears_stage(ears, bus, held)] if ears is not None else []),
        stats_stage(stats),
        *([record_stage(recorder)] if recorder is not None else []),
        Stage("knowledge", knowledge.run, frozenset({"room_info"})),
        *([Stage("obs", obs.run, obs.accepts, QUEUE_SIZES["obs"])] if obs is not None else []),
        *_control(cfg, controller, control_required=control_required),
        *(source_stage(source, bus.publish, held) for source in sources),
    )
    return Pipeline(
        cfg=cfg,
        clock=clock,
        bus=bus,
        brain=brain,
        reply=reply,
        models=models,
        stats=stats,
        controller=controller,
        runner=Runner(bus, stages),
        brain_stage=brain_stage,
        ready=ready,
        ears=ears,
        recorder=recorder,
        notices=tuple(notices),
    )


def _reply(
    cfg: Config,
    clock: Clock,
    models: Models,
    moderator: Moderator,
    bus: Bus,
    notices: list[str],
    out_dir: Path | None,
) -> ReplyPipeline:
    """The reply stage, holding the language model's slot (behind its breaker, the template
    answering until then) and the voice's slot from the start."""
    audio_dir = out_dir / "audio" if out_dir is not None else Path(cfg.audio.output_dir)
    sink, where = open_sink(cfg.audio.output_device, audio_dir, clock)
    notices.append(where)
    # The brain counts reply_timeout_s in stream time; the pipeline's last-resort cut is wall time.
    hard_timeout_s = cfg.brain.reply_timeout_s / clock.speed
    configured = models.llm.value
    template = configured if isinstance(configured, TemplateEngine) else TemplateEngine(cfg.llm.template)
    answering = Answering(
        models.llm,
        template,
        cfg.llm.breaker,
        # Half the reply's patience: the template still has time to answer in its place.
        stall_s=hard_timeout_s / 2,
        planned=models.llm_engine,
        on_change=bus.publish,
    )
    return ReplyPipeline(
        answering,
        models.tts,
        sink,
        moderator.banned_in,
        bus.publish,
        banned_reply=cfg.brain.banned_reply,
        hard_timeout_s=hard_timeout_s,
        first_clause=cfg.tts.first_clause,
        volume=cfg.audio.volume,
        prompter=Prompter(cfg.llm, cfg.brain, token_counter(models.llm)),
    )


def _remember_viewers(cfg: Config, brain: Brain, moderator: Moderator) -> str:
    """Viewer memory across streams ([viewers] remember): the brain's memory records into the
    SQLite file; one line for the start-up notices either way."""
    path = store_path(cfg.viewers)
    try:
        store = open_store(cfg.viewers, busy_timeout_s=1.0)  # the chat waits for no lock
    except (OSError, sqlite3.Error) as exc:
        return f"viewers: not remembered: cannot open {path} ({exc}); set [viewers] file to a writable path"
    brain.memory.remember_across(LiveViewers(store), moderator.banned_in)
    return f"viewers: remembered across streams in {path} (viewers can type !forget)"


def _meaning_for_knowledge(brain: Brain) -> Embed | None:
    """The brain's meaning model for the knowledge (one copy), once it has loaded; without
    folding by meaning the knowledge loads its own; None where the model is unavailable."""
    folding = brain.folding
    folding.wait()
    if folding.index is not None:
        return folding.index.embed if folding.index.ready else None
    index = MeaningIndex()
    try:
        index.load()
    except MeaningUnavailable:
        return None
    return index.embed


def _ears(cfg: Config, clock: Clock, mic: Mic | None, notices: list[str], models: Models) -> Ears | None:
    if cfg.asr.engine == "none":
        notices.append('asr: off (asr.engine = "none"): the bot does not hear the streamer')
        return None
    from agent.ears.capture import DeviceMic
    from agent.ears.stage import Ears

    return Ears(cfg.asr, mic if mic is not None else DeviceMic(cfg.audio.input_device, clock), models.asr)


def _obs(cfg: Config) -> ObsOutput | None:
    if not cfg.obs.enabled:
        return None
    from agent.obs.output import ObsOutput

    return ObsOutput(cfg.obs)


def _control(cfg: Config, controller: AppController, *, control_required: bool) -> list[Stage]:
    """The control API and overlay, when enabled. With ``control_required=False`` (the demo) a
    control port already in use is a notice, not a reason to stop."""
    if not cfg.control.enabled:
        return []
    from agent.control.server import ControlServer

    def announce(host: str, port: int) -> None:
        base = f"http://{host}:{port}"
        overlay = f", overlay on {base}/overlay" if cfg.overlay.enabled else " (overlay off)"
        log.info("control API on %s/api/status%s", base, overlay)

    server = ControlServer(controller, cfg.control, cfg.overlay, on_listening=announce)

    async def serve(_: EventQueue) -> None:
        try:
            await server.run()
        except ConfigError as exc:
            if control_required:
                raise
            log.warning("control API off: %s", exc.lines[0])

    return [Stage("control", serve)]
