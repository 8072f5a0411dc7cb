"""OBS output, obs-setup and the OBS script, against a real headless OBS 29 (the script's
pure parts: tests/test_obs_script.py; the output's coalescing on a fake clock:
tests/test_obs_throttle.py).

The slow tests share one OBS per module. It runs in a private network
namespace that the test thread enters for the module (tests/obs_harness.py),
together with a small HTTP server standing in for the control API so the
script's hotkeys can be watched arriving (tests/support/obs_rig.py).
"""

from __future__ import annotations

import asyncio
import base64
import logging
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from agent.bus import Bus
from agent.events import Audio, ReplySentence, StateChange, Transcript, UtteranceDone
from agent.obs import client as obs_client
from agent.obs.output import ObsOutput
from agent.obs.setup import setup_sources
from tests.obs_harness import luminance_variance
from tests.support.obs_api import TOKEN
from tests.support.obs_rig import REPLY, STATUS, SUBS, TALK, Rig, item_enabled, text_of, until
from tests.support.obs_rig import probe as probe  # the fixture
from tests.support.obs_rig import rig as rig  # the fixture
from tests.support.obs_rig import running as running  # the fixture


@pytest.mark.slow
async def test_agent_updates_every_source_and_obs_reads_back_what_was_spoken(
    running: tuple[Bus, ObsOutput], probe: Any
) -> None:
    bus, output = running
    assert await until(lambda: output.connection_state() == "connected")
    spoken = ["大家好，我是小助手！", "今天一起玩游戏吧。"]
    bus.publish(StateChange(state="speaking", topic="游戏"))
    bus.publish(Transcript(text="我们开始吧"))
    for i, text in enumerate(spoken):
        bus.publish(ReplySentence(utterance_id=7, index=i, text=text))
    bus.publish(Audio(utterance_id=7, index=0, text=spoken[0], duration_s=1.0, sample_rate=22050))
    # Each source is its own request to OBS: wait for each, however busy the machine.
    # (When the reply clears, to the millisecond, is tested on a fake clock in ObsView's tests.)
    assert await until(lambda: text_of(probe, REPLY) == spoken[0])
    assert await until(lambda: item_enabled(probe, TALK))
    bus.publish(Audio(utterance_id=7, index=1, text=spoken[1], duration_s=1.0, sample_rate=22050))
    assert await until(lambda: text_of(probe, REPLY) == "".join(spoken))
    assert await until(lambda: text_of(probe, SUBS) == "我们开始吧")
    assert await until(lambda: text_of(probe, STATUS) == "speaking · topic: 游戏")
    bus.publish(UtteranceDone(utterance_id=7, outcome="spoken", sentences=2))
    assert await until(lambda: not item_enabled(probe, TALK))
    assert await until(lambda: text_of(probe, REPLY) == "")
    bus.publish(Audio(utterance_id=8, index=0, text="被打断的话", duration_s=1.0, sample_rate=22050))
    assert await until(lambda: text_of(probe, REPLY) == "被打断的话")
    bus.publish(UtteranceDone(utterance_id=8, outcome="interrupted"))
    assert await until(lambda: text_of(probe, REPLY) == "")


@pytest.mark.slow
async def test_rendered_text_is_not_blank(running: tuple[Bus, ObsOutput], probe: Any) -> None:
    bus, _ = running
    bus.publish(Audio(utterance_id=9, index=0, text="Hello 你好 Cohost", duration_s=1.0, sample_rate=22050))
    assert await until(lambda: text_of(probe, REPLY) == "Hello 你好 Cohost")
    shot: dict[str, Any] = {}

    def screenshot() -> bool:
        try:
            shot.update(
                probe.send(
                    "GetSourceScreenshot",
                    {"sourceName": REPLY, "imageFormat": "png", "imageWidth": 160},
                    raw=True,
                )
            )
        except Exception:  # 702 until the next frame has drawn the new text
            return False
        return True

    assert await until(screenshot)
    png = base64.b64decode(shot["imageData"].split(",", 1)[1])
    assert luminance_variance(png) > 100


