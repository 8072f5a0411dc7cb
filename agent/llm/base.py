"""What a reply engine is: a prompt in, an async stream of text pieces out."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from dataclasses import dataclass, field
from typing import Literal, Protocol

from agent.events import ViewerEvent
from agent.shared.checks import Check, EngineInfo
from agent.vocabulary import ReplyKind

__all__ = [
    "ChatMessage",
    "EngineUnavailable",
    "LanguageModel",
    "ReplyEngine",
    "ReplyFailed",
    "ReplyKind",
    "ReplyRequest",
]

Role = Literal["system", "user", "assistant"]


@dataclass(frozen=True, slots=True)
class ChatMessage:
    role: Role
    content: str


@dataclass(frozen=True, slots=True)
class ReplyRequest:
    """What the brain asks for: answer ``trigger`` (or speak ``say_text`` verbatim).

    ``messages`` is the full chat prompt (system prompt, memory, the viewer's
    text quoted as data) for engines that run a language model; ``trigger`` and
    ``kind`` are for engines that work from rules.
    """

    utterance_id: int
    kind: ReplyKind
    trigger: ViewerEvent | None
    messages: tuple[ChatMessage, ...] = ()
    say_text: str = ""
    count: int = 1
    extra: dict[str, str] = field(default_factory=dict)


class EngineUnavailable(RuntimeError):
    """The engine cannot run here (model missing, no memory); the message says what to change
    (``fix``, when given, is that step alone: for `cohost doctor`)."""

    def __init__(self, message: str = "", fix: str = "") -> None:
        super().__init__(message)
        self.fix = fix


class EngineUnreachable(EngineUnavailable):
    """The model server does not answer now (not started yet, hung, restarting): it may come
    back by itself, so start-up keeps the template engine answering and retries in the background."""


class ReplyFailed(RuntimeError):
    """A reply broke off mid-way (server gone, timeout, out of memory); the message is one line saying why."""


class ReplyEngine(Protocol):
    @property
    def name(self) -> str:
        """Which engine answers (a breaker says whose reply it is now)."""
        ...

    async def load(self) -> None:
        """Load weights or connect; raise EngineUnavailable with a one-line fix."""
        ...

    def stream(self, request: ReplyRequest) -> AsyncGenerator[str, None]:
        """Yield text pieces as they are produced. Cancelling the iterator stops generation."""
        ...

    async def close(self) -> None: ...


class LanguageModel(ReplyEngine, Protocol):
    """A reply engine the registry builds from its ``[llm.<engine>]`` section: it also
    describes itself, so the doctor and start-up never learn engines by name."""

    def check(self) -> Check:
        """Can it run here (cheap: no model load, at most a 1 s connect)? For `cohost doctor`."""
        ...

    def info(self) -> EngineInfo: ...
