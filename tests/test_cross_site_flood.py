"""Another site's page cannot starve the control API: it fires image requests (no Origin header,
so only their Sec-Fetch-Site says where they come from) at the real agent as fast as Chromium
lets it, while the streamer's /api/say and a freshly opened overlay page still work."""

from __future__ import annotations

import contextlib
import json
import re
import threading
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from agent.config import AudioConfig, Config, ControlConfig, OverlayConfig, TtsConfig
from agent.config_speech import AsrConfig
from tests.obs_harness import free_port
from tests.support.agent_thread import running
from tests.support.browser import chromium, needs_chromium

pytestmark = [pytest.mark.slow, needs_chromium]

# Keeps a few hundred image requests in flight at all times, as long as the page is open.
FLOOD_PAGE = """<!doctype html><title>cute cats</title><script>
window.fired = 0;
function fire() {
  for (let i = 0; i < 20; i++) new Image().src = "%s?i=" + window.fired++;
}
setInterval(fire, 20);
</script>"""


@contextlib.contextmanager
def other_site(target: str) -> Iterator[str]:
    """A web page on another origin (``localhost``, not ``127.0.0.1``) that floods ``target``."""
    body = (FLOOD_PAGE % target).encode()

    class Page(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("content-type", "text/html")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://localhost:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def rejected_403(base: str) -> float:
    with urllib.request.urlopen(f"{base}/metrics", timeout=30) as r:
        text = r.read().decode()
    found = re.search(r'^cohost_control_rejected_total\{status="403"\} (\S+)$', text, re.M)
    return float(found.group(1)) if found else 0.0


def say(base: str, text: str) -> dict[str, Any]:
    request = urllib.request.Request(
        f"{base}/api/say",
        data=json.dumps({"text": text}).encode(),
        headers={"content-type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as r:
        answer: dict[str, Any] = json.loads(r.read())
    return answer


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Any]:
    with chromium(tmp_path / "chromium-profile") as context:
        yield context


def test_a_cross_site_image_flood_does_not_starve_say_or_the_overlay(browser: Any, tmp_path: Path) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    cfg = Config(
        control=ControlConfig(port=port, rate_per_s=10, burst=30),
        overlay=OverlayConfig(fade_after_s=0, subtitle_s=0),
        asr=AsrConfig(engine="none"),
        tts=TtsConfig(engine="none"),
        audio=AudioConfig(output_device="none", output_dir=str(tmp_path / "audio")),
    )
    with running(cfg, tmp_path), other_site(f"{base}/api/status") as evil_url:
        evil = browser.new_page()
        evil.goto(evil_url)
        # Far more than the whole burst has reached the API (and been refused) before we start.
        evil.wait_for_function("() => window.fired > 400", timeout=60_000)
        for _ in range(600):
            if rejected_403(base) >= 200:
                break
            evil.wait_for_timeout(100)
        assert rejected_403(base) >= 200
        answers = [say(base, f"谢谢大家第{i}次") for i in range(5)]  # an HTTPError 429 would raise
        overlay = browser.new_page()
        overlay.goto(f"{base}/overlay")
        overlay.wait_for_function("() => document.body.dataset.connected === '1'", timeout=60_000)
        still_flooding = evil.evaluate("() => window.fired")
    assert [a["ok"] for a in answers] == [True] * 5
    assert still_flooding > 400
