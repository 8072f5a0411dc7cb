"""The overlay's Sans-I/O parts: the chat gate, the snapshot, the hub's fan-out, the routes' checks."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from agent.brain.brain import chat_line as brain_chat_line
from agent.brain.queue import Message
from agent.bus import Bus, EventQueue
from agent.config import ConfigError, ControlConfig, OverlayConfig
from agent.control.api import create_app
from agent.control.feed import FeedBuffer
from agent.control.overlay_chat import ChatGate
from agent.control.overlay_hub import OverlayHub, Page
from agent.control.overlay_routes import OVERLAY_CSP
from agent.control.overlay_snapshot import OverlaySnapshot
from agent.events import (
    Admitted,
    Audio,
    Danmaku,
    Event,
    Filtered,
    Gift,
    Guard,
    ReplySentence,
    StateChange,
    SuperChat,
    Transcript,
    UtteranceDone,
    to_dict,
)


def admitted(event: Danmaku | Gift | SuperChat | Guard, name: str = "", shown: str | None = None) -> Admitted:
    """What the brain says about a viewer event it kept: its chat line (the name and text as it
    cleaned them), stamped with the event's arrival."""
    text = getattr(event, "text", "") if shown is None else shown
    return brain_chat_line(event, Message(event, text, name or event.uname))


def run(gate: ChatGate, *events: Event) -> list[dict[str, Any]]:
    return [m for e in events if (m := gate.add(e)) is not None]


# --- the chat gate -----------------------------------------------------------------


def test_chat_shows_only_after_the_brain_admits_it() -> None:
    gate = ChatGate()
    kept = Danmaku(uname="小明", uid="1", text="主播好", medal_name="粉丝团", medal_level=7, guard_level=3)
    removed = Danmaku(uname="广告", uid="2", text="加V看片")
    out = run(gate, kept, removed)
    assert out == []  # a raw viewer event never shows: only the brain's verdict makes a line
    out = run(
        gate, admitted(kept, name="小明"), Filtered(of="danmaku", reason="contact_solicit", text="加V看片")
    )
    assert len(out) == 1
    line = out[0]
    assert (line["type"], line["uname"], line["text"], line["line"]) == ("danmaku", "小明", "主播好", 1)
    assert (line["medal_name"], line["medal_level"], line["guard_level"]) == ("粉丝团", 7, 3)


def test_shown_text_and_name_are_the_brains_display_forms() -> None:
    gate = ChatGate()
    paid = SuperChat(uname="<b>老板</b>", uid="3", text="坏词 加油", price=50.0, duration_s=60)
    out = run(gate, paid, admitted(paid, name="老板", shown=""))
    assert out[0]["uname"] == "老板"
    assert out[0]["text"] == ""  # the text failed moderation: the card shows name and price only
    assert out[0]["price"] == 50.0


def test_events_the_brain_never_vetted_are_skipped_not_shown() -> None:
    gate = ChatGate()
    dropped = Danmaku(uname="甲", uid="1", text="第一条")  # the brain's queue lost this one
    later = Danmaku(uname="乙", uid="2", text="第二条")
    out = run(gate, dropped, later, admitted(later))
    assert [m["text"] for m in out] == ["第二条"]
    assert run(gate, admitted(dropped)) == []  # a late verdict finds nothing to show
    assert gate.late == 1


def test_same_text_from_two_viewers_is_matched_in_order() -> None:
    gate = ChatGate()
    a = Danmaku(uname="甲", uid="1", text="666")
    b = Danmaku(uname="乙", uid="2", text="666")
    out = run(gate, a, b, admitted(a), admitted(b))
    assert [m["uname"] for m in out] == ["甲", "乙"]
    assert [m["line"] for m in out] == [1, 2]


def test_a_flood_folds_into_one_line_with_a_count() -> None:
    gate = ChatGate()
    first = Danmaku(uname="甲", uid="1", text="主播 好")
    copies = [Danmaku(uname=f"路人{i}", uid=str(10 + i), text="主播好") for i in range(3)]
    out = run(gate, first, admitted(first))
    for copy in copies:
        out += run(gate, copy, Filtered(of="danmaku", reason="flood", uname="路人", text=copy.text))
    assert [m["line"] for m in out] == [1, 1, 1, 1]
    assert out[-1]["count"] == 4
    # Other reasons are not repeats: a banned copy does not count.
    assert run(gate, Filtered(of="danmaku", reason="banned_word", text="主播好")) == []


def test_gift_combo_grows_one_line() -> None:
    gate = ChatGate()
    gifts = [
        Gift(uname="土豪", uid="9", gift_name="小花花", count=n, price=0.1 * n, combo_id="c1")
        for n in (1, 5, 10)
    ]
    other = Gift(uname="土豪", uid="9", gift_name="小花花", count=1, combo_id="c2")
    out: list[dict[str, Any]] = []
    for gift in [*gifts, other]:
        out += run(gate, gift, admitted(gift))
    assert [m["line"] for m in out] == [1, 1, 1, 2]
    assert [m["combo_total"] for m in out] == [1, 6, 16, 1]
    assert out[2]["price"] == pytest.approx(1.6)


