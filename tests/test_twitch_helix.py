"""Twitch's title and game through Helix (issue 18 item 4), against a loopback stand-in
that speaks Helix's JSON (tests/support/helix_server.py): at connect, on change, off
without a client id, one warning for a refused token, and answered by `cohost run`."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import sys
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from agent.config import Reconnect, TwitchSource
from agent.events import Danmaku, Event, RoomInfo
from agent.sources.supervisor import SupervisedSource
from agent.sources.twitch import TwitchSession, problems
from agent.sources.twitch_helix import channel_info, refusal, user_id
from tests.obs_harness import free_port
from tests.support.helix_server import BROADCASTER_ID, HelixServer
from tests.support.threaded import served
from tests.support.waiting import wait_for_file_text
from tests.twitch_server import TwitchTestServer, privmsg

FAST = Reconnect(initial_s=0.02, max_s=0.1, stale_after_s=5.0)
# Twitch's API reference's own example answer for Get Channel Information.
DOC_EXAMPLE = {"data": [{"broadcaster_id": "141981764", "broadcaster_login": "twitchdev",
                         "broadcaster_name": "TwitchDev", "broadcaster_language": "en",
                         "game_id": "509670", "game_name": "Science & Technology",
                         "title": "TwitchDev Monthly Update // May 6, 2021", "delay": 0}]}  # fmt: skip


def helix(**overrides: str) -> HelixServer:
    fields = {"client_id": "cid-1", "token": "tok-1", "login": "cohost_test", "title": "Chill run",
              "game": "Elden Ring"} | overrides  # fmt: skip
    return HelixServer(**fields)


def twitch_cfg(irc_url: str, api_base: str, **fields: Any) -> TwitchSource:
    values = {"channel": "cohost_test", "ws_url": irc_url or "ws://127.0.0.1:1", "heartbeat_s": 0.2,
              "client_id": "cid-1", "oauth_token": "oauth:tok-1", "nick": "mybot",
              "api_base": api_base} | fields  # fmt: skip
    # model_copy does not validate: info_poll_s below its floor of 30 s, so a change shows in a test.
    return TwitchSource(**values).model_copy(update={"info_poll_s": 0.05})


async def wait_for(predicate: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.02)


def test_helix_answers_are_read_and_odd_ones_are_nothing() -> None:
    info = channel_info(DOC_EXAMPLE, "twitchdev")
    assert info == RoomInfo(
        platform="twitch", room="twitchdev", title="TwitchDev Monthly Update // May 6, 2021",
        area="Science & Technology", at=info.at if info else 0.0,
    )  # fmt: skip
    assert user_id({"data": [{"id": "141981764", "login": "twitchdev"}]}) == "141981764"
    odds: list[Any] = [None, [], {}, {"data": []}, {"data": [1]}, {"data": [{"id": 5}]}, {"data": "x"}]
    for odd in odds:
        assert user_id(odd) is None
        assert channel_info(odd, "c") is None
    assert channel_info({"data": [{"title": " ", "game_name": ""}]}, "c") is None
    tricky = channel_info({"data": [{"title": "a\u202eb\x00c", "game_name": "G" * 500}]}, "c")
    assert tricky is not None and tricky.title == "abc" and len(tricky.area) == 100
    line = refusal(401, {"error": "Unauthorized", "status": 401, "message": "Invalid OAuth token"})
    assert "Invalid OAuth token" in line and "sources.twitch.api_token" in line and "\n" not in line


def test_a_client_id_without_any_token_is_a_config_error() -> None:
    from agent.config import SourcesConfig

    lines = problems(SourcesConfig(twitch=TwitchSource(channel="c", client_id="cid")))
    assert any("sources.twitch.api_token" in line for line in lines)
    assert problems(SourcesConfig(twitch=TwitchSource(channel="c", client_id="cid", api_token="t"))) == []
    assert problems(SourcesConfig(twitch=TwitchSource(channel="c"))) == []  # off: nothing to say


async def _run(
    cfg: TwitchSource, lines: list[str], until: Callable[[list[Event]], bool], linger_s: float = 0.0
) -> list[Event]:
    """Run a Twitch source until ``until(got)``, then ``linger_s`` longer (still running)."""
    got: list[Event] = []
    async with TwitchTestServer(lines, token="tok-1", plan=()) as irc:
        source = SupervisedSource(TwitchSession(cfg.model_copy(update={"ws_url": irc.url})), FAST)
        task = asyncio.create_task(source.run(got.append))
        try:
            await wait_for(lambda: until(got))
            await asyncio.sleep(linger_s)
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
    return got


async def test_title_and_game_at_connect_and_when_they_change() -> None:
    with served(helix()) as server:
        cfg = twitch_cfg("", server.base)
        got: list[Event] = []
        async with TwitchTestServer([], token="tok-1", plan=()) as irc:
            session = TwitchSession(cfg.model_copy(update={"ws_url": irc.url}))
            task = asyncio.create_task(SupervisedSource(session, FAST).run(got.append))
            try:
                await wait_for(lambda: any(isinstance(e, RoomInfo) for e in got))
                with server.lock:
                    server.title, server.game = "Ranked grind", "League of Legends"
                await wait_for(
                    lambda: any(isinstance(e, RoomInfo) and e.area == "League of Legends" for e in got)
                )
            finally:
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)
    infos = [e for e in got if isinstance(e, RoomInfo)]
    assert (infos[0].platform, infos[0].room, infos[0].title, infos[0].area) == (
        "twitch",
        "cohost_test",
        "Chill run",
        "Elden Ring",
    )
    assert infos[-1].title == "Ranked grind"
    assert len(infos) == 2  # polled many times, said twice: at connect and on the change
    assert server.count("/helix/users") == 1  # the id is asked once, then kept
    assert server.count(f"/helix/channels?broadcaster_id={BROADCASTER_ID}") >= 2


async def test_a_refused_token_is_one_warning_and_chat_goes_on(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    with served(helix(token="the-right-one")) as server:
        cfg = twitch_cfg("", server.base)
        # Until the chat line and the poller's one warning are both in (the refusal may come
        # back after the chat), then several poll intervals more: a refused poller must not
        # ask again.
        got = await _run(
            cfg,
            [privmsg("m-1", "alice", "hi there")],
            lambda got: any(isinstance(e, Danmaku) for e in got) and _helix_lines(caplog) != [],
            linger_s=0.3,
        )
    assert not [e for e in got if isinstance(e, RoomInfo)]
    assert server.count("/helix/users") == 1 and server.count("/helix/channels") == 0
    lines = _helix_lines(caplog)
    assert len(lines) == 1 and "Invalid OAuth token" in lines[0] and "sources.twitch.api_token" in lines[0]


def _helix_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if "Helix" in r.getMessage()]


async def test_without_a_client_id_helix_is_never_asked() -> None:
    with served(helix()) as server:
        cfg = twitch_cfg("", server.base, client_id="")
        got = await _run(
            cfg, [privmsg("m-1", "alice", "hi")], lambda got: any(isinstance(e, Danmaku) for e in got)
        )
    assert server.calls == [] and not [e for e in got if isinstance(e, RoomInfo)]


def _status(port: int) -> dict[str, Any]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status", timeout=5) as response:
        return dict(json.loads(response.read()))


async def _knowledge_ready(port: int) -> dict[str, Any]:
    for _ in range(1200):
        try:
            known = _status(port)["knowledge"]
        except OSError:
            known = {}
        if known.get("state") in ("ready", "words only") and known.get("room_facts", {}).get("twitch"):
            return dict(known)
        await asyncio.sleep(0.1)
    raise AssertionError("the knowledge never held the twitch room's facts")


@pytest.mark.slow
async def test_cohost_run_answers_what_game_from_helix(tmp_path: Path) -> None:
    record, port = tmp_path / "run.jsonl", free_port()
    with served(helix(title="Blind run <b>day 3</b>")) as server:
        async with TwitchTestServer([], plan=()) as irc:
            env = {
                **os.environ,
                "COHOST_SOURCES__ENABLED": '["twitch"]',
                "COHOST_SOURCES__TWITCH__CHANNEL": "cohost_test",
                "COHOST_SOURCES__TWITCH__WS_URL": irc.url,
                "COHOST_SOURCES__TWITCH__CLIENT_ID": "cid-1",
                "COHOST_SOURCES__TWITCH__API_TOKEN": "tok-1",
                "COHOST_SOURCES__TWITCH__API_BASE": server.base,
                "COHOST_BRAIN__COOLDOWN_S": "0",
                "COHOST_AUDIO__OUTPUT_DEVICE": "none",
                "COHOST_AUDIO__OUTPUT_DIR": str(tmp_path / "audio"),
                "COHOST_CONTROL__PORT": str(port),
                "COHOST_LLM__ENGINE": "template",
            }
            proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "agent", "run", "--record", str(record), env=env, cwd=tmp_path,
                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
            )  # fmt: skip
            try:
                known = await _knowledge_ready(port)
                await wait_for(lambda: bool(irc.live_connections))
                await irc.live_connections[0].send(privmsg("q-1", "viewer_one", "what game is this?"))
                await wait_for_file_text(record, "We're playing")
            finally:
                proc.send_signal(signal.SIGINT)
                _out, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 0, err.decode()[-2000:]
    assert known["room_facts"]["twitch"] == {"title": "Blind run day 3", "area": "Elden Ring"}
    events = [json.loads(line) for line in record.read_text(encoding="utf-8").splitlines()]
    replies = " ".join(e["text"] for e in events if e["type"] == "reply_sentence")
    assert "Elden Ring" in replies
