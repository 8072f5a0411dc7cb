"""The output check (issue 16 item 3): a contact detail or link in the model's own reply is
never spoken or shown. The real reply pipeline with the real moderator as its guard; the
model is a scripted stand-in (tests/support/engines.py), the voice real espeak-ng."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from agent.audio.sinks import WavSink
from agent.brain.moderation import Moderator
from agent.clock import Clock
from agent.config import BrainConfig, EspeakTTS
from agent.events import Audio, Event, Filtered, ReplySentence
from agent.llm.base import ReplyRequest
from agent.reply.pipeline import ReplyPipeline
from agent.tts.espeak import EspeakEngine
from tests.support.engines import ScriptedEngine

pytestmark = pytest.mark.requires("espeak-ng")

LEAKS = [
    "加我qq四七幺二八三九五。",
    "我的电话是13812345678。",
    "去 abc点com 看看吧。",
    "福利在 https://t.cn/Rx9 哦。",
    "微信 wo8888a 私聊。",
]


async def test_a_contact_in_the_models_reply_is_never_spoken(tmp_path: Path) -> None:
    moderator = Moderator.from_config(BrainConfig(sentiment_model=False))
    engine = ScriptedEngine(["大家好！", *LEAKS, "下一局开始了！"])
    events: list[Event] = []
    tts = EspeakEngine(EspeakTTS())
    tts.load()
    voice = ReplyPipeline(
        engine, tts, WavSink(tmp_path, Clock(speed=20.0)), moderator.banned_in, events.append
    )
    runner = asyncio.create_task(voice.run())
    try:
        utterance = voice.start(ReplyRequest(1, "question", None), arrived_at=None)
        assert await asyncio.wait_for(asyncio.shield(utterance.done), 60) == "spoken"
        await asyncio.sleep(0.05)
    finally:
        runner.cancel()
        await asyncio.gather(runner, return_exceptions=True)
    said = [e.text for e in events if isinstance(e, ReplySentence | Audio)]
    assert any("大家好" in s for s in said) and any("下一局" in s for s in said)
    for leak in ("四七幺", "138", "abc", "t.cn", "wo8888a"):
        assert not any(leak in s for s in said), (leak, said)
    refused = [e.rule for e in events if isinstance(e, Filtered) and e.of == "reply_sentence"]
    assert len(refused) == len(LEAKS) and all(r.startswith("contact:") for r in refused), refused
