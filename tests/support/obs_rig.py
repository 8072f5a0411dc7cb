"""A real headless OBS 29 for the OBS tests: the module's ``rig`` (OBS in a private network namespace,
with a stand-in control API for the script's hotkeys), a websocket ``probe`` into it, the agent's
``running`` OBS output, the sources' names and how to read them back (import the fixtures
``as rig`` / ``as probe`` / ``as running``)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from agent.bus import Bus
from agent.config import ObsConfig
from agent.obs.output import ObsOutput
from tests.obs_harness import (
    SCRIPT,
    HeadlessObs,
    ObsSpec,
    private_netns,
    require_headless_obs,
)
from tests.support.obs_api import TOKEN, RecordingApi

REPLY, SUBS, STATUS, TALK = "Cohost Reply", "Cohost Subtitles", "Cohost Status", "Cohost Talking"


@dataclass
class Rig:
    obs: HeadlessObs
    api: RecordingApi

    def cfg(self, **overrides: Any) -> ObsConfig:
        base: dict[str, Any] = {
            "enabled": True,
            "port": self.obs.port,
            "password": self.obs.spec.password,
            "talking_source": TALK,
            "clear_after_s": 0.6,
            "coalesce_ms": 20,
        }
        return ObsConfig(**{**base, **overrides})


@pytest.fixture(scope="module")
def rig(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Rig]:
    require_headless_obs()
    with private_netns():
        api = RecordingApi()
        api.start()
        spec = ObsSpec(
            text_sources=[REPLY, SUBS, STATUS],
            color_sources=[TALK],
            script=SCRIPT,
            script_settings={"addr": api.url, "token": TOKEN},
        )
        obs = HeadlessObs(spec, tmp_path_factory.mktemp("obs"))
        try:
            obs.start()
            yield Rig(obs, api)
        finally:
            obs.stop()
            api.stop()


@pytest.fixture
def probe(rig: Rig) -> Iterator[Any]:
    client = rig.obs.client()
    yield client
    client.disconnect()


@pytest.fixture
async def running(rig: Rig) -> AsyncIterator[tuple[Bus, ObsOutput]]:
    bus = Bus()
    output = ObsOutput(rig.cfg())
    task = asyncio.create_task(output.run(bus.subscribe("obs", accepts=ObsOutput.accepts)))
    yield bus, output
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)


def text_of(client: Any, name: str) -> str:
    return str(
        client.send("GetInputSettings", {"inputName": name}, raw=True)["inputSettings"].get("text", "")
    )


def item_enabled(client: Any, name: str) -> bool:
    item = client.send("GetSceneItemId", {"sceneName": "Scene", "sourceName": name}, raw=True)["sceneItemId"]
    reply = client.send("GetSceneItemEnabled", {"sceneName": "Scene", "sceneItemId": item}, raw=True)
    return bool(reply["sceneItemEnabled"])


async def until(predicate: Any, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        await asyncio.sleep(0.03)
    return bool(predicate())
