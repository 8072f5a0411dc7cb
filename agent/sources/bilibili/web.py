"""BilibiliWebSession: the web danmaku client (secondary path, no developer account needed).

Discovery per connection: room id -> real room id (get_info), WBI keys (nav),
then a WBI-signed getDanmuInfo for the token and host list. The token is tied to the
User-Agent and buvid3 that fetched it, so the same ones are used on the websocket.
"""

from __future__ import annotations

import logging
import random
import uuid
from dataclasses import dataclass
from typing import Any

import httpx

from agent.config import BilibiliSource
from agent.events import Event
from agent.sources.base import SourceAuthError, SourceProtocolError
from agent.sources.bilibili import wbi
from agent.sources.bilibili.codec import encode_auth
from agent.sources.bilibili.commands import CommandParser
from agent.sources.bilibili.link import AuthRefused, SessionContext, json_object, run_link
from agent.sources.bilibili.web_commands import room_facts

log = logging.getLogger(__name__)

FALLBACK_WS = "wss://broadcastlv.chat.bilibili.com:443/sub"
CODE_WBI_REJECTED = -352


@dataclass(frozen=True, slots=True)
class DanmuInfo:
    room_id: int
    uid: int
    token: str
    urls: tuple[str, ...]


def make_buvid3() -> str:
    """A buvid3 in the browser's shape: an upper-case UUID, five digits, ``infoc``."""
    return f"{str(uuid.uuid4()).upper()}{random.randint(0, 99999):05d}infoc"


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _code(data: dict[str, Any]) -> int:
    """The answer's code; -1 unless it is a real integer (``false`` and ``0.0`` are not 0)."""
    code = data.get("code")
    return code if type(code) is int else -1


