"""Local stand-ins for Bilibili on loopback, speaking the real wire protocols.

- ``DanmakuServer``: the danmaku websocket. Checks the op-7 auth packet, answers op 8,
  answers heartbeats with op 3 (with trailing bytes the length field leaves out, as the
  real server does), pushes commands in brotli- and zlib-compressed batches, can drop
  the client after N commands and resends the last ``overlap`` commands on reconnect.
- ``ApiServer``: FastAPI under uvicorn: room info, nav (WBI keys), finger/spi,
  WBI-checked getDanmuInfo, and the open platform's HMAC-checked app/start, heartbeat, end.

Built from the protocol description (PROTOCOLS.md), not from the client code: the
header is packed here with struct directly, and the signature checks are written out.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import hmac
import json
import socket
import struct
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

import brotli
import uvicorn
from fastapi import FastAPI, Request, Response
from websockets.asyncio.server import ServerConnection, serve

from agent.events import Event
from agent.sources.bilibili.wbi import MIXIN_KEY_ENC_TAB

HEADER = struct.Struct(">IHHII")


def packet(op: int, body: bytes, ver: int = 0, seq: int = 0) -> bytes:
    return HEADER.pack(16 + len(body), 16, ver, op, seq) + body


def command_packets(commands: list[dict[str, Any]]) -> bytes:
    return b"".join(packet(5, json.dumps(c, ensure_ascii=False).encode()) for c in commands)


def batch(commands: list[dict[str, Any]], compression: str) -> bytes:
    """One websocket frame: the commands' packets compressed into one outer packet."""
    inner = command_packets(commands)
    if compression == "brotli":
        return packet(5, brotli.compress(inner), ver=3)
    if compression == "zlib":
        return packet(5, zlib.compress(inner), ver=2)
    return inner


def danmu(n: int, text: str = "", *, uid: int = 0, uname: str = "", info_len: int = 17) -> dict[str, Any]:
    """A DANMU_MSG shaped like a real one; ``info_len`` trims the info array like older clients."""
    extra = json.dumps({"id_str": f"dm{n:08d}", "reply_uname": "", "content": text or f"弹幕{n}"})
    info: list[Any] = [
        [
            0,
            1,
            25,
            16777215,
            1700000000000 + n,
            0,
            0,
            "a1b2c3",
            0,
            0,
            0,
            "",
            0,
            "{}",
            "{}",
            {"mode": 0, "extra": extra, "user": {"uid": uid, "base": {"name": uname or f"观众{n}"}}},
            {},
            None,
        ],
        text or f"弹幕{n}",
        [uid or 1000 + n, uname or f"观众{n}", 0, 0, 0, 10000, 1, ""],
        [12, "牌子", "主播", 1, 398668, "", 0, 398668, 398668, 398668, 0, 1, 1000],
        [21, 0, 5805790, "\u003e50000", 0],
        ["", ""],
        0,
        3,
        None,
        {"ts": 1700000000 + n, "ct": f"{n:08X}"},
        0,
        0,
        None,
        None,
        0,
        105,
        [22],
    ]
    return {"cmd": "DANMU_MSG:4:0:2:2:2:0", "info": info[:info_len], "dm_v2": ""}


def open_dm(n: int, text: str = "") -> dict[str, Any]:
    return {
        "cmd": "LIVE_OPEN_PLATFORM_DM",
        "data": {
            "room_id": 1, "uid": 0, "open_id": f"open-{n % 7}", "union_id": "", "uname": f"观众{n}",
            "msg": text or f"弹幕{n}", "msg_id": f"open-msg-{n:08d}", "fans_medal_level": 3,
            "fans_medal_name": "牌子", "fans_medal_wearing_status": True, "guard_level": 0,
            "timestamp": 1700000000 + n, "uface": "", "emoji_img_url": "", "dm_type": 0,
        },
    }  # fmt: skip


# --- danmaku websocket ------------------------------------------------------------------


class FakeCtx:
    """A SessionContext that keeps what the session emitted (the supervisor's part, recorded)."""

    def __init__(self) -> None:
        self.events: list[Event] = []
        self.lives = 0
        self.alives = 0

    def emit(self, event: Event) -> None:
        self.events.append(event)

    def live(self) -> None:
        self.lives += 1

    def alive(self) -> None:
        self.alives += 1


