"""The circuit breaker: the language model answers while it works, the template engine while it fails.

A reply that fails before saying anything (the server answers 500, drops, or
sends no text for ``stall_s``) is answered by the template engine at once, so
the viewer still hears something. After ``failures`` such replies in a row the
breaker opens: every reply comes from the template engine, ``/api/status``,
the OBS status text and the log say so, and the model is asked a short test
prompt every ``probe_interval_s`` until it answers; then it closes again. A
model server that did not answer at start goes the same way: the breaker starts
open and the first probe loads it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import Counter
from collections.abc import AsyncGenerator, Callable
from typing import Any

from agent.config_llm import LlmBreaker
from agent.events import ModelStatus
from agent.llm.base import ChatMessage, ReplyEngine, ReplyFailed, ReplyRequest

log = logging.getLogger(__name__)

# The smallest real question: the model answers it when it works at all.
PROBE = ReplyRequest(utterance_id=0, kind="question", trigger=None, messages=(ChatMessage("user", "你好"),))


class BreakerEngine:
    """A ReplyEngine around ``model`` with ``fallback`` behind it.

    ``on_change`` gets a ``ModelStatus`` when the breaker opens ("fallback") or
    closes ("ready"). ``loaded=False``: the model's ``load()`` failed at start;
    the breaker starts open and loads it on the first probe that works.
    """

    def __init__(
        self,
        model: ReplyEngine,
        fallback: ReplyEngine,
        cfg: LlmBreaker,
        *,
        stall_s: float,
        on_change: Callable[[ModelStatus], None] = lambda status: None,
        loaded: bool = True,
        reason: str = "",
    ) -> None:
        self.model = model
        self.fallback = fallback
        self.cfg = cfg
        self.stall_s = stall_s
        self.on_change = on_change
        self.consecutive = 0
        self.failed: Counter[str] = Counter()  # failed replies and probes by kind, for /metrics
        self.fallback_replies = 0  # replies the template engine gave in the model's place
        self.detail = reason
        self.since = time.time()
        self._loaded = loaded
        self._open = asyncio.Event()
        if not loaded:
            self._open.set()

    # --- what the rest of Cohost sees ---------------------------------------

    @property
    def open(self) -> bool:
        return self._open.is_set()

    @property
    def name(self) -> str:
        return self.fallback.name if self.open else self.model.name

    @property
    def tokenizer(self) -> Any:
        """The model's tokenizer (the brain counts prompt tokens with it), when it has one."""
        return getattr(self.model, "tokenizer", None)

    def status(self) -> dict[str, Any]:
        return {
            "state": "fallback" if self.open else "ok",
            "model": self.model.name,
            "answering": self.name,
            "consecutive_failures": self.consecutive,
            "fallback_replies": self.fallback_replies,
            "detail": self.detail,
            "since": round(self.since, 3),
        }

    # --- ReplyEngine ---------------------------------------------------------

    async def load(self) -> None:
        await self.model.load()
        self._loaded = True

    async def stream(self, request: ReplyRequest) -> AsyncGenerator[str, None]:
        if self.open:
            async for piece in self._from_fallback(request):
                yield piece
            return
        said = False
        try:
            async with contextlib.aclosing(self.model.stream(request)) as pieces:
                while True:
                    try:
                        async with asyncio.timeout(self.stall_s):
                            piece = await anext(pieces)
                    except StopAsyncIteration:
                        break
                    said = said or bool(piece)
                    yield piece
        except TimeoutError:
            kind, problem = "stalled", f"the model sent no text for {self.stall_s:g} s"
        except Exception as exc:  # ReplyFailed, or whatever else the engine raised mid-reply
            kind, problem = "error", str(exc) or type(exc).__name__
        else:
            self.consecutive = 0
            return
        self.record_failure(kind, problem)
        if said:
            raise ReplyFailed(problem)  # what was said stays said; the rest is lost
        async for piece in self._from_fallback(request):
            yield piece

    async def close(self) -> None:
        try:
            await self.model.close()
        finally:
            await self.fallback.close()

    # --- the breaker ---------------------------------------------------------

    def record_failure(self, kind: str, problem: str) -> None:
        """One failed reply (also called by the reply pipeline when a reply hung with no sentence)."""
        self.failed[kind] += 1
        self.consecutive += 1
        self.detail = problem
        if not self.open and self.consecutive >= self.cfg.failures:
            self._open.set()
            self.since = time.time()
            log.warning(
                "llm: %s failed %d replies in a row (last: %s); the template engine answers until it "
                "works again (checked every %g s, llm.breaker)",
                self.model.name,
                self.consecutive,
                problem,
                self.cfg.probe_interval_s,
            )
            self.on_change(ModelStatus(model="llm", state="fallback", detail=problem))

    async def watch(self) -> None:
        """While open, probe the model every ``probe_interval_s``; close when it answers. Forever."""
        while True:
            await self._open.wait()
            await asyncio.sleep(self.cfg.probe_interval_s)
            if await self.probe():
                self._open.clear()
                self.consecutive = 0
                self.since = time.time()
                self.detail = ""
                log.info("llm: %s answers again; replies come from it", self.model.name)
                self.on_change(ModelStatus(model="llm", state="ready", detail=self.model.name))

    async def probe(self) -> bool:
        """Does the model answer a short question with some text within ``stall_s``?"""
        try:
            if not self._loaded:
                await self.load()
            async with asyncio.timeout(self.stall_s):
                async with contextlib.aclosing(self.model.stream(PROBE)) as pieces:
                    async for _ in pieces:
                        break  # the first piece is enough; closing stops the generation
            return True
        except TimeoutError:
            problem = f"the model sent no text for {self.stall_s:g} s"
        except Exception as exc:
            problem = str(exc) or type(exc).__name__
        self.failed["probe"] += 1
        if problem != self.detail:
            log.info("llm: still failing (%s); the template engine keeps answering", problem)
            self.detail = problem
        return False

    async def _from_fallback(self, request: ReplyRequest) -> AsyncGenerator[str, None]:
        self.fallback_replies += 1
        async with contextlib.aclosing(self.fallback.stream(request)) as pieces:
            async for piece in pieces:
                yield piece
