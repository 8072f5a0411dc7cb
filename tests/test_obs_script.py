"""The OBS text view and the OBS script (loaded with a stand-in obspython): no OBS needed.

The real headless OBS runs in tests/test_obs.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import json
import logging
import socket
import sys
import threading
import time
import types
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

from agent.bus import Bus
from agent.config import ObsConfig
from agent.ears.base import Heard
from agent.ears.segmenter import SpeechEnded
from agent.ears.stage import to_transcript
from agent.events import Audio, Control, ReplySentence, SourceStatus, StateChange, UtteranceDone
from agent.obs import client as obs_client
from agent.obs.view import ObsView, clean, join_sentences
from tests.obs_harness import SCRIPT
from tests.support.obs_api import TOKEN, RecordingApi

REPLY, SUBS, STATUS, TALK = "Cohost Reply", "Cohost Subtitles", "Cohost Status", "Cohost Talking"

# --- the pure view: no OBS needed ---------------------------------------------------


def view(**overrides: Any) -> ObsView:
    return ObsView(ObsConfig(**{"clear_after_s": 5.0, "subtitle_clear_after_s": 2.0, **overrides}))


def test_reply_appears_sentence_by_sentence_with_audio_and_clears_after_done() -> None:
    v = view()
    v.handle(ReplySentence(utterance_id=1, index=0, text="你好！"), 0.0)
    v.handle(ReplySentence(utterance_id=1, index=1, text="欢迎来到直播间。"), 0.1)
    assert v.reply == ""  # written but not yet playing
    v.handle(Audio(utterance_id=1, index=0, text="你好！", duration_s=1, sample_rate=16000), 0.2)
    assert (v.reply, v.talking) == ("你好！", True)
    v.handle(Audio(utterance_id=1, index=1, text="欢迎来到直播间。", duration_s=1, sample_rate=16000), 1.2)
    assert v.reply == "你好！欢迎来到直播间。"
    v.handle(UtteranceDone(utterance_id=1, outcome="spoken", sentences=2), 2.0)
    assert (v.reply, v.talking, v.next_deadline()) == ("你好！欢迎来到直播间。", False, 7.0)
    v.expire(6.9)
    assert v.reply
    v.expire(7.0)
    assert (v.reply, v.next_deadline()) == ("", None)


def test_interrupted_reply_clears_at_once_and_late_audio_is_ignored() -> None:
    v = view()
    v.handle(Audio(utterance_id=3, index=0, text="First.", duration_s=1, sample_rate=1), 0.0)
    v.handle(UtteranceDone(utterance_id=3, outcome="interrupted"), 0.5)
    assert (v.reply, v.talking) == ("", False)
    v.handle(Audio(utterance_id=3, index=1, text="Late.", duration_s=1, sample_rate=1), 0.6)
    assert v.reply == ""
    v.handle(Audio(utterance_id=4, index=0, text="Next one.", duration_s=1, sample_rate=1), 0.7)
    v.handle(Control(action="skip"), 0.8)
    assert v.reply == ""


def test_text_only_runs_show_the_reply_when_it_is_done_or_per_sentence() -> None:
    v = view()
    v.handle(ReplySentence(utterance_id=1, index=0, text="Hi there."), 0.0)
    v.handle(UtteranceDone(utterance_id=1, outcome="spoken"), 0.1)
    assert v.reply == "Hi there."
    s = view(reply_sync="sentence")
    s.handle(ReplySentence(utterance_id=1, index=0, text="One."), 0.0)
    s.handle(ReplySentence(utterance_id=1, index=1, text="Two."), 0.0)
    assert s.reply == "One. Two."


def test_subtitles_status_and_untrusted_text() -> None:
    v = view(max_chars=20)
    # What the transcriber heard is cleaned once, where the ears put it on the bus.
    heard = Heard(text="今天我们玩\x1b[31m新游戏\u202e", start=0.0, end=1.0, confidence=1.0, language="zh")
    v.handle(to_transcript(SpeechEnded(t=1.0, audio=np.zeros(0, np.float32), start=0.0, end=1.0), heard), 1.0)
    assert v.subtitle == "今天我们玩[31m新游戏"
    v.expire(3.0)
    assert v.subtitle == ""
    v.handle(StateChange(state="cooldown", topic="游戏"), 0.0)
    v.handle(SourceStatus(source="bilibili", state="live"), 0.0)
    assert v.status == "cooldown · topic: 游戏 · bilibili: live"[:19] + "…"
    w = view()
    w.handle(StateChange(state="listening", muted=True), 0.0)
    assert w.status == "muted · listening"
    assert clean("x" * 50, 10) == "x" * 9 + "…"
    assert join_sentences(["Hello.", "你好。", "OK"]) == "Hello.你好。OK"


# --- the OBS script, loaded with a stand-in obspython (fast) -----------------------


async def test_link_reconnects_through_the_sources_backoff_with_one_line(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """No OBS listening: every retry waits what the one shared Backoff says (doubling to its cap)."""
    delays: list[float] = []

    class Recorded(obs_client.Backoff):
        def next_delay(self) -> float:
            delays.append(super().next_delay())
            return 0.0

    monkeypatch.setattr(obs_client, "Backoff", Recorded)
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    link = obs_client.ObsLink(ObsConfig(port=port, timeout_s=1))
    task = asyncio.create_task(link.supervise(lambda: asyncio.sleep(0)))
    try:
        while len(delays) < 6:
            await asyncio.sleep(0.01)
    finally:
        task.cancel()
        await asyncio.wait_for(asyncio.gather(task, return_exceptions=True), 30)
        link.close()
    nominal = [min(obs_client.BACKOFF_MAX_S, obs_client.BACKOFF_INITIAL_S * 2**i) for i in range(6)]
    assert all(n / 2 <= d <= n for d, n in zip(delays[:6], nominal, strict=True))
    assert link.state == "closed"
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    # One line for all the retries (refused, or on a busy machine "did not answer in time").
    assert len(warnings) == 1 and "retrying in the background" in warnings[0], warnings


def load_script() -> tuple[types.ModuleType, dict[str, Any]]:
    registered: dict[str, Any] = {}
    data: dict[str, Any] = {}
    fake = types.ModuleType("obspython")
    fake.OBS_TEXT_DEFAULT, fake.OBS_TEXT_PASSWORD, fake.OBS_TEXT_INFO = 0, 1, 2  # type: ignore[attr-defined]

    def register(name: str, description: str, callback: Any) -> int:
        registered[name] = callback
        return len(registered)

    fake.obs_hotkey_register_frontend = register  # type: ignore[attr-defined]
    fake.obs_hotkey_load = lambda hid, arr: None  # type: ignore[attr-defined]
    fake.obs_hotkey_save = lambda hid: f"saved-{hid}"  # type: ignore[attr-defined]
    fake.obs_data_get_array = lambda s, name: None  # type: ignore[attr-defined]
    fake.obs_data_array_release = lambda arr: None  # type: ignore[attr-defined]
    fake.obs_data_set_array = lambda s, name, arr: data.__setitem__(name, arr)  # type: ignore[attr-defined]
    fake.obs_data_get_string = lambda s, name: s.get(name, "")  # type: ignore[attr-defined]
    fake.obs_data_set_string = lambda s, name, v: s.__setitem__(name, v)  # type: ignore[attr-defined]
    sys.modules["obspython"] = fake
    try:
        spec = importlib.util.spec_from_file_location("cohost_obs_under_test", SCRIPT)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        del sys.modules["obspython"]
    registered["__saved__"] = data
    return module, registered


def wait_until(predicate: Any, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False


def test_script_hotkeys_buttons_and_say_reach_the_control_api() -> None:
    api = RecordingApi()
    api.start()
    script, hotkeys = load_script()
    settings = {"addr": api.url, "token": TOKEN, "say_text": "大家好"}
    script.script_load(settings)
    try:
        assert set(hotkeys) - {"__saved__"} == {
            "cohost.mute",
            "cohost.unmute",
            "cohost.toggle_mute",
            "cohost.skip",
            "cohost.reset",
        }
        hotkeys["cohost.skip"](False)  # key release: nothing
        hotkeys["cohost.skip"](True)
        assert script._say(None, None) is True
        assert wait_until(lambda: len(api.posts()) >= 2)
        assert api.posts() == [("/api/skip", f"Bearer {TOKEN}"), ("/api/say", f"Bearer {TOKEN}")]
        say = next(r for r in api.requests if r.path == "/api/say")
        assert json.loads(say.body) == {"text": "大家好"}
        api.status = {"state": "speaking", "muted": True}
        hotkeys["cohost.toggle_mute"](True)  # muted unknown yet -> mute; the status poll follows
        assert wait_until(lambda: script.agent.status_text == "Cohost: muted (speaking)")
        hotkeys["cohost.toggle_mute"](True)
        assert wait_until(lambda: ("/api/unmute", f"Bearer {TOKEN}") in api.posts())
        script.script_save(settings)
        assert set(hotkeys["__saved__"]) == {name for name in hotkeys if name.startswith("cohost.")}
    finally:
        script.script_unload()
        api.stop()


def test_script_says_when_the_agent_is_not_running() -> None:
    script, _ = load_script()
    settings = {"addr": "http://127.0.0.1:9", "token": ""}
    script.script_load(settings)
    try:
        script.agent.submit("mute")
        assert wait_until(lambda: "not running at http://127.0.0.1:9" in script.agent.status_text)
        script._button(None)(None, None)
        assert "not running" in settings["status_info"]
    finally:
        script.script_unload()


class _RecordingRuntime:
    """What the control API drives, reduced to a record of the commands it was sent."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    def send(self, event: Control) -> None:
        self.sent.append((event.action, event.text))

    def refusal(self, text: str) -> str | None:
        return "傻逼" if "傻逼" in text else None

    def status(self) -> dict[str, Any]:
        return {"state": "listening", "muted": any(a == "mute" for a, _ in self.sent)}

    def subscribe(self, name: str, accepts: Any) -> Any:
        return Bus().subscribe(name, accepts=accepts)

    def unsubscribe(self, queue: Any) -> None:
        pass

    def counters(self) -> dict[str, dict[str, float]]:
        return {}


