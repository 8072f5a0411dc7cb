"""A tiny GLM, built here and loaded through the runtime's real loading path, speaks.

Tokens stream from the model, the splitter cuts sentences as they arrive, and
each sentence reaches espeak-ng and the WAV sink; then the whole pipeline
(bus -> brain -> prompt -> model -> voice) answers a danmaku.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from agent.app.assemble import build_pipeline
from agent.app.startup import plan_models
from agent.audio.sinks import WavSink
from agent.clock import Clock
from agent.config import AsrConfig, Config, ControlConfig, LlmConfig, TransformersLLM, TtsConfig
from agent.events import Audio, Danmaku, Event, ReplySentence, UtteranceDone
from agent.llm.base import ChatMessage, ReplyRequest
from agent.reply.pipeline import ReplyPipeline
from agent.tts.espeak import EspeakEngine
from tests.tiny_glm import DEFAULT_REPLY, DEFAULT_SYSTEM, build_tiny_glm

pytestmark = [
    pytest.mark.slow,
    pytest.mark.requires("espeak-ng"),
]


@pytest.fixture(scope="module")
def glm_config(tmp_path_factory: pytest.TempPathFactory) -> Config:
    folder = build_tiny_glm(tmp_path_factory.mktemp("glm") / "tiny-glm4", kind="glm4")
    return Config(
        llm=LlmConfig(engine="transformers", transformers=TransformersLLM(model=str(folder))),
        tts=TtsConfig(engine="espeak"),
        asr=AsrConfig(engine="none"),
        control=ControlConfig(port=0),
    )


async def test_tokens_stream_split_into_sentences_and_reach_tts(glm_config: Config, tmp_path: Path) -> None:
    notices: list[str] = []
    models = plan_models(glm_config, notices)
    await asyncio.gather(*models.loads)
    engine = await models.llm.get()
    assert engine is not None and engine.name == "transformers", notices
    tts = EspeakEngine(glm_config.tts.espeak)
    tts.load()
    events: list[Event] = []
    clock = Clock(speed=50.0)
    sink = WavSink(tmp_path, clock)
    voice = ReplyPipeline(engine, tts, sink, lambda text: None, events.append, first_clause=False)
    runner = asyncio.create_task(voice.run())
    pieces: list[str] = []
    original = engine.stream

    async def spy(request: ReplyRequest):  # records the raw token stream on its way to the voice
        async for piece in original(request):
            pieces.append(piece)
            yield piece

    engine.stream = spy  # type: ignore[method-assign]
    try:
        request = ReplyRequest(
            1, "greeting", None, messages=(ChatMessage("system", DEFAULT_SYSTEM), ChatMessage("user", "你好"))
        )
        outcome = await asyncio.wait_for(voice.start(request, None).done, 120)
    finally:
        runner.cancel()
        await asyncio.gather(runner, return_exceptions=True)
        await engine.close()
    assert outcome == "spoken"
    assert len(pieces) > 5  # streamed token by token, not in one lump
    sentences = [e.text for e in events if isinstance(e, ReplySentence)]
    assert "".join(sentences) == DEFAULT_REPLY == "".join(pieces)
    assert len(sentences) == 3
    assert [e.text for e in events if isinstance(e, Audio)] == sentences
    assert sink.files and sink.files[0].stat().st_size > 10_000


async def test_the_pipeline_answers_a_danmaku_with_the_model(glm_config: Config, tmp_path: Path) -> None:
    clock = Clock(speed=50.0)
    pipeline = await build_pipeline(glm_config.model_copy(), clock, [], out_dir=tmp_path)
    seen = pipeline.bus.subscribe("test", accepts={"reply_sentence", "audio", "utterance_done"})
    stop = asyncio.Event()
    runner = asyncio.create_task(pipeline.run(stop))
    got: list[Event] = []
    try:
        await asyncio.wait_for(pipeline.ready.wait(), 120)  # models load in the background
        assert pipeline.engine.name == "transformers"
        pipeline.bus.publish(Danmaku(text="主播你好！", uname="小明", uid="1"))
        while not any(isinstance(e, UtteranceDone) for e in got):
            got.append(await asyncio.wait_for(seen.get(), 120))
    finally:
        stop.set()
        await runner
    done = [e for e in got if isinstance(e, UtteranceDone)]
    assert done[0].outcome in ("spoken", "empty")
    replies = [e for e in got if isinstance(e, ReplySentence)]
    assert all(r.engine == "transformers" for r in replies)
    assert len([e for e in got if isinstance(e, Audio)]) == len(replies)
    assert pipeline.stats.latency_table().get("decision_to_first_token", {}).get("n", 0) >= 1
