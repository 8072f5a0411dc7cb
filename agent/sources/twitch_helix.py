"""Twitch's stream title and game, which chat (IRC) does not carry: Helix's channel info.

``GET {api_base}/users?login=<channel>`` gives the broadcaster's id once, then
``GET {api_base}/channels?broadcaster_id=<id>`` answers
``{"data": [{"broadcaster_id", "broadcaster_login", "title", "game_name", ...}]}``; both
need the ``Client-Id`` header of a registered app and ``Authorization: Bearer <token>``
(an app or user access token issued to that app). Off unless ``sources.twitch.client_id``
is set. Polled when the chat connects and every ``info_poll_s``; an answer becomes a ``RoomInfo``
at connect and whenever the title or game changed.

The title and game are a nicety: a refused token or an unreachable API is one warning and
no room facts, never a broken chat link. The parsing is Sans-I/O (``channel_info``,
``user_id``, ``refusal``); ``HelixPoller`` is the thin shell.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

import httpx

from agent.config import TwitchSource
from agent.events import Event, RoomInfo
from agent.sources.boundary import admit
from agent.sources.jsonread import BadJson, loads

__all__ = ["HelixPoller", "HelixRefused", "channel_info", "refusal", "user_id"]

log = logging.getLogger(__name__)

PLATFORM = "twitch"
_MAX_TITLE, _MAX_GAME = 200, 100
_MAX_BODY = 1 << 20  # a channel's info is a few hundred bytes


class HelixRefused(Exception):
    """Helix will not answer with these settings (bad token, unknown channel): ``str()`` is
    the one-line fix; asking again will not help."""


def _first(data: Any) -> dict[str, Any] | None:
    rows = data.get("data") if isinstance(data, dict) else None
    if isinstance(rows, list) and rows and isinstance(rows[0], dict):
        return rows[0]
    return None


def user_id(data: Any) -> str | None:
    """The user id in a ``/users`` answer; None when the login is unknown."""
    row = _first(data)
    found = row.get("id") if row is not None else None
    return found if isinstance(found, str) and found.isdigit() else None


def channel_info(data: Any, channel: str) -> RoomInfo | None:
    """The ``RoomInfo`` in a ``/channels`` answer; None when it holds no title or game."""
    row = _first(data)
    if row is None:
        return None
    title, game = row.get("title"), row.get("game_name")
    title = title[:_MAX_TITLE] if isinstance(title, str) else ""
    game = game[:_MAX_GAME] if isinstance(game, str) else ""
    if not (title.strip() or game.strip()):
        return None
    return admit(RoomInfo(platform=PLATFORM, room=channel, title=title, area=game))


def refusal(status: int, data: Any) -> str:
    """The one line a refused request gets: Helix's own message and what to change."""
    message = data.get("message") if isinstance(data, dict) else None
    said = f"{status} {message}"[:160] if isinstance(message, str) and message else str(status)
    if status == 401:
        return (
            f"twitch title and game off: Helix refused the token ({said}): set "
            "sources.twitch.api_token to an app or user access token issued for "
            "sources.twitch.client_id (or clear client_id)"
        )
    return f"twitch title and game off: Helix answered {said}: check sources.twitch.client_id"


class HelixPoller:
    """Polls one channel's title and game; ``run`` emits a RoomInfo after each answer."""

    def __init__(self, cfg: TwitchSource) -> None:
        self.cfg = cfg
        self.channel = cfg.channel.strip().lstrip("#").lower()
        token = (cfg.api_token.get_secret_value() or cfg.oauth_token.get_secret_value()).strip()
        self._token = token.removeprefix("oauth:")
        self._id: str | None = None  # kept across reconnects: a login's id never changes
        self.refused = ""  # set once Helix refused: no more polling this process

    @property
    def enabled(self) -> bool:
        return bool(self.cfg.client_id.strip()) and not self.refused

    async def run(self, emit: Callable[[Event], None]) -> None:
        """Ask now and every ``info_poll_s`` until cancelled or refused."""
        headers = {"Client-Id": self.cfg.client_id.strip(), "Authorization": f"Bearer {self._token}"}
        base = self.cfg.api_base.rstrip("/")
        last: tuple[str, str] | None = None  # what this connection emitted: a repeat is not news
        async with httpx.AsyncClient(base_url=base, headers=headers, timeout=self.cfg.http_timeout_s) as http:
            while self.enabled:
                try:
                    info = await self.poll(http)
                except HelixRefused as exc:
                    self.refused = str(exc)
                    log.warning("%s", exc)
                    return
                except httpx.InvalidURL as exc:
                    self.refused = f"twitch title and game off: sources.twitch.api_base is not a URL ({exc})"
                    log.warning("%s", self.refused)
                    return
                except (httpx.HTTPError, ValueError) as exc:
                    log.warning("twitch: no title and game this time (%s); asking again later", exc)
                else:
                    if info is not None and (info.title, info.area) != last:
                        last = (info.title, info.area)
                        emit(info)
                await asyncio.sleep(self.cfg.info_poll_s)

    async def poll(self, http: httpx.AsyncClient) -> RoomInfo | None:
        """One round: the broadcaster id (first time), then the channel's title and game."""
        if self._id is None:
            data = await self._get(http, "/users", {"login": self.channel})
            self._id = user_id(data)
            if self._id is None:
                raise HelixRefused(
                    f"twitch title and game off: Helix knows no user {self.channel!r}: "
                    "check sources.twitch.channel"
                )
        return channel_info(await self._get(http, "/channels", {"broadcaster_id": self._id}), self.channel)

    async def _get(self, http: httpx.AsyncClient, path: str, params: dict[str, str]) -> Any:
        response = await http.get(path, params=params)
        try:
            data = loads(response.content[:_MAX_BODY])
        except BadJson:
            data = None
        if response.status_code in (400, 401, 403, 404):
            raise HelixRefused(refusal(response.status_code, data))
        if response.status_code != 200 or not isinstance(data, dict):
            raise ValueError(f"Helix {path} answered {response.status_code} without a JSON object")
        return data
