"""The circuit breaker: the language model answers while it works, the template engine while it fails.

A reply that fails before saying anything (the server answers 500, drops, sends
no text for ``stall_s``, or trickles: no complete first sentence within
``first_sentence_s``) is answered by the template engine at once, so the viewer
still hears something. The first sentence is held until it is complete, so a
reply that falls back never says half a model sentence; a later sentence that
takes longer than ``first_sentence_s`` ends the reply (what was said stays said).
After ``failures`` such replies in a row the breaker opens: every reply comes
from the template engine, ``/api/status``, the OBS status text and the log say
so, and the model is asked a short test prompt every ``probe_interval_s`` until
it answers with a complete sentence (or a whole short reply) in the budget a
reply has; then it closes again. A model server that did not answer at start
goes the same way: the breaker starts open and the first probe loads it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from collections import Counter, OrderedDict
from collections.abc import AsyncGenerator, Callable
from typing import Any

from agent.config_llm import LlmBreaker
from agent.events import ModelStatus
from agent.llm.base import ChatMessage, ReplyEngine, ReplyFailed, ReplyRequest

log = logging.getLogger(__name__)

# The smallest real question: the model answers it when it works at all.
PROBE = ReplyRequest(utterance_id=0, kind="question", trigger=None, messages=(ChatMessage("user", "你好"),))
# Characters that end a sentence or its first clause (agent.reply.sentences cuts at the same
# ones: with first_clause the voice starts at the first comma), and the length at which the
# splitter cuts a sentence that has none.
_SENTENCE_ENDS = frozenset("。！？!?；;…\n，,、：:")
_LONGEST_SENTENCE = 60
# Replies whose answering engine is remembered (for ``answered_by``).
_REMEMBERED = 256


def ends_sentence(text: str) -> bool:
    """Does ``text`` hold a complete sentence or clause (something the voice can start on)?"""
    return len(text) >= _LONGEST_SENTENCE or any(c in _SENTENCE_ENDS for c in text) or ". " in text


class _Slow(Exception):
    """The model took too long: ``kind`` is "stalled" (no text) or "slow" (no sentence)."""

    def __init__(self, kind: str, problem: str) -> None:
        super().__init__(problem)
        self.kind = kind
        self.problem = problem


class BreakerEngine:
    """A ReplyEngine around ``model`` with ``fallback`` behind it.

    ``on_change`` gets a ``ModelStatus`` when the breaker opens ("fallback") or
    closes ("ready"). ``loaded=False``: the model's ``load()`` failed at start;
    the breaker starts open and loads it on the first probe that works.
    """

    # Which model it guards and who stands in, for the log lines and ModelStatus
    # (the TTS breaker, ``agent.tts.backup``, reuses this class with its own words).
    slot = "llm"
    standin = "the template engine"
    keys = "llm.breaker"

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
        self._answered_by: OrderedDict[int, str] = OrderedDict()
        if not loaded:
            self._open.set()

    # --- what the rest of Cohost sees ---------------------------------------

    @property
    def open(self) -> bool:
        return self._open.is_set()

    @property
    def name(self) -> str:
        return self.fallback.name if self.open else self.model.name

    def answered_by(self, utterance_id: int) -> str:
        """The engine whose text that reply is (the template's when it fell back)."""
        return self._answered_by.get(utterance_id, self.name)

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
        self._remember(request.utterance_id, self.model.name)
        said = False
        try:
            async with contextlib.aclosing(self._timed(self.model.stream(request))) as pieces:
                async for piece in pieces:
                    said = said or bool(piece)
                    yield piece
        except _Slow as slow:
            kind, problem = slow.kind, slow.problem
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

    async def _timed(self, pieces: AsyncGenerator[str, None]) -> AsyncGenerator[str, None]:
        """``pieces`` with the first sentence held until complete; raises _Slow when a piece
        takes over ``stall_s`` or a sentence over ``first_sentence_s``."""
        loop = asyncio.get_running_loop()
        # Never past 1.5 stalls (3/4 of the reply's patience in the runtime): the template must
        # still have time to answer before the reply pipeline gives the reply up.
        budget = min(self.cfg.first_sentence_s or math.inf, 1.5 * self.stall_s)
        sentence_by = loop.time() + budget
        held = ""  # the first sentence, until it is complete
        first = True
        async with contextlib.aclosing(pieces):
            while True:
                left = sentence_by - loop.time()
                try:
                    async with asyncio.timeout(max(0.0, min(self.stall_s, left))):
                        piece = await anext(pieces)
                except StopAsyncIteration:
                    break
                except TimeoutError:
                    if sentence_by - loop.time() <= 0:
                        raise _Slow(
                            "slow", f"the model wrote no complete sentence within {budget:g} s"
                        ) from None
                    raise _Slow("stalled", f"the model sent no text for {self.stall_s:g} s") from None
                if first:
                    held += piece
                    if not ends_sentence(held):
                        continue
                    piece, held, first = held, "", False
                if ends_sentence(piece):
                    sentence_by = loop.time() + budget
                yield piece
        if held:
            yield held  # a short reply with no sentence end

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
                "%s: %s failed %d replies in a row (last: %s); %s answers until it "
                "works again (checked every %g s, %s)",
                self.slot,
                self.model.name,
                self.consecutive,
                problem,
                self.standin,
                self.cfg.probe_interval_s,
                self.keys,
            )
            self.on_change(ModelStatus(model=self.slot, state="fallback", detail=problem))

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
                log.info("%s: %s answers again; replies come from it", self.slot, self.model.name)
                self.on_change(ModelStatus(model=self.slot, state="ready", detail=self.model.name))

    async def probe(self) -> bool:
        """Does the model answer a short question with a complete sentence (or a whole short
        reply) in the time a reply has? A first token is not enough: a trickling model has one."""
        try:
            if not self._loaded:
                await self.load()
            async with contextlib.aclosing(self._timed(self.model.stream(PROBE))) as pieces:
                async for _ in pieces:
                    return True  # the first complete sentence; closing stops the generation
            problem = "the model answered with no text"
        except _Slow as slow:
            problem = slow.problem
        except Exception as exc:
            problem = str(exc) or type(exc).__name__
        self.failed["probe"] += 1
        if problem != self.detail:
            log.info("%s: still failing (%s); %s keeps answering", self.slot, problem, self.standin)
            self.detail = problem
        return False

    def _remember(self, utterance_id: int, engine: str) -> None:
        self._answered_by[utterance_id] = engine
        self._answered_by.move_to_end(utterance_id)
        while len(self._answered_by) > _REMEMBERED:
            self._answered_by.popitem(last=False)

    async def _from_fallback(self, request: ReplyRequest) -> AsyncGenerator[str, None]:
        self.fallback_replies += 1
        self._remember(request.utterance_id, self.fallback.name)
        async with contextlib.aclosing(self.fallback.stream(request)) as pieces:
            async for piece in pieces:
                yield piece