def test_guard_purchase_is_a_line() -> None:
    gate = ChatGate()
    bought = Guard(uname="舰长大人", uid="5", level=3, count=2, price=396.0)
    out = run(gate, bought, admitted(bought))
    assert (out[0]["type"], out[0]["level"], out[0]["count"]) == ("guard", 3, 2)


def test_a_line_shows_the_verdicts_fields_never_the_raw_event() -> None:
    gate = ChatGate()
    raw = SuperChat(msg_id="sc1", uname="老板‮", uid="9", text="<b>加油</b>", price=30, duration_s=120)
    shown = gate.add(admitted(raw, name="老板", shown="加油")) or {}
    assert tuple(shown.get(k) for k in ("type", "uname", "text", "price", "duration_s")) == (
        "super_chat",
        "老板",
        "加油",
        30,
        120,
    )
    assert "<b>" not in str(shown) and "‮" not in str(shown)


def test_a_flood_of_raw_copies_folds_into_the_line_of_its_display_form() -> None:
    gate = ChatGate()
    first = Danmaku(uname="甲", uid="1", text="哈哈哈哈哈哈")
    out = run(gate, admitted(first, shown="哈哈哈"))  # the brain shows runs cut to three
    out += run(gate, Filtered(of="danmaku", reason="repeat", uname="乙", text="哈哈哈哈哈哈"))
    assert [m["line"] for m in out] == [1, 1] and out[-1]["count"] == 2


def test_a_page_behind_on_chat_loses_danmaku_lines_never_paid_ones() -> None:
    buffer = FeedBuffer(max_lines=8, max_chat=10)
    buffer.add({"type": "super_chat", "uname": "老板", "text": "加油", "line": 1})
    buffer.add({"type": "guard", "uname": "舰长", "line": 2})
    for i in range(100):
        buffer.add(chat_line(i + 3))
    sent = buffer.drain()
    assert [m["type"] for m in sent[:2]] == ["super_chat", "guard"]
    assert len(sent) == 12 and buffer.dropped_by_type == {"danmaku": 90}


# --- the snapshot ---------------------------------------------------------------------


def chat_line(line: int, text: str = "hi") -> dict[str, Any]:
    return {"type": "danmaku", "uname": "u", "text": text, "line": line}


def test_snapshot_keeps_the_last_chat_lines_and_updates_in_place() -> None:
    snap = OverlaySnapshot(chat_lines=3, reply_keep_s=15)
    for i in range(1, 6):
        snap.add(chat_line(i), now=0)
    snap.add({**chat_line(4), "count": 3}, now=1)
    lines = [m for m in snap.messages(now=2) if m["type"] == "danmaku"]
    assert [m["line"] for m in lines] == [3, 5, 4]
    assert lines[-1]["count"] == 3


def test_pinned_super_chat_counts_down_then_expires() -> None:
    snap = OverlaySnapshot(chat_lines=10, reply_keep_s=15)
    card = {"type": "super_chat", "uname": "老板", "text": "加油", "price": 30.0, "duration_s": 60, "line": 1}
    snap.add(card, now=100.0)
    snap.add({**card, "text": "加油!"}, now=110.0)  # an update keeps the paid-until time
    pinned = [m for m in snap.messages(now=130.0) if m["type"] == "super_chat"]
    assert pinned[0]["remaining_s"] == 30.0
    assert pinned[0]["text"] == "加油!"
    assert [m for m in snap.messages(now=160.0) if m["type"] == "super_chat"] == []


def test_snapshot_replays_the_last_replies_until_they_have_faded() -> None:
    snap = OverlaySnapshot(chat_lines=10, reply_keep_s=15)
    early: list[Event] = [
        ReplySentence(utterance_id=1, index=0, text="最早的。"),
        UtteranceDone(utterance_id=1),
    ]
    before: list[Event] = [
        ReplySentence(utterance_id=2, index=0, text="上一句。"),
        UtteranceDone(utterance_id=2),
    ]
    for event in [*early, *before]:
        snap.add(to_dict(event), now=0.0)
    # utterance_done is a CONTROL event: it can overtake its reply's last timings.
    current: list[Event] = [
        ReplySentence(utterance_id=3, index=0, text="你好！"),
        UtteranceDone(utterance_id=3, outcome="interrupted", sentences=1),
        Audio(utterance_id=3, index=0, text="你好！", duration_s=1.0, sample_rate=24000),
    ]
    for event in current:
        snap.add(to_dict(event), now=10.0)
    replay = [(m["type"], m["utterance_id"]) for m in snap.messages(now=12.0) if "utterance_id" in m]
    assert replay == [
        ("reply_sentence", 2),
        ("utterance_done", 2),
        ("reply_sentence", 3),
        ("audio", 3),
        ("utterance_done", 3),  # replayed after the words it ends
    ]
    later = [(m["type"], m["utterance_id"]) for m in snap.messages(now=20.0) if "utterance_id" in m]
    assert later == replay[2:]  # the one before has faded from the page, so from the snapshot
    assert [m for m in snap.messages(now=30.0) if "utterance_id" in m] == []


