"""Bilibili danmaku wire frames built from the protocol description (PROTOCOLS.md), not the client.

The 16-byte header is packed here with struct directly; ``danmu`` and ``open_dm`` build commands
shaped like the real web and open-platform ones.
"""

from __future__ import annotations

import json
import struct
import zlib
from typing import Any

import brotli

HEADER = struct.Struct(">IHHII")


def packet(op: int, body: bytes, ver: int = 0, seq: int = 0) -> bytes:
    return HEADER.pack(16 + len(body), 16, ver, op, seq) + body


def command_packets(commands: list[dict[str, Any]]) -> bytes:
    return b"".join(packet(5, json.dumps(c, ensure_ascii=False).encode()) for c in commands)


def batch(commands: list[dict[str, Any]], compression: str) -> bytes:
    """One websocket frame: the commands' packets compressed into one outer packet."""
    inner = command_packets(commands)
    if compression == "brotli":
        return packet(5, brotli.compress(inner), ver=3)
    if compression == "zlib":
        return packet(5, zlib.compress(inner), ver=2)
    return inner


def danmu(n: int, text: str = "", *, uid: int = 0, uname: str = "", info_len: int = 17) -> dict[str, Any]:
    """A DANMU_MSG shaped like a real one; ``info_len`` trims the info array like older clients."""
    extra = json.dumps({"id_str": f"dm{n:08d}", "reply_uname": "", "content": text or f"弹幕{n}"})
    info: list[Any] = [
        [
            0,
            1,
            25,
            16777215,
            1700000000000 + n,
            0,
            0,
            "a1b2c3",
            0,
            0,
            0,
            "",
            0,
            "{}",
            "{}",
            {"mode": 0, "extra": extra, "user": {"uid": uid, "base": {"name": uname or f"观众{n}"}}},
            {},
            None,
        ],
        text or f"弹幕{n}",
        [uid or 1000 + n, uname or f"观众{n}", 0, 0, 0, 10000, 1, ""],
        [12, "牌子", "主播", 1, 398668, "", 0, 398668, 398668, 398668, 0, 1, 1000],
        [21, 0, 5805790, "\u003e50000", 0],
        ["", ""],
        0,
        3,
        None,
        {"ts": 1700000000 + n, "ct": f"{n:08X}"},
        0,
        0,
        None,
        None,
        0,
        105,
        [22],
    ]
    return {"cmd": "DANMU_MSG:4:0:2:2:2:0", "info": info[:info_len], "dm_v2": ""}


def open_dm(n: int, text: str = "") -> dict[str, Any]:
    return {
        "cmd": "LIVE_OPEN_PLATFORM_DM",
        "data": {
            "room_id": 1, "uid": 0, "open_id": f"open-{n % 7}", "union_id": "", "uname": f"观众{n}",
            "msg": text or f"弹幕{n}", "msg_id": f"open-msg-{n:08d}", "fans_medal_level": 3,
            "fans_medal_name": "牌子", "fans_medal_wearing_status": True, "guard_level": 0,
            "timestamp": 1700000000 + n, "uface": "", "emoji_img_url": "", "dm_type": 0,
        },
    }  # fmt: skip
