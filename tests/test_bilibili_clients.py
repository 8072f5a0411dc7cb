"""The real Bilibili sessions against local servers that speak the real wire protocols."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from agent.config import BilibiliOpenSource, BilibiliSource, Reconnect
from agent.events import Danmaku, Event, SourceStatus
from agent.sources.base import SourceAuthError, SourceProtocolError
from agent.sources.bilibili import wbi
from agent.sources.bilibili.open_platform import BilibiliOpenSession, Game, OpenApi
from agent.sources.bilibili.web import BilibiliWebSession
from agent.sources.supervisor import SupervisedSource
from tests.bili_server import ApiServer, ApiState, DanmakuServer, FakeCtx, danmu, open_dm


class Platform:
    def __init__(self, api: ApiServer, ws: DanmakuServer) -> None:
        self.api = api
        self.state = api.state
        self.ws = ws

    def web_cfg(self, **over: Any) -> BilibiliSource:
        base: dict[str, Any] = {
            "room_id": self.state.room_short,
            "api_base": self.api.base,
            "nav_api_base": self.api.base,
            "host_scheme": "ws",
            "heartbeat_s": 0.05,
            "auth_timeout_s": 2,
            "http_timeout_s": 2,
        }
        base.update(over)
        return BilibiliSource(**base)

    def open_cfg(self, **over: Any) -> BilibiliOpenSource:
        base: dict[str, Any] = {
            "identity_code": SecretStr(self.state.identity_code),
            "app_id": self.state.app_id,
            "access_key_id": SecretStr(self.state.key_id),
            "access_key_secret": SecretStr(self.state.secret),
            "api_base": self.api.base,
            "heartbeat_s": 0.05,
            "auth_timeout_s": 2,
            "http_timeout_s": 2,
        }
        base.update(over)
        return BilibiliOpenSource(**base)


@pytest.fixture
async def platform() -> AsyncIterator[Platform]:
    state = ApiState()
    ws = await DanmakuServer().start()
    state.hosts = [{"host": "127.0.0.1", "port": ws.port, "wss_port": 1, "ws_port": ws.port}]
    state.wss_links = [ws.url]

    def web_or_open_auth(body: bytes) -> bool:
        auth = json.loads(body)
        if "game_id" in auth:  # the open platform's auth_body must arrive verbatim
            return body.decode() in {state.auth_body(g) for g, alive in state.games.items() if alive}
        return (
            auth.get("key") == state.token
            and auth.get("roomid") == state.room_real
            and bool(auth.get("buvid"))
        )

    ws.auth_ok = web_or_open_auth
    api = await ApiServer(state).start()
    try:
        yield Platform(api, ws)
    finally:
        await api.stop()
        await ws.stop()


async def run_until(session: Any, ctx: FakeCtx, n_events: int, timeout: float = 5) -> None:
    """run_once until ``n_events`` arrived, then cancel it (the server keeps the link open)."""
    task = asyncio.create_task(session.run_once(ctx))
    async with asyncio.timeout(timeout):
        while len(ctx.events) < n_events and not task.done():
            await asyncio.sleep(0.01)
    if task.done():
        task.result()
        return
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


# --- web ---------------------------------------------------------------------------------------


def test_wbi_signature_matches_the_published_example() -> None:
    # The worked example from the community API docs (bilibili-API-collect, docs/misc/sign/wbi.md);
    # the test server shares the shuffle table, so this is what pins the table down.
    img = wbi.key_from_url("https://i0.hdslb.com/bfs/wbi/7cd084941338484aae1ad9425b84077c.png")
    key = wbi.mixin_key(img, "4932caff0ff746eab6f01bf08b70ac45")
    assert key == "ea1db124af3c7062474693fa704f4ff8"
    query = wbi.signed_query({"foo": "114", "bar": "514", "zab": 1919810}, key, now=1702204169)
    assert query == "bar=514&foo=114&wts=1702204169&zab=1919810&w_rid=8f6f2b5b3d485fe1886cec6a0be8c5d4"
    assert wbi.signed_query({"a": "it's (fine)*!"}, key, now=1).startswith("a=its%20fine&wts=1&")


async def test_web_discovers_authenticates_and_receives(platform: Platform) -> None:
    platform.ws.commands = [danmu(i) for i in range(12)]
    session = BilibiliWebSession(platform.web_cfg())
    ctx = FakeCtx()
    await run_until(session, ctx, 12)
    assert [e.msg_id for e in ctx.events] == [f"dm{i:08d}" for i in range(12)]  # type: ignore[union-attr]
    assert all(isinstance(e, Danmaku) and e.platform == "bilibili" for e in ctx.events)
    assert ctx.lives == 1
    auth = json.loads(platform.ws.auth_bodies[0])
    assert auth == {
        "uid": 0,
        "roomid": platform.state.room_real,
        "protover": 3,
        "platform": "web",
        "type": 2,
        "buvid": platform.state.buvid3,  # taken from finger/spi
        "key": platform.state.token,
    }
    assert platform.state.calls[:4] == ["spi", "get_info", "nav", "getDanmuInfo"]
    assert platform.state.cookies_seen[0]["buvid3"] == platform.state.buvid3
    assert platform.state.user_agents == {session.cfg.user_agent}


async def test_web_heartbeats_are_answered_and_count_as_alive(platform: Platform) -> None:
    session = BilibiliWebSession(platform.web_cfg())
    ctx = FakeCtx()
    task = asyncio.create_task(session.run_once(ctx))
    async with asyncio.timeout(5):
        while ctx.alives < 3:
            await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert platform.ws.heartbeats >= 3


async def test_web_sessdata_logs_in_and_uid_goes_into_auth(platform: Platform) -> None:
    session = BilibiliWebSession(
        platform.web_cfg(sessdata=SecretStr("good-sessdata"), buvid3=SecretStr("MINE"))
    )
    platform.ws.commands = [danmu(1)]
    await run_until(session, FakeCtx(), 1)
    auth = json.loads(platform.ws.auth_bodies[0])
    assert (auth["uid"], auth["buvid"]) == (555, "MINE")
    assert "spi" not in platform.state.calls
    assert platform.state.cookies_seen[0]["SESSDATA"] == "good-sessdata"


async def test_web_refetches_the_wbi_key_after_352(platform: Platform) -> None:
    platform.state.wbi_rejections_left = 1
    platform.ws.commands = [danmu(1)]
    await run_until(BilibiliWebSession(platform.web_cfg()), FakeCtx(), 1)
    assert platform.state.calls.count("nav") == 2
    assert platform.state.calls.count("getDanmuInfo") == 2


async def test_web_wrong_wbi_key_is_a_protocol_error(platform: Platform) -> None:
    platform.state.wbi_rejections_left = 5
    with pytest.raises(SourceProtocolError, match="-352"):
        await BilibiliWebSession(platform.web_cfg()).run_once(FakeCtx())


async def test_web_a_non_ascii_set_cookie_is_a_protocol_error(platform: Platform) -> None:
    """httpx keeps the cookie and then cannot encode it into the next request (UnicodeEncodeError)."""
    platform.state.set_cookie = "bili_ticket=主播晚上好; Path=/; Domain=127.0.0.1"
    with pytest.raises(SourceProtocolError, match="getDanmuInfo"):
        await BilibiliWebSession(platform.web_cfg()).run_once(FakeCtx())


async def test_web_refused_token_is_an_auth_error(platform: Platform) -> None:
    platform.ws.auth_ok = lambda body: False
    with pytest.raises(SourceAuthError, match=r"code -101.*sources\.bilibili\.sessdata"):
        await BilibiliWebSession(platform.web_cfg()).run_once(FakeCtx())


async def test_web_unknown_room_and_missing_room_are_auth_errors(platform: Platform) -> None:
    with pytest.raises(SourceAuthError, match=r"no room 999.*sources\.bilibili\.room_id"):
        await BilibiliWebSession(platform.web_cfg(room_id=999)).run_once(FakeCtx())
    with pytest.raises(SourceAuthError, match="room_id is not set"):
        await BilibiliWebSession(platform.web_cfg(room_id=0)).run_once(FakeCtx())


async def test_web_rotates_hosts_after_a_failed_connect(platform: Platform) -> None:
    dead = {"host": "127.0.0.1", "port": 1, "wss_port": 1, "ws_port": 1}
    platform.state.hosts = [dead, *platform.state.hosts]
    platform.ws.commands = [danmu(1)]
    session = BilibiliWebSession(platform.web_cfg())
    with pytest.raises(OSError):
        await session.run_once(FakeCtx())
    ctx = FakeCtx()
    await run_until(session, ctx, 1)
    assert ctx.lives == 1


async def test_web_ws_url_overrides_the_host_list(platform: Platform) -> None:
    platform.state.hosts = [{"host": "127.0.0.1", "ws_port": 1, "wss_port": 1}]
    platform.ws.commands = [danmu(1)]
    await run_until(BilibiliWebSession(platform.web_cfg(ws_url=platform.ws.url)), FakeCtx(), 1)


async def test_web_survives_repeated_drops_without_loss_or_doubles(platform: Platform) -> None:
    n = 60
    platform.ws.commands = [danmu(i) for i in range(n)]
    platform.ws.drop_after, platform.ws.drops_left, platform.ws.overlap = 10, 5, 3
    source = SupervisedSource(
        BilibiliWebSession(platform.web_cfg()), Reconnect(initial_s=0.01, max_s=0.05, stale_after_s=5)
    )
    events: list[Event] = []
    task = asyncio.create_task(source.run(events.append))
    async with asyncio.timeout(15):
        while sum(isinstance(e, Danmaku) for e in events) < n:
            await asyncio.sleep(0.02)
    await asyncio.sleep(0.1)  # anything doubled would have arrived by now
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    ids = [e.msg_id for e in events if isinstance(e, Danmaku)]
    assert ids == [f"dm{i:08d}" for i in range(n)]
    assert platform.ws.connections == 6
    assert 0 < source.duplicates <= 3 * 5  # each reconnect resent (up to) the 3-message tail
    states = [e.state for e in events if isinstance(e, SourceStatus)]
    assert states.count("live") == 6 and states.count("reconnecting") == 5


# --- open platform ---------------------------------------------------------------------------------


async def test_open_starts_a_game_signs_and_receives(platform: Platform) -> None:
    platform.ws.commands = [open_dm(i) for i in range(8)]
    session = BilibiliOpenSession(platform.open_cfg())
    ctx = FakeCtx()
    task = asyncio.create_task(session.run_once(ctx))
    async with asyncio.timeout(5):
        while len(ctx.events) < 8 or platform.state.heartbeats < 2:
            await asyncio.sleep(0.01)
    assert [e.msg_id for e in ctx.events] == [f"open-msg-{i:08d}" for i in range(8)]  # type: ignore[union-attr]
    assert platform.ws.auth_bodies[0].decode() == platform.state.auth_body("game-1")  # verbatim
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert platform.state.ended == ["game-1"]  # /v2/app/end on cancellation
    assert session.game is None


async def test_open_bad_identity_code_is_an_auth_error_with_the_fix(platform: Platform) -> None:
    session = BilibiliOpenSession(platform.open_cfg(identity_code=SecretStr("WRONGCODE123")))
    with pytest.raises(SourceAuthError) as info:
        await session.run_once(FakeCtx())
    message = str(info.value)
    assert "7007" in message and "sources.bilibili_open.identity_code" in message and "\n" not in message
    assert "WRONGCODE123" not in message


async def test_open_bad_secret_fails_the_signature_check(platform: Platform) -> None:
    session = BilibiliOpenSession(platform.open_cfg(access_key_secret=SecretStr("not-the-secret")))
    with pytest.raises(SourceAuthError, match=r"4002.*access_key_secret"):
        await session.run_once(FakeCtx())
    session = BilibiliOpenSession(platform.open_cfg(app_id=1))
    with pytest.raises(SourceAuthError, match="8002"):
        await session.run_once(FakeCtx())


async def test_open_missing_config_names_the_keys(platform: Platform) -> None:
    session = BilibiliOpenSession(platform.open_cfg(identity_code=SecretStr(""), access_key_id=SecretStr("")))
    with pytest.raises(SourceAuthError, match=r"identity_code, sources\.bilibili_open\.access_key_id"):
        await session.run_once(FakeCtx())
    assert "start" not in platform.state.calls


async def test_open_interaction_end_starts_a_new_game(platform: Platform) -> None:
    platform.ws.commands = [
        open_dm(1),
        {"cmd": "LIVE_OPEN_PLATFORM_INTERACTION_END", "data": {"game_id": "game-1"}},
    ]
    platform.ws.overlap = 0  # a resent INTERACTION_END would end the new game too
    session = BilibiliOpenSession(platform.open_cfg(heartbeat_s=30))
    ctx = FakeCtx()
    async with asyncio.timeout(5):
        await session.run_once(ctx)  # returns: the platform ended the game
    assert session.game is None and len(ctx.events) == 1
    platform.ws.commands.append(open_dm(2))
    await run_until(session, ctx, 2)
    assert [e.msg_id for e in ctx.events] == ["open-msg-00000001", "open-msg-00000002"]  # type: ignore[union-attr]
    assert session.games_started == 2
    assert platform.state.calls.count("start") == 2


async def test_open_expired_game_found_by_heartbeat_is_restarted(platform: Platform) -> None:
    session = BilibiliOpenSession(platform.open_cfg())
    ctx = FakeCtx()
    task = asyncio.create_task(session.run_once(ctx))
    async with asyncio.timeout(5):
        while ctx.lives == 0:
            await asyncio.sleep(0.01)
    platform.state.games["game-1"] = False  # the platform forgot the game
    with pytest.raises(SourceProtocolError, match="7003"):
        async with asyncio.timeout(5):
            await task
    assert session.game is None
    # A game that died while we were away (backoff) is noticed before connecting.
    session.game = stale = await _start_game(platform)
    platform.state.games[stale.game_id] = False
    task = asyncio.create_task(session.run_once(ctx))
    async with asyncio.timeout(5):
        while ctx.lives < 2:
            await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert session.games_started == 2
    assert platform.state.ended == ["game-3"]
    assert len(platform.ws.auth_bodies) == 2  # no connect was wasted on the dead game


async def _start_game(platform: Platform) -> Game:
    async with httpx.AsyncClient() as http:
        return await OpenApi(platform.open_cfg(), http).start()


async def test_open_survives_drops_under_the_supervisor_and_keeps_the_game(
    platform: Platform, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    n = 40
    platform.ws.commands = [open_dm(i) for i in range(n)]
    platform.ws.drop_after, platform.ws.drops_left, platform.ws.overlap = 8, 4, 3
    source = SupervisedSource(
        BilibiliOpenSession(platform.open_cfg()), Reconnect(initial_s=0.01, max_s=0.05, stale_after_s=5)
    )
    events: list[Event] = []
    task = asyncio.create_task(source.run(events.append))
    async with asyncio.timeout(15):
        while sum(isinstance(e, Danmaku) for e in events) < n:
            await asyncio.sleep(0.02)
    await asyncio.sleep(0.1)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    ids = [e.msg_id for e in events if isinstance(e, Danmaku)]
    assert ids == [f"open-msg-{i:08d}" for i in range(n)]
    assert 0 < source.duplicates <= 3 * 4
    assert platform.state.calls.count("start") == 1  # a websocket drop keeps the game
    assert platform.state.ended == ["game-1"]
    logs = caplog.text + "".join(str(r.args) for r in caplog.records)
    for secret in (platform.state.secret, platform.state.identity_code):
        assert secret not in logs


async def test_open_auth_error_under_the_supervisor_publishes_failed(platform: Platform) -> None:
    source = SupervisedSource(
        BilibiliOpenSession(platform.open_cfg(identity_code=SecretStr("NOPE"))),
        Reconnect(initial_s=0.01, max_s=0.02, stale_after_s=5),
    )
    events: list[Event] = []
    task = asyncio.create_task(source.run(events.append))
    async with asyncio.timeout(5):
        while not any(isinstance(e, SourceStatus) and e.state == "failed" for e in events):
            await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    failed = next(e for e in events if isinstance(e, SourceStatus) and e.state == "failed")
    assert "identity_code" in failed.detail