def test_snapshot_subtitle_only_while_recent() -> None:
    snap = OverlaySnapshot(chat_lines=10, reply_keep_s=15)
    snap.add(to_dict(Transcript(text="大家好")), now=0.0)
    assert [m["text"] for m in snap.messages(now=1.0) if m["type"] == "transcript"] == ["大家好"]
    assert [m for m in snap.messages(now=60.0) if m["type"] == "transcript"] == []


# --- the hub --------------------------------------------------------------------------


class Feeds:
    def __init__(self) -> None:
        self.bus = Bus(default_size=64)

    def status(self) -> dict[str, Any]:
        return {"state": "idle", "muted": False, "sources": {"bilibili": "live"}}

    def subscribe(self, name: str, accepts: frozenset[str] | None) -> EventQueue:
        return self.bus.subscribe(name, accepts=accepts)

    def unsubscribe(self, queue: EventQueue) -> None:
        self.bus.unsubscribe(queue)


def test_hub_snapshot_header_then_status_then_memory() -> None:
    now = [0.0]
    hub = OverlayHub(Feeds(), chat_lines=5, reply_keep_s=15, page_buffer=8, clock=lambda: now[0])
    kept = Danmaku(uname="甲", uid="1", text="来了")
    for event in (kept, admitted(kept), StateChange(state="speaking", topic="游戏")):
        hub.take(event)
    messages = hub.snapshot_messages()
    assert messages[0] == {"type": "snapshot", "session": hub.session, "messages": len(messages) - 1}
    kinds = [m["type"] for m in messages[1:]]
    # The hub's own state wins over the status snapshot; the status fills what it never saw.
    assert kinds == ["source_status", "state", "danmaku"]
    assert messages[2]["state"] == "speaking"


def test_hub_fans_out_to_every_page_once_vetted() -> None:
    hub = OverlayHub(Feeds(), chat_lines=5, reply_keep_s=15, page_buffer=8)
    hub.pages.update({first := _page(hub), second := _page(hub)})
    kept = Danmaku(uname="甲", uid="1", text="你好")
    hub.take(kept)
    assert first.take() == [] and second.take() == []
    hub.take(admitted(kept))
    assert [m["text"] for m in first.take()] == ["你好"]
    assert [m["text"] for m in second.take()] == ["你好"]


def _page(hub: OverlayHub) -> Page:
    return Page(FeedBuffer(hub.page_buffer))


# --- routes -------------------------------------------------------------------------


def test_every_overlay_file_carries_the_strict_policy(tmp_path: Any) -> None:
    avatar = tmp_path / "me.png"
    avatar.write_bytes(b"\x89PNG\r\n\x1a\n")
    app = create_app(Feeds(), ControlConfig(rate_per_s=0), OverlayConfig(avatar=str(avatar)))  # type: ignore[arg-type]
    with TestClient(app, base_url="http://127.0.0.1:8765") as client:
        for path in (
            "/overlay",
            "/overlay/settings",
            "/overlay/overlay.js",
            "/overlay/params.js",
            "/overlay/avatar",
        ):
            response = client.get(path)
            assert response.status_code == 200, path
            assert response.headers["content-security-policy"] == OVERLAY_CSP, path
        assert client.get("/overlay/avatar").headers["content-type"] == "image/png"
        assert client.get("/api/overlay-config").json()["avatar"] == "/overlay/avatar"
        for path in ("/overlay/overlay.js", "/overlay/chat.js", "/overlay/reply.js", "/overlay/settings.js"):
            script = client.get(path).text
            for unsafe in (
                "innerHTML",
                "outerHTML",
                "insertAdjacentHTML",
                "document.write",
                "eval(",
                "Function(",
            ):
                assert unsafe not in script, (path, unsafe)
    for directive in ("script-src 'self'", "style-src 'self'", "connect-src 'self'", "default-src 'none'"):
        assert directive in OVERLAY_CSP
    assert "unsafe" not in OVERLAY_CSP


@pytest.mark.parametrize(
    ("name", "write", "says"),
    [("missing.png", False, "no such file"), ("face.svg", True, "use an image file")],
)
def test_a_bad_avatar_is_one_config_line(tmp_path: Any, name: str, write: bool, says: str) -> None:
    path = tmp_path / name
    if write:
        path.write_text("<svg/>")
    with pytest.raises(ConfigError) as info:
        create_app(Feeds(), ControlConfig(), OverlayConfig(avatar=str(path)))  # type: ignore[arg-type]
    assert len(info.value.lines) == 1
    assert "overlay.avatar" in info.value.lines[0] and says in info.value.lines[0]


def test_an_own_overlay_folder_without_a_settings_page_is_a_404(tmp_path: Any) -> None:
    (tmp_path / "index.html").write_text("<title>mine</title>")
    app = create_app(Feeds(), ControlConfig(rate_per_s=0), OverlayConfig(path=str(tmp_path)))  # type: ignore[arg-type]
    with TestClient(app, base_url="http://127.0.0.1:8765") as client:
        assert "mine" in client.get("/overlay").text
        assert client.get("/overlay/settings").status_code == 404
