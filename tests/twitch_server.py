"""A local Twitch chat server (IRC over WebSocket) that misbehaves on purpose.

It checks the client's opening (CAP REQ, PASS, NICK, JOIN, in that order),
answers like tmi.twitch.tv, then delivers a script of tagged lines a few at a
time, and after each batch ends the connection one of three ways in turn:
PING + wait for PONG (which acknowledges the batch) + abrupt drop, abrupt drop
with nothing acknowledged, or a RECONNECT command. Lines not acknowledged are
sent again on the next connection with the same ids, as a real platform's
replay would, so a client that loses nothing and dedupes shows each id once.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import Sequence

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed

HOST = "tmi.twitch.tv"


def _tag_escape(value: str) -> str:
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\:")
        .replace(" ", "\\s")
        .replace("\r", "\\r")
        .replace("\n", "\\n")
    )


def _tags(tags: dict[str, str]) -> str:
    return "@" + ";".join(f"{k}={_tag_escape(v)}" for k, v in tags.items())


def privmsg(msg_id: str, login: str, text: str, *, channel: str = "cohost_test", **extra: str) -> str:
    tags = {
        "badge-info": "",
        "badges": "",
        "color": "#1E90FF",
        "display-name": extra.pop("display_name", login.capitalize()),
        "emotes": "",
        "id": msg_id,
        "mod": "0",
        "room-id": "1001",
        "subscriber": "0",
        "tmi-sent-ts": "1700000000000",
        "user-id": str(abs(hash(login)) % 10_000_000),
    }
    tags.update({k.replace("_", "-"): v for k, v in extra.items()})
    return f"{_tags(tags)} :{login}!{login}@{login}.{HOST} PRIVMSG #{channel} :{text}"


def usernotice(
    msg_id: str, kind: str, login: str, text: str = "", *, channel: str = "cohost_test", **params: str
) -> str:
    tags = {
        "display-name": login.capitalize(),
        "id": msg_id,
        "login": login,
        "msg-id": kind,
        "room-id": "1001",
        "system-msg": f"{login} did {kind}",
        "user-id": str(abs(hash(login)) % 10_000_000),
    }
    tags.update({f"msg-param-{k.replace('_', '-')}": v for k, v in params.items()})
    tail = f" :{text}" if text else ""
    return f"{_tags(tags)} :{HOST} USERNOTICE #{channel}{tail}"


class TwitchTestServer:
    """``async with TwitchTestServer(lines) as server``; connect to ``server.url``."""

    PLAN = ("ack_drop", "drop", "reconnect")

    def __init__(
        self,
        lines: Sequence[str] = (),
        *,
        channel: str = "cohost_test",
        token: str | None = None,
        chunk: int = 3,
        plan: Sequence[str] = PLAN,
    ) -> None:
        self.lines = list(lines)
        self.channel = channel
        self.token = token
        self.chunk = chunk
        self.plan = list(plan)
        self.acked = 0  # lines[:acked] the client has proved it received
        self.sent_upto = 0  # lines[:sent_upto] have been sent at least once
        self.connections = 0
        self.errors: list[str] = []  # protocol mistakes the client made
        self.client_pings = 0
        self.pongs = 0
        self.drop_now = asyncio.Event()  # set to drop the current connection (bench)
        self.live_connections: list[ServerConnection] = []
        self._server: Server | None = None

    @property
    def port(self) -> int:
        assert self._server is not None
        return int(next(iter(self._server.sockets)).getsockname()[1])

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    @property
    def done(self) -> bool:
        return self.acked >= len(self.lines)

    async def __aenter__(self) -> TwitchTestServer:
        self._server = await serve(self._handle, "127.0.0.1", 0)
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()

    def drop_all(self) -> None:
        """Cut every open connection without a close frame, like a network failure."""
        for conn in list(self.live_connections):
            conn.transport.abort()

    async def _opening(self, ws: ServerConnection) -> list[str] | None:
        got: list[str] = []
        while len(got) < 4:
            frame = await asyncio.wait_for(ws.recv(), 5)
            got.extend(line for line in str(frame).split("\r\n") if line)
        cap, pass_, nick, join = got[:4]
        if not (cap.startswith("CAP REQ :") and "twitch.tv/tags" in cap and "twitch.tv/commands" in cap):
            self.errors.append(f"first line should be CAP REQ with tags+commands, got {cap!r}")
        if not pass_.startswith("PASS "):
            self.errors.append(f"second line should be PASS, got {pass_!r}")
        if not nick.startswith("NICK "):
            self.errors.append(f"third line should be NICK, got {nick!r}")
        if join != f"JOIN #{self.channel}":
            self.errors.append(f"fourth line should be JOIN #{self.channel}, got {join!r}")
        user = nick[5:]
        if self.token is None:
            if not re.fullmatch(r"justinfan\d+", user):
                self.errors.append(f"anonymous nick should be justinfan<digits>, got {user!r}")
        elif pass_ != f"PASS oauth:{self.token}":
            await ws.send(f":{HOST} NOTICE * :Login authentication failed")
            await ws.close()
            return None
        return [user]

    async def _handle(self, ws: ServerConnection) -> None:
        n = self.connections
        self.connections += 1
        self.live_connections.append(ws)
        try:
            opened = await self._opening(ws)
            if opened is None:
                return
            (user,) = opened
            await ws.send(
                "\r\n".join(
                    [
                        f":{HOST} CAP * ACK :twitch.tv/tags twitch.tv/commands",
                        f":{HOST} 001 {user} :Welcome, GLHF!",
                        f":{HOST} 376 {user} :>",
                        f":{user}!{user}@{user}.{HOST} JOIN #{self.channel}",
                        f":{user}.{HOST} 353 {user} = #{self.channel} :{user}",
                        f":{user}.{HOST} 366 {user} #{self.channel} :End of /NAMES list",
                        f"@emote-only=0;room-id=1001 :{HOST} ROOMSTATE #{self.channel}",
                    ]
                )
            )
            acked = asyncio.Event()
            reader = asyncio.create_task(self._read(ws, acked))
            deliver = asyncio.create_task(self._deliver(ws, n, acked))
            try:
                await reader  # until the client leaves or the server drops it
            finally:
                for task in (reader, deliver):
                    task.cancel()
                await asyncio.gather(reader, deliver, return_exceptions=True)
        except (ConnectionClosed, TimeoutError, OSError):
            pass
        finally:
            self.live_connections.remove(ws)

    async def _read(self, ws: ServerConnection, acked: asyncio.Event) -> None:
        with contextlib.suppress(ConnectionClosed):
            async for frame in ws:
                for line in str(frame).split("\r\n"):
                    if line.startswith("PING"):
                        self.client_pings += 1
                        await ws.send(f":{HOST} PONG {HOST} :{line.partition(':')[2]}")
                    elif line.startswith("PONG") and line.endswith(":ack"):
                        self.pongs += 1
                        acked.set()

    async def _deliver(self, ws: ServerConnection, n: int, acked: asyncio.Event) -> None:
        if self.lines:
            # Unacknowledged lines first (same ids: the client must drop the repeats), then new ones.
            end = min(len(self.lines), max(self.sent_upto, self.acked) + self.chunk)
            batch = self.lines[self.acked : end]
            self.sent_upto = max(self.sent_upto, end)
            for line in batch:
                await ws.send(line)
            if self.sent_upto >= len(self.lines) or not self.plan:
                await self._ack(ws, acked, end)
                return
            action = self.plan[n % len(self.plan)]
            if action == "ack_drop":
                await self._ack(ws, acked, end)
                ws.transport.abort()
            elif action == "drop":
                ws.transport.abort()
            elif action == "reconnect":
                await ws.send(f":{HOST} RECONNECT")
            return
        await self.drop_now.wait()
        self.drop_now.clear()
        ws.transport.abort()

    async def _ack(self, ws: ServerConnection, acked: asyncio.Event, end: int) -> None:
        await ws.send("PING :ack")
        await asyncio.wait_for(acked.wait(), 5)
        self.acked = max(self.acked, end)
