"""Bilibili values a platform (or a forger) really sends: odd digits, long ids, impossible
prices, a missing combo total, text that breaks the recorder or the overlay, false codes."""

from __future__ import annotations

import copy
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agent.config import BilibiliOpenSource
from agent.events import Danmaku, Gift
from agent.sources.base import SourceProtocolError
from agent.sources.bilibili.commands import CommandParser
from agent.sources.bilibili.fields import as_float, as_id, as_int
from agent.sources.bilibili.link import json_object
from agent.sources.bilibili.open_platform import OpenApi, OpenApiError
from tests.bili_server import danmu

ODD_NUMBERS = ["²", "⑤", "--1", "٣", "1_000", "+-3", "NaN", "inf", "1e400", " 7 ", "-2", "1" * 40]


def gift(**over: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "giftName": "小花花",
        "num": 5,
        "uname": "送礼人",
        "uid": 88,
        "giftId": 31036,
        "price": 100,
        "coin_type": "gold",
        "total_coin": 500,
        "tid": "1700000000123456",
        "batch_combo_id": "batch:1",
    }
    data.update(over)
    return {"cmd": "SEND_GIFT", "data": data}


def combo(**over: Any) -> dict[str, Any]:
    """The 2020 COMBO_SEND shape: no combo_total_coin, no coin_type."""
    data: dict[str, Any] = {
        "uid": 88,
        "uname": "送礼人",
        "gift_id": 31036,
        "gift_name": "小花花",
        "combo_num": 10,
        "total_num": 30,
        "batch_combo_id": "batch:1",
        "action": "投喂",
    }
    data.update(over)
    return {"cmd": "COMBO_SEND", "data": data}


# --- numbers -----------------------------------------------------------------------


@pytest.mark.parametrize("odd", ODD_NUMBERS)
def test_numbers_are_read_from_ascii_digits_only(odd: str) -> None:
    expected = {" 7 ": 7, "-2": -2}.get(odd, 0)
    assert as_int(odd) == expected
    assert as_float(odd) == float(expected)


@pytest.mark.parametrize("odd", ["²", "⑤", "--1", "٣"])
def test_an_odd_field_defaults_instead_of_losing_the_command(odd: str) -> None:
    body = danmu(1, "主播好")
    body["info"][7] = odd  # guard level
    body["info"][3][0] = odd  # medal level
    parser = CommandParser()
    (event,) = parser.parse(body)
    assert isinstance(event, Danmaku)
    assert (event.text, event.guard_level, event.medal_level) == ("主播好", 0, 0)
    (paid,) = parser.parse(gift(num=odd))
    assert isinstance(paid, Gift)
    assert paid.count == 1
    assert not parser.failed


@pytest.mark.parametrize(
    "body",
    [
        gift(total_coin=-1),
        gift(num=1e17, total_coin=None),
        gift(num="99999999999999999", total_coin=None),
        combo(combo_total_coin=-500),
        {"cmd": "SUPER_CHAT_MESSAGE", "data": {"id": 1, "message": "m", "price": -30}},
        {"cmd": "SUPER_CHAT_MESSAGE", "data": {"id": 1, "message": "m", "price": 30, "time": 10**9}},
        {"cmd": "GUARD_BUY", "data": {"uid": 5, "guard_level": 3, "num": 1, "price": -198000}},
        {"cmd": "LIVE_OPEN_PLATFORM_LIKE", "data": {"open_id": "o", "like_count": 10**12}},
        {"cmd": "LIVE_OPEN_PLATFORM_SEND_GIFT", "data": {"gift_name": "g", "paid": True, "price": -1}},
    ],
    ids=lambda b: b["cmd"],
)
def test_negative_or_absurd_prices_and_counts_are_refused_and_counted(body: dict[str, Any]) -> None:
    parser = CommandParser()
    assert parser.parse(body) == [] and parser.flush() == []
    assert sum(parser.rejected.values()) == 1
    assert not parser.failed
    # The next honest command is read as usual.
    assert [e.type for e in parser.parse(gift())] == ["gift"]


