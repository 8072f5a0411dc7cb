"""blivedm's decode path, reproduced for ``bench_bilibili.py`` to compare against (bench only).

blivedm (github.com/xfgryujk/blivedm, MIT, (c) 2018 xfgryujk) is the usual Python client for
Bilibili's danmaku websocket. Its PyPI release pins brotli 1.0.9 (Cohost needs >= 1.2), so it is
not installed; this is its path from a frame to a danmaku as of commit 3bf17fe (2026-08):
``WebSocketClientBase._parse_ws_message`` / ``_parse_business_message`` (blivedm/clients/
ws_base.py), ``BaseHandler.handle``'s DANMU_MSG callback and ``DanmakuMessage.from_command``
(blivedm/models/web.py), same statements, less logging. One change in its favour: blivedm
decompresses in the loop's thread pool (``run_in_executor``); here it decompresses inline, so
the thread hand-over it pays per frame is not counted.
"""

from __future__ import annotations

import dataclasses
import json
import struct
import zlib
from typing import Any, NamedTuple

import brotli

HEADER_STRUCT = struct.Struct(">I2H2I")
SEND_MSG_REPLY, AUTH_REPLY = 5, 8
NORMAL, DEFLATE, BROTLI = 0, 2, 3


class HeaderTuple(NamedTuple):
    pack_len: int
    raw_header_size: int
    ver: int
    operation: int
    seq_id: int


@dataclasses.dataclass
class DanmakuMessage:
    mode: int = 0
    font_size: int = 0
    color: int = 0
    timestamp: int = 0
    rnd: int = 0
    uid_crc32: str = ""
    msg_type: int = 0
    bubble: int = 0
    dm_type: int = 0
    emoticon_options: dict[str, Any] | str = ""
    voice_config: dict[str, Any] | str = ""
    mode_info: dict[str, Any] = dataclasses.field(default_factory=dict)
    is_mirror: bool = False
    msg: str = ""
    uid: int = 0
    uname: str = ""
    face: str = ""
    admin: int = 0
    vip: int = 0
    svip: int = 0
    urank: int = 0
    mobile_verify: int = 0
    uname_color: str = ""
    medal_level: int = 0
    medal_name: str = ""
    runame: str = ""
    medal_room_id: int = 0
    mcolor: int = 0
    special_medal: str = ""
    user_level: int = 0
    ulevel_color: int = 0
    ulevel_rank: str = ""
    old_title: str = ""
    title: str = ""
    privilege_type: int = 0
    wealth_level: int = 0

    @classmethod
    def from_command(cls, info: list[Any]) -> DanmakuMessage:
        mode_info = info[0][15]
        try:
            face = mode_info["user"]["base"]["face"]
        except (TypeError, KeyError):
            face = ""
        if len(info[3]) != 0:
            medal_level, medal_name, runame = info[3][0], info[3][1], info[3][2]
            medal_room_id, mcolor, special_medal = info[3][3], info[3][4], info[3][5]
        else:
            medal_level, medal_name, runame, medal_room_id, mcolor, special_medal = 0, "", "", 0, 0, 0
        if len(info[5]) != 0:
            old_title, title = info[5][0], info[5][1]
        else:
            old_title, title = "", ""
        return cls(
            mode=info[0][1],
            font_size=info[0][2],
            color=info[0][3],
            timestamp=info[0][4],
            rnd=info[0][5],
            uid_crc32=info[0][7],
            msg_type=info[0][9],
            bubble=info[0][10],
            dm_type=info[0][12],
            emoticon_options=info[0][13],
            voice_config=info[0][14],
            mode_info=mode_info,
            msg=info[1],
            uid=info[2][0],
            uname=info[2][1],
            face=face,
            admin=info[2][2],
            vip=info[2][3],
            svip=info[2][4],
            urank=info[2][5],
            mobile_verify=info[2][6],
            uname_color=info[2][7],
            medal_level=medal_level,
            medal_name=medal_name,
            runame=runame,
            medal_room_id=medal_room_id,
            mcolor=mcolor,
            special_medal=special_medal,
            user_level=info[4][0],
            ulevel_color=info[4][2],
            ulevel_rank=info[4][3],
            old_title=old_title,
            title=title,
            privilege_type=info[7],
            wealth_level=info[16][0],
        )


class BlivedmDecoder:
    """Frames in; ``commands`` (every JSON command) and ``danmaku`` (parsed DANMU_MSG) out."""

    def __init__(self, *, parse_danmaku: bool) -> None:
        self.parse_danmaku = parse_danmaku
        self.commands: list[dict[str, Any]] = []
        self.danmaku: list[DanmakuMessage] = []

    def parse_ws_message(self, data: bytes) -> None:
        offset = 0
        header = HeaderTuple(*HEADER_STRUCT.unpack_from(data, offset))
        if header.operation in (SEND_MSG_REPLY, AUTH_REPLY):
            while True:
                body = data[offset + header.raw_header_size : offset + header.pack_len]
                self._parse_business_message(header, body)
                offset += header.pack_len
                if offset >= len(data):
                    break
                header = HeaderTuple(*HEADER_STRUCT.unpack_from(data, offset))

    def _parse_business_message(self, header: HeaderTuple, body: bytes) -> None:
        if header.operation != SEND_MSG_REPLY:
            return
        if header.ver == BROTLI:
            self.parse_ws_message(brotli.decompress(body))
        elif header.ver == DEFLATE:
            self.parse_ws_message(zlib.decompress(body))
        elif header.ver == NORMAL and len(body) != 0:
            self._handle_command(json.loads(body.decode("utf-8")))

    def _handle_command(self, command: dict[str, Any]) -> None:
        self.commands.append(command)
        if not self.parse_danmaku:
            return
        cmd = command.get("cmd", "")
        pos = cmd.find(":")
        if pos != -1:
            cmd = cmd[:pos]
        if cmd == "DANMU_MSG":
            self.danmaku.append(DanmakuMessage.from_command(command["info"]))
