"""``cohost listen`` as the streamer runs it: a subprocess against the local Twitch server."""

from __future__ import annotations

import asyncio
import json
import signal
import sys
from pathlib import Path

import pytest
from pydantic import SecretStr
from typer.testing import CliRunner

from agent.app.cli import app
from agent.config import (
    BilibiliOpenSource,
    BilibiliSource,
    ConfigError,
    JsonWsSource,
    Reconnect,
    SourcesConfig,
    TwitchSource,
)
from agent.events import from_dict
from agent.sources.cli import _apply_options
from agent.sources.factory import build_live_sources
from agent.sources.supervisor import SupervisedSource
from agent.sources.twitch import TwitchSession
from tests.twitch_server import TwitchTestServer, privmsg, usernotice

LINES = [
    privmsg("l-0", "alice", "你好主播"),
    usernotice("l-1", "sub", "bob", sub_plan="1000"),
    privmsg("l-2", "carol", "Cheer5 hi", bits="5"),
    privmsg("l-3", "dave", "bye"),
]
EXPECTED = [("danmaku", "l-0"), ("guard", "l-1"), ("gift", "l-2"), ("danmaku", "l-2"), ("danmaku", "l-3")]


def fast_config(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        "[sources.twitch]\nheartbeat_s = 0.5\n[sources.reconnect]\ninitial_s = 0.05\nmax_s = 0.2\n",
        encoding="utf-8",
    )
    return path


async def start_listen(url: str, config: Path) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "agent", "listen", "--source", "twitch", "--room", "Cohost_Test",
        "--ws-url", url, "--config", str(config),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip


async def test_listen_prints_json_lines_and_stops_cleanly_on_sigint(tmp_path: Path) -> None:
    async with TwitchTestServer(LINES, chunk=2) as server:
        proc = await start_listen(server.url, fast_config(tmp_path))
        assert proc.stdout is not None and proc.stderr is not None
        printed: list[dict[str, object]] = []
        try:
            while len(printed) < len(EXPECTED):
                line = await asyncio.wait_for(proc.stdout.readline(), 20)
                assert line, "listen exited early: " + (await proc.stderr.read()).decode()
                printed.append(json.loads(line))
            proc.send_signal(signal.SIGINT)
            rest, err = await asyncio.wait_for(proc.communicate(), 20)
        finally:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
    stderr = err.decode()
    assert proc.returncode == 0, stderr
    assert "Traceback" not in stderr
    assert "twitch: live" in stderr and "twitch: stopped" in stderr
    assert server.connections >= 2, "the server drops the client; listen should have reconnected"
    printed += [json.loads(line) for line in rest.decode().splitlines()]
    assert [(p["type"], p["msg_id"]) for p in printed] == EXPECTED
    first = from_dict(printed[0])
    assert (first.platform, first.text) == ("twitch", "你好主播")  # type: ignore[union-attr]


async def test_listen_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    async with TwitchTestServer() as server:
        proc = await start_listen(server.url, fast_config(tmp_path))
        assert proc.stderr is not None
        try:
            seen = b""
            while b"twitch: live" not in seen:
                chunk = await asyncio.wait_for(proc.stderr.readline(), 20)
                assert chunk, "listen exited before going live"
                seen += chunk
            proc.send_signal(signal.SIGTERM)
            out, err = await asyncio.wait_for(proc.communicate(), 20)
        finally:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
    assert proc.returncode == 0
    assert out == b""
    assert "Traceback" not in err.decode()


def test_missing_channel_is_one_line_naming_the_key(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["listen", "--source", "twitch", "--config", str(fast_config(tmp_path))])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "sources.twitch.channel" in lines[0]


@pytest.mark.parametrize(
    ("args", "hint"),
    [
        (["--source", "bilibili", "--room", "abc"], "--room"),
        (["--source", "jsonws", "--room", "x", "--ws-url", "ws://127.0.0.1:1"], "--room"),
        (["--source", "twitch", "--room", "x", "--api-base", "http://127.0.0.1:1"], "--api-base"),
    ],
)
def test_option_misuse_is_reported(tmp_path: Path, args: list[str], hint: str) -> None:
    result = CliRunner().invoke(app, ["listen", *args, "--config", str(fast_config(tmp_path))])
    assert result.exit_code == 2
    assert hint in result.stderr
    assert "Traceback" not in result.stderr


