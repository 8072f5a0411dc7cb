"""Bilibili command JSON (web and open platform) -> room events; pure, never raises.

Real payloads drift: ``DANMU_MSG.info`` arrays grow and shrink, fields go missing,
numbers arrive as strings. Every read goes through the small ``_get``/``_int``/``_str``
helpers, which answer a default instead of raising. Choices worth knowing:

- Prices are yuan. Web gifts count in gold coins (1000 = 1 yuan); open-platform
  ``price`` likewise (1000 = 1 yuan); super chats are already in yuan.
- ``GUARD_BUY``, ``USER_TOAST_MSG`` and ``USER_TOAST_MSG_V2`` all announce the same
  purchase, so all three get ``msg_id = "guard:<uid>:<start_time>"`` and the
  supervisor's msg-id dedupe keeps only the first.
- ``COMBO_SEND`` is a running total of a gift combo: it becomes a ``Gift`` with
  ``combo_id`` set and ``count`` = the combo total so far, so consumers thank once per
  ``combo_id``; the single ``SEND_GIFT`` packets of the combo carry the same ``combo_id``.
- ``SUPER_CHAT_MESSAGE_DELETE`` / ``..._SUPER_CHAT_DEL`` produce nothing: a moderator
  removed a paid message, and there is no event that retracts one (the brain's
  ``Filtered`` means "the brain dropped it", which is not what happened).
- ``LIVE`` / ``PREPARING`` (and the open platform's ``LIVE_START`` / ``LIVE_END``) become
  ``SourceStatus(state="live_on" | "live_off")``: the stream went on or off air,
  independent of the connection's own connecting/live/reconnecting states.
- Masked viewers (no SESSDATA) arrive with uid 0; they get ``uid=""`` so they are not
  all taken for one person.
"""

from __future__ import annotations

import base64
import binascii
import logging
from collections import Counter
from collections.abc import Callable
from typing import Any

import orjson

from agent.events import Danmaku, Enter, Event, Gift, Guard, Like, SourceStatus, SuperChat

log = logging.getLogger(__name__)

PLATFORM = "bilibili"
MAX_TEXT = 2000  # a chat line longer than this is garbage or an attack; cut it early


def _get(obj: Any, *path: int | str) -> Any:
    """``obj[p0][p1]...`` or None when any step is missing or the wrong kind."""
    for key in path:
        if isinstance(key, int):
            if not isinstance(obj, list) or not -len(obj) <= key < len(obj):
                return None
            obj = obj[key]
        else:
            if not isinstance(obj, dict):
                return None
            obj = obj.get(key)
    return obj


def _int(value: Any, default: int = 0) -> int:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value == value and abs(value) < 1e18:
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit() and len(value) < 30:
        return int(value)
    return default


def _float(value: Any) -> float:
    if isinstance(value, bool):
        return 0.0
    if isinstance(value, int | float):
        f = float(value)
        return f if f == f and abs(f) < 1e15 else 0.0
    if isinstance(value, str) and len(value) < 30:
        try:
            f = float(value)
        except ValueError:
            return 0.0
        return f if f == f and abs(f) < 1e15 else 0.0
    return 0.0


def _str(value: Any, limit: int = 200) -> str:
    if isinstance(value, str):
        return value[:limit]
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return ""


def _uid(value: Any) -> str:
    """Numeric uids as text; 0 (a masked viewer) and junk become ""."""
    if isinstance(value, str):
        return "" if value in ("", "0") else value[:64]
    n = _int(value)
    return str(n) if n > 0 else ""


def _json_obj(value: Any) -> dict[str, Any]:
    """A JSON-in-a-string field (``extra``) as a dict; {} when it is anything else."""
    if isinstance(value, dict):
        return value
    if not isinstance(value, str) or len(value) > 65536:
        return {}
    try:
        parsed = orjson.loads(value)
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


# --- protobuf (INTERACT_WORD_V2) ------------------------------------------------
# Four scalar fields of one message do not justify a protobuf dependency and a
# generated schema; this reader walks the wire format and keeps top-level fields.


def _varint(buf: bytes, pos: int) -> tuple[int, int]:
    result = 0
    shift = 0
    while True:
        if pos >= len(buf) or shift > 63:
            raise ValueError("bad varint")
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if b < 0x80:
            return result, pos
        shift += 7


