"""A loopback stand-in for Bilibili's HTTP APIs: FastAPI under uvicorn.

Web side: room info, nav (WBI keys), finger/spi and WBI-checked getDanmuInfo. Open platform:
HMAC-checked app/start, heartbeat and end. The WBI and signature checks are written out from
the protocol description (PROTOCOLS.md), not taken from the client code.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import hmac
import json
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

import uvicorn
from fastapi import FastAPI, Request, Response

from agent.sources.bilibili.wbi import MIXIN_KEY_ENC_TAB


def _mixin(img: str, sub: str) -> str:
    raw = img + sub
    return "".join(raw[i] for i in MIXIN_KEY_ENC_TAB)[:32]


def wbi_ok(params: dict[str, str], img: str, sub: str) -> bool:
    """The server's side of WBI: recompute w_rid from the other parameters."""
    given = params.get("w_rid", "")
    rest = {k: v for k, v in params.items() if k != "w_rid"}
    if "wts" not in rest or abs(int(rest["wts"]) - time.time()) > 600:
        return False
    cleaned = {k: "".join(ch for ch in v if ch not in "!'()*") for k, v in sorted(rest.items())}
    query = urlencode(cleaned, quote_via=quote)
    return hmac.compare_digest(given, hashlib.md5((query + _mixin(img, sub)).encode()).hexdigest())


def bili_signature_ok(headers: dict[str, str], body: bytes, key_id: str, secret: str) -> str:
    """ "" when the open-platform signature is right, else the reason."""
    names = [
        "x-bili-accesskeyid",
        "x-bili-content-md5",
        "x-bili-signature-method",
        "x-bili-signature-nonce",
        "x-bili-signature-version",
        "x-bili-timestamp",
    ]
    if any(n not in headers for n in names):
        return "missing header"
    if headers["x-bili-accesskeyid"] != key_id:
        return "unknown key id"
    if headers["x-bili-content-md5"] != hashlib.md5(body).hexdigest():
        return "content md5"
    if abs(int(headers["x-bili-timestamp"]) - time.time()) > 300:
        return "expired"
    text = "\n".join(f"{n}:{headers[n]}" for n in names)
    want = hmac.new(secret.encode(), text.encode(), hashlib.sha256).hexdigest()
    return "" if hmac.compare_digest(headers.get("authorization", ""), want) else "signature"


@dataclass
class ApiState:
    room_short: int = 123
    room_real: int = 7777
    owner_uid: int = 42
    title: str = ""  # the room's title and area (game) in get_info; empty: not sent
    area: str = ""
    img_key: str = "7cd084941338484aae1ad9425b84077c"
    sub_key: str = "4932caff0ff746eab6f01bf08b70ac45"
    token: str = "tok-" + "x" * 20
    buvid3: str = "SPI-BUVID3-0000infoc"
    hosts: list[dict[str, Any]] = field(default_factory=list)
    wbi_rejections_left: int = 0  # answer -352 this many times first (key rotation)
    # open platform
    key_id: str = "test-key-id"
    secret: str = "test-secret"
    app_id: int = 1000
    identity_code: str = "ABCDEF123456"
    wss_links: list[str] = field(default_factory=list)
    games: dict[str, bool] = field(default_factory=dict)  # game id -> alive
    calls: list[str] = field(default_factory=list)
    heartbeats: int = 0
    ended: list[str] = field(default_factory=list)
    seen_nonces: set[str] = field(default_factory=set)
    cookies_seen: list[dict[str, str]] = field(default_factory=list)
    user_agents: set[str] = field(default_factory=set)
    set_cookie: str = ""  # sent raw (UTF-8 bytes) as a Set-Cookie header with nav's answer

    def auth_body(self, game_id: str) -> str:
        return json.dumps({"game_id": game_id, "key": base64.b64encode(game_id.encode()).decode()})


def make_app(state: ApiState) -> FastAPI:
    app = FastAPI()
    _web_routes(app, state)
    _open_platform_routes(app, state)
    return app