@dataclass
class DanmakuServer:
    """``auth_ok(body_bytes) -> bool`` decides op 8's code; commands are pushed in order."""

    auth_ok: Any = None
    commands: list[dict[str, Any]] = field(default_factory=list)
    batch_size: int = 5
    drop_after: int | None = None  # close the socket after this many commands per connection
    drops_left: int = 0  # how many connections to drop that way
    overlap: int = 3  # commands resent at the start of the next connection
    popularity: int = 4242
    connections: int = 0
    authed: int = 0
    auth_bodies: list[bytes] = field(default_factory=list)
    heartbeats: int = 0
    cursor: int = 0  # commands pushed so far (first-time)
    extra_frames: list[bytes] = field(default_factory=list)  # raw frames pushed right after auth
    drop_times: list[float] = field(default_factory=list)  # perf_counter() of each hard drop
    _server: Any = None

    async def start(self) -> DanmakuServer:
        self._server = await serve(self._handle, "127.0.0.1", 0)
        return self

    async def stop(self) -> None:
        self._server.close()
        await self._server.wait_closed()

    @property
    def port(self) -> int:
        return int(self._server.sockets[0].getsockname()[1])

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/sub"

    async def _handle(self, ws: ServerConnection) -> None:
        self.connections += 1
        try:
            first = await asyncio.wait_for(ws.recv(), 5)
        except (TimeoutError, Exception):
            return
        if not isinstance(first, bytes) or len(first) < 16:
            return
        length, hlen, _ver, op, _seq = HEADER.unpack_from(first)
        if op != 7 or length != len(first):
            await ws.close(1002)
            return
        body = first[hlen:length]
        self.auth_bodies.append(body)
        ok = self.auth_ok(body) if self.auth_ok else True
        await ws.send(packet(8, json.dumps({"code": 0 if ok else -101}).encode(), ver=1))
        if not ok:
            await ws.close()
            return
        self.authed += 1
        reader = asyncio.create_task(self._answer_heartbeats(ws))
        try:
            for frame in self.extra_frames:
                await ws.send(frame)
            start = max(0, self.cursor - self.overlap)
            sent = 0
            drop_now = self.drop_after is not None and self.drops_left > 0
            i = start
            n_batch = 0
            while i < len(self.commands):
                chunk = self.commands[i : i + self.batch_size]
                if drop_now:
                    chunk = chunk[: max(0, self.drop_after - sent)]  # type: ignore[operator]
                if not chunk:
                    break
                await ws.send(batch(chunk, "brotli" if n_batch % 2 == 0 else "zlib"))
                n_batch += 1
                i += len(chunk)
                sent += len(chunk)
                self.cursor = max(self.cursor, i)
                if drop_now and sent >= self.drop_after:  # type: ignore[operator]
                    break
            if drop_now:
                self.drops_left -= 1
                await asyncio.sleep(0.05)
                self.drop_times.append(time.perf_counter())
                ws.transport.abort()  # a hard drop: no close frame
                return
            await ws.wait_closed()
        finally:
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reader

    async def _answer_heartbeats(self, ws: ServerConnection) -> None:
        with contextlib.suppress(Exception):
            async for frame in ws:
                if isinstance(frame, bytes) and len(frame) >= 16 and HEADER.unpack_from(frame)[3] == 2:
                    self.heartbeats += 1
                    # The length field counts header + popularity only; the echo follows.
                    reply = packet(3, struct.pack(">I", self.popularity), ver=1) + b"[object Object]"
                    await ws.send(reply)

    async def push(self, commands: list[dict[str, Any]]) -> None:
        """Append commands; they go out on the next connection (or call from a running one)."""
        self.commands.extend(commands)


# --- HTTP API ---------------------------------------------------------------------------


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

    async def signed(request: Request) -> tuple[dict[str, Any], dict[str, Any] | None]:
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

    @app.post("/v2/app/start")
    async def start(request: Request) -> dict[str, Any]:
        state.calls.append("start")
        body, error = await signed(request)
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
        body, error = await signed(request)
        if error:
            return error
        state.heartbeats += 1
        if not state.games.get(body.get("game_id", "")):
            return {"code": 7003, "message": "心跳过期"}
        return {"code": 0, "message": "0", "data": {}}

    @app.post("/v2/app/end")
    async def end(request: Request) -> dict[str, Any]:
        state.calls.append("end")
        body, error = await signed(request)
        if error:
            return error
        game_id = body.get("game_id", "")
        if not state.games.get(game_id):
            return {"code": 7000, "message": "不在游戏内"}
        state.games[game_id] = False
        state.ended.append(game_id)
        return {"code": 0, "message": "0", "data": {}}

    return app


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