def parse_protobuf(buf: bytes) -> dict[int, int | bytes]:
    """Top-level fields of a protobuf message: number -> varint or bytes (last one wins).

    Raises ValueError on malformed input. Fixed-width fields are skipped.
    """
    fields: dict[int, int | bytes] = {}
    pos = 0
    while pos < len(buf):
        key, pos = _varint(buf, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = _varint(buf, pos)
            fields[number] = value
        elif wire == 2:
            size, pos = _varint(buf, pos)
            if size > len(buf) - pos:
                raise ValueError("length past end")
            fields[number] = buf[pos : pos + size]
            pos += size
        elif wire == 1:
            pos += 8
        elif wire == 5:
            pos += 4
        else:
            raise ValueError(f"unsupported wire type {wire}")
        if pos > len(buf):
            raise ValueError("field past end")
    return fields


# --- web commands ---------------------------------------------------------------


def _item(seq: Any, index: int) -> Any:
    """``seq[index]`` for a list long enough, else None: the hot path of DANMU_MSG."""
    return seq[index] if type(seq) is list and index < len(seq) else None


def _danmu_msg(body: dict[str, Any]) -> list[Event]:
    # The busiest command by far (bench: >100k/s), so it reads the arrays with _item
    # once per level instead of walking a path from the top for every field.
    info = body.get("info")
    if type(info) is not list or len(info) < 2:
        return []
    text = info[1]
    if type(text) is not str or not text:
        return []
    head, user, medal = _item(info, 0), _item(info, 2), _item(info, 3)
    mode_info = _item(head, 15)
    extra = _json_obj(mode_info.get("extra")) if type(mode_info) is dict else {}
    msg_id = _str(extra.get("id_str"), 64)
    if not msg_id:
        ts, ct = _get(info, 9, "ts"), _get(info, 9, "ct")
        msg_id = f"{_int(ts)}:{_str(ct, 32)}" if ct else ""
    uname = _str(_item(user, 1)) or _str(_get(mode_info, "user", "base", "name"))
    return [
        Danmaku(
            platform=PLATFORM,
            msg_id=msg_id,
            uid=_uid(_item(user, 0)),
            uname=uname,
            text=text[:MAX_TEXT],
            guard_level=_int(_item(info, 7)),
            medal_name=_str(_item(medal, 1)),
            medal_level=_int(_item(medal, 0)),
            user_level=_int(_item(_item(info, 4), 0)),
            emoticon=_item(head, 12) == 1,
            reply_to=_str(extra.get("reply_uname")),
        )
    ]


def _send_gift(body: dict[str, Any]) -> list[Event]:
    data = body.get("data")
    name = _str(_get(data, "giftName"))
    if not name:
        return []
    num = max(_int(_get(data, "num"), 1), 1)
    paid = _get(data, "coin_type") == "gold"
    total = _int(_get(data, "total_coin")) or _int(_get(data, "price")) * num
    return [
        Gift(
            platform=PLATFORM,
            msg_id=_str(_get(data, "tid"), 64) or _str(_get(data, "rnd"), 64),
            uid=_uid(_get(data, "uid")),
            uname=_str(_get(data, "uname")),
            gift_name=name,
            gift_id=_int(_get(data, "giftId")),
            count=num,
            price=total / 1000 if paid else 0.0,
            paid=paid,
            combo_id=_str(_get(data, "batch_combo_id"), 64),
        )
    ]


def _combo_send(body: dict[str, Any]) -> list[Event]:
    data = body.get("data")
    name = _str(_get(data, "gift_name"))
    combo_id = _str(_get(data, "batch_combo_id"), 64)
    if not name or not combo_id:
        return []
    total = max(_int(_get(data, "total_num")) or _int(_get(data, "combo_num")), 1)
    coins = _int(_get(data, "combo_total_coin"))
    paid = _get(data, "coin_type") != "silver" and coins > 0
    return [
        Gift(
            platform=PLATFORM,
            msg_id=f"combo:{combo_id}:{total}",
            uid=_uid(_get(data, "uid")),
            uname=_str(_get(data, "uname")),
            gift_name=name,
            gift_id=_int(_get(data, "gift_id")),
            count=total,
            price=coins / 1000 if paid else 0.0,
            paid=paid,
            combo_id=combo_id,
        )
    ]


def _super_chat(body: dict[str, Any]) -> list[Event]:
    data = body.get("data")
    text = _get(data, "message")
    if not isinstance(text, str):
        return []
    sc_id = _str(_get(data, "id"), 64)
    return [
        SuperChat(
            platform=PLATFORM,
            msg_id=f"sc:{sc_id}" if sc_id else "",
            uid=_uid(_get(data, "uid")),
            uname=_str(_get(data, "user_info", "uname")),
            text=text[:MAX_TEXT],
            price=_float(_get(data, "price")),
            duration_s=_int(_get(data, "time"), 60),
        )
    ]


def _guard(uid: str, uname: str, level: int, num: int, unit_coins: int, start: int) -> list[Event]:
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


def _guard_buy(body: dict[str, Any]) -> list[Event]:
    """GUARD_BUY and USER_TOAST_MSG carry the same fields."""
    d = body.get("data")
    return _guard(
        _uid(_get(d, "uid")),
        _str(_get(d, "username")),
        _int(_get(d, "guard_level")),
        _int(_get(d, "num"), 1),
        _int(_get(d, "price")),
        _int(_get(d, "start_time")),
    )


def _user_toast_v2(body: dict[str, Any]) -> list[Event]:
    d = body.get("data")
    return _guard(
        _uid(_get(d, "sender_uinfo", "uid")),
        _str(_get(d, "sender_uinfo", "base", "name")),
        _int(_get(d, "guard_info", "guard_level")),
        _int(_get(d, "pay_info", "num"), 1),
        _int(_get(d, "pay_info", "price")),
        _int(_get(d, "guard_info", "start_time")),
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


def _interact_word(body: dict[str, Any]) -> list[Event]:
    d = body.get("data")
    uname = _str(_get(d, "uname")) or _str(_get(d, "uinfo", "base", "name"))
    return _enter(_uid(_get(d, "uid")), uname, _int(_get(d, "msg_type")))


def _interact_word_v2(body: dict[str, Any]) -> list[Event]:
    pb = _get(body, "data", "pb")
    if not isinstance(pb, str) or len(pb) > 65536:
        return []
    try:
        fields = parse_protobuf(base64.b64decode(pb, validate=False))
    except (ValueError, binascii.Error):
        return []
    uid, name, msg_type = fields.get(1), fields.get(2), fields.get(5)
    uname = name.decode("utf-8", "replace")[:200] if isinstance(name, bytes) else ""
    return _enter(
        _uid(uid if isinstance(uid, int) else 0), uname, msg_type if isinstance(msg_type, int) else 0
    )


def _like_click(body: dict[str, Any]) -> list[Event]:
    d = body.get("data")
    return [Like(platform=PLATFORM, uid=_uid(_get(d, "uid")), uname=_str(_get(d, "uname")), count=1)]


def _live(body: dict[str, Any]) -> list[Event]:
    room = _str(body.get("roomid")) or _str(_get(body, "data", "room_id"))
    return [SourceStatus(source=PLATFORM, state="live_on", detail=f"room {room}" if room else "")]


def _preparing(body: dict[str, Any]) -> list[Event]:
    room = _str(body.get("roomid"))
    return [SourceStatus(source=PLATFORM, state="live_off", detail=f"room {room}" if room else "")]


def _nothing(body: dict[str, Any]) -> list[Event]:
    return []


# --- open platform commands ----------------------------------------------------------


def _open_uid(d: Any) -> str:
    """The open platform hides uids (0) and gives a per-app ``open_id`` instead."""
    return _str(_get(d, "open_id"), 64) or _uid(_get(d, "uid"))


def _open_dm(body: dict[str, Any]) -> list[Event]:
    d = body.get("data")
    text = _get(d, "msg")
    if not isinstance(text, str) or not text:
        return []
    wearing = _get(d, "fans_medal_wearing_status")
    return [
        Danmaku(
            platform=PLATFORM,
            msg_id=_str(_get(d, "msg_id"), 64),
            uid=_open_uid(d),
            uname=_str(_get(d, "uname")),
            text=text[:MAX_TEXT],
            guard_level=_int(_get(d, "guard_level")),
            medal_name=_str(_get(d, "fans_medal_name")) if wearing is not False else "",
            medal_level=_int(_get(d, "fans_medal_level")) if wearing is not False else 0,
            user_level=0,
            emoticon=_int(_get(d, "dm_type")) == 1,
            reply_to=_str(_get(d, "reply_uname")),
        )
    ]


def _open_gift(body: dict[str, Any]) -> list[Event]:
    d = body.get("data")
    name = _str(_get(d, "gift_name"))
    if not name:
        return []
    num = max(_int(_get(d, "gift_num"), 1), 1)
    paid = _get(d, "paid") is True
    return [
        Gift(
            platform=PLATFORM,
            msg_id=_str(_get(d, "msg_id"), 64),
            uid=_open_uid(d),
            uname=_str(_get(d, "uname")),
            gift_name=name,
            gift_id=_int(_get(d, "gift_id")),
            count=num,
            price=_int(_get(d, "price")) * num / 1000 if paid else 0.0,
            paid=paid,
            combo_id=_str(_get(d, "combo_info", "combo_id"), 64),
        )
    ]


def _open_super_chat(body: dict[str, Any]) -> list[Event]:
    d = body.get("data")
    text = _get(d, "message")
    if not isinstance(text, str):
        return []
    start, end = _int(_get(d, "start_time")), _int(_get(d, "end_time"))
    return [
        SuperChat(
            platform=PLATFORM,
            msg_id=_str(_get(d, "msg_id"), 64) or _str(_get(d, "message_id"), 64),
            uid=_open_uid(d),
            uname=_str(_get(d, "uname")),
            text=text[:MAX_TEXT],
            price=_float(_get(d, "rmb")),
            duration_s=end - start if 0 < end - start < 86400 else 60,
        )
    ]


def _open_guard(body: dict[str, Any]) -> list[Event]:
    d = body.get("data")
    user = _get(d, "user_info")
    level = _int(_get(d, "guard_level"))
    if level not in (1, 2, 3):
        return []
    num = max(_int(_get(d, "guard_num"), 1), 1)
    return [
        Guard(
            platform=PLATFORM,
            msg_id=_str(_get(d, "msg_id"), 64),
            uid=_open_uid(user),
            uname=_str(_get(user, "uname")),
            level=level,
            count=num,
            price=_int(_get(d, "price")) * num / 1000,
        )
    ]


def _open_like(body: dict[str, Any]) -> list[Event]:
    d = body.get("data")
    return [
        Like(
            platform=PLATFORM,
            uid=_open_uid(d),
            uname=_str(_get(d, "uname")),
            count=max(_int(_get(d, "like_count"), 1), 1),
        )
    ]


def _open_enter(body: dict[str, Any]) -> list[Event]:
    d = body.get("data")
    return [Enter(platform=PLATFORM, uid=_open_uid(d), uname=_str(_get(d, "uname")), action="enter")]


def _open_live_start(body: dict[str, Any]) -> list[Event]:
    title = _str(_get(body, "data", "title"))
    return [SourceStatus(source=PLATFORM, state="live_on", detail=title)]


def _open_live_end(body: dict[str, Any]) -> list[Event]:
    title = _str(_get(body, "data", "title"))
    return [SourceStatus(source=PLATFORM, state="live_off", detail=title)]


Handler = Callable[[dict[str, Any]], list[Event]]

HANDLERS: dict[str, Handler] = {
    "DANMU_MSG": _danmu_msg,
    "SEND_GIFT": _send_gift,
    "COMBO_SEND": _combo_send,
    "SUPER_CHAT_MESSAGE": _super_chat,
    "SUPER_CHAT_MESSAGE_JPN": _nothing,  # the same super chat again, machine-translated
    "SUPER_CHAT_MESSAGE_DELETE": _nothing,
    "GUARD_BUY": _guard_buy,
    "USER_TOAST_MSG": _guard_buy,
    "USER_TOAST_MSG_V2": _user_toast_v2,
    "INTERACT_WORD": _interact_word,
    "INTERACT_WORD_V2": _interact_word_v2,
    "LIKE_INFO_V3_CLICK": _like_click,
    "LIVE": _live,
    "PREPARING": _preparing,
    "LIVE_OPEN_PLATFORM_DM": _open_dm,
    "LIVE_OPEN_PLATFORM_SEND_GIFT": _open_gift,
    "LIVE_OPEN_PLATFORM_SUPER_CHAT": _open_super_chat,
    "LIVE_OPEN_PLATFORM_SUPER_CHAT_DEL": _nothing,
    "LIVE_OPEN_PLATFORM_GUARD": _open_guard,
    "LIVE_OPEN_PLATFORM_LIKE": _open_like,
    "LIVE_OPEN_PLATFORM_LIVE_ROOM_ENTER": _open_enter,
    "LIVE_OPEN_PLATFORM_LIVE_START": _open_live_start,
    "LIVE_OPEN_PLATFORM_LIVE_END": _open_live_end,
    # The session restarts the game on this one; it is no room event.
    "LIVE_OPEN_PLATFORM_INTERACTION_END": _nothing,
}

INTERACTION_END = "LIVE_OPEN_PLATFORM_INTERACTION_END"


def command_name(body: dict[str, Any]) -> str:
    """``DANMU_MSG:4:0:2:2:2:0`` -> ``DANMU_MSG``; "" when there is no usable name."""
    cmd = body.get("cmd")
    if not isinstance(cmd, str):
        return ""
    return cmd.split(":", 1)[0][:100]


class CommandParser:
    """Turns command bodies into events; counts unknown commands and logs each once."""

    def __init__(self) -> None:
        self.unknown: Counter[str] = Counter()
        self.failed: Counter[str] = Counter()

    def parse(self, body: dict[str, Any]) -> list[Event]:
        name = command_name(body)
        handler = HANDLERS.get(name)
        if handler is None:
            if name not in self.unknown and len(self.unknown) < 1000:
                log.info("bilibili: ignoring unknown command %r", name)
            if name in self.unknown or len(self.unknown) < 1000:
                self.unknown[name] += 1
            return []
        try:
            return handler(body)
        except Exception:  # a payload shape no helper anticipated; one command, not the link
            if name not in self.failed:
                log.warning(
                    "bilibili: could not read a %s command; skipping such commands", name, exc_info=True
                )
            self.failed[name] += 1
            return []
