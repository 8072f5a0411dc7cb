"""Builds the pipeline from config: the bus, the brain, the reply pipeline with its
models loading in the background, the ears, and the outputs (OBS, the control API)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from agent.audio.sinks import open_sink
from agent.brain.brain import Brain
from agent.brain.moderation import Moderator
from agent.bus import Bus
from agent.clock import Clock
from agent.config import Config, ConfigError
from agent.llm.template import TemplateEngine
from agent.record import Recorder
from agent.reply.pipeline import ReplyPipeline
from agent.reply.prompt import Prompter
from agent.runtime import Pipeline
from agent.sources.base import Source
from agent.startup import plan_models

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
        prompter=Prompter(cfg.llm, cfg.brain),
    )
    pipeline = Pipeline(
        cfg=cfg,
        clock=clock,
        bus=bus,
        brain=Brain(cfg.brain, moderator),
        reply=reply,
        models=models,
        sources=sources,
        ears=_ears(cfg, clock, mic, notices),
        notices=notices,
        recorder=Recorder(record, clock) if record is not None else None,
    )
    # snownlp (its own worker) and the meaning model (a thread): chat flows on rules meanwhile.
    pipeline.brain.start_loading()
    _add_outputs(pipeline, control_required=control_required)
    return pipeline


def _ears(cfg: Config, clock: Clock, mic: Mic | None, notices: list[str]) -> Ears | None:
    if cfg.asr.engine == "none":
        notices.append('asr: off (asr.engine = "none"): the bot does not hear the streamer')
        return None
    from agent.ears.capture import DeviceMic
    from agent.ears.stage import Ears

    return Ears(cfg.asr, mic if mic is not None else DeviceMic(cfg.audio.input_device, clock))


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
