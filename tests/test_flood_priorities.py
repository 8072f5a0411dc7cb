"""Paid events survive a danmaku flood, end to end: a bridge floods the real agent through the
jsonws listener and every super chat reaches a real overlay page (Chromium), while danmaku are
the ones dropped and /metrics counts the drops by type."""

from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from websockets.sync.client import connect

from agent.config import (
    AudioConfig,
    BusConfig,
    Config,
    ControlConfig,
    JsonWsSource,
    OverlayConfig,
    SourcesConfig,
    TtsConfig,
)
from agent.config_speech import AsrConfig
from tests.obs_harness import free_port
from tests.support.agent_thread import running
from tests.support.browser import chromium, needs_chromium

pytestmark = [pytest.mark.slow, needs_chromium]

# About 2,000 messages a second for six seconds, a super chat in every fourth batch; a third of
# the danmaku are questions (the meaning model's work) and every one is new (the sentiment model's).
BATCHES = 120
PER_BATCH = 100
BATCH_EVERY_S = 0.05


# Every overlay message the page's own socket receives, recorded before the page's script runs.
RECORD_SOCKET = """
window.__superChats = new Set();
const NativeWebSocket = window.WebSocket;
window.WebSocket = class extends NativeWebSocket {
  constructor(...args) {
    super(...args);
    this.addEventListener("message", (e) => {
      try {
        const m = JSON.parse(e.data);
        if (m.type === "super_chat") window.__superChats.add(m.msg_id);
      } catch (_) {}
    });
  }
};
"""


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Any]:
    with chromium(tmp_path / "chromium-profile") as context:
        yield context


def flood(bridge: str) -> list[str]:
    """Sends the flood as a bridge would; returns the super chats' ids."""
    paid: list[str] = []
    with connect(bridge, max_size=None) as ws:
        started = time.monotonic()
        for b in range(BATCHES):
            items: list[dict[str, Any]] = [
                {
                    "type": "danmaku",
                    "msg_id": f"d{b}-{i}",
                    "uid": str(b * PER_BATCH + i),
                    "uname": f"v{i}",
                    "text": f"主播这是第{b}关第{i}个吗？" if i % 3 == 0 else f"刷屏{b}号{i}",
                }
                for i in range(PER_BATCH)
            ]
            if b % 4 == 0:
                paid.append(f"sc{b}")
                sc = {"type": "super_chat", "msg_id": f"sc{b}", "uid": f"p{b}", "uname": f"老板{b}"}
                items.insert(PER_BATCH // 2, {**sc, "text": f"加油{b}", "price": 30})
            ws.send(json.dumps(items, ensure_ascii=False))
            time.sleep(max(0.0, started + (b + 1) * BATCH_EVERY_S - time.monotonic()))
    return paid


def test_every_super_chat_of_a_flood_reaches_the_overlay(browser: Any, tmp_path: Path) -> None:
    control_port, bridge_port = free_port(), free_port()
    cfg = Config(
        sources=SourcesConfig(
            enabled=["jsonws"], jsonws=JsonWsSource(listen_port=bridge_port, max_message_bytes=4 << 20)
        ),
        control=ControlConfig(port=control_port),
        overlay=OverlayConfig(fade_after_s=0, subtitle_s=0),
        asr=AsrConfig(engine="none"),
        tts=TtsConfig(engine="none"),
        audio=AudioConfig(output_device="none", output_dir=str(tmp_path / "audio")),
        # A brain queue far smaller than one batch: the flood overflows it however fast the
        # machine is, so drops happen on every run and the test sees which kind they fell on.
        bus=BusConfig(queue_size=8),
    )
    with running(cfg, tmp_path) as agent:
        for _ in range(600):  # the brain's models are in: the flood costs what it costs live
            if agent.ready.is_set():
                break
            time.sleep(0.1)
        page = browser.new_page()
        page.add_init_script(RECORD_SOCKET)
        page.goto(f"http://127.0.0.1:{control_port}/overlay")
        page.wait_for_function("() => document.body.dataset.connected === '1'", timeout=60_000)
        paid = flood(f"ws://127.0.0.1:{bridge_port}")
        page.wait_for_function(f"() => window.__superChats.size >= {len(paid)}", timeout=180_000)
        seen = set(page.evaluate("() => [...window.__superChats]"))
        with urllib.request.urlopen(f"http://127.0.0.1:{control_port}/metrics", timeout=30) as r:
            metrics = r.read().decode()
    assert seen == set(paid)
    drops = [line for line in metrics.splitlines() if line.startswith("cohost_") and "dropped" in line]
    # A real flood: danmaku were dropped somewhere on the way, and no paid event or its verdict was.
    assert any('type="danmaku"' in line or 'type="admitted:danmaku"' in line for line in drops), drops
    assert not any("super_chat" in line for line in drops), drops
