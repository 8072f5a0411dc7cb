"""The live room's own facts as knowledge entries: the stream's title and its game (area),
from the ``RoomInfo`` events a source publishes, so the bot can answer 这是什么游戏 without
the streamer writing it down.

The questions are fixed (below); the answers follow the latest ``RoomInfo``. The text is
the platform's (the streamer typed it, but anything can be in a title): control characters
and markup go, and it is cut short; the reply guard still checks it like any reply.
"""

from __future__ import annotations

import re

from agent.events import RoomInfo
from agent.knowledge.entries import Entry
from agent.sources.platforms import is_english

__all__ = ["ROOM", "room_entries"]

ROOM = "room"
_MAX = 60
_UNSAFE = re.compile(r"[\x00-\x1f\x7f\u200b-\u200f\u2028-\u202e\ud800-\udfff<>{}`]")
_GAME_ZH = ("这是什么游戏", "主播在玩什么", "玩的是什么游戏", "这是什么分区")
_GAME_EN = ("what game is this", "what are you playing", "which game is this")
_TITLE_ZH = ("直播间标题是什么", "今天直播什么内容", "今天播什么")
_TITLE_EN = ("what is the stream title", "what is today's stream about")


_TAG = re.compile(r"<[^<>]{0,200}>")


def clean(text: str) -> str:
    """Platform text made safe to say and show: tags and control characters out, cut short."""
    return " ".join(_UNSAFE.sub("", _TAG.sub("", text)).split())[:_MAX]


def room_entries(info: RoomInfo) -> list[Entry]:
    """What ``info`` lets the bot answer: the game and the title, in the platform's language."""
    english = is_english(info.platform)
    area, title = clean(info.area), clean(info.title)
    entries = []
    if area:
        answer = f"We're playing {area}." if english else f"现在在玩{area}。"
        entries.append(Entry(_GAME_EN + _GAME_ZH if english else _GAME_ZH + _GAME_EN, answer, ROOM))
    if title:
        answer = f"Today's stream: {title}." if english else f"今天的直播标题是「{title}」。"
        entries.append(Entry(_TITLE_EN + _TITLE_ZH if english else _TITLE_ZH + _TITLE_EN, answer, ROOM))
    return entries
