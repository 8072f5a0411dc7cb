"""Local stand-ins for Bilibili on loopback, speaking the real wire protocols.

The parts live in tests/support/: ``bili_frames`` (packets, batches, DANMU_MSG and open-platform
commands), ``bili_ws`` (``DanmakuServer``, the danmaku websocket, and ``FakeCtx``) and
``bili_api`` (``ApiServer``: room info, nav, finger/spi, WBI-checked getDanmuInfo and the open
platform's HMAC-checked app/start, heartbeat, end). This module gathers them under the name
the Bilibili tests and bench/bench_bilibili.py import.
"""

from __future__ import annotations

from tests.support.bili_api import ApiServer, ApiState, bili_signature_ok, make_app, wbi_ok
from tests.support.bili_frames import HEADER, batch, command_packets, danmu, open_dm, packet
from tests.support.bili_ws import DanmakuServer, FakeCtx

__all__ = [
    "HEADER",
    "ApiServer",
    "ApiState",
    "DanmakuServer",
    "FakeCtx",
    "batch",
    "bili_signature_ok",
    "command_packets",
    "danmu",
    "make_app",
    "open_dm",
    "packet",
    "wbi_ok",
]