def _web_routes(app: FastAPI, state: ApiState) -> None:
    """What the web client calls: room info, nav, finger/spi and getDanmuInfo."""

    @app.get("/room/v1/Room/get_info")
    async def room_info(room_id: int) -> dict[str, Any]:
        state.calls.append("get_info")
        if room_id not in (state.room_short, state.room_real):
            return {"code": 1, "msg": "未找到该房间", "data": []}
        data: dict[str, Any] = {"room_id": state.room_real, "short_id": state.room_short}
        data |= {"uid": state.owner_uid, "live_status": 1}
        if state.title or state.area:
            data |= {"title": state.title, "area_name": state.area, "parent_area_name": "单机游戏"}
        return {"code": 0, "data": data}

    @app.get("/x/web-interface/nav")
    async def nav(request: Request, response: Response) -> dict[str, Any]:
        state.calls.append("nav")
        if state.set_cookie:  # header values travel as bytes: latin-1 keeps the UTF-8 ones as they are
            response.headers.append("set-cookie", state.set_cookie.encode().decode("latin-1"))
        logged_in = request.cookies.get("SESSDATA") == "good-sessdata"
        return {
            "code": 0 if logged_in else -101,
            "data": {
                "isLogin": logged_in,
                "mid": 555 if logged_in else None,
                "wbi_img": {
                    "img_url": f"https://i0.hdslb.com/bfs/wbi/{state.img_key}.png",
                    "sub_url": f"https://i0.hdslb.com/bfs/wbi/{state.sub_key}.png",
                },
            },
        }

    @app.get("/x/frontend/finger/spi")
    async def spi() -> dict[str, Any]:
        state.calls.append("spi")
        return {"code": 0, "data": {"b_3": state.buvid3, "b_4": "x"}}

    @app.get("/xlive/web-room/v1/index/getDanmuInfo")
    async def danmu_info(request: Request) -> dict[str, Any]:
        state.calls.append("getDanmuInfo")
        state.cookies_seen.append(dict(request.cookies))
        state.user_agents.add(request.headers.get("user-agent", ""))
        params = dict(request.query_params)
        if state.wbi_rejections_left > 0:
            state.wbi_rejections_left -= 1
            return {"code": -352, "message": "-352"}
        if not wbi_ok(params, state.img_key, state.sub_key) or "buvid3" not in request.cookies:
            return {"code": -352, "message": "-352"}
        if params.get("id") != str(state.room_real):
            return {"code": 1, "message": "bad room"}
        return {"code": 0, "data": {"token": state.token, "host_list": state.hosts}}


async def _signed(state: ApiState, request: Request) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """(JSON body, None) for a correctly signed, fresh request; else ({}, the error answer)."""
    raw = await request.body()
    headers = {k.lower(): v for k, v in request.headers.items()}
    reason = bili_signature_ok(headers, raw, state.key_id, state.secret)
    if reason:
        return {}, {"code": 4002 if reason != "expired" else 4003, "message": reason}
    nonce = headers["x-bili-signature-nonce"]
    if nonce in state.seen_nonces:
        return {}, {"code": 4004, "message": "repeated nonce"}
    state.seen_nonces.add(nonce)
    return json.loads(raw), None


def _open_platform_routes(app: FastAPI, state: ApiState) -> None:
    """The open platform's signed app/start, heartbeat and end."""

    @app.post("/v2/app/start")
    async def start(request: Request) -> dict[str, Any]:
        state.calls.append("start")
        body, error = await _signed(state, request)
        if error:
            return error
        if not isinstance(body.get("app_id"), int) or body["app_id"] != state.app_id:
            return {"code": 8002, "message": "project has no access"}
        if body.get("code") != state.identity_code:
            return {"code": 7007, "message": "身份码错误"}
        game_id = f"game-{len(state.games) + 1}"
        state.games[game_id] = True
        return {
            "code": 0,
            "message": "0",
            "data": {
                "game_info": {"game_id": game_id},
                "websocket_info": {"auth_body": state.auth_body(game_id), "wss_link": state.wss_links},
                "anchor_info": {"room_id": state.room_real, "uname": "主播", "uface": "", "uid": 0,
                                "open_id": "anchor-open-id"},
            },
        }  # fmt: skip

    @app.post("/v2/app/heartbeat")
    async def heartbeat(request: Request) -> dict[str, Any]:
        state.calls.append("heartbeat")
        body, error = await _signed(state, request)
        if error:
            return error
        state.heartbeats += 1
        if not state.games.get(body.get("game_id", "")):
            return {"code": 7003, "message": "心跳过期"}
        return {"code": 0, "message": "0", "data": {}}

    @app.post("/v2/app/end")
    async def end(request: Request) -> dict[str, Any]:
        state.calls.append("end")
        body, error = await _signed(state, request)
        if error:
            return error
        game_id = body.get("game_id", "")
        if not state.games.get(game_id):
            return {"code": 7000, "message": "不在游戏内"}
        state.games[game_id] = False
        state.ended.append(game_id)
        return {"code": 0, "message": "0", "data": {}}


class _QuietServer(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:  # pytest owns the signals
        yield


class ApiServer:
    def __init__(self, state: ApiState) -> None:
        self.state = state
        self._server: _QuietServer | None = None
        self._task: asyncio.Task[None] | None = None
        self.port = 0

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> ApiServer:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(make_app(self.state), log_level="warning", lifespan="off",
                                timeout_graceful_shutdown=1)  # fmt: skip
        self._server = _QuietServer(config)
        self._task = asyncio.create_task(self._server.serve(sockets=[sock]))
        while not self._server.started:
            if self._task.done():
                self._task.result()
            await asyncio.sleep(0.01)
        return self

    async def stop(self) -> None:
        assert self._server is not None and self._task is not None
        self._server.should_exit = True
        await self._task
