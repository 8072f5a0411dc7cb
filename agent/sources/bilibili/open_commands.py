"""Handlers for the open platform's ``LIVE_OPEN_PLATFORM_*`` commands: body -> events.

Same contract as ``web_commands``. The open platform hides uids (0) and gives a
per-app ``open_id`` instead; its gift ``price`` is gold coins like the web's.
"""

from __future__ import annotations

from typing import Any

from agent.events import Danmaku, Enter, Event, Gift, Guard, Like, SourceStatus, SuperChat
from agent.sources.bilibili.fields import GiftPrices, as_count, as_float, as_id, as_int, as_str, as_uid, get
from agent.sources.bilibili.web_commands import PLATFORM, room_facts


def _open_uid(d: Any) -> str:
    return as_id(get(d, "open_id")) or as_uid(get(d, "uid"))


def dm(body: dict[str, Any], _prices: GiftPrices) -> list[Event]:
    d = body.get("data")
    text = get(d, "msg")
    if not isinstance(text, str) or not text:
        return []
    wearing = get(d, "fans_medal_wearing_status")
    return [
        Danmaku(
            platform=PLATFORM,
            msg_id=as_id(get(d, "msg_id")),
            uid=_open_uid(d),
            uname=as_str(get(d, "uname")),
            text=text,
            guard_level=as_int(get(d, "guard_level")),
            medal_name=as_str(get(d, "fans_medal_name")) if wearing is not False else "",
            medal_level=as_int(get(d, "fans_medal_level")) if wearing is not False else 0,
            user_level=0,
            emoticon=as_int(get(d, "dm_type")) == 1,
            reply_to=as_str(get(d, "reply_uname")),
        )
    ]


def gift(body: dict[str, Any], _prices: GiftPrices) -> list[Event]:
    d = body.get("data")
    name = as_str(get(d, "gift_name"))
    if not name:
        return []
    num = as_count(get(d, "gift_num"))
    paid = get(d, "paid") is True
    return [
        Gift(
            platform=PLATFORM,
            msg_id=as_id(get(d, "msg_id")),
            uid=_open_uid(d),
            uname=as_str(get(d, "uname")),
            gift_name=name,
            gift_id=as_int(get(d, "gift_id")),
            count=num,
            price=as_int(get(d, "price")) * num / 1000 if paid else 0.0,
            paid=paid,
            combo_id=as_id(get(d, "combo_info", "combo_id")),
        )
    ]


def super_chat(body: dict[str, Any], _prices: GiftPrices) -> list[Event]:
    d = body.get("data")
    text = get(d, "message")
    if not isinstance(text, str):
        return []
    start, end = as_int(get(d, "start_time")), as_int(get(d, "end_time"))
    return [
        SuperChat(
            platform=PLATFORM,
            msg_id=as_id(get(d, "msg_id")) or as_id(get(d, "message_id")),
            uid=_open_uid(d),
            uname=as_str(get(d, "uname")),
            text=text,
            price=as_float(get(d, "rmb")),
            duration_s=end - start if 0 < end - start < 86400 else 60,
        )
    ]


def guard(body: dict[str, Any], _prices: GiftPrices) -> list[Event]:
    d = body.get("data")
    user = get(d, "user_info")
    level = as_int(get(d, "guard_level"))
    if level not in (1, 2, 3):
        return []
    num = as_count(get(d, "guard_num"))
    return [
        Guard(
            platform=PLATFORM,
            msg_id=as_id(get(d, "msg_id")),
            uid=_open_uid(user),
            uname=as_str(get(user, "uname")),
            level=level,
            count=num,
            price=as_int(get(d, "price")) * num / 1000,
        )
    ]


def like(body: dict[str, Any], _prices: GiftPrices) -> list[Event]:
    d = body.get("data")
    return [
        Like(
            platform=PLATFORM,
            uid=_open_uid(d),
            uname=as_str(get(d, "uname")),
            count=as_count(get(d, "like_count")),
        )
    ]


def enter(body: dict[str, Any], _prices: GiftPrices) -> list[Event]:
    d = body.get("data")
    return [Enter(platform=PLATFORM, uid=_open_uid(d), uname=as_str(get(d, "uname")), action="enter")]


def live_start(body: dict[str, Any], _prices: GiftPrices) -> list[Event]:
    """The stream started: its title and area (game) join the knowledge as the room's facts."""
    d = body.get("data")
    return [SourceStatus(source=PLATFORM, state="live_on", detail=as_str(get(d, "title"))), *room_facts(d)]


def live_end(body: dict[str, Any], _prices: GiftPrices) -> list[Event]:
    return [SourceStatus(source=PLATFORM, state="live_off", detail=as_str(get(body, "data", "title")))]
