"""The real overlay page fed by the real agent, in Chromium: no hostile name and no order ever
appears (issue 16 items 5-6).

A chat bridge sends, over the jsonws listener, a danmaku and a gift from every hostile name
of the held-out set (tests/data/trust_heldout.tsv), a super chat carrying orders and
danmaku that are orders; then a harmless viewer's line. Once that last line shows, the
page's text (chat lines, super chat pins, the reply bubble) is read whole.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from websockets.sync.client import connect

from agent.brain.names import ANONYMOUS
from agent.config import (
    AudioConfig,
    Config,
    ControlConfig,
    JsonWsSource,
    LlmConfig,
    OverlayConfig,
    SourcesConfig,
    TtsConfig,
)
from agent.events import Danmaku, Event, Gift, SuperChat, to_dict
from tests.obs_harness import free_port
from tests.support.agent_thread import running
from tests.support.browser import chromium, needs_chromium
from tests.support.trust import HELDOUT, leaks, load

pytestmark = [pytest.mark.slow, needs_chromium]

ROWS = load(HELDOUT)
HOSTILE = [r.text for r in ROWS if r.kind == "hostile_name"]
ORDERS = [r.text for r in ROWS if r.kind == "injection" and r.family not in ("split", "super_chat")][:12]
PAID_ORDER = next(r.text for r in ROWS if r.family == "super_chat")
LAST = "大家晚安我先走了"
TEXTS = "[...document.querySelectorAll('%s')].map(e => e.textContent)"


@pytest.fixture
def overlay(tmp_path: Path) -> Iterator[tuple[str, str]]:
    control_port, bridge_port = free_port(), free_port()
    cfg = Config(
        sources=SourcesConfig(enabled=["jsonws"], jsonws=JsonWsSource(listen_port=bridge_port)),
        control=ControlConfig(port=control_port),
        overlay=OverlayConfig(fade_after_s=0, subtitle_s=0),
        llm=LlmConfig(engine="template"),
        tts=TtsConfig(engine="none"),
        audio=AudioConfig(output_device="none", output_dir=str(tmp_path / "audio")),
    )
    with running(cfg, tmp_path, speed=4.0):
        yield f"http://127.0.0.1:{control_port}/overlay?lines=200", f"ws://127.0.0.1:{bridge_port}"


def send(bridge: str, events: list[Event]) -> None:
    with connect(bridge) as ws:
        for event in events:
            ws.send(json.dumps(to_dict(event), ensure_ascii=False))


def hostile_room() -> list[Event]:
    events: list[Event] = []
    for i, name in enumerate(HOSTILE):
        events.append(Danmaku(text=f"第{i}次来看直播", uname=name, uid=f"h{i}", msg_id=f"h{i}"))
        events.append(Gift(gift_name="小心心", count=1, uname=name, uid=f"h{i}", msg_id=f"g{i}"))
    events.append(SuperChat(text=PAID_ORDER, uname=HOSTILE[0], uid="h0", price=30.0, msg_id="sc"))
    events += [Danmaku(text=o, uname="小明同学", uid=f"o{i}", msg_id=f"o{i}") for i, o in enumerate(ORDERS)]
    events.append(Danmaku(text=LAST, uname="小明同学", uid="last", msg_id="last"))
    return events


def test_no_hostile_name_or_order_ever_shows(overlay: tuple[str, str], tmp_path: Path) -> None:
    url, bridge = overlay
    with chromium(tmp_path / "chromium-profile") as browser:
        page: Any = browser.new_page()
        page.goto(url)
        page.wait_for_function("() => document.body.dataset.connected === '1'", timeout=60_000)
        send(bridge, hostile_room())
        page.wait_for_function(
            "last => [...document.querySelectorAll('#chat li .text')].some(e => e.textContent === last)",
            arg=LAST,
            timeout=60_000,
        )
        shown = page.evaluate("() => document.body.innerText")
        names = page.evaluate(f"() => {TEXTS % '#chat .name, #pins .name'}")
        pinned = page.evaluate(f"() => {TEXTS % '#pins .sc-text'}")
    assert ANONYMOUS in names and "小明同学" in names  # the lines are there, under a safe name
    assert [name for name in HOSTILE if leaks(name, shown)] == []
    assert [order for order in ORDERS if order in shown] == []
    assert PAID_ORDER not in shown and all(text == "" for text in pinned)
