"""The brain's shell: filters in front of the pure state machine, memory behind it.

Everything with state that is not the turn-taking itself lives here: the
flood counters, the conversation memory, the text of the reply being spoken.
It still never reads a clock or does I/O: ``now`` is passed in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from agent.brain.flood import FloodControl, near_duplicate
from agent.brain.memory import Memory, Turn
from agent.brain.moderation import Moderator
from agent.brain.modes import strike_reasons
from agent.brain.prompt import CountTokens, build_request, count_chars
from agent.brain.state import (
    Action,
    BrainInput,
    BrainState,
    ClearMemory,
    Emit,
    Message,
    StartReply,
    StopReply,
    Strike,
    TopicSeen,
    step,
)
from agent.brain.topics import TopicTracker
from agent.config import BrainConfig, LlmConfig
from agent.events import (
    Danmaku,
    Enter,
    Event,
    Filtered,
    Gift,
    Guard,
    Like,
    SuperChat,
    Transcript,
    UtteranceDone,
)
from agent.llm.base import ReplyRequest

ANONYMOUS = "这位朋友"
# The topic is recomputed at most this often (stream seconds): it is a window count, not per message.
TOPIC_EVERY_S = 1.0
# The streamer's speech weighs more than a viewer's question in the topic count.
SPEECH_WEIGHT = 2
_MARKUP = re.compile(r"[<>{}\[\]\\`]")
# Speakable names remembered (viewers repeat; the lexicon check is the cost); cleared when full.
_NAME_CACHE = 8192


@dataclass(frozen=True, slots=True)
class Speak:
    request: ReplyRequest
    arrived_at: float | None  # perf_counter of the triggering message; None for the streamer's own "say"


Decision = Speak | StopReply | Emit


class Brain:
    """Filters, then the pure ``step``, then prompts; ``count_tokens`` sizes the prompt
    (default: one per character; the transformers engine can pass its tokenizer's count)."""

    def __init__(
        self,
        brain: BrainConfig,
        llm: LlmConfig,
        moderator: Moderator,
        *,
        count_tokens: CountTokens = count_chars,
    ) -> None:
        self.cfg = brain
        self.llm = llm
        self.moderator = moderator
        self.count_tokens = count_tokens
        self.flood = FloodControl(brain)
        self._model_budget = 0.0
        self._budget_at = 0.0
        self.state = BrainState()
        self.memory = Memory(brain.memory)
        self.topics = TopicTracker(brain.topics)
        self._topic_at = float("-inf")
        self._strike_reasons = strike_reasons(brain)
        self._asked: dict[int, tuple[str, str, str]] = {}
        self._names: dict[str, str] = {}

    def handle(self, event: Event, now: float) -> list[Decision]:
        if type(event) is Danmaku or isinstance(event, Danmaku | Gift | SuperChat | Guard | Enter | Like):
            admitted = self.admit(event, now)
            if isinstance(admitted, Filtered):
                decisions: list[Decision] = [Emit(admitted)]
                uid = event.uid or event.uname
                if admitted.reason in self._strike_reasons and uid:
                    decisions += self._step(Strike(uid, admitted.reason), now)
                return decisions
            if admitted is None:
                return []
            self._remember(admitted, now)
            decisions = self._step(admitted, now)
        else:
            if isinstance(event, UtteranceDone):
                asked = self._asked.pop(event.utterance_id, None)
                if asked is not None:
                    self.memory.add(Turn(asked[0], asked[1], event.text, asked[2]))
            elif isinstance(event, Transcript) and event.final and event.text:
                self.topics.add(event.text, now, SPEECH_WEIGHT)
            decisions = self._step(event, now)
        if now - self._topic_at >= TOPIC_EVERY_S:
            decisions += self._topic(now)
        return decisions

    def _remember(self, message: Message, now: float) -> None:
        event = message.event
        uid = event.uid or event.uname
        if isinstance(event, Enter):
            self.memory.seen(uid, message.name, now, entered=event.action == "enter")
            return
        self.memory.seen(uid, message.name, now)
        if "question" in message.tags and message.text:
            self.topics.add(message.text, now)

    def _topic(self, now: float) -> list[Decision]:
        """Feed a changed topic to the state machine, at most once per TOPIC_EVERY_S."""
        if now - self._topic_at < TOPIC_EVERY_S:
            return []
        self._topic_at = now
        topic = self.topics.topic(now)
        if topic == self.state.topic:
            return []
        return self._step(TopicSeen(topic), now)

    def admit(
        self, event: Danmaku | Gift | SuperChat | Guard | Enter | Like, now: float
    ) -> Message | Filtered | None:
        """Run the filters; a Filtered says why a message is not answered."""
        name = self.speakable_name(event.uname)
        if isinstance(event, Like):
            return None
        ignored = self.state.playbook.ignored
        if (
            ignored
            and isinstance(event, Danmaku | Enter)
            and ignored.get(event.uid or event.uname, 0.0) > now
        ):
            # A repeat offender (a "strikes" mode): not even worth the filters' time.
            return Filtered(of=event.type, reason="ignored", uname=name, text=getattr(event, "text", ""))
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
        name = self._names.get(uname)
        if name is None:
            name = _MARKUP.sub("", uname).strip()[:16]
            if not name or self.moderator.banned_in(name) is not None:
                name = ANONYMOUS
            if len(self._names) >= _NAME_CACHE:
                self._names.clear()
            self._names[uname] = name
        return name

    def _step(self, item: BrainInput, now: float) -> list[Decision]:
        self.state, actions = step(self.state, item, now, self.cfg, fold=near_duplicate)
        decisions: list[Decision] = []
        for action in actions:
            if isinstance(action, Emit):  # most actions: passed on as they are
                decisions.append(action)
            elif (decision := self._decide(action)) is not None:
                decisions.append(decision)
        return decisions

    def _decide(self, action: Action) -> Decision | None:
        if isinstance(action, ClearMemory):
            self.memory.clear()
            self.topics.clear()
            return None
        if isinstance(action, StartReply):
            candidate = action.candidate
            request = build_request(
                action.utterance_id,
                candidate,
                self.llm,
                self.cfg,
                self.memory,
                self.state.heard,
                count_tokens=self.count_tokens,
            )
            if candidate.message is not None:
                message = candidate.message
                self._asked[action.utterance_id] = (message.name, message.text, candidate.uid)
                return Speak(request, message.event.at)
            return Speak(request, None)
        return action

    def pending(self) -> int:
        return len(self.state.pending)

    def busy(self) -> bool:
        return bool(self.state.pending) or self.state.in_flight != 0
