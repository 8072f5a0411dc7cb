"""`cohost run` with two live sources at once (a Twitch + Douyin-bridge simulcast).

The real `cohost run` process connects to a local Twitch IRC server and listens
for a JSON WebSocket bridge; chat from both reaches one brain and is answered.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from pathlib import Path
from typing import Any

from websockets.asyncio.client import connect

from tests.obs_harness import free_port
from tests.support.waiting import wait_for_file_text, wait_for_record
from tests.twitch_server import TwitchTestServer, privmsg


async def test_twitch_and_a_json_bridge_feed_one_bot(tmp_path: Path) -> None:
    lines = [privmsg("tw-1", "viewer_one", "hello streamer, what game is this?")]
    bridge_port = free_port()
    record = tmp_path / "run.jsonl"
    async with TwitchTestServer(lines, plan=()) as twitch:
        env = {
            **os.environ,
            "COHOST_SOURCES__ENABLED": '["twitch", "jsonws"]',
            "COHOST_SOURCES__TWITCH__CHANNEL": "cohost_test",
            "COHOST_SOURCES__TWITCH__WS_URL": twitch.url,
            "COHOST_SOURCES__JSONWS__LISTEN_PORT": str(bridge_port),
            "COHOST_SOURCES__JSONWS__PLATFORM": "douyin",
            "COHOST_BRAIN__COOLDOWN_S": "0",
            # A loaded machine may take minutes to load the voice: the reply waits (a hang guard).
            "COHOST_BRAIN__REPLY_TIMEOUT_S": "600",
            "COHOST_AUDIO__OUTPUT_DEVICE": "none",
            "COHOST_AUDIO__OUTPUT_DIR": str(tmp_path / "audio"),
            "COHOST_CONTROL__PORT": "0",
        }
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "agent",
            "run",
            "--record",
            str(record),
            env=env,
            cwd=tmp_path,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            await wait_for_file_text(record, '"platform":"twitch"')
            await wait_for_file_text(record, '"source":"jsonws","state":"live"')
            async with connect(f"ws://127.0.0.1:{bridge_port}") as bridge:
                await bridge.send(
                    json.dumps(
                        {"type": "danmaku", "uname": "抖音观众", "uid": "d1", "text": "主播这是什么游戏？"}
                    )
                )
                await wait_for_record(record, lambda events: "抖音观众" in _replies(events))
        finally:
            proc.send_signal(signal.SIGINT)
            _out, err = await asyncio.wait_for(proc.communicate(), 30)
    assert proc.returncode == 0, err.decode()[-2000:]
    events = [json.loads(line) for line in record.read_text(encoding="utf-8").splitlines()]
    chat = [(e["platform"], e["uname"]) for e in events if e["type"] == "danmaku"]
    assert ("twitch", "Viewer_one") in chat  # display-name tag
    assert ("douyin", "抖音观众") in chat
    replies = _replies(events)
    assert "Viewer_one" in replies and "抖音观众" in replies  # both platforms answered


def _replies(events: list[dict[str, Any]]) -> str:
    return " ".join(e["text"] for e in events if e["type"] == "reply_sentence")
