"""The open-platform source's room facts (issue 18 item 4): its API gives no title or area at
app/start, so the session reads the public room-info API for the room app/start names, and
LIVE_OPEN_PLATFORM_LIVE_START brings them when the stream starts; both against the local
Bilibili stand-ins (tests/bili_server.py)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from pydantic import SecretStr

from agent.config import BilibiliOpenSource, KnowledgeConfig
from agent.events import Danmaku, RoomInfo, SourceStatus
from agent.knowledge.base import Knowledge
from agent.sources.bilibili.commands import CommandParser
from agent.sources.bilibili.open_platform import BilibiliOpenSession
from tests.bili_server import ApiServer, ApiState, DanmakuServer, FakeCtx, open_dm


@pytest.fixture
async def servers() -> AsyncIterator[tuple[ApiServer, DanmakuServer]]:
    state = ApiState(title="今晚通关 <i>黑神话</i>", area="单机游戏")
    ws = await DanmakuServer().start()
    state.wss_links = [ws.url]

    def game_auth(body: bytes) -> bool:
        return body.decode() in {state.auth_body(g) for g, alive in state.games.items() if alive}

    ws.auth_ok = game_auth
    api = await ApiServer(state).start()
    try:
        yield api, ws
    finally:
        await api.stop()
        await ws.stop()


def open_cfg(api: ApiServer, **over: Any) -> BilibiliOpenSource:
    state = api.state
    fields: dict[str, Any] = {
        "identity_code": SecretStr(state.identity_code), "app_id": state.app_id,
        "access_key_id": SecretStr(state.key_id), "access_key_secret": SecretStr(state.secret),
        "api_base": api.base, "room_api_base": api.base, "heartbeat_s": 0.05,
        "auth_timeout_s": 2, "http_timeout_s": 2,
    } | over  # fmt: skip
    return BilibiliOpenSource(**fields)


async def _run(session: BilibiliOpenSession, ctx: FakeCtx, until: int) -> None:
    task = asyncio.create_task(session.run_once(ctx))
    try:
        async with asyncio.timeout(10):
            while sum(isinstance(e, Danmaku) for e in ctx.events) < until:
                await asyncio.sleep(0.01)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def test_the_room_title_and_area_arrive_when_the_game_starts(
    servers: tuple[ApiServer, DanmakuServer],
) -> None:
    api, ws = servers
    ws.commands = [open_dm(0)]
    ctx = FakeCtx()
    await _run(BilibiliOpenSession(open_cfg(api)), ctx, until=1)
    facts = [e for e in ctx.events if isinstance(e, RoomInfo)]
    assert len(facts) == 1
    assert (facts[0].platform, facts[0].room, facts[0].area) == ("bilibili", "7777", "单机游戏")
    assert api.state.calls.index("start") < api.state.calls.index("get_info")  # the room app/start named
    known = Knowledge(KnowledgeConfig())
    known.observe(facts[0])
    assert known.report()["room_facts"]["bilibili"] == {"title": "今晚通关 黑神话", "area": "单机游戏"}
    assert known.match("这是什么游戏") is not None  # words alone: the model is not loaded here


async def test_without_room_api_base_nothing_is_asked_and_chat_flows(
    servers: tuple[ApiServer, DanmakuServer],
) -> None:
    api, ws = servers
    ws.commands = [open_dm(0)]
    ctx = FakeCtx()
    await _run(BilibiliOpenSession(open_cfg(api, room_api_base="")), ctx, until=1)
    assert "get_info" not in api.state.calls
    assert not [e for e in ctx.events if isinstance(e, RoomInfo)]


async def test_an_unreachable_room_api_costs_the_facts_not_the_chat(
    servers: tuple[ApiServer, DanmakuServer],
) -> None:
    api, ws = servers
    ws.commands = [open_dm(0), open_dm(1)]
    ctx = FakeCtx()
    await _run(BilibiliOpenSession(open_cfg(api, room_api_base="http://127.0.0.1:9")), ctx, until=2)
    assert not [e for e in ctx.events if isinstance(e, RoomInfo)]


def test_live_start_carries_the_title_and_area() -> None:
    body = {"cmd": "LIVE_OPEN_PLATFORM_LIVE_START", "data": {
        "room_id": 7777, "open_id": "anchor", "timestamp": 1700000000, "area_name": "英雄联盟",
        "title": "冲分\u202e局"}}  # fmt: skip
    events = CommandParser().parse(json.loads(json.dumps(body)))
    assert [type(e) for e in events] == [SourceStatus, RoomInfo]
    info = events[1]
    assert isinstance(info, RoomInfo) and info.area == "英雄联盟" and info.room == "7777"
    bare = CommandParser().parse({"cmd": "LIVE_OPEN_PLATFORM_LIVE_START", "data": {"room_id": 1}})
    assert [type(e) for e in bare] == [SourceStatus]  # no title, no area: no facts
