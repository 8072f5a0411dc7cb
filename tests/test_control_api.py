"""The control API against a fake runtime: routes, auth, limits, the overlay feed, /metrics."""

from __future__ import annotations

import asyncio
import logging
import re
import signal
import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import SecretStr
from starlette.testclient import WebSocketDenialResponse
from starlette.websockets import WebSocketDisconnect

from agent.bus import Bus, EventQueue
from agent.config import ConfigError, ControlConfig, OverlayConfig
from agent.control.api import Controller, create_app
from agent.control.feed import FeedBuffer
from agent.control.guard import is_loopback
from agent.control.metrics import render
from agent.control.server import ControlServer, ControlServerError, bind_socket
from agent.events import Control, Danmaku, Metric, ReplySentence, StateChange, UtteranceDone, to_dict
from agent.shared.ratelimit import Buckets, TokenBucket

BASE = "http://127.0.0.1:8765"
TOKEN = "s3cret-token-for-tests"
# The test client's websockets ignore base_url; a loopback API refuses other Host names.
HOST = {"host": "127.0.0.1:8765"}


class FakeController(Controller):
    """A scripted runtime: records commands, answers status, hands out real bus queues.

    ``say`` becomes a spoken reply on the bus, the way the real runtime's brain
    would answer it, so a test can drive the overlay feed through the API.
    """

    def __init__(self) -> None:
        self.bus = Bus(default_size=64)
        self.sent: list[Control] = []
        self.muted = False
        self.subscribed: list[str] = []
        self.on_subscribe: list[Any] = []
        self._utterance = 0

    def refusal(self, text: str) -> str | None:
        return "傻逼" if "傻逼" in text else None

    def send(self, event: Control) -> None:
        self.sent.append(event)
        self.bus.publish(event)
        if event.action in ("mute", "unmute"):
            self.muted = event.action == "mute"
            self.bus.publish(StateChange(state="listening", muted=self.muted))
        if event.action == "say":
            self._utterance += 1
            self.bus.publish(ReplySentence(utterance_id=self._utterance, index=0, text=event.text))

    def status(self) -> dict[str, Any]:
        return {
            "state": "listening",
            "muted": self.muted,
            "topic": "游戏",
            "queues": self.bus.sizes(),
            "dropped": {k: dict(v) for k, v in self.bus.dropped().items()},
            "sources": {"replay": "live"},
            "latency_ms": {"arrival_to_first_audio": {"p50": 812.5, "p95": 1400.0, "last": 900.0}},
            "replies": 3,
        }

    def subscribe(self, name: str, accepts: frozenset[str] | None) -> EventQueue:
        self.subscribed.append(name)
        queue = self.bus.subscribe(name, accepts=accepts, maxsize=16)
        for hook in self.on_subscribe:
            asyncio.get_running_loop().call_soon(hook)
        return queue

    def unsubscribe(self, queue: EventQueue) -> None:
        self.bus.unsubscribe(queue)

    def counters(self) -> dict[str, dict[str, float]]:
        return {
            "events_published_total": dict(self.bus.published),
            "events_dropped_total": {"danmaku": 2, 'we"ird\\name\n': 1},
        }


def make_client(
    fake: FakeController, *, base_url: str = BASE, clock: Any = None, **control: Any
) -> TestClient:
    control.setdefault("rate_per_s", 0)
    kwargs = {"clock": clock} if clock else {}
    app = create_app(fake, ControlConfig(**control), OverlayConfig(), **kwargs)
    return TestClient(app, base_url=base_url)


@pytest.fixture
def fake() -> FakeController:
    return FakeController()


@pytest.fixture
def client(fake: FakeController) -> Iterator[TestClient]:
    with make_client(fake) as c:
        yield c


# --- routes -------------------------------------------------------------------


def test_status_reports_the_runtime_status(client: TestClient) -> None:
    response = client.get("/api/status")
    assert response.status_code == 200
    body = response.json()
    assert body["state"] == "listening"
    assert body["muted"] is False
    assert body["latency_ms"]["arrival_to_first_audio"]["p95"] == 1400.0


