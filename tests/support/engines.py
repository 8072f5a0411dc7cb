"""Scripted stand-ins that subclass the real protocols, for tests of the stages around them."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator

from agent.llm.base import ReplyEngine, ReplyRequest


class ScriptedEngine(ReplyEngine):
    """Yields a fixed script piece by piece, like a model streaming tokens."""

    name = "scripted"

    def __init__(self, pieces: list[str], *, fail_after: int | None = None, hang: bool = False) -> None:
        self.pieces = pieces
        self.fail_after = fail_after
        self.hang = hang
        self.cancelled = False  # the stream was stopped before it ended by itself

    async def load(self) -> None:
        return None

    async def close(self) -> None:
        return None

    async def stream(self, request: ReplyRequest) -> AsyncGenerator[str, None]:
        finished = False
        try:
            for i, piece in enumerate(self.pieces):
                if self.fail_after is not None and i == self.fail_after:
                    raise RuntimeError("model crashed")
                await asyncio.sleep(0)
                yield piece
            if self.hang:
                await asyncio.sleep(3600)
            finished = True
        finally:
            # Not finished: cancelled, or closed early by the consumer.
            self.cancelled = not finished
