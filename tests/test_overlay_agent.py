"""The overlay fed by the real agent: a jsonws bridge -> sources -> brain -> reply -> overlay page.

The whole runtime runs (template replies, no TTS engine: the reply pipeline's
silent audio still times each sentence), chat goes in through a ``jsonws``
listen-mode source exactly as a bridge sends it, and the page in Chromium shows
what the agent did. Waits are for DOM conditions only.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from websockets.sync.client import connect

from agent.app.assemble import build_pipeline
from agent.clock import Clock
from agent.config import (
    AudioConfig,
    Config,
    ControlConfig,
    JsonWsSource,
    OverlayConfig,
    SourcesConfig,
    TtsConfig,
)
from agent.events import Danmaku, Event, Transcript, to_dict
from agent.sources.factory import build_live_sources
from tests.obs_harness import free_port
from tests.support.browser import chromium, needs_chromium

pytestmark = [pytest.mark.slow, needs_chromium]


@dataclass
class RunningAgent:
    overlay: str
    bridge: str

    def send(self, *events: Event) -> None:
        """What a chat bridge does: one JSON object per websocket message, --record's shape."""
        with connect(self.bridge) as ws:
            for event in events:
                ws.send(json.dumps(to_dict(event), ensure_ascii=False))


@pytest.fixture
def running_agent(tmp_path: Path) -> Iterator[RunningAgent]:
    control_port, bridge_port = free_port(), free_port()
    cfg = Config(
        sources=SourcesConfig(
            enabled=["jsonws"], jsonws=JsonWsSource(listen_port=bridge_port, allow_voice=True)
        ),
        control=ControlConfig(port=control_port),
        # Replies and subtitles stay until replaced: no check races their timers.
        overlay=OverlayConfig(fade_after_s=0, subtitle_s=0),
        tts=TtsConfig(engine="none"),
        audio=AudioConfig(output_device="none", output_dir=str(tmp_path / "audio")),
    )
    loop = asyncio.new_event_loop()
    stop = asyncio.Event()

    async def main() -> None:
        sources = build_live_sources(cfg.sources)
        pipeline = await build_pipeline(cfg, Clock(speed=4.0), sources, out_dir=tmp_path)
        await pipeline.run(stop)

    thread = threading.Thread(target=lambda: loop.run_until_complete(main()), daemon=True)
    thread.start()
    try:
        yield RunningAgent(f"http://127.0.0.1:{control_port}/overlay", f"ws://127.0.0.1:{bridge_port}")
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(30)
        loop.close()


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Any]:
    with chromium(tmp_path / "chromium-profile") as context:
        yield context


def open_when_up(browser: Any, url: str) -> Any:
    """The agent starts in the background: the page itself retries until it is up."""
    page = browser.new_page()
    for _ in range(100):
        try:
            page.goto(url)
            break
        except Exception:
            page.wait_for_timeout(200)
    page.wait_for_function("() => document.body.dataset.connected === '1'", timeout=60_000)
    return page


def test_a_question_from_a_bridge_becomes_a_reply_bubble_and_subtitles(
    browser: Any, running_agent: RunningAgent
) -> None:
    page = open_when_up(browser, running_agent.overlay)
    running_agent.send(
        Danmaku(uname="小明", uid="42", text="主播这是什么游戏？", medal_name="粉丝团", medal_level=9),
        Transcript(text="大家好，今天玩个新游戏"),
    )
    page.wait_for_function(
        "() => document.getElementById('subtitle').textContent === '大家好，今天玩个新游戏'"
    )
    # The brain answers the question; the bubble shows the reply as its audio plays.
    page.wait_for_function("() => document.querySelectorAll('#lines .sentence').length >= 1", timeout=60_000)
    bubble = page.text_content("#lines li") or ""
    assert bubble.strip()
    assert page.text_content("#persona-name") == "小助手"
    page.wait_for_function("() => document.getElementById('badge').dataset.state !== 'offline'")
    # A refresh mid-stream gets the same reply back from the agent's snapshot.
    page.reload()
    page.wait_for_function("() => document.querySelectorAll('#lines .sentence').length >= 1", timeout=30_000)
    assert (page.text_content("#lines li") or "").startswith(bubble)


def test_chat_from_a_bridge_appears_once_the_brain_admits_it(
    browser: Any, running_agent: RunningAgent
) -> None:
    page = open_when_up(browser, running_agent.overlay)
    running_agent.send(
        Danmaku(uname="广告号", uid="41", text="加微信abc12345领福利"),  # the filters remove it
        Danmaku(uname="小明", uid="42", text="主播晚上好", medal_name="粉丝团", medal_level=9, guard_level=3),
    )
    page.wait_for_function("() => document.querySelectorAll('#chat li').length >= 1", timeout=10_000)
    assert page.text_content("#chat li .text") == "主播晚上好"
    assert page.text_content("#chat li .medal-name") == "粉丝团"
    assert "加微信" not in (page.text_content("#chat") or "")
