"""Models are handed over one way: a stage holds its model's slot from the start and awaits it;
nothing is pushed into a stage after it is built (the ears' transcriber, the prompter's counter)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from agent.app.assemble import build_pipeline
from agent.app.startup import token_counter
from agent.clock import Clock
from agent.config import AsrConfig, Config, ControlConfig, LlmConfig, TtsConfig
from agent.config_speech import VadConfig
from agent.ears.base import Heard
from agent.ears.capture import Level, MicBlock
from agent.ears.stage import Ears
from agent.llm.template import TemplateEngine
from agent.shared.loading import ModelSlot


@dataclass
class Tokenizer:
    """Splits on spaces: a stand-in whose counts differ from one per character."""

    calls: list[str] = field(default_factory=list)

    def encode(self, text: str, add_special_tokens: bool = True) -> list[int]:
        self.calls.append(text)
        return [0] * len(text.split())


class WithTokenizer(TemplateEngine):
    def __init__(self) -> None:
        super().__init__(LlmConfig().template)
        self.tokenizer = Tokenizer()


async def test_the_token_counter_follows_the_llm_slot() -> None:
    slot: ModelSlot[TemplateEngine] = ModelSlot("llm")
    count = token_counter(slot)  # type: ignore[arg-type]
    assert count("a b c") == 5  # loading: one per character
    engine = WithTokenizer()
    slot.settle("ready", engine, "probe")
    assert count("a b c") == 3 and engine.tokenizer.calls == ["a b c"]


async def test_the_assembled_prompter_counts_with_the_slot_it_was_built_with(tmp_path: Path) -> None:
    cfg = Config(
        llm=LlmConfig(engine="template"),
        tts=TtsConfig(engine="none"),
        asr=AsrConfig(engine="none"),
        control=ControlConfig(enabled=False),
    )
    pipeline = await build_pipeline(cfg, Clock(), [], out_dir=tmp_path)
    counter = pipeline.reply.prompter.count_tokens
    assert counter("大家好") == 3
    pipeline.models.llm.value = WithTokenizer()  # what a breaker probe's settle does
    assert counter("大 家 好 啊") == 4 and pipeline.reply.prompter.count_tokens is counter


class SilentMic:
    name = "silent"

    def __init__(self) -> None:
        self.clock = Clock()

    async def blocks(self):  # type: ignore[no-untyped-def]
        for _ in range(3):
            yield MicBlock(np.zeros(512, np.float32), self.clock.now())

    def level(self) -> Level:
        return Level(-200.0, -200.0, "silent")


class Deaf:
    name = "deaf"

    def transcribe(self, audio: np.ndarray) -> list[Heard]:
        return []


class NoVad:
    def feed(self, samples: np.ndarray):  # type: ignore[no-untyped-def]
        return iter(())

    def reset(self) -> None:
        return None


async def test_the_ears_await_their_own_slot() -> None:
    slot: ModelSlot[Deaf] = ModelSlot("asr")
    ears = Ears(AsrConfig(vad=VadConfig()), SilentMic(), slot, vad=NoVad())  # type: ignore[arg-type]
    waiting = asyncio.create_task(ears.model())
    await asyncio.sleep(0)
    assert not waiting.done() and ears.transcriber is None
    deaf = Deaf()
    slot.settle("ready", deaf, "deaf")
    assert await waiting is deaf and ears.transcriber is deaf
    await ears.run(lambda event: None)  # the file mic ends: it ran with the slot's model

    off = Ears(AsrConfig(), SilentMic(), ModelSlot.off("asr", "no model"), vad=NoVad())  # type: ignore[arg-type]
    assert await off.model() is None
