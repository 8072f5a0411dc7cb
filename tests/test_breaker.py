"""The LLM circuit breaker: failing replies are answered by the template engine, N in a row open
the breaker (status, OBS, log say so), a probe closes it; a model server that does not answer at
start is retried in the background."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncGenerator, AsyncIterator
from pathlib import Path
from typing import TypeVar

import pytest

from agent.app.assemble import build_pipeline
from agent.app.runtime import Pipeline
from agent.bus import EventQueue
from agent.clock import Clock
from agent.config import (
    AsrConfig,
    AudioConfig,
    BrainConfig,
    Config,
    ControlConfig,
    LlmConfig,
    ObsConfig,
    OpenAILLM,
    TemplateLLM,
    TtsConfig,
)
from agent.config_llm import LlmBreaker
from agent.events import Danmaku, Event, ModelStatus, ReplySentence, UtteranceDone
from agent.llm.base import ReplyFailed, ReplyRequest
from agent.llm.breaker import BreakerEngine
from agent.llm.template import TemplateEngine
from agent.obs.view import ObsView
from tests.support.model_server import REPLY, model_server


class Model:
    """A language model the test switches: "ok", "fail", "hang", "half" (one piece, then fails)."""

    name = "model"

    def __init__(self, mode: str = "ok") -> None:
        self.mode = mode
        self.calls = 0

    async def load(self) -> None:
        return None

    async def close(self) -> None:
        return None

    async def stream(self, request: ReplyRequest) -> AsyncGenerator[str, None]:
        self.calls += 1
        if self.mode == "hang":
            await asyncio.sleep(3600)
        if self.mode == "fail":
            raise ReplyFailed("the model server answered HTTP 500: out of memory")
        yield "模型说，"
        if self.mode == "half":
            raise ReplyFailed("lost the model server")
        yield "你好。"


def question(i: int = 1) -> ReplyRequest:
    viewer = Danmaku(uid=str(i), uname=f"观众{i}", text="主播玩什么？")
    return ReplyRequest(utterance_id=i, kind="question", trigger=viewer)


def breaker_for(
    model: Model, failures: int = 3, stall_s: float = 5.0
) -> tuple[BreakerEngine, list[ModelStatus]]:
    changes: list[ModelStatus] = []
    cfg = LlmBreaker.model_construct(failures=failures, probe_interval_s=0.01)
    engine = BreakerEngine(
        model, TemplateEngine(TemplateLLM()), cfg, stall_s=stall_s, on_change=changes.append
    )
    return engine, changes


async def reply(engine: BreakerEngine, request: ReplyRequest | None = None) -> str:
    return "".join([piece async for piece in engine.stream(request or question())])


async def test_failed_replies_are_answered_by_the_template_and_n_in_a_row_open_the_breaker(
    caplog: pytest.LogCaptureFixture,
) -> None:
    model = Model("fail")
    engine, changes = breaker_for(model, failures=3)
    template = TemplateEngine(TemplateLLM())
    for i in range(1, 4):
        assert await reply(engine, question(i)) == template.reply_text(question(i))
    assert model.calls == 3
    assert engine.open and engine.name == "template"
    assert changes == [ModelStatus(model="llm", state="fallback", detail=changes[0].detail)]
    assert "HTTP 500" in changes[0].detail
    status = engine.status()
    assert status["state"] == "fallback" and status["consecutive_failures"] == 3
    assert engine.failed == {"error": 3} and engine.fallback_replies == 3
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("failed 3 replies in a row" in w and "template engine answers" in w for w in warnings)
    # Open: the model is left alone, the template answers straight away.
    assert await reply(engine, question(4)) == template.reply_text(question(4))
    assert model.calls == 3


async def test_a_success_resets_the_count() -> None:
    model = Model("fail")
    engine, changes = breaker_for(model, failures=3)
    for mode in ("fail", "fail", "ok", "fail", "fail"):
        model.mode = mode
        await reply(engine)
    assert not engine.open and engine.consecutive == 2 and changes == []


async def test_a_stalled_model_counts_and_the_template_answers_in_its_place() -> None:
    engine, _ = breaker_for(Model("hang"), failures=1, stall_s=0.05)
    text = await reply(engine)
    assert text == TemplateEngine(TemplateLLM()).reply_text(question())
    assert engine.failed == {"stalled": 1} and engine.open


async def test_what_was_said_stays_said_when_the_model_breaks_off() -> None:
    engine, _ = breaker_for(Model("half"))
    pieces: list[str] = []
    with pytest.raises(ReplyFailed, match="lost the model server"):
        async for piece in engine.stream(question()):
            pieces.append(piece)
    assert pieces == ["模型说，"]  # no template line glued onto half a model reply
    assert engine.consecutive == 1 and engine.fallback_replies == 0


async def test_an_interrupted_reply_is_not_a_failure() -> None:
    engine, _ = breaker_for(Model("hang"), stall_s=60)
    task = asyncio.create_task(reply(engine))
    while engine.model.calls == 0:  # type: ignore[attr-defined]
        await asyncio.sleep(0)
    task.cancel()  # mute / skip
    with pytest.raises(asyncio.CancelledError):
        await task
    assert engine.consecutive == 0 and not engine.failed


async def test_probes_close_the_breaker_once_the_model_answers() -> None:
    model = Model("fail")
    engine, changes = breaker_for(model, failures=1)
    await reply(engine)
    assert engine.open
    assert not await engine.probe()  # still failing: stays open
    assert engine.open and engine.failed["probe"] == 1
    watcher = asyncio.create_task(engine.watch())
    try:
        model.mode = "ok"
        while len(changes) < 2:
            await asyncio.sleep(0.01)
    finally:
        watcher.cancel()
    assert [c.state for c in changes] == ["fallback", "ready"]
    assert not engine.open and engine.name == "model"
    assert await reply(engine) == "模型说，你好。"


def test_obs_status_text_says_the_model_fails() -> None:
    view = ObsView(ObsConfig())
    view.handle(ModelStatus(model="llm", state="fallback", detail="HTTP 500"), 0.0)
    assert "model failing: template replies" in view.status
    view.handle(ModelStatus(model="llm", state="ready", detail="model"), 1.0)
    assert "model failing" not in view.status


# --- the whole runtime against a real socket -------------------------------------


def runtime_config(url: str) -> Config:
    no_waiting = BrainConfig(
        cooldown_s=0, thanks_cooldown_s=0, user_cooldown_s=0, gap_after_streamer_s=0, kind_cooldown_s={}
    )
    llm = LlmConfig(
        engine="openai",
        openai=OpenAILLM(base_url=url, model="tiny", timeout_s=0.5),
        breaker=LlmBreaker.model_construct(failures=2, probe_interval_s=0.05),
    )
    return Config(
        llm=llm,
        brain=no_waiting,
        tts=TtsConfig(engine="none"),
        asr=AsrConfig(engine="none"),
        audio=AudioConfig(output_device="none"),
        control=ControlConfig(enabled=False),
    )


E = TypeVar("E")


class Seen:
    """Every ``utterance_done`` and ``model_status`` the runtime published; ``next(kind)`` is the
    oldest of that kind not yet taken, whatever came in between."""

    def __init__(self, queue: EventQueue) -> None:
        self.queue = queue
        self.waiting: list[Event] = []

    async def next(self, kind: type[E]) -> E:
        while True:
            for i, event in enumerate(self.waiting):
                if isinstance(event, kind):
                    del self.waiting[i]
                    return event
            self.waiting.append(await asyncio.wait_for(self.queue.get(), 60))


@contextlib.asynccontextmanager
async def running(pipeline: Pipeline) -> AsyncIterator[None]:
    """``pipeline`` runs, and is ready, until the block ends; then it stops."""
    stop = asyncio.Event()
    runner = asyncio.create_task(pipeline.run(stop))
    try:
        await asyncio.wait_for(pipeline.ready.wait(), 60)
        yield
    finally:
        stop.set()
        await runner


async def test_a_hung_model_server_at_start_is_timed_out_then_picked_up_in_the_background(
    tmp_path: Path,
) -> None:
    async with model_server("hang") as server:
        pipeline = await build_pipeline(runtime_config(server.url), Clock(), [], out_dir=tmp_path)
        seen = Seen(pipeline.bus.subscribe("test", accepts={"utterance_done", "model_status"}))
        async with running(pipeline):
            status = pipeline.status()
            assert status["llm"]["state"] == "fallback"
            assert status["models"]["llm"].startswith(f"failed: the model server at {server.url} timed out")
            assert "tries again every" in status["models"]["llm"]
            pipeline.bus.publish(Danmaku(uid="1", uname="小明", text="主播今天玩什么游戏？"))
            done = await seen.next(UtteranceDone)
            assert done.outcome == "spoken" and done.text  # the template answered
            server.mode = "ok"
            ready = await seen.next(ModelStatus)
            assert ready.state == "ready"
            status = pipeline.status()
            assert status["llm"]["state"] == "ok" and status["engine"] == "openai"
            assert status["models"]["llm"] == "ready: openai"
            pipeline.bus.publish(Danmaku(uid="2", uname="小红", text="这个游戏难不难？"))
            done = await seen.next(UtteranceDone)
            assert done.text == "".join(REPLY)


async def test_a_model_server_failing_mid_stream_falls_back_and_metrics_count_it(tmp_path: Path) -> None:
    from agent.control.metrics import render

    async with model_server("ok") as server:
        pipeline = await build_pipeline(runtime_config(server.url), Clock(), [], out_dir=tmp_path)
        seen = Seen(pipeline.bus.subscribe("test", accepts={"utterance_done", "model_status"}))
        async with running(pipeline):
            assert pipeline.status()["llm"]["state"] == "ok"
            server.mode = "500"
            replies = []
            for i in range(2):
                pipeline.bus.publish(Danmaku(uid=str(i), uname=f"观众{i}", text=f"第{i}个问题：主播玩什么？"))
                replies.append(await seen.next(UtteranceDone))
            assert all(r.outcome == "spoken" and r.text for r in replies)  # never silent
            fallback = await seen.next(ModelStatus)
            assert fallback.state == "fallback" and "HTTP 500" in fallback.detail
            assert pipeline.status()["llm"]["consecutive_failures"] == 2
            text = render(pipeline.counters(), pipeline.status())
            assert 'cohost_llm_failures_total{kind="error"} 2.0' in text
            assert "cohost_llm_fallback 1" in text


async def test_a_trickling_model_cut_off_by_the_pipeline_counts_as_hung(tmp_path: Path) -> None:
    """Text too slow to ever make a sentence: the breaker's per-piece wait never fires, the
    pipeline's cut-off does, and the breaker hears of it."""
    from agent.audio.sinks import WavSink
    from agent.reply.pipeline import ReplyPipeline

    class Trickle(Model):
        async def stream(self, request: ReplyRequest) -> AsyncGenerator[str, None]:
            while True:
                await asyncio.sleep(0.02)
                yield "嗯"

    engine, changes = breaker_for(Trickle(), failures=1, stall_s=60)
    events: list[Event] = []
    voice = ReplyPipeline(
        engine, None, WavSink(tmp_path, Clock()), lambda t: None, events.append, hard_timeout_s=0.3
    )
    runner = asyncio.create_task(voice.run())
    try:
        outcome = await asyncio.wait_for(voice.start(question(), None).done, 60)
    finally:
        runner.cancel()
        await asyncio.gather(runner, return_exceptions=True)
    assert outcome == "failed"
    assert engine.failed == {"hung": 1} and engine.open
    assert [c.state for c in changes] == ["fallback"]


