"""Bilibili live chat. This package is the web danmaku source ("bilibili", see
``agent.sources.registry``); ``agent.sources.bilibili_open`` is the open platform.
Both share the packet codec, the command parser and the link in here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from agent.sources.base import OptionError, ws_url_problem

if TYPE_CHECKING:
    from agent.config import SourcesConfig
    from agent.sources.base import Session


def problems(cfg: SourcesConfig) -> list[str]:
    lines: list[str | None] = []
    if not cfg.bilibili.room_id:
        lines.append(
            "config error: sources.bilibili.room_id is not set: put your room number "
            "(from live.bilibili.com/<number>) there, or pass --room"
        )
    lines.append(ws_url_problem("sources.bilibili.ws_url", cfg.bilibili.ws_url))
    return [line for line in lines if line]


def session(cfg: SourcesConfig) -> Session:
    from agent.sources.bilibili.web import BilibiliWebSession

    return BilibiliWebSession(cfg.bilibili)


def cli_options(room: str | None, ws_url: str | None, api_base: str | None) -> dict[str, Any]:
    section: dict[str, Any] = {}
    if room is not None:
        if not (room.strip().isascii() and room.strip().isdigit()):
            raise OptionError("--room", f"{room!r}: a Bilibili room id is a number")
        section["room_id"] = int(room)
    if ws_url is not None:
        section["ws_url"] = ws_url
    if api_base is not None:
        section["api_base"] = api_base
    return section
