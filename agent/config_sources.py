"""The sources' sections of the config tree (``[sources.*]``): which rooms to read and how."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, SecretStr

from agent.config_speech import Section

# --- sources ---------------------------------------------------------------


class ReplaySource(Section):
    path: str = ""
    speed: float = Field(1.0, gt=0, le=1000)


class BilibiliSource(Section):
    room_id: int = Field(0, ge=0)
    sessdata: SecretStr = SecretStr("")
    buvid3: SecretStr = SecretStr("")
    user_agent: str = (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/126.0.0.0 Safari/537.36"
    )
    api_base: str = "https://api.live.bilibili.com"
    nav_api_base: str = "https://api.bilibili.com"
    ws_url: str = ""
    host_scheme: Literal["wss", "ws"] = "wss"
    heartbeat_s: float = Field(30.0, gt=0)
    auth_timeout_s: float = Field(5.0, gt=0)
    http_timeout_s: float = Field(10.0, gt=0)


class BilibiliOpenSource(Section):
    identity_code: SecretStr = SecretStr("")
    app_id: int = Field(0, ge=0)
    access_key_id: SecretStr = SecretStr("")
    access_key_secret: SecretStr = SecretStr("")
    api_base: str = "https://live-open.biliapi.com"
    # The room's title and area at connect: the open platform's API does not give them, the
    # public room-info API does ("" = do not ask; LIVE_START still brings them).
    room_api_base: str = "https://api.live.bilibili.com"
    heartbeat_s: float = Field(20.0, gt=0)
    auth_timeout_s: float = Field(5.0, gt=0)
    http_timeout_s: float = Field(10.0, gt=0)


class TwitchSource(Section):
    channel: str = ""
    oauth_token: SecretStr = SecretStr("")
    nick: str = ""
    ws_url: str = "wss://irc-ws.chat.twitch.tv:443"
    heartbeat_s: float = Field(30.0, gt=0)
    # Title and game through Helix (agent/sources/twitch_helix.py): off without a client id.
    client_id: str = ""
    api_token: SecretStr = SecretStr("")  # "" = oauth_token
    api_base: str = "https://api.twitch.tv/helix"
    info_poll_s: float = Field(300.0, ge=30)
    http_timeout_s: float = Field(10.0, gt=0)


class JsonWsSource(Section):
    url: str = ""
    listen_host: str = "127.0.0.1"
    listen_port: int = Field(0, ge=0, le=65535)
    platform: str = "jsonws"
    allow_control: bool = False
    allow_voice: bool = False
    allowed_origins: list[str] = []
    token: SecretStr = SecretStr("")
    max_message_bytes: int = Field(1_048_576, ge=1024, le=67_108_864)
    heartbeat_s: float = Field(20.0, gt=0)


class Reconnect(Section):
    initial_s: float = Field(1.0, gt=0)
    max_s: float = Field(60.0, gt=0)
    stale_after_s: float = Field(70.0, gt=0)
    dedupe_size: int = Field(4096, ge=1)


SourceName = Literal["replay", "bilibili", "bilibili_open", "twitch", "jsonws"]


def _source_name(value: Any) -> Any:
    """``bilibili-open`` (as on the command line) is ``bilibili_open``; case is ignored."""
    return value.strip().lower().replace("-", "_") if isinstance(value, str) else value


class SourcesConfig(Section):
    enabled: list[Annotated[SourceName, BeforeValidator(_source_name)]] = []
    replay: ReplaySource = ReplaySource()
    bilibili: BilibiliSource = BilibiliSource()
    bilibili_open: BilibiliOpenSource = BilibiliOpenSource()
    twitch: TwitchSource = TwitchSource()
    jsonws: JsonWsSource = JsonWsSource()
    reconnect: Reconnect = Reconnect()