async def test_start_up_freezes_what_it_loaded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import gc

    import agent.app.startup

    monkeypatch.setattr(agent.app.startup, "_frozen", False)  # another test's pipeline may have frozen first

    cfg = runtime_config("http://127.0.0.1:9/v1").model_copy(update={"llm": LlmConfig(engine="template")})
    pipeline = await build_pipeline(cfg, Clock(), [], out_dir=tmp_path)
    gc.unfreeze()
    try:
        async with running(pipeline):
            # the agent's modules and objects, out of the collector's way
            assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()


# --- a model that trickles is a failing model ---------------------------------


class Trickler(Model):
    """One character at a time, never a clause: every piece comes well within the stall."""

    async def stream(self, request: ReplyRequest) -> AsyncGenerator[str, None]:
        self.calls += 1
        while True:
            await asyncio.sleep(0.01)
            yield "嗯"


async def test_the_probe_needs_a_sentence_not_a_first_token() -> None:
    changes: list[ModelStatus] = []
    cfg = LlmBreaker(failures=1, probe_interval_s=1, first_sentence_s=0.2)
    template = TemplateEngine(TemplateLLM())
    engine = BreakerEngine(Trickler(), template, cfg, stall_s=5.0, on_change=changes.append)
    assert not await engine.probe()  # its first token came at once; no sentence ever did
    engine.model = Model("ok")
    assert await engine.probe()


