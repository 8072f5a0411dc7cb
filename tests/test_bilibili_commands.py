"""Web danmaku command JSON -> events, with realistic samples and the shapes real payloads drift into.

The open platform's commands and the any-shape fuzzing are in test_bilibili_open_commands.py.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agent.events import Danmaku, Enter, Gift, Guard, Like, SourceStatus, SuperChat
from agent.sources.bilibili.commands import GUARD_HOLD_S, CommandParser, parse_protobuf
from tests.bili_server import danmu
from tests.support.bili_commands import parse

# --- DANMU_MSG ----------------------------------------------------------------------


def test_danmu_msg_full_shape() -> None:
    (ev,) = parse(danmu(7, "主播好", uid=12345, uname="小明"))
    assert ev == Danmaku(
        platform="bilibili",
        msg_id="dm00000007",
        uid="12345",
        uname="小明",
        text="主播好",
        guard_level=3,
        medal_name="牌子",
        medal_level=12,
        user_level=21,
        emoticon=False,
        reply_to="",
    )


@pytest.mark.parametrize("info_len", [2, 3, 4, 5, 8, 10, 17])
def test_danmu_msg_short_info_arrays_never_index_past_the_end(info_len: int) -> None:
    (ev,) = parse(danmu(3, "hi", uid=9, uname="u", info_len=info_len))
    assert ev.text == "hi"
    assert ev.msg_id == "dm00000003"
    assert ev.uid == ("9" if info_len > 2 else "")
    assert ev.uname == "u"  # from info[2][1], or info[0][15].user.base.name when [2] is missing
    assert ev.guard_level == (3 if info_len > 7 else 0)


def test_danmu_msg_with_suffix_emoticon_reply_and_masked_viewer() -> None:
    extra = json.dumps({"id_str": "abc", "reply_uname": "主播"})
    body = {
        "cmd": "DANMU_MSG:4:0:2:2:2:0",
        "info": [
            [0, 1, 25, 0, 0, 0, 0, "", 0, 0, 0, "", 1, {"emoticon_unique": "e"}, "{}", {"extra": extra}],
            "[dog]",
            [0, "小***", 0],
            [],
            [0],
        ],
    }
    (ev,) = parse(body)
    assert (ev.emoticon, ev.reply_to, ev.msg_id, ev.uid, ev.uname) == (True, "主播", "abc", "", "小***")
    assert (ev.medal_name, ev.medal_level) == ("", 0)


def test_danmu_msg_falls_back_to_ts_ct_when_there_is_no_id_str() -> None:
    body = danmu(5, "x")
    body["info"][0][15]["extra"] = "not json"
    (ev,) = parse(body)
    assert ev.msg_id == "1700000005:00000005"


@pytest.mark.parametrize(
    "info",
    [
        None,
        [],
        [None],
        [[], None],
        [[], 123],
        [[], ""],
        "text",
        {"1": "x"},
        [[None] * 20, "ok", "x", "y", "z"],
    ],
)
def test_danmu_msg_wrong_types_never_raise(info: Any) -> None:
    out = parse({"cmd": "DANMU_MSG", "info": info})
    assert out == [] or out[0].text == "ok"


# --- gifts ----------------------------------------------------------------------------


def gift(**over: Any) -> dict[str, Any]:
    data = {
        "giftName": "小花花",
        "num": 5,
        "uname": "送礼人",
        "uid": 88,
        "giftId": 31036,
        "price": 100,
        "coin_type": "gold",
        "total_coin": 500,
        "action": "投喂",
        "timestamp": 1700000000,
        "guard_level": 0,
        "face": "",
        "rnd": "1700000000123",
        "tid": "1700000000123456",
        "batch_combo_id": "batch:gift:combo_id:88:1:31036:1700000000.1",
        "medal_info": {"medal_name": "牌子", "medal_level": 3},
    }
    data.update(over)
    return {"cmd": "SEND_GIFT", "data": data}


def test_send_gift_paid() -> None:
    (ev,) = parse(gift())
    assert ev == Gift(
        platform="bilibili",
        msg_id="1700000000123456",
        uid="88",
        uname="送礼人",
        gift_name="小花花",
        gift_id=31036,
        count=5,
        price=0.5,
        paid=True,
        combo_id="batch:gift:combo_id:88:1:31036:1700000000.1",
    )


def test_send_gift_free_and_missing_fields() -> None:
    (ev,) = parse(gift(coin_type="silver", total_coin=None, num="3", tid=None, batch_combo_id=None))
    assert (ev.paid, ev.price, ev.count, ev.msg_id, ev.combo_id) == (False, 0.0, 3, "1700000000123", "")
    assert parse({"cmd": "SEND_GIFT", "data": {"num": 1}}) == []
    assert parse({"cmd": "SEND_GIFT"}) == []


def test_combo_send_carries_the_combo_total() -> None:
    body = {
        "cmd": "COMBO_SEND",
        "data": {
            "uid": 88,
            "uname": "送礼人",
            "gift_id": 31036,
            "gift_name": "小花花",
            "combo_num": 10,
            "total_num": 30,
            "batch_combo_id": "batch:1",
            "combo_total_coin": 3000,
            "action": "投喂",
        },
    }
    (ev,) = parse(body)
    assert (ev.count, ev.price, ev.paid, ev.combo_id, ev.msg_id) == (
        30,
        3.0,
        True,
        "batch:1",
        "combo:batch:1:30",
    )


# --- super chat and guards ------------------------------------------------------------------


def test_super_chat_message() -> None:
    body = {
        "cmd": "SUPER_CHAT_MESSAGE",
        "data": {
            "id": 9001,
            "uid": 77,
            "price": 30,
            "message": "主播唱首歌吧",
            "time": 60,
            "start_time": 1700000000,
            "end_time": 1700000060,
            "user_info": {"uname": "大佬", "face": "", "guard_level": 3, "user_level": 20},
            "gift": {"gift_id": 12000, "gift_name": "醒目留言", "num": 1},
        },
    }
    (ev,) = parse(body)
    assert ev == SuperChat(
        platform="bilibili",
        msg_id="sc:9001",
        uid="77",
        uname="大佬",
        text="主播唱首歌吧",
        price=30.0,
        duration_s=60,
    )


def test_super_chat_delete_produces_nothing() -> None:
    assert parse({"cmd": "SUPER_CHAT_MESSAGE_DELETE", "data": {"ids": [9001]}}) == []


def test_guard_buy_waits_for_the_toast_that_says_what_was_paid() -> None:
    # GUARD_BUY carries the list price (198 yuan); the toasts what the viewer paid
    # (a discounted first month: 138). All three announce one purchase.
    buy = {
        "cmd": "GUARD_BUY",
        "data": {
            "uid": 5,
            "username": "船员",
            "guard_level": 3,
            "num": 1,
            "price": 198000,
            "gift_name": "舰长",
            "start_time": 1700000000,
        },
    }
    toast = {
        "cmd": "USER_TOAST_MSG",
        "data": {
            "uid": 5,
            "username": "船员",
            "guard_level": 3,
            "num": 1,
            "price": 138000,
            "unit_price": 198000,
            "start_time": 1700000000,
            "payflow_id": "p",
        },
    }
    toast2 = {
        "cmd": "USER_TOAST_MSG_V2",
        "data": {
            "sender_uinfo": {"uid": 5, "base": {"name": "船员"}},
            "guard_info": {"guard_level": 3, "role_name": "舰长", "start_time": 1700000000},
            "pay_info": {"payflow_id": "p", "price": 138000, "num": 1, "unit": "月"},
        },
    }
    paid = Guard(
        platform="bilibili", msg_id="guard:5:1700000000", uid="5", uname="船员", level=3, count=1, price=138.0
    )
    parser = CommandParser()
    assert parser.parse(buy, now=10.0) == []  # held: the toast may say what was really paid
    assert parser.parse(toast, now=10.1) == [paid]
    assert parser.parse(toast2, now=10.2) == [paid]  # same msg_id: the supervisor keeps one
    assert parser.due(now=100.0) == [] and parser.flush() == []  # the list price is gone

    # Without a toast, GUARD_BUY is published as it is once its wait is over...
    parser = CommandParser()
    assert parser.parse(buy, now=10.0) == []
    assert parser.due(now=10.0 + GUARD_HOLD_S / 2) == []
    (listed,) = parser.due(now=10.0 + GUARD_HOLD_S)
    assert listed == Guard(
        platform="bilibili", msg_id="guard:5:1700000000", uid="5", uname="船员", level=3, count=1, price=198.0
    )
    # ...or when the link ends.
    parser = CommandParser()
    parser.parse(buy)
    assert [g.price for g in parser.flush()] == [198.0]  # type: ignore[union-attr]
    assert parse({"cmd": "GUARD_BUY", "data": {"guard_level": 9}}) == []


# --- interact, like, live ---------------------------------------------------------------------


@pytest.mark.parametrize(("msg_type", "action"), [(1, "enter"), (2, "follow"), (3, "share")])
def test_interact_word_json(msg_type: int, action: str) -> None:
    body = {
        "cmd": "INTERACT_WORD",
        "data": {
            "uid": 3,
            "uname": "",
            "msg_type": msg_type,
            "uinfo": {"base": {"name": "路人"}},
            "timestamp": 1,
        },
    }
    assert parse(body) == [Enter(platform="bilibili", uid="3", uname="路人", action=action)]  # type: ignore[arg-type]


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _pb(*fields: tuple[int, int | bytes]) -> bytes:
    out = b""
    for number, value in fields:
        if isinstance(value, int):
            out += _varint(number << 3) + _varint(value)
        else:
            out += _varint(number << 3 | 2) + _varint(len(value)) + value
    return out


def test_interact_word_v2_protobuf() -> None:
    pb = _pb((1, 123456789012), (2, "小红".encode()), (3, b"\x08\x01"), (5, 2), (7, 1700000000))
    # A fixed64 and a fixed32 field in between must be skipped, not misread.
    pb = pb[:0] + b"\x21" + b"\x00" * 8 + b"\x2d" + b"\x00" * 4 + pb
    body = {"cmd": "INTERACT_WORD_V2", "data": {"dmscore": 1, "pb": base64.b64encode(pb).decode()}}
    assert parse(body) == [Enter(platform="bilibili", uid="123456789012", uname="小红", action="follow")]


@pytest.mark.parametrize("pb", ["!!!", "", base64.b64encode(b"\x0a\xff\x01x").decode(), 5, None])
def test_interact_word_v2_garbage_produces_nothing(pb: Any) -> None:
    assert parse({"cmd": "INTERACT_WORD_V2", "data": {"pb": pb}}) == []


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200))
def test_protobuf_reader_raises_only_value_error(data: bytes) -> None:
    try:
        fields = parse_protobuf(data)
    except ValueError:
        return
    assert len(fields) <= len(data)


def test_like_click_and_live_status() -> None:
    assert parse(
        {"cmd": "LIKE_INFO_V3_CLICK", "data": {"uid": 4, "uname": "点赞", "like_text": "为主播点赞了"}}
    ) == [Like(platform="bilibili", uid="4", uname="点赞", count=1)]
    (on,) = parse({"cmd": "LIVE", "roomid": 7777, "live_time": 1})
    (off,) = parse({"cmd": "PREPARING", "roomid": "7777"})
    assert (on.state, off.state) == ("live_on", "live_off")
    assert isinstance(on, SourceStatus) and on.source == "bilibili" and on.detail == "room 7777"
