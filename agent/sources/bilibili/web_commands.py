"""Handlers for the web danmaku commands (``DANMU_MSG``, ``SEND_GIFT``, ...): body -> events.

Each takes the command body and the parser's ``GiftPrices`` and never raises on
shape: every read goes through ``agent.sources.bilibili.fields``. See
``agent.sources.bilibili.commands`` for the choices that span commands.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from agent.events import Danmaku, Enter, Event, Gift, Guard, Like, RoomInfo, SourceStatus, SuperChat
from agent.sources.bilibili.fields import (
    GiftPrices,
    as_count,
    as_float,
    as_id,
    as_int,
    as_json_object,
    as_str,
    as_uid,
    get,
    item,
    parse_protobuf,
)

PLATFORM = "bilibili"


def danmu_msg(body: dict[str, Any], _prices: GiftPrices) -> list[Event]:
    # The busiest command by far (bench: >100k/s), so it reads the arrays with ``item``
    # once per level instead of walking a path from the top for every field.
    info = body.get("info")
    if type(info) is not list or len(info) < 2:
        return []
    text = info[1]
    if type(text) is not str or not text:
        return []
    head, user, medal = item(info, 0), item(info, 2), item(info, 3)
    mode_info = item(head, 15)
    extra = as_json_object(mode_info.get("extra")) if type(mode_info) is dict else {}
    msg_id = as_id(extra.get("id_str"))
    if not msg_id:
        ts, ct = get(info, 9, "ts"), get(info, 9, "ct")
        msg_id = f"{as_int(ts)}:{as_str(ct, 32)}" if ct else ""
    uname = as_str(item(user, 1)) or as_str(get(mode_info, "user", "base", "name"))
    return [
        Danmaku(
            platform=PLATFORM,
            msg_id=msg_id,
            uid=as_uid(item(user, 0)),
            uname=uname,
            text=text,
            guard_level=as_int(item(info, 7)),
            medal_name=as_str(item(medal, 1)),
            medal_level=as_int(item(medal, 0)),
            user_level=as_int(item(item(info, 4), 0)),
            emoticon=item(head, 12) == 1,
            reply_to=as_str(extra.get("reply_uname")),
        )
    ]


def send_gift(body: dict[str, Any], prices: GiftPrices) -> list[Event]:
    data = body.get("data")
    name = as_str(get(data, "giftName"))
    if not name:
        return []
    num = as_count(get(data, "num"))
    gift_id = as_int(get(data, "giftId"))
    paid = get(data, "coin_type") == "gold"
    unit = as_int(get(data, "price"))
    if paid:
        prices.learn(gift_id, unit)
    total = as_int(get(data, "total_coin")) or unit * num
    return [
        Gift(
            platform=PLATFORM,
            msg_id=as_id(get(data, "tid")) or as_id(get(data, "rnd")),
            uid=as_uid(get(data, "uid")),
            uname=as_str(get(data, "uname")),
            gift_name=name,
            gift_id=gift_id,
            count=num,
            price=total / 1000 if paid else 0.0,
            paid=paid,
            combo_id=as_id(get(data, "batch_combo_id")),
        )
    ]


def combo_send(body: dict[str, Any], prices: GiftPrices) -> list[Event]:
    data = body.get("data")
    name = as_str(get(data, "gift_name"))
    combo_id = as_id(get(data, "batch_combo_id"))
    if not name or not combo_id:
        return []
    total = max(as_int(get(data, "total_num")) or as_int(get(data, "combo_num")), 1)
    gift_id = as_int(get(data, "gift_id"))
    # The 2020 shape has no combo_total_coin: price it from the gift's unit price.
    unit = as_int(get(data, "price")) or prices.coins(gift_id)
    coins = as_int(get(data, "combo_total_coin")) or unit * total
    price = coins / 1000 if get(data, "coin_type") != "silver" else 0.0
    return [
        Gift(
            platform=PLATFORM,
            msg_id=f"combo:{combo_id}:{total}",
            uid=as_uid(get(data, "uid")),
            uname=as_str(get(data, "uname")),
            gift_name=name,
            gift_id=gift_id,
            count=total,
            price=price,
            paid=price > 0,
            combo_id=combo_id,
        )
    ]


def super_chat(body: dict[str, Any], _prices: GiftPrices) -> list[Event]:
    data = body.get("data")
    text = get(data, "message")
    if not isinstance(text, str):
        return []
    sc_id = as_id(get(data, "id"))
    return [
        SuperChat(
            platform=PLATFORM,
            msg_id=f"sc:{sc_id}" if sc_id else "",
            uid=as_uid(get(data, "uid")),
            uname=as_str(get(data, "user_info", "uname")),
            text=text,
            price=as_float(get(data, "price")),
            duration_s=as_int(get(data, "time"), 60),
        )
    ]


def guard(uid: str, uname: str, level: int, num: int, unit_coins: int, start: int) -> list[Event]:
    """One purchase of ``num`` months at ``unit_coins`` each; msg_id shared by its announcements."""
    if level not in (1, 2, 3):
        return []
    return [
        Guard(
            platform=PLATFORM,
            msg_id=f"guard:{uid}:{start}" if uid and start else "",
            uid=uid,
            uname=uname,
            level=level,
            count=max(num, 1),
            price=unit_coins * max(num, 1) / 1000,
        )
    ]


def guard_buy(body: dict[str, Any], _prices: GiftPrices) -> list[Event]:
    """GUARD_BUY (list price) and USER_TOAST_MSG (price paid) carry the same fields."""
    d = body.get("data")
    return guard(
        as_uid(get(d, "uid")),
        as_str(get(d, "username")),
        as_int(get(d, "guard_level")),
        as_int(get(d, "num"), 1),
        as_int(get(d, "price")),
        as_int(get(d, "start_time")),
    )


def user_toast_v2(body: dict[str, Any], _prices: GiftPrices) -> list[Event]:
    d = body.get("data")
    return guard(
        as_uid(get(d, "sender_uinfo", "uid")),
        as_str(get(d, "sender_uinfo", "base", "name")),
        as_int(get(d, "guard_info", "guard_level")),
        as_int(get(d, "pay_info", "num"), 1),
        as_int(get(d, "pay_info", "price")),
        as_int(get(d, "guard_info", "start_time")),
    )


_INTERACT_ACTIONS = {1: "enter", 2: "follow", 3: "share", 4: "follow", 5: "follow"}


def _enter(uid: str, uname: str, msg_type: int) -> list[Event]:
    action = _INTERACT_ACTIONS.get(msg_type)
    if action == "enter":
        return [Enter(platform=PLATFORM, uid=uid, uname=uname, action="enter")]
    if action == "follow":
        return [Enter(platform=PLATFORM, uid=uid, uname=uname, action="follow")]
    if action == "share":
        return [Enter(platform=PLATFORM, uid=uid, uname=uname, action="share")]
    return []


def interact_word(body: dict[str, Any], _prices: GiftPrices) -> list[Event]:
    d = body.get("data")
    uname = as_str(get(d, "uname")) or as_str(get(d, "uinfo", "base", "name"))
    return _enter(as_uid(get(d, "uid")), uname, as_int(get(d, "msg_type")))


def interact_word_v2(body: dict[str, Any], _prices: GiftPrices) -> list[Event]:
    pb = get(body, "data", "pb")
    if not isinstance(pb, str) or len(pb) > 65536:
        return []
    try:
        fields = parse_protobuf(base64.b64decode(pb, validate=False))
    except (ValueError, binascii.Error):
        return []
    uid, name, msg_type = fields.get(1), fields.get(2), fields.get(5)
    uname = name.decode("utf-8", "replace")[:200] if isinstance(name, bytes) else ""
    return _enter(
        as_uid(uid if isinstance(uid, int) else 0), uname, msg_type if isinstance(msg_type, int) else 0
    )


def like_click(body: dict[str, Any], _prices: GiftPrices) -> list[Event]:
    d = body.get("data")
    return [Like(platform=PLATFORM, uid=as_uid(get(d, "uid")), uname=as_str(get(d, "uname")), count=1)]


def live(body: dict[str, Any], _prices: GiftPrices) -> list[Event]:
    room = as_str(body.get("roomid")) or as_str(get(body, "data", "room_id"))
    return [SourceStatus(source=PLATFORM, state="live_on", detail=f"room {room}" if room else "")]


def room_facts(data: Any, room: str = "") -> list[Event]:
    """The room's title and area (game) from get_info's ``data`` or ROOM_CHANGE's: a RoomInfo."""
    if not isinstance(data, dict):
        return []
    title, area = as_str(data.get("title"))[:200], as_str(data.get("area_name"))[:100]
    if not (title or area):
        return []
    room = room or as_str(data.get("room_id"))
    return [RoomInfo(platform=PLATFORM, room=room, title=title, area=area)]


def room_change(body: dict[str, Any], _prices: GiftPrices) -> list[Event]:
    """ROOM_CHANGE: the streamer changed the title or the area mid-stream."""
    return room_facts(body.get("data"), as_str(body.get("roomid")))


def preparing(body: dict[str, Any], _prices: GiftPrices) -> list[Event]:
    room = as_str(body.get("roomid"))
    return [SourceStatus(source=PLATFORM, state="live_off", detail=f"room {room}" if room else "")]