async def test_a_trickling_model_server_is_answered_by_the_template(tmp_path: Path) -> None:
    """The whole runtime against a stand-in OpenAI-compatible server that streams a character
    every 0.2 s: long before the reply's own timeout, the template answers that reply, the
    sentence names the template, and the breaker counts the reply as failed."""
    cfg = runtime_config("http://127.0.0.1:9/v1")
    llm = cfg.llm.model_copy(
        update={
            "openai": cfg.llm.openai.model_copy(update={"timeout_s": 30.0}),
            "breaker": LlmBreaker(failures=3, probe_interval_s=60, first_sentence_s=1.0),
        }
    )
    brain = cfg.brain.model_copy(update={"reply_timeout_s": 600.0})
    async with model_server("ok") as server:
        cfg = cfg.model_copy(
            update={
                "llm": llm.model_copy(
                    update={"openai": llm.openai.model_copy(update={"base_url": server.url})}
                ),
                "brain": brain,
            }
        )
        pipeline = await build_pipeline(cfg, Clock(), [], out_dir=tmp_path)
        seen = Seen(
            pipeline.bus.subscribe("test", accepts={"utterance_done", "model_status", "reply_sentence"})
        )
        async with running(pipeline):
            assert pipeline.status()["llm"]["state"] == "ok"
            server.mode = "trickle"
            viewer = Danmaku(uid="1", uname="小明", text="主播今天玩什么游戏？")
            pipeline.bus.publish(viewer)
            done = await seen.next(UtteranceDone)
            sentence = await seen.next(ReplySentence)
            assert pipeline.breaker is not None
            failed = dict(pipeline.breaker.failed)
    assert done.outcome == "spoken" and done.text and "嗯" not in done.text
    assert sentence.engine == "template"
    assert failed == {"slow": 1}
