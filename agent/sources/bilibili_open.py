"""The Bilibili open-platform source ("bilibili_open", or ``bilibili-open`` on the command
line): what it needs from config. The client is ``agent.sources.bilibili.open_platform``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from agent.sources.base import not_for

if TYPE_CHECKING:
    from agent.config import SourcesConfig
    from agent.sources.base import Session

NAME = "bilibili_open"


def problems(cfg: SourcesConfig) -> list[str]:
    o = cfg.bilibili_open
    lines: list[str] = []
    if not o.identity_code.get_secret_value():
        lines.append(
            "config error: sources.bilibili_open.identity_code is not set: copy your 身份码 from "
            "the live center (or set COHOST_SOURCES__BILIBILI_OPEN__IDENTITY_CODE)"
        )
    if not o.app_id:
        lines.append("config error: sources.bilibili_open.app_id is not set: your open-platform app's id")
    for key in ("access_key_id", "access_key_secret"):
        if not getattr(o, key).get_secret_value():
            lines.append(
                f"config error: sources.bilibili_open.{key} is not set: from your open-platform "
                f"developer account (env COHOST_SOURCES__BILIBILI_OPEN__{key.upper()})"
            )
    return lines


def session(cfg: SourcesConfig) -> Session:
    from agent.sources.bilibili.open_platform import BilibiliOpenSession

    return BilibiliOpenSession(cfg.bilibili_open)


def cli_options(room: str | None, ws_url: str | None, api_base: str | None) -> dict[str, Any]:
    if room is not None:
        raise not_for("--room", NAME)
    if ws_url is not None:
        raise not_for("--ws-url", NAME)
    return {} if api_base is None else {"api_base": api_base}
