"""The mic stage inside the runtime: models load in the background, a broken mic never stops the stream."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import numpy as np
import pytest

from agent.app.assemble import build_pipeline
from agent.clock import Clock
from agent.config import AsrConfig, Config, ControlConfig, LlmConfig, TtsConfig
from agent.ears.capture import Level, MicBlock
from agent.events import Danmaku, Event
from tests.support.tiny_whisper import build_tiny_whisper


class BrokenMic:
    """A mic whose driver fails after a few blocks (a PortAudio error that is not a clean unplug)."""

    name = "broken"

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.blocks_given = 0

    async def blocks(self) -> AsyncIterator[MicBlock]:
        for _ in range(5):
            await asyncio.sleep(0.01)
            self.blocks_given += 1
            yield MicBlock(np.zeros(512, np.float32), self.clock.now())
        raise OSError("PortAudio: Unanticipated host error")

    def level(self) -> Level:
        return Level(-200.0, -200.0, "silent")


@pytest.fixture(scope="module")
def tiny_whisper(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_whisper(tmp_path_factory.mktemp("tiny") / "whisper")


async def test_a_broken_mic_is_one_error_and_the_bot_keeps_answering_chat(
    tiny_whisper: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cfg = Config(
        llm=LlmConfig(engine="template"),
        tts=TtsConfig(engine="none"),
        asr=AsrConfig(model=str(tiny_whisper)),
        control=ControlConfig(enabled=False),
    )
    clock = Clock()
    mic = BrokenMic(clock)
    pipeline = await build_pipeline(cfg, clock, [], out_dir=tmp_path, mic=mic)
    seen = pipeline.bus.subscribe("test", accepts={"utterance_done"})
    stop = asyncio.Event()
    runner = asyncio.create_task(pipeline.run(stop))
    got: list[Event] = []
    try:
        await asyncio.wait_for(pipeline.ready.wait(), 60)
        assert pipeline.models.status()["asr"].startswith("ready")
        while mic.blocks_given < 5:
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.1)
        pipeline.bus.publish(Danmaku(text="主播好！今天玩什么？", uname="小明", uid="1"))
        got.append(await asyncio.wait_for(seen.get(), 60))
    finally:
        stop.set()
        await runner
    assert got[0].type == "utterance_done"
    runtime_errors = (r for r in caplog.records if r.name == "agent.app.runtime" and r.levelname == "ERROR")
    errors = [r.getMessage() for r in runtime_errors]
    assert len(errors) == 1
    assert "Unanticipated host error" in errors[0] and "keeps answering chat" in errors[0]
    assert pipeline.status()["mic"]["mic"] == "broken"
