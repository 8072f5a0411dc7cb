"""The overlay page in Debian's Chromium (Playwright), fed by the real control server.

Events go onto the server's bus the way sources and the brain publish them; the
page is checked through its DOM. Nothing here waits a fixed time: every wait is
for a DOM condition.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from agent.config import OverlayConfig
from agent.events import (
    Audio,
    AudioEnded,
    Danmaku,
    Event,
    Filtered,
    Gift,
    Guard,
    Metric,
    ReplySentence,
    SourceStatus,
    StateChange,
    SuperChat,
    Transcript,
    UtteranceDone,
)
from tests.support.browser import ServerThread, needs_chromium, serve, vetted
from tests.support.browser import browser as browser  # the fixture

pytestmark = [pytest.mark.slow, needs_chromium]


@pytest.fixture
def agent() -> Iterator[ServerThread]:
    # Subtitles stay until replaced (subtitle_s = 0): no check races their timer.
    with serve(overlay=OverlayConfig(subtitle_s=0)) as server:
        yield server


def open_overlay(browser: Any, agent: ServerThread, query: str = "") -> Any:
    page = browser.new_page()
    page.goto(f"{agent.base}/overlay{query}")
    page.wait_for_function("() => document.body.dataset.connected === '1'")
    return page


def texts(page: Any, selector: str) -> list[str]:
    return list(page.eval_on_selector_all(selector, "els => els.map(e => e.textContent)"))


def settle(page: Any, agent: ServerThread, marker: str) -> None:
    """Wait until the page has handled everything published so far (a state change sent last)."""
    agent.publish(StateChange(state="idle", topic=marker))
    page.wait_for_function("t => document.getElementById('topic').textContent.includes(t)", arg=marker)


def test_chat_shows_medal_guard_gift_combo_and_guard_purchase(browser: Any, agent: ServerThread) -> None:
    page = open_overlay(browser, agent)
    fan = Danmaku(uname="小明", uid="1", text="主播好！", medal_name="粉丝团", medal_level=12, guard_level=3)

    def flowers(n: int) -> Gift:  # made when it arrives: the chat shows viewer events in arrival order
        return Gift(uname="土豪", uid="2", gift_name="小花花", count=n, price=n / 10, paid=True, combo_id="c")

    first = flowers(5)
    captain = Guard(uname="船长", uid="3", level=3, count=1, price=198.0)
    agent.publish(*vetted(fan), *vetted(first), *vetted(captain))
    page.wait_for_function("() => document.querySelectorAll('#chat li').length === 3")
    line = page.locator("#chat li[data-kind=danmaku]")
    assert line.locator(".medal-name").text_content() == "粉丝团"
    assert line.locator(".medal-level").text_content() == "12"
    assert line.locator(".guard").text_content() == "舰长"
    assert line.locator(".name").text_content() == "小明"
    assert line.locator(".text").text_content() == "主播好！"
    assert texts(page, "#chat li[data-kind=gift] .count") == ["×5"]
    assert texts(page, "#chat li[data-kind=guard]") == ["船长开通了舰长"]
    agent.publish(*vetted(flowers(10)))  # the combo grows on the same line
    page.wait_for_function(
        "() => document.querySelector('#chat li[data-kind=gift] .count').textContent === '×15'"
    )
    assert page.locator("#chat li[data-kind=gift]").count() == 1


def test_removed_chat_never_shows_and_a_flood_shows_once_with_a_count(
    browser: Any, agent: ServerThread
) -> None:
    page = open_overlay(browser, agent)
    spam = Danmaku(uname="广告号", uid="9", text="加V领福利")
    agent.publish(spam, Filtered(of="danmaku", reason="contact_solicit", uname="广告号", text=spam.text))
    first = Danmaku(uname="甲", uid="1", text="666")
    agent.publish(*vetted(first))
    for i in range(3):
        copy = Danmaku(uname=f"路人{i}", uid=str(20 + i), text="666")
        agent.publish(copy, Filtered(of="danmaku", reason="flood", uname="路人", text=copy.text))
    page.wait_for_function("() => document.querySelector('#chat li .count')?.textContent === '×4'")
    settle(page, agent, "after-flood")
    assert texts(page, "#chat li .text") == ["666"]
    assert "加V" not in page.locator("#stage").inner_text()


def test_super_chat_is_pinned_by_price_then_expires(browser: Any, agent: ServerThread) -> None:
    page = open_overlay(browser, agent)
    short = SuperChat(uname="老板", uid="5", text="下一把加油", price=30.0, duration_s=1)
    long = SuperChat(uname="大老板", uid="6", text="主播辛苦了", price=1000.0, duration_s=300)
    agent.publish(*vetted(short), *vetted(long))
    page.wait_for_function("() => document.querySelectorAll('#pins li').length === 2")
    assert page.eval_on_selector_all("#pins li", "els => els.map(e => e.dataset.tier)") == ["1", "5"]
    assert texts(page, "#pins li .price") == ["￥30", "￥1000"]
    # The paid time runs out: the first card goes, the second stays pinned.
    page.wait_for_function("() => document.querySelectorAll('#pins li').length === 1", timeout=30_000)
    assert texts(page, "#pins .sc-text") == ["主播辛苦了"]


def test_reply_bubble_reveals_what_is_being_said(browser: Any, agent: ServerThread) -> None:
    page = open_overlay(browser, agent, "?name=小助手")
    sentences = ["欢迎小明！", "今天我们玩原神。"]
    agent.publish(*[ReplySentence(utterance_id=1, index=i, text=t) for i, t in enumerate(sentences)])
    settle(page, agent, "written")
    assert page.locator("#lines .sentence").count() == 0  # written, not yet said
    said = ["欢迎小明！", "欢迎小明！今天我们玩原神。"]  # the reply as heard so far, joined by the agent
    first = Audio(utterance_id=1, index=0, text=sentences[0], duration_s=1, sample_rate=1, said=said[0])
    agent.publish(first)
    page.wait_for_function("() => document.querySelectorAll('#lines .sentence').length === 1")
    assert texts(page, "#lines .sentence.speaking") == ["欢迎小明！"]
    agent.publish(
        AudioEnded(utterance_id=1, index=0, text=sentences[0], played_s=1.2),
        Audio(utterance_id=1, index=1, text=sentences[1], duration_s=1.5, sample_rate=24000, said=said[1]),
    )
    page.wait_for_function("() => document.querySelectorAll('#lines .sentence').length === 2")
    assert texts(page, "#lines li") == [said[1]]
    assert texts(page, "#persona-name") == ["小助手"]
    english = ["Hi there.", "Bye."]
    agent.publish(
        UtteranceDone(utterance_id=1, outcome="spoken", sentences=2, text="".join(sentences)),
        *[ReplySentence(utterance_id=2, index=i, text=t) for i, t in enumerate(english)],
        *[
            Audio(utterance_id=2, index=i, text=t, duration_s=1, sample_rate=24000, said=heard)
            for i, (t, heard) in enumerate(zip(english, ["Hi there.", "Hi there. Bye."], strict=True))
        ],
        AudioEnded(utterance_id=2, index=1, text="Bye.", played_s=0.4, cut=True),
        UtteranceDone(utterance_id=2, outcome="interrupted", sentences=2),
    )
    # The reply's end travels ahead of its sentences' timings (reply.js done()): wait until
    # the interrupted bubble has the cut sentence, whichever came first.
    page.wait_for_function("() => document.querySelector('#lines li.interrupted .sentence.cut') !== null")
    assert texts(page, "#lines li")[-1] == "Hi there. Bye."
    assert page.locator("#lines li.interrupted .sentence.cut").count() == 1


def test_subtitles_and_status_in_chinese_and_english(browser: Any, agent: ServerThread) -> None:
    events: list[Event] = [
        Transcript(text="大家好，欢迎来到直播间"),
        StateChange(state="cooldown", topic="原神"),
        SourceStatus(source="bilibili", state="reconnecting", detail="retry in 2 s"),
    ]
    page = open_overlay(browser, agent)
    agent.publish(*events)
    page.wait_for_function("() => document.getElementById('badge').textContent === '冷却中'")
    assert texts(page, "#subtitle") == ["大家好，欢迎来到直播间"]
    assert texts(page, "#topic") == ["话题：原神"]
    assert texts(page, "#alerts .alert") == ["bilibili 重连中"]
    agent.publish(StateChange(state="speaking", muted=True))
    page.wait_for_function("() => document.getElementById('badge').textContent === '已静音'")
    english = open_overlay(browser, agent, "?lang=en")
    english.wait_for_function("() => document.getElementById('badge').textContent === 'muted'")
    assert texts(english, "#alerts .alert") == ["bilibili reconnecting"]
    assert english.evaluate("document.documentElement.lang") == "en"


def test_reload_mid_stream_shows_the_snapshot(browser: Any, agent: ServerThread) -> None:
    page = open_overlay(browser, agent)
    chat = [Danmaku(uname=f"观众{i}", uid=str(i), text=f"第{i}条") for i in range(5)]
    paid = SuperChat(uname="老板", uid="99", text="冲冲冲", price=50.0, duration_s=300)
    agent.publish(
        *[e for d in chat for e in vetted(d)],
        *vetted(paid),
        ReplySentence(utterance_id=3, index=0, text="谢谢老板！"),
        Audio(utterance_id=3, index=0, text="谢谢老板！", duration_s=1, sample_rate=24000, said="谢谢老板！"),
        StateChange(state="speaking", topic="打野"),
        Transcript(text="我们继续"),
    )
    page.wait_for_function("() => document.querySelectorAll('#lines .sentence').length === 1")
    before = texts(page, "#chat li")
    page.reload()
    page.wait_for_function(
        "() => document.querySelectorAll('#chat li').length === 5"
        " && document.querySelectorAll('#pins li').length === 1"
        " && document.querySelectorAll('#lines .sentence').length === 1"
    )
    assert texts(page, "#chat li") == before
    assert texts(page, "#lines li") == ["谢谢老板！"]
    assert texts(page, "#badge") == ["说话中"]
    assert texts(page, "#subtitle") == ["我们继续"]
    assert page.locator("#pins li").count() == 1  # rebuilt from the snapshot: nothing doubles


def test_url_parameters_pick_panels_position_and_limits(browser: Any, agent: ServerThread) -> None:
    only_chat = open_overlay(browser, agent, "?panels=chat&lines=10&font=20&position=left")
    assert only_chat.evaluate("document.body.dataset.position") == "left"
    visible = "sel => !document.querySelector(sel).closest('[hidden]')"
    assert only_chat.evaluate(visible, "#chat")
    for hidden in ("#reply-panel", "#subtitle-panel", "#status", "#pins"):
        assert not only_chat.evaluate(visible, hidden), hidden
    assert (
        only_chat.evaluate("getComputedStyle(document.documentElement).getPropertyValue('--font-size')")
        == "20px"
    )
    agent.publish(*[e for i in range(30) for e in vetted(Danmaku(uname="u", uid=str(i), text=f"m{i}"))])
    only_chat.wait_for_function(
        "() => document.querySelector('#chat li:last-child .text')?.textContent === 'm29'"
    )
    assert only_chat.locator("#chat li").count() == 10  # lines=10: older lines are dropped
    bottom = open_overlay(browser, agent, "?panels=reply,subtitles&position=bottom&color=%23ffeeaa&bg=zzz")
    assert bottom.evaluate(visible, "#reply-panel") and bottom.evaluate(visible, "#subtitle-panel")
    assert not bottom.evaluate(visible, "#chat-panel")
    style = "name => getComputedStyle(document.documentElement).getPropertyValue(name)"
    assert bottom.evaluate(style, "--text") == "#ffeeaa"
    assert bottom.evaluate(style, "--line-bg") == "#000000a0"  # a bad colour keeps the default


def test_defaults_show_every_panel_and_at_least_ten_chat_lines(browser: Any, agent: ServerThread) -> None:
    page = open_overlay(browser, agent)
    visible = "sel => !document.querySelector(sel).closest('[hidden]')"
    for panel in ("#status", "#chat", "#pins", "#reply-panel", "#subtitle-panel"):
        assert page.evaluate(visible, panel), panel
    agent.publish(*[e for i in range(40) for e in vetted(Danmaku(uname="u", uid=str(i), text=f"m{i}"))])
    page.wait_for_function("() => document.querySelector('#chat li:last-child .text')?.textContent === 'm39'")
    assert page.locator("#chat li").count() == 20  # [overlay] chat_lines
    on_screen = """() => {
      const panel = document.getElementById('chat').getBoundingClientRect();
      return [...document.querySelectorAll('#chat li')].filter((li) => {
        const r = li.getBoundingClientRect();
        return r.top >= panel.top && r.bottom <= Math.min(panel.bottom, innerHeight);
      }).length;
    }"""
    assert page.evaluate(on_screen) >= 10  # fully visible at 1280x720, not just in the DOM


def test_a_chat_flood_keeps_the_dom_bounded(browser: Any, agent: ServerThread) -> None:
    page = open_overlay(browser, agent, "?lines=15")
    count = 2000
    agent.publish(
        *[e for i in range(count) for e in vetted(Danmaku(uname=f"u{i}", uid=str(i), text=f"刷屏{i}"))]
    )
    page.wait_for_function(
        f"() => document.querySelector('#chat li:last-child .text')?.textContent === '刷屏{count - 1}'"
    )
    assert page.locator("#chat li").count() == 15
    assert page.evaluate("document.querySelectorAll('*').length") < 400


def test_avatar_comes_only_from_this_server_or_a_platform_host(
    browser: Any, agent: ServerThread, tmp_path: Path
) -> None:
    allowed = open_overlay(browser, agent, "?avatar=http://i0.hdslb.com/bfs/face/x.jpg")
    assert allowed.get_attribute("#avatar", "src") == "https://i0.hdslb.com/bfs/face/x.jpg"
    for bad in ("javascript:alert(1)", "https://evil.example/x.png", "data:image/png;base64,AAAA"):
        page = open_overlay(browser, agent, f"?avatar={bad}")
        assert page.get_attribute("#avatar", "src") is None, bad
        assert page.is_hidden("#avatar")


def test_settings_page_builds_the_url_with_a_live_preview(browser: Any, agent: ServerThread) -> None:
    page = browser.new_page()
    page.goto(f"{agent.base}/overlay/settings")
    page.wait_for_function("() => document.getElementById('url').value.includes('/overlay')")
    assert page.input_value("#url") == f"{agent.base}/overlay"  # every default: no parameters
    page.uncheck("input[name=panels][value=chat]")
    page.select_option("select[name=position]", "bottom")
    page.fill("input[name=lines]", "12")
    page.select_option("select[name=lang]", "en")
    url = page.input_value("#url")
    panels = "status%2Csuperchats%2Creply%2Csubtitles"
    assert url == f"{agent.base}/overlay?panels={panels}&position=bottom&lines=12&lang=en"
    page.wait_for_function(
        "() => document.getElementById('preview').getAttribute('src')"
        " === document.getElementById('url').value"
    )
    preview = page.frame_locator("#preview")
    preview.locator("body[data-connected='1']").wait_for(state="attached")
    assert preview.locator("#badge").text_content() == "idle"
    page.click("#copy")
    page.wait_for_function("() => document.getElementById('copied').textContent !== ''")


def test_an_agent_restart_shows_the_lost_link_then_keeps_the_chat(browser: Any) -> None:
    with serve() as first:
        port = first.server.port
        page = open_overlay(browser, first)
        first.publish(*vetted(Danmaku(uname="甲", uid="1", text="重启前")))
        page.wait_for_function("() => document.querySelectorAll('#chat li').length === 1")
    # The agent is gone: the page says so and keeps retrying, backing off.
    page.wait_for_function("() => document.body.dataset.connected === '0'")
    assert page.get_attribute("#badge", "data-state") == "offline"
    page.wait_for_function("() => document.getElementById('conn').textContent.includes('重连')")
    with serve(port=port or 0) as second:
        page.wait_for_function("() => document.body.dataset.connected === '1'", timeout=60_000)
        second.publish(*vetted(Danmaku(uname="乙", uid="2", text="重启后")))
        page.wait_for_function("() => document.querySelectorAll('#chat li').length === 2")
        assert texts(page, "#chat li .text") == ["重启前", "重启后"]  # what was on screen stays
        assert texts(page, "#conn") == [""]


def test_chat_lines_and_subtitles_leave_after_their_lifetime(browser: Any, agent: ServerThread) -> None:
    page = open_overlay(browser, agent, "?life=1&subs=1")
    agent.publish(*vetted(Danmaku(uname="甲", uid="1", text="一会儿就走")), Transcript(text="说完了"))
    page.wait_for_function("() => document.querySelectorAll('#chat li').length === 1")
    page.wait_for_function("() => document.querySelectorAll('#chat li').length === 0", timeout=30_000)
    page.wait_for_function("() => document.getElementById('subtitle').textContent === ''", timeout=30_000)


def test_debug_view_shows_latencies_only_when_asked(browser: Any, agent: ServerThread) -> None:
    plain = open_overlay(browser, agent)
    debug = open_overlay(browser, agent, "?debug=1")
    agent.publish(Metric(name="arrival_to_first_audio", ms=812.4))
    debug.wait_for_function("() => document.getElementById('latencies').textContent.includes('812')")
    assert texts(debug, "#latencies dt") == ["arrival_to_first_audio"]
    assert plain.is_hidden("#debug") and not debug.is_hidden("#debug")
