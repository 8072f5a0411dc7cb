"""The brain's shell: filters in front of the pure state machine, memory behind it.

Everything with state that is not the turn-taking itself lives here: the
flood counters, the conversation memory, the text of the reply being spoken.
It still never reads a clock or does I/O: ``now`` is passed in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from agent.brain import modes
from agent.brain.flood import FloodControl
from agent.brain.folding import Folding
from agent.brain.memory import Memory, Turn
from agent.brain.moderation import Moderator
from agent.brain.queue import Candidate, Fold, classify
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
from agent.brain.tally import ASKED, Tally
from agent.brain.topics import TopicTracker
from agent.config import BrainConfig
from agent.events import (
    Admitted,
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
from agent.orders import Asked, Recall, ReplyOrder
from agent.ratelimit import TokenBucket
from agent.vocabulary import FilterReason

# Said and shown instead of a name that is not safe to say (by the event's platform).
ANONYMOUS = "这位朋友"
ANONYMOUS_EN = "friend"
_ENGLISH_PLATFORMS = frozenset({"twitch"})
# Kept by the filters but not shown in the overlay's chat: orders to the bot, blocked by a mode.
_HIDDEN = frozenset({FilterReason.INSTRUCTION, FilterReason.BLOCKED, FilterReason.IGNORED})
# Kinds whose messages fold by meaning (the rest fold by characters, or not at all).
FOLDED_BY_MEANING = frozenset({"question", "mention"})
# The topic is recomputed at most this often (stream seconds): it is a window count, not per message.
TOPIC_EVERY_S = 1.0
# The streamer's speech weighs more than a viewer's question in the topic count.
SPEECH_WEIGHT = 2
# A name that reads as markup, code, a link or a contact id is replaced, never cleaned up:
# "<script>alert(1)</script>" stripped of its brackets is still not a name to say aloud.
_UNSAYABLE = re.compile(
    r"[<>{}\[\]\\`$=;|@]|&#?\w+;|javascript:|https?:|www\.|\.(?:com|cn|net|org|tv|me)\b"
    r"|(?:vx|wx|qq|v信|微信|薇信|威信|weixin|wechat|tel)\W*\w*\d|\d{5,}",
    re.IGNORECASE,
)
# Speakable names remembered (viewers repeat; the lexicon check is the cost); cleared when full.
_NAME_CACHE = 8192


@dataclass(frozen=True, slots=True)
class Speak:
    """Start a reply: the reply pipeline turns the order into a prompt."""

    order: ReplyOrder
    arrived_at: float | None  # perf_counter of the triggering message; None for the streamer's own "say"


Decision = Speak | StopReply | Emit


class Brain:
    """Filters, then the pure ``step``, then orders for the reply pipeline."""

    def __init__(self, brain: BrainConfig, moderator: Moderator) -> None:
        self.cfg = brain
        self.moderator = moderator
        self.flood = FloodControl(brain)
        rate = brain.sentiment_per_s
        self._model_budget = TokenBucket(rate, rate, empty_at=0.0)
        self.state = BrainState()
        self.memory = Memory(brain.memory)
        self.topics = TopicTracker(brain.topics)
        self._topic_at = float("-inf")
        self.plan = modes.plan(brain)
        self.folding = Folding(brain)
        self.fold: Fold = self.folding
        self._strike_reasons = modes.strike_reasons(self.plan)
        self._asked: dict[int, tuple[str, str, str]] = {}
        self._names: dict[str, str] = {}
        self.tally = Tally()

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
            kind = classify(admitted, self.cfg.bot_name)
            if kind in FOLDED_BY_MEANING:
                self.folding.see(admitted.text, now)
            decisions = self._step(admitted, now)
            dropped = _dropped(admitted, decisions)
            if kind in ASKED and dropped is None:
                self.tally.question()
            if isinstance(event, Danmaku | Gift | SuperChat | Guard) and dropped not in _HIDDEN:
                # The overlay's chat shows a viewer's message only once the filters kept it.
                decisions.insert(0, Emit(_admitted(event, admitted)))
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

    def start_loading(self) -> None:
        """Load the slow models (sentiment, meaning) in the background; rules meanwhile."""
        self.moderator.start_loading()
        self.folding.start_loading()

    def wait_loaded(self, timeout: float) -> bool:
        """Wait (blocking) for the slow models to finish loading; True when both have."""
        return self.moderator.wait_ready(timeout) & self.folding.wait(timeout)

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
        if topic == self.state.context.topic:
            return []
        return self._step(TopicSeen(topic), now)

    def admit(
        self, event: Danmaku | Gift | SuperChat | Guard | Enter | Like, now: float
    ) -> Message | Filtered | None:
        """Run the filters; a Filtered says why a message is not answered."""
        name = self.speakable_name(event.uname, event.platform)
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
        return self._model_budget.take(now) == 0.0

    def speakable_name(self, uname: str, platform: str = "") -> str:
        """``uname`` when it is safe to say and show, else a neutral address."""
        key = f"{platform}\x00{uname}"
        name = self._names.get(key)
        if name is None:
            name = uname.strip()[:16]
            if not name or _UNSAYABLE.search(uname) or self.moderator.banned_in(name) is not None:
                name = ANONYMOUS_EN if platform in _ENGLISH_PLATFORMS else ANONYMOUS
            if len(self._names) >= _NAME_CACHE:
                self._names.clear()
            self._names[key] = name
        return name

    def _step(self, item: BrainInput, now: float) -> list[Decision]:
        self.state, actions = step(self.state, item, now, self.cfg, fold=self.fold, plan=self.plan)
        self.tally.seen(now)
        decisions: list[Decision] = []
        for action in actions:
            if isinstance(action, Emit):  # most actions: passed on as they are
                decisions.append(action)
            elif (decision := self._decide(action, now)) is not None:
                decisions.append(decision)
        return decisions

    def _decide(self, action: Action, now: float) -> Decision | None:
        if isinstance(action, ClearMemory):
            self.memory.clear()
            self.topics.clear()
            return None
        if isinstance(action, StartReply):
            candidate = action.candidate
            self.tally.reply(candidate.kind, now - candidate.arrived, resumed=candidate.resumed)
            recall = self.memory.recall(candidate.uid, self.state.context.heard)
            order = order_for(action.utterance_id, candidate, recall)
            if candidate.message is not None:
                message = candidate.message
                self._asked[action.utterance_id] = (message.name, message.text, candidate.uid)
                return Speak(order, message.event.at)
            return Speak(order, None)
        return action

    def pending(self) -> int:
        return len(self.state.queue.pending)

    def busy(self) -> bool:
        return bool(self.state.queue.pending) or self.state.floor.in_flight != 0


def _dropped(message: Message, decisions: list[Decision]) -> str | None:
    """Why the step that took ``message`` filtered it (folded into another, an order, blocked);
    None when it did not."""
    for d in decisions:
        if isinstance(d, Emit) and isinstance(d.event, Filtered) and d.event.text == message.text:
            return d.event.reason
    return None


def _admitted(event: Danmaku | Gift | SuperChat | Guard, message: Message) -> Admitted:
    return Admitted(
        of=event.type,
        msg_id=event.msg_id,
        uname=event.uname,
        text=getattr(event, "text", ""),
        name=message.name,
        display_text=message.text,
    )


def order_for(utterance_id: int, candidate: Candidate, recall: Recall) -> ReplyOrder:
    """What the reply pipeline needs to know about a candidate to answer it."""

    def asked(part: Candidate) -> Asked | None:
        message = part.message
        if message is None:
            return None
        amount = part.count if part.kind in ("gift", "guard") else 1
        return Asked(message.event, message.name, message.text, message.tags, amount)

    amounts = candidate.kind in ("gift", "guard")
    return ReplyOrder(
        utterance_id,
        candidate.kind,
        asked(candidate),
        count=1 if amounts else candidate.count,
        names=candidate.names,
        batch=tuple(a for part in candidate.batch if (a := asked(part)) is not None),
        topic=candidate.topic,
        mode=candidate.mode,
        resumed=candidate.resumed,
        say_text=candidate.say_text,
        recall=recall if candidate.message is not None else replace(recall, visits=0, last_asked=""),
    )