@pytest.mark.slow
async def test_a_chat_flood_is_coalesced_to_one_update_per_interval(rig: Rig, probe: Any) -> None:
    bus = Bus()
    output = ObsOutput(rig.cfg(coalesce_ms=50, subtitle_clear_after_s=0))
    texts: list[str] = []
    request = output.link.request

    async def recording(name: str, data: dict[str, Any] | None = None) -> dict[str, Any]:
        if name == "SetInputSettings" and data and data["inputName"] == SUBS:
            texts.append(data["inputSettings"]["text"])
        return await request(name, data)

    output.link.request = recording  # type: ignore[method-assign,assignment]
    task = asyncio.create_task(output.run(bus.subscribe("obs", accepts=ObsOutput.accepts)))
    try:
        assert await until(lambda: output.connection_state() == "connected")
        assert await until(lambda: texts == [""])  # the first write after connecting
        before = output.updates[SUBS]
        texts.clear()
        yields = 0
        for i in range(400):
            bus.publish(Transcript(text=f"弹幕 {i}"))
            if i % 20 == 0:
                await asyncio.sleep(0.01)
                yields += 1
        assert await until(lambda: text_of(probe, SUBS) == "弹幕 399")
        assert output.updates[SUBS] - before == len(texts)
        # OBS got some of the texts, in order, never one twice, the latest last; never more
        # than the agent could see change (once each time this test let it run, plus the end).
        numbers = [int(text.removeprefix("弹幕 ")) for text in texts]
        assert numbers and numbers[-1] == 399, texts
        assert numbers == sorted(set(numbers)), texts
        assert len(texts) <= yields + 1, texts
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


@pytest.mark.slow
async def test_missing_source_is_reported_once_and_the_rest_keeps_working(
    rig: Rig, probe: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="agent.obs")
    bus = Bus()
    output = ObsOutput(rig.cfg(reply_source="Nope Reply"))
    task = asyncio.create_task(output.run(bus.subscribe("obs", accepts=ObsOutput.accepts)))
    try:
        for i in range(5):
            bus.publish(Audio(utterance_id=20 + i, index=0, text=f"句子{i}", duration_s=1, sample_rate=1))
            await asyncio.sleep(0.05)
        bus.publish(StateChange(state="cooldown"))
        assert await until(lambda: text_of(probe, STATUS) == "cooldown")
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    lines = [r.getMessage() for r in caplog.records if "Nope Reply" in r.getMessage()]
    assert lines == [
        "OBS: text source 'Nope Reply' not found — run `cohost obs-setup` or set obs.reply_source"
    ]


