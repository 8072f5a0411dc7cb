"""The control API's overlay feed: a snapshot then bus events, what it leaves out, how many pages,
and its buffer (against a fake runtime)."""

from __future__ import annotations

import threading

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from agent.control.feed import FeedBuffer
from agent.events import Danmaku, Metric, ReplySentence, StateChange, UtteranceDone, to_dict
from tests.support.control_api import HOST, FakeController, make_client
from tests.support.control_api import client as client  # the fixture
from tests.support.control_api import fake as fake  # the fixture

# --- the overlay feed ----------------------------------------------------------


def test_feed_starts_with_a_snapshot_then_streams_bus_events(
    client: TestClient, fake: FakeController
) -> None:
    with client.websocket_connect("/ws/events", headers=HOST) as ws:
        header = ws.receive_json()
        assert header["type"] == "snapshot" and header["messages"] == 3
        first = [ws.receive_json() for _ in range(3)]
        assert first[0] == {"type": "state", "state": "listening", "muted": False, "topic": "游戏"}
        assert first[1] == {"type": "source_status", "source": "replay", "state": "live", "detail": ""}
        assert first[2]["type"] == "metric"
        assert first[2]["ms"] == 900.0
        client.post("/api/say", json={"text": "<b>你好</b>"})
        message = ws.receive_json()
        assert message == {
            "type": "reply_sentence",
            "utterance_id": 1,
            "index": 0,
            "text": "<b>你好</b>",
            "engine": "",
        }
        client.post("/api/mute")
        assert ws.receive_json() == {"type": "state", "state": "listening", "muted": True, "topic": ""}
    assert fake.subscribed == ["overlay"]  # one subscription serves every page


def test_feed_leaves_out_viewer_chat_and_unsubscribes_on_disconnect(
    client: TestClient, fake: FakeController
) -> None:
    with client.websocket_connect("/ws/events", headers=HOST) as ws:
        for _ in range(4):
            ws.receive_json()
        # Viewer chat waits for the brain's "admitted" verdict; without one it never shows.
        client.portal.call(fake.bus.publish, Danmaku(text="<script>x</script>"))  # type: ignore[union-attr]
        client.portal.call(fake.bus.publish, UtteranceDone(utterance_id=7))  # type: ignore[union-attr]
        assert ws.receive_json()["type"] == "utterance_done"
        assert len(fake.bus.sizes()) == 1
    for _ in range(100):  # the server notices the close on its own loop
        if not fake.bus.sizes():
            break
        threading.Event().wait(0.01)
    assert fake.bus.sizes() == {}


def test_feed_refuses_more_pages_than_configured(fake: FakeController) -> None:
    with make_client(fake, max_ws_clients=1) as c, c.websocket_connect("/ws/events", headers=HOST) as first:
        first.receive_json()
        with (
            c.websocket_connect("/ws/events", headers=HOST) as second,
            pytest.raises(WebSocketDisconnect) as info,
        ):
            second.receive_json()
        assert info.value.code == 1013


def test_feed_buffer_keeps_latest_state_and_recent_lines_in_order() -> None:
    buffer = FeedBuffer(max_lines=3, max_chat=1)
    buffer.add(to_dict(StateChange(state="thinking")))
    for i in range(5):
        buffer.add(to_dict(ReplySentence(utterance_id=1, index=i, text=f"句子{i}")))
        buffer.add(to_dict(Metric(name="first_token", ms=float(i))))
        buffer.add({**to_dict(Danmaku(text=f"弹幕{i}")), "line": i + 1})
    buffer.add(to_dict(StateChange(state="speaking")))
    out = buffer.drain()
    assert [m["type"] for m in out] == [
        "reply_sentence",
        "reply_sentence",
        "reply_sentence",
        "metric",
        "danmaku",  # a chat flood has its own bound: it never pushes the reply out
        "state",
    ]
    assert out[4]["text"] == "弹幕4"
    assert [m["text"] for m in out[:3]] == ["句子2", "句子3", "句子4"]
    assert out[3]["ms"] == 4.0
    assert out[5]["state"] == "speaking"
    assert buffer.dropped == 6
    assert buffer.drain() == []
