"""The control API against a fake runtime: its routes (status, commands, say, the overlay's files),
each against its OpenAPI schema, and any header a client sends. Access, the feed, /metrics and the
server stage have their own files (tests/test_control_*.py)."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import SecretStr

from agent.config import ConfigError, ControlConfig, OverlayConfig
from agent.control.api import create_app
from tests.support.control_api import BASE, TOKEN, FakeController, make_client
from tests.support.control_api import client as client  # the fixture
from tests.support.control_api import fake as fake  # the fixture

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
