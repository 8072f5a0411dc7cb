"""Builds the reply engine from ``[llm]`` by name (``llm.engine``), with no table of engines.

Adding an engine is one module in ``agent.llm`` plus one member of ``LlmEngineConfig``
(its section in ``agent.config_llm``); see ``agent.shared.registry``.
"""

from __future__ import annotations

from agent.config_llm import LlmConfig, LlmEngineConfig
from agent.llm.base import EngineUnavailable, LanguageModel
from agent.shared.registry import EngineRegistry

REGISTRY: EngineRegistry[LanguageModel] = EngineRegistry(
    "language model", "agent.llm", LlmEngineConfig, EngineUnavailable
)


def names() -> tuple[str, ...]:
    return REGISTRY.names()


def create(llm_cfg: LlmConfig, name: str | None = None) -> LanguageModel:
    """The named engine (default: ``llm.engine``), built but not loaded; EngineUnavailable
    (with its ``fix``) when its section cannot work at all (no model named)."""
    return REGISTRY.create(llm_cfg.settings(name))
