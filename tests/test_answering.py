"""The reply stage's language model (``agent.reply.answering``): the template answers while the
slot is empty or the breaker is open, the model once its slot has it; nothing swaps the engine
from outside, and a model whose server did not answer at start is loaded by a probe."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator

from agent.config import TemplateLLM
from agent.config_llm import LlmBreaker
from agent.events import Danmaku, ModelStatus
from agent.llm.base import EngineUnreachable, ReplyFailed, ReplyRequest
from agent.llm.breaker import BreakerEngine
from agent.llm.template import TemplateEngine
from agent.reply.answering import Answering
from agent.shared.loading import ModelSlot


class Model:
    """A scripted language model: says one sentence, or fails while ``failing``."""

    name = "model"

    def __init__(self, *, failing: bool = False, reachable: bool = True) -> None:
        self.failing = failing
        self.reachable = reachable
        self.loads = 0

    async def load(self) -> None:
        if not self.reachable:
            raise EngineUnreachable("the model server at http://127.0.0.1:9 did not answer")
        self.loads += 1

    async def close(self) -> None:
        return None

    async def stream(self, request: ReplyRequest) -> AsyncGenerator[str, None]:
        if self.failing:
            raise ReplyFailed("the model server answered HTTP 500")
        yield "模型说，你好。"


def question(i: int = 1) -> ReplyRequest:
    viewer = Danmaku(uid=str(i), uname="小明", text="玩什么？")
    return ReplyRequest(utterance_id=i, kind="question", trigger=viewer)


async def said(answering: Answering, i: int = 1) -> str:
    return "".join([piece async for piece in answering.stream(question(i))])


def answering_for(
    slot: ModelSlot[Model], planned: Model | None = None
) -> tuple[Answering, list[ModelStatus]]:
    changes: list[ModelStatus] = []
    cfg = LlmBreaker.model_construct(failures=2, probe_interval_s=0.01, first_sentence_s=5.0)
    answering = Answering(
        slot,  # type: ignore[arg-type]
        TemplateEngine(TemplateLLM()),
        cfg,
        stall_s=5.0,
        planned=planned,
        on_change=changes.append,
    )
    return answering, changes


async def test_the_template_answers_until_the_slot_has_the_model_then_the_model_does() -> None:
    slot: ModelSlot[Model] = ModelSlot("llm")
    answering, _ = answering_for(slot)
    template = TemplateEngine(TemplateLLM())
    watching = asyncio.create_task(answering.run())
    try:
        assert answering.name == "template" and answering.status() == {"state": "loading"}
        assert await said(answering) == template.reply_text(question())
        slot.settle("ready", Model(), "model")
        await asyncio.wait_for(answering.settled(), 10)
        assert isinstance(answering.current, BreakerEngine) and answering.name == "model"
        assert await said(answering, 2) == "模型说，你好。"
        assert answering.answered_by(1) == "template" and answering.answered_by(2) == "model"
        assert answering.status()["state"] == "ok"
    finally:
        watching.cancel()


async def test_a_failing_model_opens_the_breaker_and_the_template_answers_in_its_place() -> None:
    model = Model()
    answering, changes = answering_for(ModelSlot.ready_with("llm", model, "model"))
    watching = asyncio.create_task(answering.run())
    try:
        await asyncio.wait_for(answering.settled(), 10)
        model.failing = True
        template = TemplateEngine(TemplateLLM())
        for i in (1, 2):
            assert await said(answering, i) == template.reply_text(question(i))
        assert answering.name == "template" and answering.status()["state"] == "fallback"
        assert [c.state for c in changes] == ["fallback"]
        model.failing = False  # the probe finds it answering again: the breaker closes
        while answering.name != "model":
            await asyncio.sleep(0.01)
        assert [c.state for c in changes] == ["fallback", "ready"]
    finally:
        watching.cancel()


async def test_a_model_unreachable_at_start_is_loaded_by_a_probe_and_the_slot_follows() -> None:
    model = Model(reachable=False)
    slot: ModelSlot[Model] = ModelSlot("llm")
    slot.error = EngineUnreachable("no answer")
    slot.settle("failed", None, "no answer")
    answering, changes = answering_for(slot, planned=model)
    watching = asyncio.create_task(answering.run())
    try:
        await asyncio.wait_for(answering.settled(), 10)
        assert answering.status()["state"] == "fallback" and answering.name == "template"
        model.reachable = True
        while slot.state != "ready":
            await asyncio.sleep(0.01)
        assert slot.value is model and model.loads == 1 and answering.name == "model"
        assert changes[-1] == ModelStatus(model="llm", state="ready", detail="model")
    finally:
        watching.cancel()


async def test_an_llm_that_is_off_leaves_the_template_answering_for_good() -> None:
    answering, changes = answering_for(ModelSlot.off("llm", "llm.engine needs torch"))
    await asyncio.wait_for(answering.run(), 10)  # nothing to guard: it returns
    assert answering.breaker is None and answering.name == "template"
    assert answering.status() == {"state": "off"} and changes == []


async def test_a_fixed_engine_answers_every_reply_as_it_is() -> None:
    model = Model()
    answering = Answering.fixed(model)
    await asyncio.wait_for(answering.run(), 10)
    assert answering.current is model and await said(answering) == "模型说，你好。"
    answering.record_failure("hung", "no sentence")  # no breaker of its own: nothing to count
    assert answering.breaker is None