@pytest.mark.parametrize("action", ["mute", "unmute", "skip", "reset"])
def test_each_command_sends_one_control_event(client: TestClient, fake: FakeController, action: str) -> None:
    response = client.post(f"/api/{action}")
    assert response.status_code == 200
    assert response.json() == {"ok": True, "action": action, "refused": "", "rule": ""}
    assert [(e.action, e.origin, e.text) for e in fake.sent] == [(action, "api", "")]


def test_mute_shows_up_in_status(client: TestClient) -> None:
    client.post("/api/mute")
    assert client.get("/api/status").json()["muted"] is True
    client.post("/api/unmute")
    assert client.get("/api/status").json()["muted"] is False


def test_say_carries_the_text(client: TestClient, fake: FakeController) -> None:
    response = client.post("/api/say", json={"text": "大家好，欢迎来到直播间！"})
    assert response.json() == {"ok": True, "action": "say", "refused": "", "rule": ""}
    assert fake.sent[0].action == "say"
    assert fake.sent[0].text == "大家好，欢迎来到直播间！"


def test_say_text_loses_control_characters_and_line_breaks(client: TestClient, fake: FakeController) -> None:
    """NUL, ESC (a terminal colour), BEL and line breaks would reach OBS, the overlay and the exit
    summary, where a newline forges a log line."""
    text = "大家好\x00\x1b[31m\x07\r\nINFO agent.control: muted by the streamer\u202e"
    assert client.post("/api/say", json={"text": text}).json()["ok"] is True
    said = fake.sent[0].text
    assert not any(c in said for c in "\x00\x1b\x07\r\n\u202e")
    assert said.startswith("大家好") and said.endswith("INFO agent.control: muted by the streamer")
    # Nothing visible left: a valid request that says nothing, and the answer says why.
    empty = client.post("/api/say", json={"text": "\x00\x07\n"})
    assert empty.status_code == 200
    assert empty.json() == {"ok": False, "action": "say", "refused": "empty", "rule": ""}
    assert len(fake.sent) == 1
    assert client.post("/api/say", json={"text": " \n "}).status_code == 422  # blank: refused by the schema


def test_say_refuses_text_that_would_be_filtered_and_says_why(
    client: TestClient, fake: FakeController
) -> None:
    response = client.post("/api/say", json={"text": "你个傻逼"})
    assert response.status_code == 200
    assert response.json() == {"ok": False, "action": "say", "refused": "banned_word", "rule": "傻逼"}
    assert not fake.sent  # nothing reached the bus


@pytest.mark.parametrize(
    "body",
    [{}, {"text": ""}, {"text": "   \n"}, {"text": "x" * 501}, {"text": 42}, {"words": "hi"}, None, [1, 2]],
)
def test_say_rejects_bad_bodies(client: TestClient, fake: FakeController, body: Any) -> None:
    response = client.post("/api/say", json=body)
    assert response.status_code == 422
    assert fake.sent == []


