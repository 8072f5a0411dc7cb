"""Who answers a reply: the language model, awaited through its ``ModelSlot`` and guarded by the
circuit breaker, or the template engine while the slot is empty or the breaker is open.

The reply stage holds one ``Answering`` from the start and runs it beside its
utterances; nothing outside swaps the engine. A model whose server did not
answer at start comes back as an open breaker that loads it on the first probe
that works, and the slot then says "ready" (the prompter's token counter
follows the slot).
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import AsyncGenerator, Callable
from typing import Any

from agent.config_llm import LlmBreaker
from agent.events import ModelStatus
from agent.llm.base import EngineUnreachable, ReplyEngine, ReplyRequest
from agent.llm.breaker import BreakerEngine
from agent.llm.template import TemplateEngine
from agent.shared.loading import ModelSlot

# Replies whose engine is remembered (for ``answered_by``), as the breaker does.
_REMEMBERED = 256


def _ignore(status: ModelStatus) -> None:
    return None


class Answering:
    """A ReplyEngine: the slot's model behind its breaker once loaded, ``fallback`` until then.

    ``planned``: the language model as built, loaded or not; when its server did
    not answer at start (``EngineUnreachable`` in the slot) the breaker keeps
    trying it. ``on_change`` hears when the breaker opens or closes.
    """

    def __init__(
        self,
        slot: ModelSlot[ReplyEngine],
        fallback: ReplyEngine,
        cfg: LlmBreaker | None = None,
        *,
        stall_s: float = 10.0,
        planned: ReplyEngine | None = None,
        on_change: Callable[[ModelStatus], None] = _ignore,
    ) -> None:
        self.slot = slot
        self.fallback = fallback
        self.cfg = cfg
        self.stall_s = stall_s
        self.planned = planned
        self.on_change = on_change
        self.breaker: BreakerEngine | None = None  # set by ``run`` once the slot has settled
        self._settled = asyncio.Event()
        self._streamed_by: OrderedDict[int, ReplyEngine] = OrderedDict()  # for ``answered_by``

    @classmethod
    def fixed(cls, engine: ReplyEngine) -> Answering:
        """``engine`` answers every reply (tools, tests, benches): loaded, no breaker of its own."""
        answering = cls(ModelSlot.ready_with("llm", engine, engine.name), engine)
        answering._settled.set()
        return answering

    # --- what the reply stage and status see --------------------------------

    @property
    def current(self) -> ReplyEngine:
        """The engine the next reply comes from."""
        if self.breaker is not None:
            return self.breaker
        return self.fallback

    @property
    def name(self) -> str:
        return self.current.name

    def answered_by(self, utterance_id: int) -> str:
        """The engine whose text that reply is (the template's when it fell back, or when the
        reply began before the model was in)."""
        engine = self._streamed_by.get(utterance_id, self.current)
        if isinstance(engine, BreakerEngine):
            return engine.answered_by(utterance_id)
        return engine.name

    def record_failure(self, kind: str, problem: str) -> None:
        """A reply that hung with no sentence (the reply stage's cut-off): the breaker counts it."""
        engine = self.current
        if isinstance(engine, BreakerEngine):
            engine.record_failure(kind, problem)

    def status(self) -> dict[str, Any]:
        if self.breaker is not None:
            return self.breaker.status()
        return {"state": self.slot.state}

    async def settled(self) -> None:
        """The slot has settled and the breaker (when there is a model to guard) is in place."""
        await self._settled.wait()

    # --- ReplyEngine ---------------------------------------------------------

    async def load(self) -> None:
        return None  # the slot's load runs at start-up, in the background

    def stream(self, request: ReplyRequest) -> AsyncGenerator[str, None]:
        engine = self.current
        self._streamed_by[request.utterance_id] = engine
        self._streamed_by.move_to_end(request.utterance_id)
        while len(self._streamed_by) > _REMEMBERED:
            self._streamed_by.popitem(last=False)
        return engine.stream(request)

    async def close(self) -> None:
        await self.current.close()  # the breaker closes its model and the fallback

    # --- the reply stage runs this beside its utterances ----------------------

    async def run(self) -> None:
        """Await the slot, put the breaker around the model, then probe it while it fails. Forever."""
        if self._settled.is_set():
            return
        model = await self.slot.get()
        self.breaker = self._guarded(model)
        self._settled.set()
        if self.breaker is not None:
            await self.breaker.watch()

    def _guarded(self, model: ReplyEngine | None) -> BreakerEngine | None:
        """The model behind its breaker; None when there is no language model to use."""
        slot = self.slot
        if model is None and isinstance(slot.error, EngineUnreachable):
            model = self.planned  # its server did not answer at start: the breaker retries it
        if model is None or isinstance(model, TemplateEngine) or self.cfg is None:
            return None
        return BreakerEngine(
            model,
            self.fallback,
            self.cfg,
            stall_s=self.stall_s,
            on_change=self._changed,
            loaded=slot.value is not None,
            reason=slot.detail if slot.value is None else "",
        )

    def _changed(self, status: ModelStatus) -> None:
        self.on_change(status)
        breaker = self.breaker
        if status.state == "ready" and breaker is not None and self.slot.state != "ready":
            # Loaded by a probe: the slot (and the prompter's token counter) follows.
            self.slot.settle("ready", breaker.model, breaker.model.name)
