"""Builds a TTS engine from the ``[tts]`` config by name, with no table of engines.

Module ``agent.tts.<name>`` exposes ``Engine(section)``; the names are the members
of ``TtsEngineConfig`` (the same shape as every engine kind: ``agent.shared.registry``).
Adding an engine is one module here plus one member of that union (and its
section in ``agent.config_speech``): nothing else lists engines.
Engine modules import their heavy libraries lazily (in ``load``/``check``), so
building an engine never fails because an optional package is missing.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from agent.config_speech import TtsConfig, TtsEngineConfig
from agent.shared.registry import EngineRegistry
from agent.tts.base import TTSEngine, TTSUnavailable

REGISTRY: EngineRegistry[TTSEngine] = EngineRegistry("TTS", "agent.tts", TtsEngineConfig, TTSUnavailable)


def names() -> tuple[str, ...]:
    """Every engine a config may name, in the order the union lists them."""
    return REGISTRY.names()


def create(tts_cfg: TtsConfig, name: str | None = None) -> TTSEngine:
    """The named engine (default: ``tts.engine``), built but not loaded."""
    chosen = name or tts_cfg.engine
    if chosen == "none":
        raise TTSUnavailable(f'tts.engine = "none": no voice; choose one of {", ".join(names())}')
    if chosen not in names():
        raise TTSUnavailable(f"unknown TTS engine {chosen!r}: choose one of {', '.join(names())}")
    engine = REGISTRY.create(tts_cfg.settings(chosen))
    _use_lexicon(tts_cfg.lexicon)
    return engine


def _use_lexicon(path: str) -> None:
    """Every engine's front end reads letters and abbreviations with ``tts.lexicon`` over the defaults."""
    from agent.tts.frontend import use_lexicon
    from agent.tts.lexicon import LexiconError

    try:
        use_lexicon(path)
    except LexiconError as exc:
        raise TTSUnavailable(str(exc)) from None


def with_voice(section: TtsEngineConfig, voice: str) -> TtsEngineConfig:
    """The section with its voice (or, for engines without one, its speaker) set to ``voice``.

    A ``.wav`` goes to ``speaker_wav`` where the engine clones voices (Coqui XTTS).
    Validated like the config file, so ``--voice x`` for piper's integer speaker
    is one line naming the key, not a traceback.
    """
    fields = type(section).model_fields
    if voice.lower().endswith(".wav") and "speaker_wav" in fields:
        key = "speaker_wav"
    else:
        key = "voice" if "voice" in fields else "speaker"
    data: dict[str, Any] = {**section.model_dump(), key: voice}
    try:
        return type(section).model_validate(data)
    except ValidationError as exc:
        problem = exc.errors()[0]["msg"]
        raise TTSUnavailable(f"--voice {voice!r}: tts.{section.engine}.{key}: {problem}") from None