def test_options_land_in_the_right_keys() -> None:
    base = SourcesConfig()
    bili = _apply_options(base, "bilibili", "21452505", "ws://127.0.0.1:9/sub", "http://127.0.0.1:9")
    assert (bili.enabled, bili.bilibili.room_id, bili.bilibili.ws_url) == (
        ["bilibili"],
        21452505,
        "ws://127.0.0.1:9/sub",
    )
    assert bili.bilibili.api_base == "http://127.0.0.1:9"
    twitch = _apply_options(base, "twitch", "#SomeChannel", None, None)
    assert (twitch.enabled, twitch.twitch.channel) == (["twitch"], "somechannel")
    assert twitch.twitch.ws_url == base.twitch.ws_url
    feed = _apply_options(base, "jsonws", None, "ws://127.0.0.1:9", None)
    assert feed.jsonws.url == "ws://127.0.0.1:9"
    opened = _apply_options(base, "bilibili_open", None, None, "http://127.0.0.1:9")
    assert opened.bilibili_open.api_base == "http://127.0.0.1:9"


# --- the factory behind `listen` and `run` ------------------------------------


def test_factory_builds_supervised_sources_for_enabled_names() -> None:
    cfg = SourcesConfig(
        enabled=["replay", "twitch", "jsonws", "twitch"],
        twitch=TwitchSource(channel="somechannel"),
        jsonws=JsonWsSource(listen_port=9870),
        reconnect=Reconnect(dedupe_size=10),
    )
    sources = build_live_sources(cfg)
    assert [s.name for s in sources] == ["twitch", "jsonws"]
    assert all(isinstance(s, SupervisedSource) for s in sources)
    assert isinstance(sources[0], SupervisedSource) and isinstance(sources[0].session, TwitchSession)


def test_factory_builds_the_bilibili_sessions_lazily() -> None:
    cfg = SourcesConfig(
        enabled=["bilibili", "bilibili_open"],
        bilibili=BilibiliSource(room_id=21452505),
        bilibili_open=BilibiliOpenSource(
            identity_code=SecretStr("CODE"),
            app_id=1,
            access_key_id=SecretStr("id"),
            access_key_secret=SecretStr("secret"),
        ),
    )
    assert [s.name for s in build_live_sources(cfg)] == ["bilibili", "bilibili_open"]


def test_factory_names_every_missing_key_in_one_line_each() -> None:
    cfg = SourcesConfig(
        enabled=["bilibili", "bilibili_open", "twitch", "jsonws"],
        twitch=TwitchSource(oauth_token=SecretStr("s3cr3t-value"), ws_url="http://example"),
    )
    with pytest.raises(ConfigError) as caught:
        build_live_sources(cfg)
    lines = caught.value.lines
    for key in (
        "sources.bilibili.room_id",
        "sources.bilibili_open.identity_code",
        "sources.bilibili_open.app_id",
        "sources.bilibili_open.access_key_id",
        "sources.bilibili_open.access_key_secret",
        "sources.twitch.channel",
        "sources.twitch.nick",
        "sources.twitch.ws_url",
        "sources.jsonws",
    ):
        assert sum(key in line for line in lines) >= 1, key
    assert len(lines) == 9
    assert all("\n" not in line and line.startswith("config error: ") for line in lines)
    assert "s3cr3t" not in " ".join(lines)


def test_listen_to_a_room_it_cannot_reach_says_why_and_exits_1(tmp_path: Path) -> None:
    import socket
    import subprocess

    with socket.socket() as holder:  # a port nothing listens on once this closes
        holder.bind(("127.0.0.1", 0))
        port = holder.getsockname()[1]
    result = subprocess.run(
        [sys.executable, "-m", "agent", "listen", "--source", "jsonws", "--ws-url", f"ws://127.0.0.1:{port}/room",
         "--config", str(fast_config(tmp_path))],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("error: cannot reach the jsonws room: ") and "ConnectionRefused" in last
    assert "(3 tries)" in last
