"""Finds a live source by name, with no table of platforms.

Module ``agent.sources.<name>`` is the source called ``name`` in
``sources.enabled`` and ``cohost listen --source``; the names are the members of
``agent.config.SourceName`` ("replay" aside, which the runtime builds from a file).
Adding a platform is one module with these three functions plus one member of that
union; nothing else lists platforms:

- ``problems(cfg: SourcesConfig) -> list[str]``: one config error line per setting
  the source needs but lacks (empty when it can connect);
- ``session(cfg: SourcesConfig) -> Session``: the unsupervised session;
- ``cli_options(room, ws_url, api_base) -> dict``: the ``cohost listen`` options as
  settings of its config section, or ``OptionError`` naming the option that does not fit.

A module imports its platform client only inside ``session``, so a Twitch-only
setup never loads the Bilibili client. Names are accepted with ``-`` or ``_``
(``bilibili-open`` is ``bilibili_open``), on the command line and in config.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any, get_args

from agent.config import SourceName, SourcesConfig
from agent.sources.base import Session

REPLAY = "replay"


def names() -> tuple[str, ...]:
    """Every live source a config may enable, in the order the union lists them."""
    return tuple(name for name in get_args(SourceName) if name != REPLAY)


def canonical(name: str) -> str:
    """``bilibili-open`` and ``Bilibili_Open`` -> ``bilibili_open``."""
    return name.strip().lower().replace("-", "_")


def _module(name: str) -> ModuleType:
    chosen = canonical(name)
    if chosen not in names():
        raise KeyError(f"{name!r} is not a live source ({', '.join(names())})")
    return importlib.import_module(f"agent.sources.{chosen}")


def problems(cfg: SourcesConfig, name: str) -> list[str]:
    lines: list[str] = _module(name).problems(cfg)
    return lines


def session(cfg: SourcesConfig, name: str) -> Session:
    built: Session = _module(name).session(cfg)
    return built


def cli_options(name: str, room: str | None, ws_url: str | None, api_base: str | None) -> dict[str, Any]:
    section: dict[str, Any] = _module(name).cli_options(room, ws_url, api_base)
    return section
