"""Viewer memory across two `cohost run` processes sharing one SQLite file.

Stream one: a viewer asks a question, another offers a contact (dropped by the filter).
Stream two (a new process, the same file): the first viewer's greeting is answered with a
welcome back naming what they asked; the dropped contact was never stored; the viewer's
`!forget` then empties the file of them, which `cohost memory export` shows.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from websockets.asyncio.client import connect

from tests.obs_harness import free_port
from tests.support.waiting import wait_for_file_text

pytestmark = pytest.mark.slow


def _env(tmp_path: Path, port: int, memory: Path) -> dict[str, str]:
    return {
        **os.environ,
        "COHOST_SOURCES__ENABLED": '["jsonws"]',
        "COHOST_SOURCES__JSONWS__LISTEN_PORT": str(port),
        "COHOST_SOURCES__JSONWS__PLATFORM": "bilibili",
        "COHOST_VIEWERS__FILE": str(memory),
        "COHOST_LLM__ENGINE": "template",
        "COHOST_TTS__ENGINE": "none",
        "COHOST_ASR__ENGINE": "none",
        "COHOST_BRAIN__COOLDOWN_S": "0",
        "COHOST_BRAIN__FOLD_BY_MEANING": "false",
        "COHOST_AUDIO__OUTPUT_DEVICE": "none",
        "COHOST_AUDIO__OUTPUT_DIR": str(tmp_path / "audio"),
        "COHOST_CONTROL__PORT": "0",
    }


async def _stream(tmp_path: Path, memory: Path, name: str, chat: list[dict[str, str]], wait_for: str) -> Path:
    """One `cohost run --remember-viewers` process: send ``chat`` over the JSON bridge, wait
    for ``wait_for`` in its recording, stop it with Ctrl-C; returns the recording."""
    port = free_port()
    record = tmp_path / f"{name}.jsonl"
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "agent",
        "run",
        "--remember-viewers",
        "--record",
        str(record),
        env=_env(tmp_path, port, memory),
        cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        await wait_for_file_text(record, '"source":"jsonws","state":"live"')
        async with connect(f"ws://127.0.0.1:{port}") as bridge:
            for message in chat:
                await bridge.send(json.dumps({"type": "danmaku", **message}))
                await asyncio.sleep(0.3)
            await wait_for_file_text(record, wait_for)
    finally:
        proc.send_signal(signal.SIGINT)
        _out, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode in (0, 130), err.decode()[-2000:]
    assert "remembered across streams" in (_out + err).decode(), (_out + err).decode()[-2000:]
    return record


def _export(tmp_path: Path, memory: Path) -> list[dict[str, object]]:
    config = tmp_path / "config.toml"
    config.write_text(f'[viewers]\nfile = "{memory.as_posix()}"\n', encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "agent", "memory", "export", "--config", str(config)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


async def test_a_viewer_is_welcomed_back_in_the_next_stream(tmp_path: Path) -> None:
    memory = tmp_path / "viewers.sqlite3"
    first = [
        {"uid": "42", "uname": "阿明", "text": "我卡在第三关了 这关怎么过", "msg_id": "1"},
        {"uid": "43", "uname": "路人甲", "text": "加我微信 abc12345 带你过", "msg_id": "2"},
    ]
    await _stream(tmp_path, memory, "one", first, '"type":"utterance_done"')
    rows = {row["uid"]: row for row in _export(tmp_path, memory)}
    assert rows["42"]["asked"] == ["我卡在第三关了 这关怎么过"]
    assert "43" not in rows  # a dropped message leaves nothing, not even a visit
    assert b"abc12345" not in memory.read_bytes()

    second = [{"uid": "42", "uname": "阿明", "text": "主播晚上好", "msg_id": "3"}]
    record = await _stream(tmp_path, memory, "two", second, "欢迎回来")
    events = [json.loads(line) for line in record.read_text(encoding="utf-8").splitlines()]
    replies = " ".join(e["text"] for e in events if e["type"] == "reply_sentence")
    assert "阿明" in replies and "第三关" in replies
    assert {row["uid"]: row for row in _export(tmp_path, memory)}["42"]["visits"] == 2

    third = [{"uid": "42", "uname": "阿明", "text": "!forget", "msg_id": "4"}]
    await _stream(tmp_path, memory, "three", third, '"rule":"forget"')
    assert _export(tmp_path, memory) == []