def test_say_rejects_non_json(client: TestClient, fake: FakeController) -> None:
    response = client.post("/api/say", content=b"{not json", headers={"content-type": "application/json"})
    assert response.status_code == 422
    response = client.post("/api/say", content=b"text=hi", headers={"content-type": "text/plain"})
    assert response.status_code == 422
    response = client.post("/api/say", content=b"\xff\xfe", headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert fake.sent == []


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_say_with_a_number_json_cannot_carry_is_a_safe_422(
    client: TestClient, fake: FakeController, number: str
) -> None:
    response = client.post(
        "/api/say", content=f'{{"text": {number}}}'.encode(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert [(e["loc"], e["type"]) for e in detail] == [(["body", "text"], "string_type")]
    assert "input" not in detail[0]  # the caller's value is never echoed
    assert "Traceback" not in response.text
    assert fake.sent == []


def test_say_accepts_exactly_500_chars(client: TestClient, fake: FakeController) -> None:
    assert client.post("/api/say", json={"text": "好" * 500}).status_code == 200
    assert len(fake.sent[0].text) == 500


def test_openapi_lists_every_route_and_no_page_loads_a_cdn(client: TestClient) -> None:
    # FastAPI's /docs and /redoc pull Swagger UI from a CDN onto the API's origin: not served.
    assert client.get("/docs").status_code == 404
    assert client.get("/redoc").status_code == 404
    paths = client.get("/openapi.json").json()["paths"]
    for route in ("status", "mute", "unmute", "skip", "reset", "say", "overlay-config"):
        assert f"/api/{route}" in paths
    assert "/metrics" in paths


def test_overlay_page_and_settings_are_served(client: TestClient) -> None:
    page = client.get("/overlay")
    assert page.status_code == 200
    assert "<title>Cohost overlay</title>" in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    script = client.get("/overlay/overlay.js")
    assert script.status_code == 200
    assert "textContent" in script.text
    assert "innerHTML" not in script.text
    assert client.get("/overlay/overlay.css").status_code == 200
    assert client.get("/api/overlay-config").json() == {
        "max_lines": 4,
        "fade_after_s": 15.0,
        "font_size_px": 32,
        "chat_lines": 20,
        "chat_line_rows": 3,
        "persona_name": "小助手",
        "avatar": "",
        "lang": "zh",
        "subtitle_s": 6.0,
    }


def test_overlay_can_be_switched_off(fake: FakeController) -> None:
    app = create_app(fake, ControlConfig(), OverlayConfig(enabled=False))
    with TestClient(app, base_url=BASE) as c:
        assert c.get("/overlay").status_code == 404
        assert c.get("/api/overlay-config").status_code == 404
        assert c.post("/api/skip").status_code == 200


def test_overlay_path_without_index_is_a_config_error(fake: FakeController, tmp_path: Any) -> None:
    with pytest.raises(ConfigError, match=r"overlay\.path"):
        create_app(fake, ControlConfig(), OverlayConfig(path=str(tmp_path)))


# --- auth, hosts, origins, limits ---------------------------------------------


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::", "cohost.lan"])
def test_exposed_host_without_token_refuses_to_start(fake: FakeController, host: str) -> None:
    with pytest.raises(ConfigError) as info:
        create_app(fake, ControlConfig(host=host), OverlayConfig())
    assert len(info.value.lines) == 1
    assert "control.token" in info.value.lines[0]
    with pytest.raises(ConfigError):
        ControlServer(fake, ControlConfig(host=host), OverlayConfig())


def test_loopback_names() -> None:
    assert all(is_loopback(h) for h in ("127.0.0.1", "127.3.4.5", "::1", "[::1]", "localhost", "LOCALHOST"))
    assert not any(
        is_loopback(h) for h in ("0.0.0.0", "::", "10.0.0.1", "example.com", "", "127.0.0.1.nip.io")
    )


def test_exposed_host_requires_the_token_everywhere(fake: FakeController) -> None:
    with make_client(fake, base_url="http://192.168.1.20:8765", host="0.0.0.0", token=SecretStr(TOKEN)) as c:
        for method, path in [
            ("GET", "/api/status"),
            ("POST", "/api/mute"),
            ("POST", "/api/say"),
            ("GET", "/metrics"),
            ("GET", "/api/overlay-config"),
        ]:
            response = c.request(method, path)
            assert response.status_code == 401, path
            assert response.headers["www-authenticate"] == "Bearer"
        # The shipped page and files hold nothing secret; what they show comes over /ws/events.
        assert c.get("/overlay").status_code == 200
        assert c.get("/overlay/overlay.js").status_code == 200
        assert c.post("/api/mute", headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert c.post("/api/mute", headers={"Authorization": f"Basic {TOKEN}"}).status_code == 401
        assert fake.sent == []
        ok = c.post("/api/mute", headers={"Authorization": f"Bearer {TOKEN}"})
        assert ok.json() == {"ok": True, "action": "mute", "refused": "", "rule": ""}
        assert c.get(f"/api/status?token={TOKEN}").status_code == 200
        with (
            pytest.raises(WebSocketDenialResponse) as denied,
            c.websocket_connect("/ws/events", headers=HOST),
        ):
            pass
        assert denied.value.status_code == 401
        with c.websocket_connect(f"/ws/events?token={TOKEN}", headers=HOST) as ws:
            assert "type" in ws.receive_json()  # let in: the feed starts (its shape: test_overlay.py)


def test_token_on_loopback_is_required_too(fake: FakeController) -> None:
    with make_client(fake, token=SecretStr(TOKEN)) as c:
        assert c.post("/api/skip").status_code == 401
        assert c.post("/api/skip", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200


def test_the_overlays_files_need_no_token_and_no_cookie_carries_it(fake: FakeController) -> None:
    """The page and its files are shipped, public and never rate-limited; the data needs the token,
    which the page's own script passes on. A cookie for 127.0.0.1 would reach every local server
    (cookies ignore ports), so none is set."""
    with make_client(fake, token=SecretStr(TOKEN)) as c:
        page = c.get(f"/overlay?token={TOKEN}")
        assert page.status_code == 200 and "set-cookie" not in page.headers
        for _ in range(100):  # far past the burst: static files are not limited
            assert c.get("/overlay/overlay.js").status_code == 200
        assert c.get("/api/overlay-config").status_code == 401
        c.cookies.set("cohost_token", TOKEN)
        assert c.get("/api/status").status_code == 401  # a cookie is no way in
        assert c.get("/api/status", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200


def test_what_another_sites_page_sends_without_an_origin_is_refused_before_the_limit(
    fake: FakeController,
) -> None:
    """An <img> or no-cors fetch from another site (or another port of this PC) carries no Origin
    but says Sec-Fetch-Site: refused with 403, and spends nothing of the real clients' budget."""
    with make_client(fake, clock=lambda: 0.0, rate_per_s=1, burst=10) as c:  # time stands still
        image = {**HOST, "sec-fetch-mode": "no-cors", "sec-fetch-dest": "image"}
        for site in ("cross-site", "same-site"):
            for _ in range(100):
                assert c.get("/api/status", headers={**image, "sec-fetch-site": site}).status_code == 403
        own = {**HOST, "sec-fetch-site": "same-origin"}
        assert all(c.get("/api/status", headers=own).status_code == 200 for _ in range(10))
        assert c.get("/api/status", headers=own).status_code == 429  # the burst was all theirs
        link = {**HOST, "sec-fetch-site": "cross-site", "sec-fetch-mode": "navigate"}
        link["sec-fetch-dest"] = "document"
        assert c.get("/overlay", headers=link).status_code == 200  # the streamer followed a link


def test_foreign_host_header_is_refused_on_loopback(client: TestClient, fake: FakeController) -> None:
    # DNS rebinding: evil.example resolving to 127.0.0.1 still says so in Host.
    response = client.post("/api/mute", headers={"host": "evil.example:8765"})
    assert response.status_code == 403
    assert client.post("/api/mute", headers={"host": "localhost:8765"}).status_code == 200
    assert [e.action for e in fake.sent] == ["mute"]


def test_other_sites_cannot_drive_the_api_from_a_browser(client: TestClient, fake: FakeController) -> None:
    assert client.post("/api/mute", headers={"origin": "https://evil.example"}).status_code == 403
    assert client.post("/api/mute", headers={"origin": "null"}).status_code == 403
    assert client.post("/api/mute", headers={"origin": BASE}).status_code == 200
    evil = {**HOST, "origin": "https://evil.example"}
    with (
        pytest.raises(WebSocketDenialResponse) as denied,
        client.websocket_connect("/ws/events", headers=evil),
    ):
        pass
    assert denied.value.status_code == 403
    assert [e.action for e in fake.sent] == ["mute"]


def test_allowed_origin_gets_cors(fake: FakeController) -> None:
    with make_client(fake, allowed_origins=["http://localhost:3000"]) as c:
        preflight = c.options(
            "/api/say",
            headers={
                "origin": "http://localhost:3000",
                "access-control-request-method": "POST",
                "access-control-request-headers": "content-type",
            },
        )
        assert preflight.status_code == 200
        assert preflight.headers["access-control-allow-origin"] == "http://localhost:3000"
        response = c.post("/api/say", json={"text": "hi"}, headers={"origin": "http://localhost:3000"})
        assert response.status_code == 200


def test_no_cors_by_default(client: TestClient) -> None:
    response = client.get("/api/status", headers={"origin": BASE})
    assert "access-control-allow-origin" not in response.headers


def test_rate_limit_answers_429_then_recovers(fake: FakeController) -> None:
    now = [1000.0]
    with make_client(fake, clock=lambda: now[0], rate_per_s=2, burst=3) as c:
        codes = [c.post("/api/say", json={"text": "hi"}).status_code for _ in range(5)]
        assert codes == [200, 200, 200, 429, 429]
        limited = c.get("/api/status")
        assert limited.status_code == 429
        assert int(limited.headers["retry-after"]) >= 1
        now[0] += 0.5  # one token back at 2 per second
        assert c.get("/api/status").status_code == 200
        assert c.get("/api/status").status_code == 429
        metrics = c.get("/metrics")  # limited as well: nothing but the stop buttons is free
        assert metrics.status_code == 429
        now[0] += 10
        text = c.get("/metrics").text
    assert 'cohost_control_rejected_total{status="429"} 5' in text
    assert len(fake.sent) == 3


def test_mute_skip_and_reset_are_never_rate_limited(fake: FakeController) -> None:
    with make_client(fake, clock=lambda: 0.0, rate_per_s=1, burst=1) as c:
        assert c.get("/api/status").status_code == 200
        assert c.get("/api/status").status_code == 429  # the budget is spent
        actions = ["mute", "skip", "reset", "unmute"] * 10
        assert {c.post(f"/api/{a}").status_code for a in actions} == {200}
    assert [e.action for e in fake.sent] == actions


def test_refused_requests_do_not_spend_the_budget_of_the_real_caller(fake: FakeController) -> None:
    # A web page firing cross-origin requests, and a caller with the wrong token, are refused
    # before the rate limit: the OBS script (right token, no Origin) keeps its whole burst.
    ok = {"Authorization": f"Bearer {TOKEN}"}
    with make_client(fake, clock=lambda: 0.0, rate_per_s=1, burst=5, token=SecretStr(TOKEN)) as c:
        for _ in range(50):
            assert (
                c.post(
                    "/api/say", json={"text": "x"}, headers={**ok, "origin": "https://evil.example"}
                ).status_code
                == 403
            )
            assert (
                c.post("/api/say", json={"text": "x"}, headers={"Authorization": "Bearer nope"}).status_code
                == 401
            )
        codes = [c.post("/api/say", json={"text": "hi"}, headers=ok).status_code for _ in range(6)]
    assert codes == [200] * 5 + [429]


def test_rate_limit_without_a_token_is_per_address() -> None:
    buckets = Buckets(rate=1.0, burst=2)
    assert [buckets.take("a", 0.0) for _ in range(3)] == [0.0, 0.0, 1.0]
    assert buckets.take("b", 0.0) == 0.0
    assert buckets.take("a", 1.0) == 0.0
    assert buckets.take("a", 1.0) > 0


def test_token_bucket_refills_at_its_rate_up_to_its_burst() -> None:
    bucket = TokenBucket(rate=2.0, burst=3)
    assert [bucket.take(0.0) for _ in range(4)] == [0.0, 0.0, 0.0, 0.5]
    assert bucket.take(0.25) == 0.25  # half a token back: not enough, nothing spent
    assert bucket.take(0.5) == 0.0
    assert [bucket.take(100.0) for _ in range(4)] == [0.0, 0.0, 0.0, 0.5]  # never more than burst


def test_rate_limiter_forgets_idle_callers_under_a_flood() -> None:
    buckets = Buckets(rate=1.0, burst=1, max_keys=100)
    for i in range(1000):
        buckets.take(f"10.0.{i // 256}.{i % 256}", 0.0)
    assert len(buckets) == 100


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


# --- /metrics ------------------------------------------------------------------

_SAMPLE = re.compile(
    r'^(?P<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?P<labels>[a-zA-Z_][a-zA-Z0-9_]*="(\\.|[^"\\])*"'
    r'(,[a-zA-Z_][a-zA-Z0-9_]*="(\\.|[^"\\])*")*)\})? (?P<value>[-+]?(\d+(\.\d*)?([eE][-+]?\d+)?|NaN|Inf))$'
)


def parse_prometheus(text: str) -> dict[str, list[tuple[str, float]]]:
    """A strict reading of the text exposition format: every line must be HELP, TYPE or a sample."""
    assert text.endswith("\n")
    families: dict[str, list[tuple[str, float]]] = {}
    types: dict[str, str] = {}
    for line in text.splitlines():
        if line.startswith("# HELP "):
            continue
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ")
            assert kind in ("counter", "gauge"), line
            assert name not in types, f"family {name} declared twice"
            types[name] = kind
            continue
        match = _SAMPLE.match(line)
        assert match, f"not a Prometheus sample line: {line!r}"
        name = match["name"]
        assert name in types, f"sample before its TYPE: {line!r}"
        if types[name] == "counter":
            assert name.endswith("_total")
        families.setdefault(name, []).append((match["labels"] or "", float(match["value"])))
    return families


def test_metrics_is_prometheus_text(client: TestClient) -> None:
    client.post("/api/mute")
    client.post("/api/say", json={"text": "hi"})
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    families = parse_prometheus(response.text)
    published = dict(families["cohost_events_published_total"])
    assert published['type="control"'] == 2
    assert published['type="reply_sentence"'] == 1
    assert dict(families["cohost_control_requests_total"]) == {'action="mute"': 1, 'action="say"': 1}
    assert families["cohost_muted"] == [("", 1.0)]
    assert ('metric="arrival_to_first_audio",stat="p95"', 1400.0) in families["cohost_latency_ms"]
    assert families["cohost_replies_total"] == [("", 3.0)]
    # A label value with a quote, a backslash and a newline stays one valid line.
    assert 'type="we\\"ird\\\\name\\n"' in dict(families["cohost_events_dropped_total"])


def test_metrics_render_survives_odd_values() -> None:
    text = render(
        {"9bad name": {"a": float("nan"), "b": float("inf"), "c": "not a number"}, "flat": 3},  # type: ignore[dict-item]
        {"state": None, "muted": "yes", "queues": [1, 2], "latency_ms": {"x": 5}},
    )
    families = parse_prometheus(text)
    assert "cohost__9bad_name_total" in families
    assert len(families["cohost__9bad_name_total"]) == 2


# --- schema-driven: every route against its OpenAPI description ----------------

_schema_app = create_app(
    FakeController(),
    ControlConfig(token=SecretStr(TOKEN), rate_per_s=0),
    OverlayConfig(),
)
schema = schemathesis.openapi.from_asgi(
    "/openapi.json", _schema_app, headers={"host": "127.0.0.1:8765", "authorization": f"Bearer {TOKEN}"}
)


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_route_matches_its_schema(case: schemathesis.Case) -> None:
    case.call_and_validate(base_url=BASE, headers={"Authorization": f"Bearer {TOKEN}"})


# --- the server stage ------------------------------------------------------------


def test_busy_port_is_a_one_line_error_naming_control_port() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(ControlServerError) as info:
            bind_socket("127.0.0.1", port)
    assert len(info.value.lines) == 1
    assert f"control.port = {port}" in info.value.lines[0]


async def test_server_serves_and_stops_on_cancel(fake: FakeController) -> None:
    import httpx

    listening = asyncio.Event()
    server = ControlServer(
        fake, ControlConfig(port=0), OverlayConfig(), on_listening=lambda host, port: listening.set()
    )
    ctrl_c = signal.getsignal(signal.SIGINT)
    task = asyncio.create_task(server.run())
    await asyncio.wait_for(listening.wait(), 5)
    url = f"http://127.0.0.1:{server.port}"
    async with httpx.AsyncClient(base_url=url) as http:
        skipped = (await http.post("/api/skip")).json()
    assert skipped == {"ok": True, "action": "skip", "refused": "", "rule": ""}
    # uvicorn would have installed its own handler; Ctrl-C must stay the runtime's.
    assert signal.getsignal(signal.SIGINT) is ctrl_c
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(task, 5)
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", server.port or 0)) != 0  # the port is free again
    assert [e.action for e in fake.sent] == ["skip"]


async def test_refused_overlay_websocket_is_one_warning_not_an_error(
    fake: FakeController, caplog: pytest.LogCaptureFixture
) -> None:
    import websockets
    from websockets.exceptions import InvalidStatus

    listening = asyncio.Event()
    server = ControlServer(
        fake, ControlConfig(port=0), OverlayConfig(), on_listening=lambda host, port: listening.set()
    )
    task = asyncio.create_task(server.run())
    await asyncio.wait_for(listening.wait(), 5)
    url = f"ws://127.0.0.1:{server.port}/ws/events"
    with caplog.at_level(logging.DEBUG):
        for _ in range(2):  # an overlay page retries: the same refusal is logged once
            with pytest.raises(InvalidStatus) as refused:
                async with websockets.connect(url, additional_headers={"Origin": "https://evil.example"}):
                    pass
            assert refused.value.response.status_code == 403
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await asyncio.wait_for(task, 5)
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert [r.getMessage() for r in warnings] == [
        "overlay websocket refused (403): Origin 'https://evil.example' not allowed: "
        "add it to control.allowed_origins"
    ]
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []


def test_token_bucket_can_start_empty_and_earn_its_budget() -> None:
    # The brain's sentiment-model budget: nothing at stream start, `rate` per second after.
    bucket = TokenBucket(rate=2.0, burst=2, empty_at=0.0)
    assert bucket.take(0.0) == 0.5
    assert bucket.take(0.5) == 0.0
    assert [bucket.take(10.0) for _ in range(3)] == [0.0, 0.0, 0.5]


# --- never raises: any header a client sends ------------------------------------------------

_header_text = st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF), max_size=40)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    st.dictionaries(
        st.sampled_from(["host", "origin", "authorization", "cookie", "sec-fetch-site", "sec-fetch-dest"]),
        _header_text,
        max_size=7,
    ),
    st.sampled_from(["/api/status", "/api/mute", "/overlay", "/overlay/overlay.js", "/metrics"]),
    st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), max_size=30),
)
def test_any_headers_and_query_never_make_a_500(headers: dict[str, str], path: str, query: str) -> None:
    """The Guard reads Host, Origin, Authorization and Sec-Fetch-* of every request: whatever a
    client puts there is answered with a status, never an exception."""
    fake = FakeController()
    with make_client(fake, token=SecretStr(TOKEN), rate_per_s=5, burst=5) as c:
        method = "POST" if path == "/api/mute" else "GET"
        raw = {name: value.encode("latin-1") for name, value in headers.items()}  # bytes, as on the wire
        response = c.request(method, f"{path}?{query}", headers=raw)
    assert response.status_code in (200, 401, 403, 404, 405, 429)
