"""Open-platform command JSON -> events, and any shape under a known command never raises.

The web danmaku commands are in test_bilibili_commands.py.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agent.events import Danmaku, Enter, Gift, Guard, Like, SuperChat
from agent.sources.bilibili.commands import CommandParser
from tests.bili_server import open_dm
from tests.support.bili_commands import parse

# --- open platform ------------------------------------------------------------------------------


def test_open_dm() -> None:
    (ev,) = parse(open_dm(4, "你好"))
    assert ev == Danmaku(
        platform="bilibili",
        msg_id="open-msg-00000004",
        uid="open-4",
        uname="观众4",
        text="你好",
        medal_name="牌子",
        medal_level=3,
    )


_OPEN_CASES = [
    pytest.param(
        {
            "cmd": "LIVE_OPEN_PLATFORM_SEND_GIFT",
            "data": {
                "room_id": 1,
                "open_id": "o1",
                "uname": "送礼",
                "gift_id": 1,
                "gift_name": "粉丝团灯牌",
                "gift_num": 2,
                "price": 1000,
                "paid": True,
                "msg_id": "g1",
                "combo_info": {"combo_id": "c1", "combo_count": 2},
            },
        },
        Gift(
            platform="bilibili",
            msg_id="g1",
            uid="o1",
            uname="送礼",
            gift_name="粉丝团灯牌",
            gift_id=1,
            count=2,
            price=2.0,
            paid=True,
            combo_id="c1",
        ),
        id="gift",
    ),
    pytest.param(
        {
            "cmd": "LIVE_OPEN_PLATFORM_SUPER_CHAT",
            "data": {
                "open_id": "o2",
                "uname": "大佬",
                "message_id": 55,
                "message": "加油",
                "rmb": 50,
                "start_time": 100,
                "end_time": 220,
                "msg_id": "s1",
            },
        },
        SuperChat(
            platform="bilibili", msg_id="s1", uid="o2", uname="大佬", text="加油", price=50.0, duration_s=120
        ),
        id="super_chat",
    ),
    pytest.param(
        {
            "cmd": "LIVE_OPEN_PLATFORM_GUARD",
            "data": {
                "user_info": {"open_id": "o3", "uname": "提督大人"},
                "guard_level": 2,
                "guard_num": 1,
                "guard_unit": "月",
                "price": 1998000,
                "msg_id": "gd1",
            },
        },
        Guard(platform="bilibili", msg_id="gd1", uid="o3", uname="提督大人", level=2, count=1, price=1998.0),
        id="guard",
    ),
    pytest.param(
        {"cmd": "LIVE_OPEN_PLATFORM_LIKE", "data": {"open_id": "o4", "uname": "赞", "like_count": 6}},
        Like(platform="bilibili", uid="o4", uname="赞", count=6),
        id="like",
    ),
    pytest.param(
        {"cmd": "LIVE_OPEN_PLATFORM_LIVE_ROOM_ENTER", "data": {"open_id": "o5", "uname": "来了"}},
        Enter(platform="bilibili", uid="o5", uname="来了", action="enter"),
        id="enter",
    ),
]


@pytest.mark.parametrize(("body", "event"), _OPEN_CASES)
def test_open_gift_super_chat_guard_like_enter(body: dict[str, Any], event: Any) -> None:
    assert parse(body) == [event]


def test_open_live_start_end_and_silent_commands() -> None:
    on, facts = parse({"cmd": "LIVE_OPEN_PLATFORM_LIVE_START", "data": {"title": "今晚唱歌"}})
    (off,) = parse({"cmd": "LIVE_OPEN_PLATFORM_LIVE_END", "data": {}})
    assert (on.state, on.detail, off.state) == ("live_on", "今晚唱歌", "live_off")
    assert (facts.type, facts.title) == ("room_info", "今晚唱歌")  # the room's facts, for the knowledge
    assert parse({"cmd": "LIVE_OPEN_PLATFORM_SUPER_CHAT_DEL", "data": {"message_ids": [55]}}) == []
    assert parse({"cmd": "LIVE_OPEN_PLATFORM_INTERACTION_END", "data": {"game_id": "g"}}) == []


# --- robustness ---------------------------------------------------------------------------------


def test_unknown_commands_are_counted_and_logged_once(caplog: pytest.LogCaptureFixture) -> None:
    parser = CommandParser()
    caplog.set_level("INFO", logger="agent.sources.bilibili.commands")
    for _ in range(3):
        assert parser.parse({"cmd": "ONLINE_RANK_COUNT", "data": {}}) == []
    assert parser.parse({"cmd": 5}) == []
    assert parser.unknown["ONLINE_RANK_COUNT"] == 3
    assert sum("ONLINE_RANK_COUNT" in r.getMessage() for r in caplog.records) == 1


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=20) | st.dictionaries(st.text(max_size=12), inner, max_size=8),
    max_leaves=40,
)
_names = st.sampled_from(
    [
        "DANMU_MSG",
        "SEND_GIFT",
        "COMBO_SEND",
        "SUPER_CHAT_MESSAGE",
        "GUARD_BUY",
        "USER_TOAST_MSG",
        "USER_TOAST_MSG_V2",
        "INTERACT_WORD",
        "INTERACT_WORD_V2",
        "LIKE_INFO_V3_CLICK",
        "LIVE",
        "PREPARING",
        "LIVE_OPEN_PLATFORM_DM",
        "LIVE_OPEN_PLATFORM_SEND_GIFT",
        "LIVE_OPEN_PLATFORM_SUPER_CHAT",
        "LIVE_OPEN_PLATFORM_GUARD",
        "LIVE_OPEN_PLATFORM_LIKE",
        "LIVE_OPEN_PLATFORM_LIVE_ROOM_ENTER",
    ]
)


@settings(max_examples=500, deadline=None)
@given(_names, _json, _json)
def test_any_shape_under_a_known_command_never_raises(name: str, info: Any, data: Any) -> None:
    parser = CommandParser()
    out = parser.parse({"cmd": name, "info": info, "data": data})
    assert not parser.failed
    for ev in out:
        for value in (getattr(ev, "text", ""), getattr(ev, "uname", ""), getattr(ev, "uid", "")):
            assert isinstance(value, str)
