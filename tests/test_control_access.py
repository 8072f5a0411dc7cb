"""The control API's doors: the token, loopback and Host names, browsers' origins and CORS, and the
rate limits (against a fake runtime)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from starlette.testclient import WebSocketDenialResponse

from agent.config import ConfigError, ControlConfig, OverlayConfig
from agent.control.api import create_app
from agent.control.guard import is_loopback
from agent.control.server import ControlServer
from agent.shared.ratelimit import Buckets, TokenBucket
from tests.support.control_api import BASE, HOST, TOKEN, FakeController, make_client
from tests.support.control_api import client as client  # the fixture
from tests.support.control_api import fake as fake  # the fixture

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


def test_token_bucket_can_start_empty_and_earn_its_budget() -> None:
    # The brain's sentiment-model budget: nothing at stream start, `rate` per second after.
    bucket = TokenBucket(rate=2.0, burst=2, empty_at=0.0)
    assert bucket.take(0.0) == 0.5
    assert bucket.take(0.5) == 0.0
    assert [bucket.take(10.0) for _ in range(3)] == [0.0, 0.0, 0.5]
