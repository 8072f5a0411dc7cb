"""Screenshots of each overlay layout over a checkerboard, checked for what is drawn where.

The PNGs are kept under the pytest base temp folder (``--basetemp=DIR``:
``DIR/overlay-screens*/``) for a person to look at. Each is checked: the panels
the URL asks for are drawn (text on their boxes), the others are not, and
everything outside the drawn panels stays see-through for OBS.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from agent.config import OverlayConfig
from agent.events import (
    Audio,
    Danmaku,
    Event,
    Gift,
    Guard,
    ReplySentence,
    SourceStatus,
    StateChange,
    SuperChat,
    Transcript,
)
from tests.support.browser import ServerThread, needs_chromium, screenshot_over_checkerboard, serve, vetted
from tests.support.browser import browser as browser  # the fixture

pytestmark = [pytest.mark.slow, needs_chromium]

THANKS = "谢谢老板的醒目留言！"
PANELS = {
    "status": "#status",
    "chat": "#chat",
    "superchats": "#pins",
    "reply": "#reply-panel",
    "subtitles": "#subtitle-panel",
}
LAYOUTS = {
    "default": ("", list(PANELS)),
    "chat-left": ("?panels=chat,superchats&position=left", ["chat", "superchats"]),
    "reply-bottom": ("?panels=reply,subtitles&position=bottom", ["reply", "subtitles"]),
    "status-top-en": ("?panels=status,superchats&position=top&lang=en", ["status", "superchats"]),
    "big-right": ("?panels=chat,reply&position=right&font=44&color=%23fff3b0", ["chat", "reply"]),
}


def scene() -> list[Event]:
    """A busy moment on stream: every kind of thing the overlay draws."""
    chat = [
        Danmaku(
            uname="小明", uid="1", text="主播晚上好！", medal_name="粉丝团", medal_level=12, guard_level=3
        ),
        Danmaku(uname="路人甲", uid="2", text="这关怎么过啊？"),
        Danmaku(uname="Alice", uid="3", text="hello from Twitch", medal_name="fans", medal_level=3),
        Danmaku(uname="老粉", uid="4", text="[doge]", emoticon=True, guard_level=2),
    ]
    return [
        *[e for d in chat for e in vetted(d)],
        *vetted(
            Gift(uname="土豪", uid="5", gift_name="小花花", count=20, price=2.0, paid=True, combo_id="c")
        ),
        *vetted(Guard(uname="船长", uid="6", level=3, count=1, price=198.0)),
        *vetted(SuperChat(uname="老板", uid="7", text="主播加油，冲冲冲！", price=100.0, duration_s=600)),
        *vetted(SuperChat(uname="大老板", uid="8", text="今天也很开心", price=1000.0, duration_s=600)),
        ReplySentence(utterance_id=1, index=0, text=THANKS),
        Audio(utterance_id=1, index=0, text=THANKS, duration_s=2, sample_rate=24000, said=THANKS),
        Transcript(text="好，我们继续打这一关"),
        SourceStatus(source="bilibili", state="reconnecting"),
        StateChange(state="speaking", topic="通关"),
    ]


# The whole scene is in the DOM (hidden panels are filled too), whatever order it came in.
SCENE_SHOWN = """() => document.getElementById('badge').dataset.state === 'speaking'
  && document.querySelectorAll('#chat li').length === 6 && document.querySelectorAll('#pins li').length === 2
  && document.querySelectorAll('#lines .sentence').length === 1"""


@pytest.fixture(scope="module")
def agent() -> Iterator[ServerThread]:
    # Subtitles stay until replaced, so a slow machine still has one to draw.
    with serve(overlay=OverlayConfig(subtitle_s=0)) as server:
        server.publish(*scene())
        yield server


@pytest.fixture(scope="module")
def screens(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("overlay-screens")


def box(page: Any, selector: str) -> tuple[int, int, int, int] | None:
    found = page.locator(selector).bounding_box()
    if not found or found["width"] < 1 or found["height"] < 1:
        return None
    return (
        int(found["x"]),
        int(found["y"]),
        int(found["x"] + found["width"]),
        int(found["y"] + found["height"]),
    )


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_layout_screenshot(browser: Any, agent: ServerThread, screens: Path, layout: str) -> None:
    query, shown = LAYOUTS[layout]
    page = browser.new_page()
    page.goto(f"{agent.base}/overlay{query}")
    page.wait_for_function(SCENE_SHOWN)
    page.wait_for_function("() => document.getAnimations().length === 0")  # no entry animation left
    pixels = screenshot_over_checkerboard(page, screens / f"{layout}.png")
    alpha = pixels[..., 3]
    assert (alpha > 0).sum() > 5000, "the page drew (almost) nothing"
    drawn = np.zeros(alpha.shape, dtype=bool)
    for panel, selector in PANELS.items():
        region = box(page, selector)
        if panel not in shown:
            assert region is None, f"{panel} is drawn but {query or 'the default'} did not ask for it"
            continue
        assert region is not None, f"{panel} is missing"
        x0, y0, x1, y1 = region
        inside = pixels[y0:y1, x0:x1]
        solid = inside[inside[..., 3] > 200][:, :3].astype(int)
        assert len(solid) > 200, f"{panel}: nothing drawn in its box"
        assert solid.std() > 20, f"{panel}: a flat box, no text on it"
        drawn[max(0, y0 - 8) : y1 + 8, max(0, x0 - 8) : x1 + 8] = True
    # OBS composites the page: nothing outside the panels may cover the game.
    assert alpha[~drawn].max() == 0, "pixels drawn outside every panel"


def test_an_opaque_page_when_asked(browser: Any, agent: ServerThread, screens: Path) -> None:
    page = browser.new_page()
    page.goto(f"{agent.base}/overlay?transparent=0")
    page.wait_for_function(SCENE_SHOWN)
    pixels = screenshot_over_checkerboard(page, screens / "opaque.png")
    assert pixels[..., 3].min() == 255
