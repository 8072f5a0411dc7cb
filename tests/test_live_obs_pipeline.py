"""The whole runtime against a real headless OBS: replies in OBS text, hotkeys mute the bot.

OBS hotkey -> our OBS script -> the real control API -> the bus -> the brain,
and brain -> voice -> the real ObsOutput -> OBS text sources, all in one run.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from agent.app.assemble import build_pipeline
from agent.app.runtime import Pipeline
from agent.clock import Clock
from agent.config import AudioConfig, Config, ControlConfig, ObsConfig, TtsConfig
from agent.events import Danmaku
from tests.obs_harness import SCRIPT, HeadlessObs, ObsSpec, free_port, headless_obs, require_headless_obs

pytestmark = pytest.mark.slow

TOKEN = "live-test-token"
SOURCES = ["Cohost Reply", "Cohost Subtitles", "Cohost Status"]


class Rig:
    def __init__(self, obs: HeadlessObs, control_port: int) -> None:
        self.obs = obs
        self.control_port = control_port

    def config(self, tmp: Path) -> Config:
        return Config(
            obs=ObsConfig(
                enabled=True, port=self.obs.port, password=self.obs.spec.password, clear_after_s=30
            ),
            control=ControlConfig(enabled=True, port=self.control_port, token=TOKEN),
            tts=TtsConfig(engine="none"),
            audio=AudioConfig(output_device="none", output_dir=str(tmp / "audio")),
        )


@pytest.fixture(scope="module")
def rig() -> Iterator[Rig]:
    require_headless_obs()
    # The control port is picked before the namespace exists: any free number will do
    # there, since the namespace starts with nothing listening.
    control_port = free_port()
    spec = ObsSpec(
        text_sources=SOURCES,
        script=SCRIPT,
        script_settings={"addr": f"http://127.0.0.1:{control_port}", "token": TOKEN},
    )
    with headless_obs(spec) as obs:
        yield Rig(obs, control_port)


async def until(predicate: Any, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if await asyncio.to_thread(predicate):
            return True
        await asyncio.sleep(0.1)
    return False


def text_in_obs(client: Any, name: str) -> str:
    return str(client.get_input_settings(name).input_settings.get("text", ""))


async def test_replies_reach_obs_and_obs_hotkeys_control_the_bot(rig: Rig, tmp_path: Path) -> None:
    pipeline: Pipeline = await build_pipeline(rig.config(tmp_path), Clock(speed=5.0), [], out_dir=tmp_path)
    stop = asyncio.Event()
    runner = asyncio.create_task(pipeline.run(stop))
    probe = rig.obs.client()
    base = f"http://127.0.0.1:{rig.control_port}"
    headers = {"Authorization": f"Bearer {TOKEN}"}
    try:
        async with httpx.AsyncClient(base_url=base, headers=headers, timeout=5) as api:
            assert await until(lambda: pipeline.status()["obs"] == "connected")
            # A viewer's question is answered and the reply shows in OBS.
            pipeline.bus.publish(Danmaku(text="主播这是什么游戏？", uname="小明", uid="42"))
            assert await until(lambda: "小明" in text_in_obs(probe, "Cohost Reply")), text_in_obs(
                probe, "Cohost Reply"
            )
            # The streamer presses the mute hotkey in OBS: our script calls the API, the bot is muted.
            probe.trigger_hotkey_by_name("cohost.mute")
            assert await until(lambda: pipeline.status()["muted"] is True)
            assert (await api.get("/api/status")).json()["muted"] is True
            assert await until(lambda: "muted" in text_in_obs(probe, "Cohost Status"))
            # While muted, questions wait; "say" still speaks, and shows in OBS.
            pipeline.bus.publish(Danmaku(text="静音的时候问问题？", uname="小红", uid="43"))
            response = await api.post("/api/say", json={"text": "大家稍等，我马上回来。"})
            assert response.status_code == 200
            assert await until(lambda: "大家稍等" in text_in_obs(probe, "Cohost Reply"))
            probe.trigger_hotkey_by_name("cohost.unmute")
            assert await until(lambda: pipeline.status()["muted"] is False)
            assert await until(lambda: "小红" in text_in_obs(probe, "Cohost Reply"))
            # Reset clears what is waiting.
            probe.trigger_hotkey_by_name("cohost.reset")
            assert await until(lambda: pipeline.stats.received["control"] >= 4)
    finally:
        probe.disconnect()
        stop.set()
        await runner
    controls = pipeline.bus.published["control"]
    assert controls >= 4  # mute, say, unmute, reset all travelled over the bus
