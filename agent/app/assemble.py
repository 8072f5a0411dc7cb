"""Builds the pipeline from config: the bus, the brain, the reply pipeline with its
models loading in the background, the ears, and the outputs (OBS, the control API)."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from agent.app.record import Recorder
from agent.app.runtime import Pipeline
from agent.app.startup import Models, plan_models, token_counter
from agent.audio.sinks import open_sink
from agent.brain.brain import Brain
from agent.brain.meaning import MeaningIndex, MeaningUnavailable
from agent.brain.moderation import Moderator
from agent.bus import Bus
from agent.clock import Clock
from agent.config import Config, ConfigError
from agent.knowledge.base import Knowledge
from agent.knowledge.entries import KnowledgeError
from agent.knowledge.match import Embed
from agent.knowledge.viewers import LiveViewers, open_store, store_path
from agent.llm.template import TemplateEngine
from agent.reply.pipeline import ReplyPipeline
from agent.reply.prompt import Prompter
from agent.sources.base import Source

if TYPE_CHECKING:  # imported when asr is on (faster-whisper's stack), in _ears
    from agent.ears.capture import Mic
    from agent.ears.stage import Ears

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
) -> Pipeline:
    """The pipeline, its models loading as it runs. ``mic``: what the ears listen to
    (default: ``audio.input_device``; the demo passes its streamer track)."""
    notices: list[str] = []
    bus = Bus(cfg.bus.queue_size)
    moderator = Moderator.from_config(cfg.brain)
    try:
        knowledge = Knowledge.from_config(cfg.knowledge)
    except KnowledgeError as exc:
        raise ConfigError([f"config error: {exc}"]) from None
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
        prompter=Prompter(cfg.llm, cfg.brain, token_counter(models.llm)),
    )
    pipeline = Pipeline(
        cfg=cfg,
        clock=clock,
        bus=bus,
        brain=Brain(cfg.brain, moderator, knowledge),
        reply=reply,
        models=models,
        sources=sources,
        ears=_ears(cfg, clock, mic, notices, models),
        notices=notices,
        recorder=Recorder(record, clock) if record is not None else None,
    )
    if cfg.viewers.remember:
        notices.append(_remember_viewers(cfg, pipeline.brain, moderator))
    # snownlp (its own worker) and the meaning model (a thread): chat flows on rules meanwhile.
    pipeline.brain.start_loading()
    knowledge.start_loading(lambda: _meaning_for_knowledge(pipeline.brain))
    pipeline.extra_stages.append(("knowledge", frozenset({"room_info"}), knowledge.run))
    _add_outputs(pipeline, control_required=control_required)
    return pipeline


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
            base = f"http://{host}:{port}"
            overlay = f", overlay on {base}/overlay" if cfg.overlay.enabled else " (overlay off)"
            log.info("control API on %s/api/status%s", base, overlay)

        server = ControlServer(pipeline, cfg.control, cfg.overlay, on_listening=announce)

        async def serve() -> None:
            try:
                await server.run()
            except ConfigError as exc:
                if control_required:
                    raise
                log.warning("control API off: %s", exc.lines[0])

        pipeline.extra_tasks.append(serve)
