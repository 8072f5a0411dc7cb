"""Builds the live sources named in ``sources.enabled``, each under a ``SupervisedSource``.

Every missing setting is reported at once, one line per key, before anything
connects. Platform modules are imported only when enabled, so a Twitch-only
setup never loads the Bilibili client.
"""

from __future__ import annotations

from agent.config import ConfigError, SourcesConfig
from agent.sources.base import Source
from agent.sources.supervisor import Session, SupervisedSource

LIVE_SOURCES = ("bilibili", "bilibili_open", "twitch", "jsonws")


def _ws_url_problem(key: str, url: str) -> str | None:
    if url and not url.startswith(("ws://", "wss://")):
        return f"config error: {key} = {url!r}: expected a ws:// or wss:// URL"
    return None


def check_source(cfg: SourcesConfig, name: str) -> list[str]:
    """One line per setting ``name`` needs but lacks; empty when it can connect."""
    problems: list[str | None] = []
    if name == "bilibili":
        if not cfg.bilibili.room_id:
            problems.append(
                "config error: sources.bilibili.room_id is not set: put your room number "
                "(from live.bilibili.com/<number>) there, or pass --room"
            )
        problems.append(_ws_url_problem("sources.bilibili.ws_url", cfg.bilibili.ws_url))
    elif name == "bilibili_open":
        o = cfg.bilibili_open
        if not o.identity_code.get_secret_value():
            problems.append(
                "config error: sources.bilibili_open.identity_code is not set: copy your 身份码 from "
                "the live center (or set COHOST_SOURCES__BILIBILI_OPEN__IDENTITY_CODE)"
            )
        if not o.app_id:
            problems.append(
                "config error: sources.bilibili_open.app_id is not set: your open-platform app's id"
            )
        for key in ("access_key_id", "access_key_secret"):
            if not getattr(o, key).get_secret_value():
                problems.append(
                    f"config error: sources.bilibili_open.{key} is not set: from your open-platform "
                    f"developer account (env COHOST_SOURCES__BILIBILI_OPEN__{key.upper()})"
                )
    elif name == "twitch":
        t = cfg.twitch
        if not t.channel.strip().lstrip("#"):
            problems.append(
                "config error: sources.twitch.channel is not set: the channel name from "
                "twitch.tv/<channel>, or pass --room"
            )
        if t.oauth_token.get_secret_value() and not t.nick.strip():
            problems.append(
                "config error: sources.twitch.nick is not set: with an oauth_token, nick must be "
                "the token's account (or clear the token to read anonymously)"
            )
        problems.append(_ws_url_problem("sources.twitch.ws_url", t.ws_url))
        if t.heartbeat_s >= cfg.reconnect.stale_after_s:
            problems.append(
                f"config error: sources.twitch.heartbeat_s = {t.heartbeat_s:g} must be below "
                f"sources.reconnect.stale_after_s = {cfg.reconnect.stale_after_s:g}"
            )
    elif name == "jsonws":
        j = cfg.jsonws
        if not j.url and not j.listen_port:
            problems.append(
                "config error: sources.jsonws needs url (to connect to a feed) or listen_port "
                "(to let bridges connect): set one of them"
            )
        problems.append(_ws_url_problem("sources.jsonws.url", j.url))
    return [p for p in problems if p]


def build_session(cfg: SourcesConfig, name: str) -> Session:
    """The unsupervised session for one live source; assumes ``check_source`` passed."""
    if name == "bilibili":
        from agent.sources.bilibili.web import BilibiliWebSession

        return BilibiliWebSession(cfg.bilibili)
    if name == "bilibili_open":
        from agent.sources.bilibili.open_platform import BilibiliOpenSession

        return BilibiliOpenSession(cfg.bilibili_open)
    if name == "twitch":
        from agent.sources.twitch import TwitchSession

        return TwitchSession(cfg.twitch)
    if name == "jsonws":
        from agent.sources.jsonws import JsonWsSession

        return JsonWsSession(cfg.jsonws)
    raise ConfigError(
        [f"config error: sources.enabled: {name!r} is not a live source ({', '.join(LIVE_SOURCES)})"]
    )


def build_live_sources(cfg: SourcesConfig) -> list[Source]:
    """Supervised sources for the enabled live platforms ("replay" is built elsewhere)."""
    names = [n for n in dict.fromkeys(cfg.enabled) if n != "replay"]
    problems = [line for name in names for line in check_source(cfg, name)]
    if problems:
        raise ConfigError(problems)
    return [
        SupervisedSource(build_session(cfg, name), cfg.reconnect, dedupe_size=cfg.reconnect.dedupe_size)
        for name in names
    ]
