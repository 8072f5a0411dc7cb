"""Builds the ASR engine from ``[asr]`` by name (``asr.engine``), with no table of engines.

Adding an engine is one module in ``agent.ears`` plus one member of ``AsrEngineConfig``
(its section in ``agent.config_speech``); see ``agent.shared.registry``.
"""

from __future__ import annotations

from agent.config_speech import AsrConfig, AsrEngineConfig
from agent.ears.base import AsrUnavailable, Transcriber
from agent.shared.registry import EngineRegistry

REGISTRY: EngineRegistry[Transcriber] = EngineRegistry("ASR", "agent.ears", AsrEngineConfig, AsrUnavailable)


def names() -> tuple[str, ...]:
    return REGISTRY.names()


def create(asr_cfg: AsrConfig, name: str | None = None) -> Transcriber:
    """The named engine (default: ``asr.engine``), built but not loaded."""
    chosen = name or asr_cfg.engine
    if chosen == "none":
        raise AsrUnavailable(f'asr.engine = "none": no ears; choose one of {", ".join(names())}')
    return REGISTRY.create(asr_cfg.settings(chosen))
