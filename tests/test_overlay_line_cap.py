"""A copypasta in the overlay's chat takes at most a few rows, then "…" (not 12 rows of one
message): measured in the real page in Debian's Chromium, fed by the real control server.
The cap is `[overlay] chat_line_rows` (default 3) and the URL's `?rows=`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from agent.config import OverlayConfig
from agent.events import Danmaku
from tests.support.browser import ServerThread, needs_chromium, serve, vetted
from tests.support.browser import browser as browser  # the fixture

pytestmark = [pytest.mark.slow, needs_chromium]

COPYPASTA = "主播太强了" * 116  # 580 characters
ROWS = """() => {
  const li = document.querySelector('#chat li:last-child');
  const style = getComputedStyle(li);
  const rowHeight = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.2;
  return { rows: li.clientHeight / rowHeight, cut: li.scrollHeight > li.clientHeight + 1 };
}"""


@pytest.fixture
def agent() -> Iterator[ServerThread]:
    with serve(overlay=OverlayConfig(chat_line_rows=2)) as server:
        yield server


def shown(browser: Any, agent: ServerThread, query: str, text: str) -> dict[str, float]:
    page = browser.new_page()
    page.goto(f"{agent.base}/overlay{query}")
    page.wait_for_function("() => document.body.dataset.connected === '1'")
    agent.publish(*vetted(Danmaku(uname="复制粘贴", uid="1", text=text)))
    page.wait_for_function(
        "t => document.querySelector('#chat li:last-child .text')?.textContent === t", arg=text
    )
    return dict(page.evaluate(ROWS))


def test_a_long_chat_line_is_capped_at_the_configured_rows(browser: Any, agent: ServerThread) -> None:
    capped = shown(browser, agent, "?panels=chat&position=left&font=32", COPYPASTA)
    assert capped["cut"]  # the rest is hidden behind the ellipsis, the full text stays in the DOM
    assert capped["rows"] <= 2 + 0.6  # chat_line_rows = 2 (plus the line's padding)


def test_the_url_sets_its_own_cap(browser: Any, agent: ServerThread) -> None:
    capped = shown(browser, agent, "?panels=chat&position=left&font=32&rows=5", COPYPASTA)
    assert capped["cut"] and 4 < capped["rows"] <= 5 + 0.6


def test_a_short_line_is_not_cut(browser: Any, agent: ServerThread) -> None:
    short = shown(browser, agent, "?panels=chat&position=left&font=32", "主播晚上好")
    assert not short["cut"] and short["rows"] < 1.6
