"""BilibiliOpenSession: the open-platform (直播开放平台) client, the primary Bilibili path.

The streamer's identity code starts a "game" (POST /v2/app/start, HMAC-signed); the
answer holds the websocket links and an auth body we send verbatim. The game lives
while we POST /v2/app/heartbeat every ~20 s; it ends on /v2/app/end, after 60 s
without a heartbeat, or when the platform pushes LIVE_OPEN_PLATFORM_INTERACTION_END.
A websocket drop keeps the game; a dead game is started again on the next connect.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import time
import uuid
from dataclasses import dataclass
from typing import Any

import httpx

from agent.config import BilibiliOpenSource
from agent.events import Event
from agent.sources.base import SourceAuthError, SourceProtocolError
from agent.sources.bilibili.codec import encode_auth
from agent.sources.bilibili.commands import INTERACTION_END, CommandParser
from agent.sources.bilibili.link import AuthRefused, SessionContext, json_object, run_link
from agent.sources.bilibili.web_commands import room_facts

log = logging.getLogger(__name__)

CODES_GAME_CLOSED = frozenset({7000, 7003})
CODE_IDENTITY = 7007
# Codes that mean the developer credentials are wrong; retrying will not help.
CODES_CREDENTIALS = frozenset({4001, 4002, 4005, 4006, 4008, 4012, 8002})
CODE_EXPIRED_REQUEST = 4003  # x-bili-timestamp too far from the platform's clock
END_TIMEOUT_S = 2.0


class OpenApiError(SourceProtocolError):
    def __init__(self, path: str, code: int, message: str) -> None:
        super().__init__(f"bilibili open platform {path}: code {code} {message[:80]}")
        self.code = code


@dataclass(frozen=True, slots=True)
class Game:
    game_id: str
    auth_body: str
    wss_links: tuple[str, ...]
    room_id: int


def sign_headers(
    body: bytes, key_id: str, secret: str, *, now: float | None = None, nonce: str = ""
) -> dict[str, str]:
    """The x-bili-* headers and Authorization = hex HMAC-SHA256 over the sorted x-bili headers."""
    signed = {
        "x-bili-accesskeyid": key_id,
        "x-bili-content-md5": hashlib.md5(body).hexdigest(),
        "x-bili-signature-method": "HMAC-SHA256",
        "x-bili-signature-nonce": nonce or uuid.uuid4().hex,
        "x-bili-signature-version": "1.0",
        "x-bili-timestamp": str(int(time.time() if now is None else now)),
    }
    canonical = "\n".join(f"{k}:{signed[k]}" for k in sorted(signed))
    signature = hmac.new(secret.encode(), canonical.encode(), hashlib.sha256).hexdigest()
    return {
        **signed,
        "Authorization": signature,
        "Content-Type": "application/json",
        "Accept": "application/json",
    }


class OpenApi:
    """The signed HTTP calls: start, heartbeat, end. Secrets stay in the SecretStr until signing."""

    def __init__(self, cfg: BilibiliOpenSource, http: httpx.AsyncClient) -> None:
        self.cfg = cfg
        self.http = http

    async def call(
        self, path: str, payload: dict[str, Any], *, timeout: float | None = None
    ) -> dict[str, Any]:
        body = json.dumps(payload, separators=(",", ":")).encode()
        headers = sign_headers(
            body, self.cfg.access_key_id.get_secret_value(), self.cfg.access_key_secret.get_secret_value()
        )
        data = await json_object(
            self.http.post(
                f"{self.cfg.api_base}{path}",
                content=body,
                headers=headers,
                timeout=timeout if timeout is not None else self.cfg.http_timeout_s,
            ),
            f"open platform {path}",
        )
        code = data.get("code")
        # Only the integer 0 is success: false, 0.0 and "0" equal 0 in Python but are not it.
        if type(code) is not int or code != 0:
            message = data.get("message")
            raise OpenApiError(
                path, code if type(code) is int else -1, message if isinstance(message, str) else ""
            )
        result = data.get("data")
        return result if isinstance(result, dict) else {}

    async def start(self) -> Game:
        payload = {"code": self.cfg.identity_code.get_secret_value(), "app_id": self.cfg.app_id}
        try:
            data = await self.call("/v2/app/start", payload)
        except OpenApiError as exc:
            raise _explain(exc) from None
        game_id = _dig(data, "game_info", "game_id")
        auth_body = _dig(data, "websocket_info", "auth_body")
        links = _dig(data, "websocket_info", "wss_link")
        room = _dig(data, "anchor_info", "room_id")
        urls = tuple(u for u in links if isinstance(u, str)) if isinstance(links, list) else ()
        if not isinstance(auth_body, str) or not urls:
            raise SourceProtocolError("bilibili open platform app/start answered without websocket_info")
        return Game(
            game_id=game_id if isinstance(game_id, str) else "",
            auth_body=auth_body,
            wss_links=urls,
            room_id=room if type(room) is int else 0,
        )

    async def heartbeat(self, game_id: str) -> None:
        await self.call("/v2/app/heartbeat", {"game_id": game_id})

    async def end(self, game_id: str, *, timeout: float = END_TIMEOUT_S) -> None:
        try:
            await self.call("/v2/app/end", {"game_id": game_id, "app_id": self.cfg.app_id}, timeout=timeout)
        except OpenApiError as exc:
            if exc.code not in CODES_GAME_CLOSED:
                raise


def _dig(obj: Any, *path: str) -> Any:
    for key in path:
        obj = obj.get(key) if isinstance(obj, dict) else None
    return obj


def _explain(exc: OpenApiError) -> Exception:
    """app/start codes a person can fix -> SourceAuthError with the fix; the rest stay retryable."""
    if exc.code == CODE_IDENTITY:
        return SourceAuthError(
            f"bilibili open platform refused the identity code ({exc.code}): check "
            "sources.bilibili_open.identity_code (身份码, from the live centre's 互动玩法 page)"
        )
    if exc.code in CODES_CREDENTIALS:
        return SourceAuthError(
            f"bilibili open platform refused the app credentials ({exc.code}): check "
            "sources.bilibili_open.app_id, access_key_id and access_key_secret against the developer console"
        )
    if exc.code == CODE_EXPIRED_REQUEST:
        return SourceAuthError(
            f"bilibili open platform says the request expired ({exc.code}): fix this PC's clock (time sync)"
        )
    return exc


class BilibiliOpenSession:
    """Implements agent.sources.supervisor.Session for the open platform."""

    name = "bilibili_open"

    def __init__(self, cfg: BilibiliOpenSource) -> None:
        self.cfg = cfg
        self.parser = CommandParser()
        self.game: Game | None = None
        self.games_started = 0
        self._connects = 0

    def _check_config(self) -> None:
        cfg = self.cfg
        missing = [
            key
            for key, value in (
                ("identity_code", cfg.identity_code.get_secret_value()),
                ("app_id", cfg.app_id),
                ("access_key_id", cfg.access_key_id.get_secret_value()),
                ("access_key_secret", cfg.access_key_secret.get_secret_value()),
            )
            if not value
        ]
        if missing:
            keys = ", ".join(f"sources.bilibili_open.{k}" for k in missing)
            raise SourceAuthError(f"bilibili open platform is not configured: set {keys}")

    async def run_once(self, ctx: SessionContext) -> None:
        self._check_config()
        async with httpx.AsyncClient(timeout=self.cfg.http_timeout_s) as http:
            api = OpenApi(self.cfg, http)
            try:
                await self._run(api, ctx)
            except asyncio.CancelledError:
                # Shutting down (or the supervisor gave up on a stale link): free the room
                # so the next start is not refused as a duplicate game. Best effort, short.
                game, self.game = self.game, None
                if game is not None and game.game_id:
                    try:
                        await api.end(game.game_id)
                    except (SourceProtocolError, OSError):
                        log.info("bilibili open platform: could not end game on shutdown")
                raise

    async def _room_facts(self, http: httpx.AsyncClient, room_id: int) -> list[Event]:
        """The room's title and area from the public room-info API (app/start has neither);
        nothing, and one info line, when it cannot be had: chat does not depend on it."""
        base = self.cfg.room_api_base
        if not base or room_id <= 0:
            return []
        try:
            data = await json_object(http.get(f"{base}/room/v1/Room/get_info?room_id={room_id}"), "room info")
        except SourceProtocolError as exc:
            log.info("bilibili open platform: no room title and area (%s)", exc)
            return []
        return room_facts(data.get("data"), str(room_id)) if data.get("code") == 0 else []

    async def _run(self, api: OpenApi, ctx: SessionContext) -> None:
        if self.game is not None:
            # A long backoff may have outlived the game (60 s without heartbeats):
            # ask before spending a connect + auth on a dead auth body.
            try:
                await api.heartbeat(self.game.game_id)
            except OpenApiError as exc:
                log.info("bilibili open platform: previous game is gone (%s); starting a new one", exc)
                self.game = None
        if self.game is None:
            self.game = await api.start()
            self.games_started += 1
            log.info("bilibili open platform: game started for room %d", self.game.room_id)
            for event in await self._room_facts(api.http, self.game.room_id):
                ctx.emit(event)
        game = self.game
        url = game.wss_links[self._connects % len(game.wss_links)]
        self._connects += 1

        async def project_heartbeat() -> None:
            while True:
                await asyncio.sleep(self.cfg.heartbeat_s)
                try:
                    await api.heartbeat(game.game_id)
                except OpenApiError as exc:
                    log.info("bilibili open platform: game ended (%s); starting a new one", exc)
                    self.game = None
                    raise
                except SourceProtocolError as exc:  # network blip: the game survives 60 s without us
                    log.info("bilibili open platform: heartbeat failed (%s); will retry", exc)

        try:
            stopped = await run_link(
                url,
                encode_auth(game.auth_body),
                ctx,
                heartbeat_s=self.cfg.heartbeat_s,
                auth_timeout_s=self.cfg.auth_timeout_s,
                stop_on=(INTERACTION_END,),
                background=(project_heartbeat,),
                parser=self.parser,
            )
        except AuthRefused:
            self.game = None  # the auth body belongs to a game the platform no longer knows
            raise
        if stopped == INTERACTION_END:
            log.info("bilibili open platform: the platform ended the game; starting a new one")
            self.game = None
