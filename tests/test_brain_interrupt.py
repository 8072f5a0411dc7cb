"""The interruption policy in the voice: "finish_sentence" ends the sentence being played, then stops."""

from __future__ import annotations

import asyncio
import wave
from pathlib import Path

from agent.audio.sinks import WavSink
from agent.clock import Clock
from agent.events import Audio, Event, UtteranceDone
from agent.llm.base import ReplyRequest
from agent.reply.pipeline import ReplyPipeline
from tests.support.engines import ScriptedEngine


async def interrupted(
    tmp_path: Path, *, finish_sentence: bool
) -> tuple[list[Event], WavSink, ScriptedEngine]:
    events: list[Event] = []
    engine = ScriptedEngine(["这是第一句话，比较长一点。"] + ["后面还有很多很多话要说。"] * 10, hang=True)
    clock = Clock(speed=10.0)
    sink = WavSink(tmp_path, clock)
    voice = ReplyPipeline(engine, None, sink, lambda text: None, events.append, hard_timeout_s=30.0)
    runner = asyncio.create_task(voice.run())
    try:
        utterance = voice.start(ReplyRequest(3, "question", None), arrived_at=None)
        while not any(isinstance(e, Audio) for e in events):
            await asyncio.sleep(0.005)
        voice.interrupt(3, finish_sentence=finish_sentence)
        assert await asyncio.wait_for(asyncio.shield(utterance.done), 20) == "interrupted"
        await asyncio.sleep(0.02)
    finally:
        runner.cancel()
        await asyncio.gather(runner, return_exceptions=True)
    return events, sink, engine


def played_s(sink: WavSink) -> float:
    with wave.open(str(sink.files[0])) as wav:
        return wav.getnframes() / wav.getframerate()


async def test_finish_sentence_plays_the_sentence_to_its_end(tmp_path: Path) -> None:
    events, sink, engine = await interrupted(tmp_path, finish_sentence=True)
    audio = [e for e in events if isinstance(e, Audio)]
    assert len(audio) == 1
    assert abs(played_s(sink) - audio[0].duration_s) < 0.01  # the whole first sentence
    assert engine.cancelled
    assert [e.outcome for e in events if isinstance(e, UtteranceDone)] == ["interrupted"]


async def test_stop_cuts_mid_sentence(tmp_path: Path) -> None:
    events, sink, _ = await interrupted(tmp_path, finish_sentence=False)
    audio = [e for e in events if isinstance(e, Audio)]
    assert played_s(sink) < audio[0].duration_s - 0.05
