"""What comes from the live room: viewers' chat, gifts, super chats, guards, entries and likes,
and the room's own facts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal

from agent.events.base import ARRIVAL, Lane


@dataclass(frozen=True, slots=True, kw_only=True)
class Danmaku:
    """A viewer's chat message."""

    type: ClassVar[str] = "danmaku"
    lane: ClassVar[Lane] = Lane.DATA
    platform: str = "replay"
    msg_id: str = ""
    uid: str = ""
    uname: str = ""
    text: str
    guard_level: int = 0
    medal_name: str = ""
    medal_level: int = 0
    user_level: int = 0
    emoticon: bool = False
    reply_to: str = ""
    at: float = ARRIVAL


@dataclass(frozen=True, slots=True, kw_only=True)
class Gift:
    """A gift; ``count`` gifts of one kind, ``price`` in yuan for all of them."""

    type: ClassVar[str] = "gift"
    lane: ClassVar[Lane] = Lane.DATA
    platform: str = "replay"
    msg_id: str = ""
    uid: str = ""
    uname: str = ""
    gift_name: str
    gift_id: int = 0
    count: int = 1
    price: float = 0.0
    paid: bool = False
    combo_id: str = ""
    at: float = ARRIVAL


@dataclass(frozen=True, slots=True, kw_only=True)
class SuperChat:
    """A paid message pinned in the room (醒目留言); ``price`` in yuan."""

    type: ClassVar[str] = "super_chat"
    lane: ClassVar[Lane] = Lane.DATA
    platform: str = "replay"
    msg_id: str = ""
    uid: str = ""
    uname: str = ""
    text: str
    price: float = 0.0
    duration_s: int = 60
    at: float = ARRIVAL


@dataclass(frozen=True, slots=True, kw_only=True)
class Guard:
    """A guard (大航海) purchase: level 1 总督, 2 提督, 3 舰长; Twitch subs too."""

    type: ClassVar[str] = "guard"
    lane: ClassVar[Lane] = Lane.DATA
    platform: str = "replay"
    msg_id: str = ""
    uid: str = ""
    uname: str = ""
    level: int = 3
    count: int = 1
    price: float = 0.0
    at: float = ARRIVAL


@dataclass(frozen=True, slots=True, kw_only=True)
class Enter:
    """A viewer entered, followed or shared the room."""

    type: ClassVar[str] = "enter"
    lane: ClassVar[Lane] = Lane.DATA
    platform: str = "replay"
    uid: str = ""
    uname: str = ""
    action: Literal["enter", "follow", "share"] = "enter"
    at: float = ARRIVAL


@dataclass(frozen=True, slots=True, kw_only=True)
class Like:
    type: ClassVar[str] = "like"
    lane: ClassVar[Lane] = Lane.DATA
    platform: str = "replay"
    uid: str = ""
    uname: str = ""
    count: int = 1
    at: float = ARRIVAL


@dataclass(frozen=True, slots=True, kw_only=True)
class RoomInfo:
    """The live room's own facts as its platform reports them when a source connects and
    when they change: the title and the area (Bilibili's 分区, Twitch's game). Platform text:
    said only as a quoted fact, never read as an instruction."""

    type: ClassVar[str] = "room_info"
    lane: ClassVar[Lane] = Lane.DATA
    platform: str
    room: str = ""
    title: str = ""
    area: str = ""
    at: float = ARRIVAL


# Kinds of viewer activity the brain may answer, from most to least urgent.
ViewerEvent = Danmaku | Gift | SuperChat | Guard | Enter | Like