class BilibiliWebSession:
    """Implements agent.sources.supervisor.Session for the web danmaku websocket."""

    name = "bilibili"

    def __init__(self, cfg: BilibiliSource) -> None:
        self.cfg = cfg
        self.parser = CommandParser()  # kept across reconnects so unknown commands are logged once
        self._buvid3 = cfg.buvid3.get_secret_value()
        self._real_room: tuple[int, int] | None = None
        self._facts: list[Event] = []
        self._connects = 0

    async def run_once(self, ctx: SessionContext) -> None:
        cfg = self.cfg
        if cfg.room_id == 0:
            raise SourceAuthError(
                "sources.bilibili.room_id is not set: put your room number (live.bilibili.com/<number>) there"
            )
        info = await self.discover()
        for event in self._facts:  # the room's title and game, for the knowledge (once per connect)
            ctx.emit(event)
        url = info.urls[self._connects % len(info.urls)]
        self._connects += 1
        auth = {
            "uid": info.uid,
            "roomid": info.room_id,
            "protover": 3,
            "platform": "web",
            "type": 2,
            "buvid": self._buvid3,
            "key": info.token,
        }
        log.info("bilibili: connecting to room %d via %s", info.room_id, url.split("?", 1)[0])
        try:
            await run_link(
                url,
                encode_auth(auth),
                ctx,
                heartbeat_s=cfg.heartbeat_s,
                auth_timeout_s=cfg.auth_timeout_s,
                user_agent=cfg.user_agent,
                parser=self.parser,
            )
        except AuthRefused as exc:
            raise SourceAuthError(
                f"bilibili refused the danmaku token (code {exc.code}): set sources.bilibili.sessdata and "
                "buvid3 from a logged-in browser, and check sources.bilibili.room_id"
            ) from None

    async def discover(self) -> DanmuInfo:
        """HTTP discovery: real room id, WBI key, token and websocket URLs."""
        cfg = self.cfg
        headers = {"User-Agent": cfg.user_agent, "Referer": "https://live.bilibili.com/"}
        async with httpx.AsyncClient(headers=headers, timeout=cfg.http_timeout_s) as http:
            if not self._buvid3:
                self._buvid3 = await self._fetch_buvid3(http)
            http.cookies.set("buvid3", self._buvid3)
            sessdata = cfg.sessdata.get_secret_value()
            if sessdata:
                http.cookies.set("SESSDATA", sessdata)
            if self._real_room is None:
                self._real_room = await self._room_info(http)
            room_id, _owner = self._real_room
            key, uid = await self._nav(http)
            data = await self._danmu_info(http, room_id, key)
            if _code(data) == CODE_WBI_REJECTED:  # keys rotate daily: fetch fresh ones once
                key, uid = await self._nav(http)
                data = await self._danmu_info(http, room_id, key)
        code = _code(data)
        if code == CODE_WBI_REJECTED:
            raise SourceProtocolError("bilibili getDanmuInfo rejected the WBI signature (-352) twice")
        if code != 0:
            raise SourceProtocolError(
                f"bilibili getDanmuInfo failed: code {code} {str(data.get('message'))[:80]}"
            )
        body = _obj(data.get("data"))
        token = body.get("token")
        if not isinstance(token, str):
            raise SourceProtocolError("bilibili getDanmuInfo answered without a token")
        return DanmuInfo(room_id=room_id, uid=uid, token=token, urls=self._urls(body.get("host_list")))

    def _urls(self, host_list: Any) -> tuple[str, ...]:
        if self.cfg.ws_url:
            return (self.cfg.ws_url,)
        scheme = self.cfg.host_scheme
        urls: list[str] = []
        for entry in host_list if isinstance(host_list, list) else []:
            if not isinstance(entry, dict) or not isinstance(entry.get("host"), str):
                continue
            port = entry.get("wss_port" if scheme == "wss" else "ws_port")
            if type(port) is int and 0 < port < 65536:
                urls.append(f"{scheme}://{entry['host']}:{port}/sub")
        return tuple(urls) or (FALLBACK_WS,)

    async def _fetch_buvid3(self, http: httpx.AsyncClient) -> str:
        try:
            data = await json_object(http.get(f"{self.cfg.nav_api_base}/x/frontend/finger/spi"), "finger/spi")
        except SourceProtocolError as exc:
            log.info("bilibili: no buvid3 from finger/spi (%s); using a generated one", exc)
            return make_buvid3()
        b3 = _obj(data.get("data")).get("b_3")
        # A cookie value goes into every request's headers: ASCII only, or none of ours at all.
        if isinstance(b3, str) and 0 < len(b3) < 200 and b3.isascii() and b3.isprintable() and ";" not in b3:
            return b3
        return make_buvid3()

    async def _room_info(self, http: httpx.AsyncClient) -> tuple[int, int]:
        url = f"{self.cfg.api_base}/room/v1/Room/get_info?room_id={self.cfg.room_id}"
        data = await json_object(http.get(url), "room info")
        body = _obj(data.get("data"))
        room = body.get("room_id")
        if _code(data) != 0 or type(room) is not int or room <= 0:
            raise SourceAuthError(
                f"bilibili has no room {self.cfg.room_id} (code {_code(data)}): "
                "check sources.bilibili.room_id (the number in live.bilibili.com/<number>)"
            )
        owner = body.get("uid")
        self._facts = room_facts(body, str(room))
        return room, owner if type(owner) is int else 0

    async def _nav(self, http: httpx.AsyncClient) -> tuple[str, int]:
        """The WBI mixin key and our own uid (0 unless SESSDATA is a logged-in cookie)."""
        # nav answers code -101 to anonymous callers but still carries wbi_img.
        data = await json_object(http.get(f"{self.cfg.nav_api_base}/x/web-interface/nav"), "nav")
        body = _obj(data.get("data"))
        img = _obj(body.get("wbi_img"))
        img_url, sub_url = img.get("img_url"), img.get("sub_url")
        if not isinstance(img_url, str) or not isinstance(sub_url, str):
            raise SourceProtocolError("bilibili nav answered without wbi_img keys")
        mid = body.get("mid")
        uid = mid if body.get("isLogin") is True and type(mid) is int else 0
        return wbi.mixin_key(wbi.key_from_url(img_url), wbi.key_from_url(sub_url)), uid

    async def _danmu_info(self, http: httpx.AsyncClient, room_id: int, key: str) -> dict[str, Any]:
        query = wbi.signed_query({"id": room_id, "type": 0, "web_location": "444.8"}, key)
        url = f"{self.cfg.api_base}/xlive/web-room/v1/index/getDanmuInfo?{query}"
        return await json_object(http.get(url), "getDanmuInfo")
