"""The danmaku link end to end against the local server: what a bad packet or a guard
purchase does to the events a streamer sees."""

from __future__ import annotations

import asyncio
import zlib
from collections.abc import AsyncIterator
from typing import Any

import pytest

from agent.events import Danmaku, Guard
from agent.sources.bilibili.codec import encode_auth
from agent.sources.bilibili.commands import CommandParser
from agent.sources.bilibili.link import run_link
from tests.bili_server import DanmakuServer, FakeCtx, command_packets, danmu, packet


def guard_buy(price: int) -> dict[str, Any]:
    return {
        "cmd": "GUARD_BUY",
        "data": {"uid": 5, "username": "船员", "guard_level": 3, "num": 1, "price": price, "start_time": 17},
    }


def toast(price: int) -> dict[str, Any]:
    data = {"uid": 5, "username": "船员", "guard_level": 3, "num": 1, "price": price, "start_time": 17}
    return {"cmd": "USER_TOAST_MSG", "data": data}


@pytest.fixture
async def server() -> AsyncIterator[DanmakuServer]:
    ws = await DanmakuServer().start()
    try:
        yield ws
    finally:
        await ws.stop()


async def events_until(server: DanmakuServer, ctx: FakeCtx, n: int, timeout: float = 10) -> None:
    """Run the link until ``n`` events arrived; the server keeps it open, so then cancel it."""
    link = asyncio.create_task(
        run_link(server.url, encode_auth({"roomid": 1}), ctx, heartbeat_s=0.05, auth_timeout_s=2,
                 parser=CommandParser())
    )  # fmt: skip
    try:
        async with asyncio.timeout(timeout):
            while len(ctx.events) < n:
                assert not link.done(), f"the link ended: {link.exception()!r}"
                await asyncio.sleep(0.01)
    finally:
        link.cancel()
        await asyncio.gather(link, return_exceptions=True)


async def test_a_bad_packet_costs_neither_the_good_packets_nor_the_link(server: DanmakuServer) -> None:
    broken = packet(5, b"not zlib at all", ver=2)
    lying = packet(5, zlib.compress(b"\x00\x00\x00\xff" + b"\x00" * 12), ver=2)
    server.extra_frames = [command_packets([danmu(1)]) + broken + command_packets([danmu(2)]) + lying]
    server.commands = [danmu(3)]
    ctx = FakeCtx()
    await events_until(server, ctx, 3)
    assert [e.text for e in ctx.events if isinstance(e, Danmaku)] == ["弹幕1", "弹幕2", "弹幕3"]
    assert server.connections == 1


async def test_a_guard_purchase_is_published_once_at_the_price_paid(server: DanmakuServer) -> None:
    server.commands = [guard_buy(198000), toast(138000), danmu(1)]
    ctx = FakeCtx()
    await events_until(server, ctx, 2)
    guards = [e for e in ctx.events if isinstance(e, Guard)]
    assert [g.price for g in guards] == [138.0]


async def test_a_guard_purchase_without_a_toast_still_arrives(server: DanmakuServer) -> None:
    server.commands = [guard_buy(198000), danmu(1)]
    ctx = FakeCtx()
    await events_until(server, ctx, 2)
    assert [type(e).__name__ for e in ctx.events] == ["Danmaku", "Guard"]
    assert ctx.events[1] == Guard(
        platform="bilibili", msg_id="guard:5:17", uid="5", uname="船员", level=3, count=1, price=198.0
    )
