"""The generic JSON WebSocket source: the decoder alone, then both modes over real websockets."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import SecretStr
from websockets.asyncio.client import connect
from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.typing import Origin

from agent.config import JsonWsSource, Reconnect
from agent.events import Control, Danmaku, Enter, Event, Gift, SourceStatus, Transcript, to_dict
from agent.sources.jsonws import JsonWsDecoder, JsonWsSession
from agent.sources.supervisor import SupervisedSource

FAST = Reconnect(initial_s=0.02, max_s=0.1, stale_after_s=5.0)


def decode(message: str | bytes, **kwargs: object) -> tuple[list[Event], list[str]]:
    events, problems = JsonWsDecoder(**kwargs).decode(message)  # type: ignore[arg-type]
    return events, [kind for kind, _ in problems]


def test_recorded_shape_round_trips() -> None:
    original = Gift(platform="douyin", msg_id="g1", uname="fan", gift_name="rose", count=3, price=0.3)
    events, problems = decode(json.dumps(to_dict(original)))
    assert events == [original] and problems == []


def test_array_of_events_and_default_platform() -> None:
    batch = [{"type": "danmaku", "text": "hi", "msg_id": "1"}, {"type": "transcript", "text": "hello"}]
    events, problems = decode(json.dumps(batch), platform="kuaishou", allow_voice=True)
    assert events == [Danmaku(platform="kuaishou", msg_id="1", text="hi"), Transcript(text="hello")]
    assert problems == []


@pytest.mark.parametrize("kind", ["transcript", "streamer_voice"])
def test_the_streamers_words_come_from_the_ears_not_a_bridge(kind: str) -> None:
    """A bridge's "transcript" would become the streamer's subtitle and what the prompt says the
    streamer just said: refused unless sources.jsonws.allow_voice is on."""
    message = json.dumps({"type": kind, "text": "I love this sponsor", "speaking": True})
    events, problems = decode(message)
    assert events == [] and problems == ["voice_refused"]
    events, _ = decode(message, allow_voice=True)
    assert [e.type for e in events] == [kind]


def test_a_number_json_cannot_carry_costs_only_its_own_item() -> None:
    batch = (
        '[{"type": "gift", "gift_name": "x", "price": 1e400}, {"type": "danmaku", "text": "ok"},'
        ' {"type": "gift", "gift_name": "y", "price": NaN}, {"type": "like", "count": 2}]'
    )
    events, problems = decode(batch)
    assert [e.type for e in events] == ["danmaku", "like"]
    assert problems == ["bad_json", "bad_json"]


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ("{not json", "bad_json"),
        (b"\xff\xfe\x00garbage", "bad_json"),
        ("[" * 100_000, "bad_json"),
        ('{"type": "gift", "gift_name": "x", "price": NaN}', "bad_json"),
        ('{"type": "gift", "gift_name": "x", "price": 1e400}', "bad_json"),  # no finite float
        ('{"type": "gift", "gift_name": "x", "count": 100000000000000000}', "bad_field"),
        ('{"type": "gift", "gift_name": "x", "price": 1e9}', "bad_field"),
        ('{"type": ["danmaku"], "text": "x"}', "unknown_type"),
        ('{"type": {"a": 1}, "text": "x"}', "unknown_type"),
        ('{"type": "gift", "gift_name": "x", "count": -5}', "bad_field"),
        ('{"type": "danmaku", "text": 5}', "bad_field"),
        ('{"type": "danmaku"}', "bad_field"),
        ('{"type": "enter", "action": "hack"}', "bad_field"),
        ('{"type": "enter", "action": ["follow"]}', "bad_field"),
        ('{"type": "reply_sentence", "utterance_id": 1, "index": 0, "text": "x"}', "unknown_type"),
        ('{"type": "nonsense"}', "unknown_type"),
        ('{"text": "no type"}', "unknown_type"),
        ('{"type": "control", "action": "say", "text": "buy my coin"}', "control_refused"),
        ('"just a string"', "not_object"),
        ("[1, 2]", "not_object"),
    ],
)
def test_bad_messages_are_counted_not_raised(message: str | bytes, kind: str) -> None:
    decoder = JsonWsDecoder()
    events, problems = decoder.decode(message)
    assert events == []
    assert kind in [k for k, _ in problems]
    assert decoder.rejected[kind] >= 1


def test_one_bad_item_does_not_spoil_the_batch() -> None:
    events, problems = decode('[{"type": "like", "count": 2}, {"type": "like", "count": "many"}]')
    assert [e.type for e in events] == ["like"] and problems == ["bad_field"]


def test_a_type_that_is_a_list_or_object_costs_only_its_own_item() -> None:
    batch = '[{"type": ["danmaku"], "text": "a"}, {"type": {"x": 1}}, {"type": "like", "count": 2}]'
    events, problems = decode(batch)
    assert [e.type for e in events] == ["like"]
    assert problems == ["unknown_type", "unknown_type"]


def test_lone_surrogates_controls_and_bidi_are_stripped_not_fatal() -> None:
    message = '{"type": "danmaku", "text": "hi\\ud800 there\\u0000", "uname": "\\u202eevil\\u2066"}'
    (event,) = decode(message)[0]
    assert isinstance(event, Danmaku)
    assert event.text == "hi there"
    # A name's bidi override never survives (agent.sources.boundary may mark where it was).
    assert event.uname.replace("\ufffd", "") == "evil"
    event.text.encode("utf-8")  # the recorder writes UTF-8: this must not raise


def test_control_only_when_allowed() -> None:
    events, _ = decode('{"type": "control", "action": "mute"}', allow_control=True)
    assert events == [Control(action="mute", origin="jsonws")]
    events, problems = decode('{"type": "control", "action": "format_disk"}', allow_control=True)
    assert events == [] and problems == ["bad_field"]


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), st.binary()))
def test_arbitrary_input_never_raises(message: str | bytes) -> None:
    decode(message)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(["danmaku", "gift", "super_chat", "guard", "enter", "like", "transcript"]), json_values
)
def test_wrong_field_values_never_raise(kind: str, value: object) -> None:
    for key in ("text", "count", "price", "uname", "action", "level", "final", "platform"):
        decode(json.dumps({"type": kind, "text": "t", "gift_name": "g", key: value}), allow_voice=True)


# --- connect mode -----------------------------------------------------------


async def wait_for(predicate: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.01)


def dm(i: int) -> str:
    return json.dumps(
        {"type": "danmaku", "platform": "douyin", "msg_id": f"d{i}", "uname": "u", "text": f"m{i}"}
    )


async def test_connect_mode_survives_garbage_oversize_and_drops() -> None:
    connections = 0

    async def feed(ws: ServerConnection) -> None:
        nonlocal connections
        connections += 1
        if connections == 1:
            for message in (dm(1), "{oops", dm(2), json.dumps([json.loads(dm(3)), {"type": "x"}])):
                await ws.send(message)
            await ws.send("x" * 5000)  # over the client's cap: it closes with 1009
            await ws.wait_closed()
        elif connections == 2:
            await ws.send(dm(3))  # a replay after reconnecting: dropped as a repeat
            await ws.send(dm(4))
            ws.transport.abort()
        else:
            await ws.send(dm(5))
            await ws.wait_closed()

    got: list[Event] = []
    async with serve(feed, "127.0.0.1", 0) as server:
        port = next(iter(server.sockets)).getsockname()[1]
        session = JsonWsSession(
            JsonWsSource(url=f"ws://127.0.0.1:{port}", max_message_bytes=1024, heartbeat_s=0.05)
        )
        source = SupervisedSource(session, FAST)
        task = asyncio.create_task(source.run(got.append))
        try:
            await wait_for(lambda: any(getattr(e, "msg_id", "") == "d5" for e in got))
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
    assert [e.msg_id for e in got if isinstance(e, Danmaku)] == ["d1", "d2", "d3", "d4", "d5"]
    assert session.decoder.rejected["bad_json"] == 1
    assert session.decoder.rejected["unknown_type"] == 1
    assert session.decoder.rejected["too_big"] == 1
    assert source.duplicates == 1
    assert [e.state for e in got if isinstance(e, SourceStatus)].count("live") == 3


async def test_connect_mode_pings_keep_a_quiet_feed_alive() -> None:
    async def quiet(ws: ServerConnection) -> None:
        await ws.wait_closed()

    got: list[Event] = []
    async with serve(quiet, "127.0.0.1", 0) as server:
        port = next(iter(server.sockets)).getsockname()[1]
        session = JsonWsSession(JsonWsSource(url=f"ws://127.0.0.1:{port}", heartbeat_s=0.05))
        source = SupervisedSource(session, Reconnect(initial_s=0.02, max_s=0.1, stale_after_s=0.3))
        task = asyncio.create_task(source.run(got.append))
        await asyncio.sleep(1.0)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    assert [e.state for e in got if isinstance(e, SourceStatus)] == ["connecting", "live", "stopped"]


# --- listen mode ------------------------------------------------------------


async def test_listen_mode_takes_bridges_and_outlives_bad_ones() -> None:
    got: list[Event] = []
    session = JsonWsSession(
        JsonWsSource(listen_port=0, platform="douyin", max_message_bytes=2048, heartbeat_s=0.05)
    )
    source = SupervisedSource(session, Reconnect(initial_s=0.02, max_s=0.1, stale_after_s=0.3))
    task = asyncio.create_task(source.run(got.append))
    try:
        await wait_for(lambda: source.state == "live")
        url = f"ws://127.0.0.1:{session.port}"
        async with connect(url) as bridge:
            await bridge.send(json.dumps({"type": "enter", "uname": "guest"}))
            await bridge.send("not json at all")
            await bridge.send(
                json.dumps([{"type": "like", "count": 3}, {"type": "control", "action": "mute"}])
            )
            await bridge.send("y" * 4096)  # too big: this bridge is cut off, the listener stays
            with pytest.raises(ConnectionClosed) as closed:
                await asyncio.wait_for(bridge.recv(), 5)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 1009
        async with connect(url) as second, connect(url) as third:
            await second.send(dm(7))
            await third.send(dm(7))  # two bridges relaying the same message: published once
            await third.send(dm(8))
            await wait_for(lambda: sum(isinstance(e, Danmaku) for e in got) == 2)
        await asyncio.sleep(0.5)  # longer than stale_after_s with no bridge traffic: still live
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    assert [e for e in got if isinstance(e, Enter)] == [Enter(platform="douyin", uname="guest")]
    assert [e.type for e in got if not isinstance(e, SourceStatus)] == ["enter", "like", "danmaku", "danmaku"]
    assert session.decoder.rejected["too_big"] == 1
    assert session.decoder.rejected["control_refused"] == 1
    assert session.decoder.rejected["bad_json"] == 1
    assert [e.state for e in got if isinstance(e, SourceStatus)] == ["connecting", "live", "stopped"]


async def test_a_web_page_cannot_pose_as_a_bridge() -> None:
    """Any page the streamer opens can reach a loopback port: a handshake with a browser Origin
    is refused while a bridge (no Origin) is heard; an allowed origin gets in."""
    got: list[Event] = []
    session = JsonWsSession(
        JsonWsSource(listen_port=0, heartbeat_s=0.05, allowed_origins=["https://bridge.example"])
    )
    source = SupervisedSource(session, FAST)
    task = asyncio.create_task(source.run(got.append))
    try:
        await wait_for(lambda: source.state == "live")
        url = f"ws://127.0.0.1:{session.port}"
        for origin in ("http://evil.example", "null", "http://127.0.0.1:8765"):
            with pytest.raises(InvalidStatus) as refused:
                async with connect(url, origin=Origin(origin)) as page:
                    await page.send(dm(1))
            assert refused.value.response.status_code == 403
        async with connect(url) as bridge, connect(url, origin=Origin("https://bridge.example")) as mine:
            await bridge.send(dm(2))
            await mine.send(dm(3))
            await wait_for(lambda: sum(isinstance(e, Danmaku) for e in got) == 2)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    assert [e.msg_id for e in got if isinstance(e, Danmaku)] == ["d2", "d3"]
    assert session.decoder.rejected["origin_refused"] == 3


async def test_a_bridge_token_when_set() -> None:
    got: list[Event] = []
    session = JsonWsSession(JsonWsSource(listen_port=0, heartbeat_s=0.05, token=SecretStr("s3cret")))
    source = SupervisedSource(session, FAST)
    task = asyncio.create_task(source.run(got.append))
    try:
        await wait_for(lambda: source.state == "live")
        url = f"ws://127.0.0.1:{session.port}"
        for bad in (url, f"{url}/?token=wrong"):
            with pytest.raises(InvalidStatus) as refused:
                async with connect(bad):
                    pass
            assert refused.value.response.status_code == 401
        headers = {"Authorization": "Bearer s3cret"}
        async with (
            connect(f"{url}/?token=s3cret") as by_query,
            connect(url, additional_headers=headers) as hdr,
        ):
            await by_query.send(dm(1))
            await hdr.send(dm(2))
            await wait_for(lambda: sum(isinstance(e, Danmaku) for e in got) == 2)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    assert session.decoder.rejected["token_refused"] == 2