@pytest.mark.slow
async def test_wrong_password_gives_one_line_and_the_agent_keeps_running(
    rig: Rig, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    caplog.set_level(logging.INFO, logger="agent.obs")
    monkeypatch.setattr(obs_client, "AUTH_RETRY_S", 0.1)  # several attempts, still one line
    bus = Bus()
    output = ObsOutput(rig.cfg(password="not-the-password"))
    task = asyncio.create_task(output.run(bus.subscribe("obs", accepts=ObsOutput.accepts)))
    try:
        assert await until(lambda: output.connection_state() == "auth_failed")
        for i in range(20):
            bus.publish(Transcript(text=f"still alive {i}"))
            await asyncio.sleep(0.05)
        assert not task.done()
        # Between attempts the link says "connecting" for a moment; it keeps coming back to this.
        assert await until(lambda: output.connection_state() == "auth_failed")
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert errors == [
        "OBS: wrong obs-websocket password (close 4009) — set obs.password (or COHOST_OBS__PASSWORD) "
        "to the one in OBS: Tools > WebSocket Server Settings"
    ]
    assert "not-the-password" not in caplog.text


@pytest.mark.slow
async def test_obs_setup_creates_missing_sources_and_is_idempotent(rig: Rig, probe: Any) -> None:
    probe.send("CreateScene", {"sceneName": "Setup Scene"})
    cfg = rig.cfg(reply_source="Setup Reply", subtitle_source="Setup Subs", status_source=STATUS)
    first = setup_sources(probe, cfg, "Setup Scene")
    assert first.kind == "text_ft2_source_v2"
    assert first.created == ["Setup Reply", "Setup Subs"]
    assert first.added_to_scene == [STATUS]  # existed elsewhere, now also in this scene
    items = {
        i["sourceName"]
        for i in probe.send("GetSceneItemList", {"sceneName": "Setup Scene"}, raw=True)["sceneItems"]
    }
    assert items == {"Setup Reply", "Setup Subs", STATUS}
    settings = probe.send("GetInputSettings", {"inputName": "Setup Reply"}, raw=True)["inputSettings"]
    assert settings["font"]["size"] == cfg.font_size
    second = setup_sources(probe, cfg, "Setup Scene")
    assert (second.created, second.added_to_scene, second.existed) == (
        [],
        [],
        ["Setup Reply", "Setup Subs", STATUS],
    )


@pytest.mark.slow
def test_obs_setup_command_reports_and_fails_in_one_line(rig: Rig, tmp_path: Path) -> None:
    import typer

    from agent.obs.setup import obs_setup_command

    app = typer.Typer()
    app.command()(obs_setup_command)
    good = tmp_path / "good.toml"
    good.write_text(f'[obs]\nport = {rig.obs.port}\npassword = "{rig.obs.spec.password}"\n')
    result = CliRunner().invoke(app, ["--config", str(good), "--scene", "Scene"])
    assert result.exit_code == 0, result.output
    assert "already there  Cohost Reply" in result.output
    bad = tmp_path / "bad.toml"
    bad.write_text(f'[obs]\nport = {rig.obs.port}\npassword = "wrong"\n')
    result = CliRunner().invoke(app, ["--config", str(bad)])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "OBS: wrong obs-websocket password (close 4009) — set obs.password (or COHOST_OBS__PASSWORD) "
        "to the one in OBS: Tools > WebSocket Server Settings"
    ]


@pytest.mark.slow
async def test_script_hotkeys_fire_inside_obs_and_call_the_control_api(rig: Rig, probe: Any) -> None:
    names = set(probe.send("GetHotkeyList", raw=True)["hotkeys"])
    assert {"cohost.mute", "cohost.unmute", "cohost.toggle_mute", "cohost.skip", "cohost.reset"} <= names
    for name in ("cohost.mute", "cohost.skip", "cohost.reset"):
        probe.send("TriggerHotkeyByName", {"hotkeyName": name}, raw=True)
    wanted = [(f"/api/{a}", f"Bearer {TOKEN}") for a in ("mute", "skip", "reset")]
    assert await until(lambda: rig.api.posts()[-3:] == wanted, timeout=8), rig.api.posts()
    assert any(r.path == "/api/status" and r.method == "GET" for r in rig.api.requests)


@pytest.mark.slow
async def test_obs_killed_and_restarted_gets_the_text_back(rig: Rig) -> None:
    bus = Bus()
    output = ObsOutput(rig.cfg(clear_after_s=0))
    task = asyncio.create_task(output.run(bus.subscribe("obs", accepts=ObsOutput.accepts)))
    try:
        assert await until(lambda: output.connection_state() == "connected")
        bus.publish(Audio(utterance_id=30, index=0, text="崩溃之前说的话", duration_s=1, sample_rate=1))
        bus.publish(StateChange(state="speaking"))
        with rig.obs.client() as probe:
            assert await until(lambda: text_of(probe, REPLY) == "崩溃之前说的话")
        rig.obs.kill()
        assert await until(lambda: output.connection_state() != "connected")
        bus.publish(Transcript(text="OBS 不在的时候说的"))
        await asyncio.sleep(0.3)
        rig.obs.start()
        assert await until(lambda: output.connection_state() == "connected", timeout=10)
        with rig.obs.client() as probe:
            # Pushed one source after another on reconnect: each is waited for, not read at once.
            assert await until(lambda: text_of(probe, REPLY) == "崩溃之前说的话")
            assert await until(lambda: text_of(probe, SUBS) == "OBS 不在的时候说的")
            assert await until(lambda: text_of(probe, STATUS) == "speaking")
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