@contextlib.contextmanager
def _real_control_api(runtime: _RecordingRuntime) -> Iterator[int]:
    """agent/control/api.py's app served by uvicorn on a free loopback port (yielded)."""
    import uvicorn

    from agent.config import ControlConfig, OverlayConfig
    from agent.control import api as api_module

    app = api_module.create_app(runtime, ControlConfig(token=TOKEN), OverlayConfig())
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        assert wait_until(lambda: server.started)
        yield server.servers[0].sockets[0].getsockname()[1]
    finally:
        server.should_exit = True
        thread.join(5)


def test_script_matches_the_real_control_api() -> None:
    """The routes, body and token the script sends are the ones agent/control/api.py takes."""
    controller = _RecordingRuntime()
    with _real_control_api(controller) as port:
        script, hotkeys = load_script()
        script.script_load({"addr": f"http://127.0.0.1:{port}", "token": TOKEN, "say_text": "你好"})
        try:
            for name in ("cohost.mute", "cohost.skip", "cohost.reset", "cohost.unmute"):
                hotkeys[name](True)
            script._say(None, None)
            assert wait_until(lambda: len(controller.sent) == 5)
            assert controller.sent == [
                ("mute", ""),
                ("skip", ""),
                ("reset", ""),
                ("unmute", ""),
                ("say", "你好"),
            ]
            assert wait_until(lambda: script.agent.status_text.startswith("Cohost: "))
            assert "not running" not in script.agent.status_text
            assert "token" not in script.agent.status_text
            # Text that would be filtered is not said, and the panel says why.
            script.agent.submit("say", "你个傻逼")
            assert wait_until(lambda: script.agent.status_text == "Cohost: not said — banned_word: 傻逼")
            assert len(controller.sent) == 5
            wrong, _ = load_script()
            wrong.script_load({"addr": f"http://127.0.0.1:{port}", "token": "wrong"})
            wrong.agent.submit("mute")
            assert wait_until(lambda: "token rejected" in wrong.agent.status_text)
            wrong.script_unload()
            assert len(controller.sent) == 5
        finally:
            script.script_unload()
