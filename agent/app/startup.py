"""What start-up loads, in the background and in parallel: the reply engine, the voice, the ears.

Each model gets a ``ModelSlot``. Whatever fails fast (no model configured, an
engine that is not installed) becomes a notice at once; the heavy loads run in
worker threads while the stream starts. Until the language model is ready the
template engine answers (``agent.reply.answering``: the reply stage awaits the
llm slot and puts the breaker around it); the voice waits for its TTS; the ears
start listening once their ASR engine is loaded (each stage awaits its own slot).
"""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from agent.config import Config
from agent.llm.base import EngineUnavailable, EngineUnreachable, ReplyEngine
from agent.llm.template import NOTICE as TEMPLATE_NOTICE
from agent.llm.template import TemplateEngine
from agent.reply.prompt import count_chars
from agent.shared.loading import ModelSlot
from agent.tts.base import TTSEngine, TTSUnavailable

if TYPE_CHECKING:
    from agent.ears.base import Transcriber

Load = Coroutine[Any, Any, None]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Models:
    """The slots each stage awaits (the reply stage the llm's, the voice the tts', the ears the
    asr's) and the loads that fill them, run by the start-up stage."""

    llm: ModelSlot[ReplyEngine]
    tts: ModelSlot[TTSEngine]
    asr: ModelSlot[Transcriber]
    loads: tuple[Load, ...] = ()
    # The language model as planned, loaded or not: when its server did not answer at start
    # (EngineUnreachable in ``llm.error``) the reply stage's breaker keeps trying it.
    llm_engine: ReplyEngine | None = None

    def status(self) -> dict[str, str]:
        return {slot.name: slot.status() for slot in (self.llm, self.tts, self.asr)}

    async def settled(self) -> None:
        """Every model has loaded, failed or is off."""
        for slot in (self.llm, self.tts, self.asr):
            await slot.get()


def plan_models(cfg: Config, notices: list[str]) -> Models:
    """The slots, with fast failures settled and notices written; heavy loads left in ``loads``."""
    llm, llm_load, engine = _plan_llm(cfg, notices)
    tts, tts_load = _plan_tts(cfg, notices)
    asr, asr_load = _plan_asr(cfg, notices)
    loads = tuple(load for load in (llm_load, tts_load, asr_load) if load is not None)
    return Models(llm, tts, asr, loads, llm_engine=engine)


def _plan_llm(
    cfg: Config, notices: list[str]
) -> tuple[ModelSlot[ReplyEngine], Load | None, ReplyEngine | None]:
    from agent.llm import registry

    llm = cfg.llm
    try:
        engine = registry.create(llm)
    except EngineUnavailable as exc:
        notices.append(f"{TEMPLATE_NOTICE}: {exc}")
        return ModelSlot.off("llm", str(exc)), None, None
    if isinstance(engine, TemplateEngine):  # the fallback itself: nothing to load or guard
        notices.append(TEMPLATE_NOTICE)
        return ModelSlot.ready_with("llm", engine, engine.name), None, None
    slot: ModelSlot[ReplyEngine] = ModelSlot("llm")

    async def load() -> tuple[ReplyEngine, str]:
        try:
            await engine.load()
        except EngineUnreachable as exc:
            raise EngineUnreachable(
                f"{exc}; the template engine answers meanwhile and Cohost tries again every "
                f"{llm.breaker.probe_interval_s:g} s (llm.breaker.probe_interval_s)"
            ) from None
        return engine, engine.name

    return slot, slot.load(load, EngineUnavailable), engine


def _plan_tts(cfg: Config, notices: list[str]) -> tuple[ModelSlot[TTSEngine], Load | None]:
    if cfg.tts.engine == "none":
        notices.append('tts: off (tts.engine = "none"): replies are text only')
        return ModelSlot.off("tts", "tts.engine = none"), None
    from agent.tts import registry
    from agent.tts.backup import behind_backup

    try:
        engine = behind_backup(registry.create(cfg.tts), cfg.tts)
    except TTSUnavailable as exc:
        notices.append(f"tts: {exc}; replies are text only")
        return ModelSlot.off("tts", str(exc)), None
    return _loading("tts", engine, TTSUnavailable, lambda info: f"{info.name} {info.voice}")


def _plan_asr(cfg: Config, notices: list[str]) -> tuple[ModelSlot[Transcriber], Load | None]:
    if cfg.asr.engine == "none":
        return ModelSlot.off("asr", 'asr.engine = "none": the bot does not hear the streamer'), None
    from agent.ears import registry
    from agent.ears.base import AsrUnavailable

    try:
        transcriber = registry.create(cfg.asr)
    except AsrUnavailable as exc:
        notices.append(f"asr: {exc}; the bot does not hear the streamer")
        return ModelSlot.off("asr", str(exc)), None
    return _loading("asr", transcriber, AsrUnavailable, lambda info: f"{info.name} {info.model}")


class _Loadable(Protocol):
    def load(self) -> None: ...
    def info(self) -> Any: ...


_E = TypeVar("_E", bound=_Loadable)


def _loading(
    kind: str, engine: _E, unavailable: type[Exception], label: Callable[[Any], str]
) -> tuple[ModelSlot[_E], Load]:
    """A slot for ``engine`` and the load that fills it in a worker thread (``label`` names
    what loaded from the engine's info)."""
    slot: ModelSlot[_E] = ModelSlot(kind)

    async def load() -> tuple[_E, str]:
        await asyncio.to_thread(engine.load)
        return engine, label(engine.info()).strip()

    return slot, slot.load(load, unavailable)


_frozen = False


def freeze_loaded_objects(*, again: bool = False) -> None:
    """Move what start-up loaded out of the garbage collector's sight: with models in memory a
    full collection walks ~400k objects (~100 ms pause, mid-sentence); frozen, they are skipped.

    Once per process unless ``again``: frozen objects are never collected, so a process that
    starts many pipelines (the tests) must not keep each one's leftovers forever."""
    global _frozen
    if _frozen and not again:
        return
    _frozen = True
    gc.collect()
    gc.freeze()
    log.debug("gc: %d objects frozen after start-up", gc.get_freeze_count())


def token_counter(slot: ModelSlot[ReplyEngine]) -> Callable[[str], int]:
    """Count prompt tokens with the tokenizer of the language model in ``slot`` once it has
    loaded (at start or by a breaker probe); one per character until then, and for engines
    without one. The prompter holds this from the start: nothing is swapped into it later."""

    def count(text: str) -> int:
        tokenizer = getattr(slot.value, "tokenizer", None)
        if tokenizer is None:
            return count_chars(text)
        return len(tokenizer.encode(text, add_special_tokens=False))

    return count
