"""The handle for one spoken reply: interrupt it, await how it ended, read what was said."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Literal

from agent.llm.base import ReplyRequest
from agent.reply.sentences import join_sentences

Outcome = Literal["spoken", "interrupted", "failed", "empty"]


@dataclass
class Utterance:
    request: ReplyRequest
    arrived_at: float | None  # perf_counter when the triggering message entered the process
    decided_at: float = field(default_factory=time.perf_counter)
    progress_at: float = field(default_factory=time.perf_counter)  # when the last sentence started
    stopped: asyncio.Event = field(default_factory=asyncio.Event)
    done: asyncio.Future[Outcome] = field(default_factory=lambda: asyncio.get_running_loop().create_future())
    sentences: list[str] = field(default_factory=list)  # cleared for speaking, in order
    spoken: list[str] = field(default_factory=list)  # whose audio started playing
    closing: bool = False  # stop after the sentence being played (interrupt = "finish_sentence")
    failure: BaseException | None = None  # why generation broke off, if it did
    stopped_for: str = ""  # what interrupted it (the brain's StopReply reason)

    @property
    def id(self) -> int:
        return self.request.utterance_id

    @property
    def text(self) -> str:
        """What the audience heard (at least the start of)."""
        return join_sentences(self.spoken)

    def interrupt(self, *, finish_sentence: bool = False, reason: str = "") -> None:
        self.stopped_for = self.stopped_for or reason
        if finish_sentence and not self.stopped.is_set():
            self.closing = True
        else:
            self.stopped.set()