def test_a_combo_without_a_total_is_priced_from_the_gift() -> None:
    parser = CommandParser()
    parser.parse(gift(num=1, total_coin=100))  # teaches 小花花 = 100 gold coins
    (event,) = parser.parse(combo())
    assert isinstance(event, Gift)
    assert (event.count, event.price, event.paid) == (30, 3.0, True)
    # A shape that carries the unit price needs no earlier gift.
    (event,) = CommandParser().parse(combo(price=100))
    assert (event.price, event.paid) == (3.0, True)  # type: ignore[union-attr]
    # Nothing to price it by (and no paid gift seen): unpaid, as before.
    (event,) = CommandParser().parse(combo())
    assert (event.price, event.paid) == (0.0, False)  # type: ignore[union-attr]


# --- ids ---------------------------------------------------------------------------


def test_two_long_combo_ids_of_one_viewer_stay_two() -> None:
    head = "batch:gift:combo_id:88:1:31036:1700000000." + "0" * 30
    first, second = head + "111", head + "222"
    parser = CommandParser()
    (a,) = parser.parse(combo(batch_combo_id=first, combo_total_coin=100))
    (b,) = parser.parse(combo(batch_combo_id=second, combo_total_coin=100))
    assert isinstance(a, Gift) and isinstance(b, Gift)
    assert a.combo_id != b.combo_id and a.msg_id != b.msg_id
    assert len(a.combo_id) <= 64
    assert as_id("batch:1") == "batch:1"  # short ids are kept as they are
    assert as_id(first) == as_id(first)  # and long ones are stable


# --- text --------------------------------------------------------------------------


def test_control_bidi_and_surrogates_are_stripped_from_text_and_marked_in_names() -> None:
    # Text loses them; a name keeps U+FFFD where a bidi control was, so the name guard
    # (agent/brain/names.py) refuses it rather than saying a name a page would draw reversed.
    body = danmu(2, "你好\x00\u202e世界\ud800", uname="\u202e坏人\u2066\x1b[31m")
    (event,) = CommandParser().parse(body)
    assert isinstance(event, Danmaku)
    assert (event.text, event.uname) == ("你好世界", "\ufffd坏人\ufffd[31m")
    open_body = {
        "cmd": "LIVE_OPEN_PLATFORM_DM",
        "data": {"open_id": "o", "uname": "\u2067名字\u2069", "msg": "行\n一\r二", "msg_id": "m"},
    }
    (event,) = CommandParser().parse(open_body)
    assert (event.uname, event.text) == ("\ufffd名字\ufffd", "行 一 二")  # type: ignore[union-attr]


_weird = st.sampled_from([*ODD_NUMBERS, -1, -(10**20), 10**20, 1e300, float("nan"), "\ud800", "\u202e"])
_fields = ["num", "price", "total_coin", "combo_total_coin", "total_num", "giftId", "uid", "time", "tid"]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["gift", "combo", "danmu"]), st.dictionaries(st.sampled_from(_fields), _weird))
def test_odd_values_in_real_shapes_never_raise(shape: str, over: dict[str, Any]) -> None:
    if shape == "danmu":
        body = danmu(3)
        info = copy.deepcopy(body["info"])
        for index, value in zip((7, 0, 2), over.values(), strict=False):
            info[index] = value
        body = {**body, "info": info}
    else:
        body = gift(**over) if shape == "gift" else combo(**over)
    parser = CommandParser()
    for event in parser.parse(body):
        for name in ("text", "uname", "uid", "msg_id"):
            getattr(event, name, "").encode("utf-8")
    assert not parser.failed


# --- HTTP answers ------------------------------------------------------------------


def _client(body: bytes) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.MockTransport(lambda _: httpx.Response(200, content=body)))


async def test_deeply_nested_json_is_a_protocol_error() -> None:
    async with _client(b"[" * 100_000 + b"]" * 100_000) as http:
        with pytest.raises(SourceProtocolError, match="did not answer JSON"):
            await json_object(http.get("http://bili.test/x"), "room info")


@pytest.mark.parametrize("code", [b"false", b"0.0", b'"0"', b"null"])
async def test_open_platform_success_is_the_integer_zero_only(code: bytes) -> None:
    cfg = BilibiliOpenSource(api_base="http://bili.test")
    async with _client(b'{"code": ' + code + b', "data": {}}') as http:
        with pytest.raises(OpenApiError):
            await OpenApi(cfg, http).call("/v2/app/heartbeat", {"game_id": "g"})
    async with _client(b'{"code": 0, "data": {"ok": 1}}') as http:
        assert await OpenApi(cfg, http).call("/v2/app/heartbeat", {"game_id": "g"}) == {"ok": 1}
