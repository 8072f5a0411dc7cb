"""The brain's shell: filters in front of the pure state machine, memory behind it.

Everything with state that is not the turn-taking itself lives here: the
flood counters, the conversation memory, the text of the reply being spoken.
It still never reads a clock or does I/O: ``now`` is passed in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from agent.brain.flood import FloodControl, near_duplicate
from agent.brain.moderation import Moderator
from agent.brain.prompt import Memory, Turn, build_request
from agent.brain.state import (
    Action,
    BrainState,
    ClearMemory,
    Emit,
    Message,
    StartReply,
    StopReply,
    step,
)
from agent.config import BrainConfig, LlmConfig
from agent.events import (
    Danmaku,
    Enter,
    Event,
    Filtered,
    Gift,
    Guard,
    Like,
    ReplySentence,
    SuperChat,
    UtteranceDone,
)
from agent.llm.base import ReplyRequest

ANONYMOUS = "这位朋友"
_MARKUP = re.compile(r"[<>{}\[\]\\`]")


@dataclass(frozen=True, slots=True)
class Speak:
    request: ReplyRequest
    arrived_at: float | None  # perf_counter of the triggering message; None for the streamer's own "say"


Decision = Speak | StopReply | Emit


class Brain:
    def __init__(self, brain: BrainConfig, llm: LlmConfig, moderator: Moderator) -> None:
        self.cfg = brain
        self.llm = llm
        self.moderator = moderator
        self.flood = FloodControl(brain)
        self._model_budget = 0.0
        self._budget_at = 0.0
        self.state = BrainState()
        self.memory = Memory()
        self._asked: dict[int, tuple[str, str]] = {}
        self._said: dict[int, list[str]] = {}

    def handle(self, event: Event, now: float) -> list[Decision]:
        if isinstance(event, Danmaku | Gift | SuperChat | Guard | Enter | Like):
            admitted = self.admit(event, now)
            if isinstance(admitted, Filtered):
                return [Emit(admitted)]
            if admitted is None:
                return []
            return self._step(admitted, now)
        if isinstance(event, ReplySentence):
            self._said.setdefault(event.utterance_id, []).append(event.text)
        elif isinstance(event, UtteranceDone):
            asked = self._asked.pop(event.utterance_id, None)
            said = "".join(self._said.pop(event.utterance_id, []))
            if asked is not None:
                self.memory.add(Turn(asked[0], asked[1], said))
        return self._step(event, now)

    def admit(
        self, event: Danmaku | Gift | SuperChat | Guard | Enter | Like, now: float
    ) -> Message | Filtered | None:
        """Run the filters; a Filtered says why a message is not answered."""
        name = self.speakable_name(event.uname)
        if isinstance(event, Like):
            return None
        if isinstance(event, Danmaku):
            reason = self.flood.check(event.uid or event.uname, event.text, now)
            if reason is not None:
                return Filtered(of=event.type, reason=reason, uname=name, text=event.text)
            verdict = self.moderator.check(event.text, use_model=self._spend_model_budget(now))
            if not verdict.kept:
                return Filtered(
                    of=event.type, reason=verdict.reason, rule=verdict.rule, uname=name, text=event.text
                )
            return Message(event, verdict.text, name, verdict.tags)
        if isinstance(event, SuperChat):
            # A paid message is always thanked; its text is only used when it is clean.
            verdict = self.moderator.check(event.text, use_model=self._spend_model_budget(now))
            return Message(event, verdict.text if verdict.kept else "", name, verdict.tags)
        return Message(event, "", name)

    def _spend_model_budget(self, now: float) -> bool:
        """A token bucket (stream time) for the sentiment model: floods fall back to rules."""
        rate = self.cfg.sentiment_per_s
        self._model_budget = min(rate, self._model_budget + (now - self._budget_at) * rate)
        self._budget_at = now
        if self._model_budget >= 1.0:
            self._model_budget -= 1.0
            return True
        return False

    def speakable_name(self, uname: str) -> str:
        name = _MARKUP.sub("", uname).strip()[:16]
        if not name or self.moderator.banned_in(name) is not None:
            return ANONYMOUS
        return name

    def _step(self, item: Message | Event, now: float) -> list[Decision]:
        self.state, actions = step(self.state, item, now, self.cfg, fold=near_duplicate)
        return [d for a in actions if (d := self._decide(a)) is not None]

    def _decide(self, action: Action) -> Decision | None:
        if isinstance(action, ClearMemory):
            self.memory.clear()
            return None
        if isinstance(action, StartReply):
            candidate = action.candidate
            request = build_request(
                action.utterance_id, candidate, self.llm, self.cfg, self.memory, self.state.heard
            )
            if candidate.message is not None:
                self._asked[action.utterance_id] = (candidate.message.name, candidate.message.text)
                return Speak(request, candidate.message.event.at)
            return Speak(request, None)
        return action

    def pending(self) -> int:
        return len(self.state.pending)

    def busy(self) -> bool:
        return bool(self.state.pending) or self.state.in_flight != 0
