"""Builds the live sources named in ``sources.enabled``, each under a ``SupervisedSource``.

Every missing setting is reported at once, one line per key, before anything
connects. Which module serves which name is ``agent.sources.registry``'s business.
"""

from __future__ import annotations

from agent.config import ConfigError, SourcesConfig
from agent.sources import registry
from agent.sources.base import Source
from agent.sources.supervisor import SupervisedSource


def build_live_sources(cfg: SourcesConfig) -> list[Source]:
    """Supervised sources for the enabled live platforms ("replay" is built elsewhere)."""
    names = [n for n in dict.fromkeys(map(registry.canonical, cfg.enabled)) if n != registry.REPLAY]
    unknown = [n for n in names if n not in registry.names()]
    if unknown:
        raise ConfigError(
            [
                f"config error: sources.enabled: {n!r} is not a source "
                f"(choose from replay, {', '.join(registry.names())})"
                for n in unknown
            ]
        )
    problems = [line for name in names for line in registry.problems(cfg, name)]
    if problems:
        raise ConfigError(problems)
    return [
        SupervisedSource(registry.session(cfg, name), cfg.reconnect, dedupe_size=cfg.reconnect.dedupe_size)
        for name in names
    ]
