"""TransformersEngine end to end on a tiny GLM saved to disk and loaded through the real loading code."""

from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path

import pytest

from agent.config import TransformersLLM
from agent.llm.base import ChatMessage, EngineUnavailable, ReplyFailed, ReplyRequest
from agent.llm.transformers_engine import TransformersEngine, _generation_settings, _quantization_config
from agent.reply.sentences import SentenceSplitter
from tests.tiny_glm import DEFAULT_REPLY, DEFAULT_SYSTEM, build_tiny_glm


@pytest.fixture(scope="session")
def taught_glm4(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """GLM-4 architecture, trained to answer DEFAULT_REPLY."""
    return build_tiny_glm(tmp_path_factory.mktemp("glm4"), kind="glm4")


@pytest.fixture(scope="session")
def random_glm(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """GLM (v1) architecture with random weights: it rambles until max_new_tokens."""
    return build_tiny_glm(tmp_path_factory.mktemp("glm"), kind="glm", reply=None)


def ask(text: str = "你好", system: str | None = DEFAULT_SYSTEM) -> ReplyRequest:
    messages = ((ChatMessage("system", system),) if system else ()) + (ChatMessage("user", text),)
    return ReplyRequest(utterance_id=1, kind="chatter", trigger=None, messages=messages)


async def loaded(path: Path, **cfg: object) -> TransformersEngine:
    engine = TransformersEngine(TransformersLLM(model=str(path), temperature=0, **cfg))  # type: ignore[arg-type]
    await engine.load()
    return engine


async def test_reply_streams_in_pieces_that_split_into_sentences(taught_glm4: Path) -> None:
    engine = await loaded(taught_glm4)
    try:
        pieces = [piece async for piece in engine.stream(ask())]
    finally:
        await engine.close()
    assert len(pieces) >= 10
    assert "".join(pieces) == DEFAULT_REPLY
    splitter = SentenceSplitter()
    sentences = [s for piece in pieces for s in splitter.feed(piece)]
    tail = splitter.flush()
    assert [*sentences, tail] == ["欢迎来到直播间！", "今天我们一起聊聊天吧。", "有问题随时问我哦？"]
    assert engine.last_first_token_s is not None and engine.last_first_token_s > 0
    assert engine.last_tokens >= len(DEFAULT_REPLY) // 2
    assert not engine.generating


async def test_first_piece_arrives_while_generation_is_still_running(random_glm: Path) -> None:
    engine = await loaded(random_glm, max_new_tokens=200)
    try:
        seen_while_generating = []
        async for _piece in engine.stream(ask("随便说说", system=None)):
            seen_while_generating.append(engine.generating)
        # Pieces arrive as tokens are made: the first long before generate() returns.
        assert seen_while_generating[0] is True
        assert len(seen_while_generating) > 50
        assert engine.last_tokens == 200
        assert not engine.generating
    finally:
        await engine.close()


async def test_closing_the_stream_stops_generation(random_glm: Path) -> None:
    engine = await loaded(random_glm, max_new_tokens=2000)
    try:
        stream = engine.stream(ask("随便说说", system=None))
        for _ in range(3):
            await anext(stream)
        assert engine.generating
        await stream.aclose()  # what `break` plus cleanup, or the voice stage's interrupt, does
        assert not engine.generating
        assert engine.last_tokens < 100  # of the 2000 it was allowed
    finally:
        await engine.close()


async def test_cancelling_the_consumer_task_stops_generation(random_glm: Path) -> None:
    engine = await loaded(random_glm, max_new_tokens=2000)
    first_piece = asyncio.Event()

    async def speak() -> None:
        async for _piece in engine.stream(ask("随便说说", system=None)):
            first_piece.set()

    try:
        task = asyncio.create_task(speak())
        await asyncio.wait_for(first_piece.wait(), 30)
        assert engine.generating
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert not engine.generating
        assert engine.last_tokens < 100
        # The engine is still usable after an interrupt.
        engine.cfg = engine.cfg.model_copy(update={"max_new_tokens": 5})
        assert len([p async for p in engine.stream(ask())]) >= 1
    finally:
        await engine.close()


async def test_missing_model_folder_says_what_to_change(tmp_path: Path) -> None:
    with pytest.raises(EngineUnavailable) as info:
        await TransformersEngine(TransformersLLM(model=str(tmp_path / "nope"))).load()
    message = str(info.value)
    assert "\n" not in message
    assert "does not exist" in message and "llm.transformers.model" in message


async def test_model_id_not_downloaded_offline_says_how_to_get_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path))
    with pytest.raises(EngineUnavailable) as info:
        await TransformersEngine(TransformersLLM(model="zai-org/not-a-real-model-for-tests")).load()
    message = str(info.value)
    assert "\n" not in message
    assert "hf download zai-org/not-a-real-model-for-tests" in message


async def test_no_model_configured() -> None:
    with pytest.raises(EngineUnavailable, match=r"llm\.transformers\.model"):
        await TransformersEngine(TransformersLLM()).load()


async def test_model_without_chat_template_is_refused(taught_glm4: Path, tmp_path: Path) -> None:
    base = shutil.copytree(taught_glm4, tmp_path / "base")
    (base / "chat_template.jinja").unlink(missing_ok=True)
    config_path = base / "tokenizer_config.json"
    config = json.loads(config_path.read_text())
    config.pop("chat_template", None)
    config_path.write_text(json.dumps(config))
    with pytest.raises(EngineUnavailable, match="no chat template"):
        await TransformersEngine(TransformersLLM(model=str(base))).load()


async def test_stream_before_load_fails_clearly() -> None:
    engine = TransformersEngine(TransformersLLM(model="x"))
    with pytest.raises(ReplyFailed, match="not loaded"):
        await anext(engine.stream(ask()))


def test_quantization_needs_a_gpu_and_bitsandbytes() -> None:
    cfg = TransformersLLM(model="x", quantization="4bit")
    with pytest.raises(EngineUnavailable, match='quantization = "none"'):
        _quantization_config(cfg, "cpu", None)
    assert _quantization_config(TransformersLLM(model="x"), "cpu", None) is None


def test_generation_settings_follow_the_config() -> None:
    class Tok:
        pad_token_id = None
        eos_token_id = 7

    greedy = _generation_settings(TransformersLLM(temperature=0, max_new_tokens=12), Tok())
    assert greedy["do_sample"] is False and greedy["max_new_tokens"] == 12 and greedy["pad_token_id"] == 7
    sampled = _generation_settings(TransformersLLM(temperature=0.7, top_p=0.8), Tok())
    assert sampled["do_sample"] is True and sampled["temperature"] == 0.7 and sampled["top_p"] == 0.8
