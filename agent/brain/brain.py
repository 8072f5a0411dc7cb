"""The brain's shell: filters in front of the pure state machine, memory behind it.

Everything with state that is not the turn-taking itself lives here: the
flood counters, the conversation memory, the text of the reply being spoken.
It still never reads a clock or does I/O: ``now`` is passed in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from operator import attrgetter

from agent.brain import modes
from agent.brain.endorse import NOT_A_TOPIC
from agent.brain.flood import FloodControl
from agent.brain.folding import Folding
from agent.brain.joined import RecentChat, take_back
from agent.brain.ledger import Ledger
from agent.brain.memory import Memory, Turn, is_forget_command
from agent.brain.moderation import Moderator
from agent.brain.names import ANONYMOUS as ANONYMOUS  # re-exported: tests and callers name it here
from agent.brain.names import ANONYMOUS_EN as ANONYMOUS_EN
from agent.brain.names import NameGuard
from agent.brain.queue import Candidate, Fold, classify
from agent.brain.state import (
    Action,
    Answered,
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
from agent.shared.orders import Asked, Knowing, Recall, ReplyOrder
from agent.shared.questions import is_question
from agent.shared.ratelimit import TokenBucket
from agent.vocabulary import FilterReason

# Kept by the filters but not shown in the overlay's chat: orders to the bot, blocked by a mode.
_HIDDEN = frozenset({FilterReason.INSTRUCTION, FilterReason.BLOCKED, FilterReason.IGNORED})
# Viewer events shown in the overlay's chat once kept (a tuple: isinstance on it is cheapest).
_SHOWN = (Danmaku, Gift, SuperChat, Guard)
# Kinds whose messages fold by meaning (the rest fold by characters, or not at all).
FOLDED_BY_MEANING = frozenset({"question", "mention"})
# Kinds answered from what the bot knows (agent/knowledge/): the matched entry reaches the reply as data.
KNOWLEDGE_KINDS = frozenset({"question", "mention", "super_chat"})
# The topic is recomputed at most this often (stream seconds): it is a window count, not per message.
TOPIC_EVERY_S = 1.0
# The streamer's speech weighs more than a viewer's question in the topic count.
SPEECH_WEIGHT = 2


@dataclass(frozen=True, slots=True)
class Speak:
    """Start a reply: the reply pipeline turns the order into a prompt."""

    order: ReplyOrder
    arrived_at: float | None  # perf_counter of the triggering message; None for the streamer's own "say"


Decision = Speak | StopReply | Emit


class Brain:
    """Filters, then the pure ``step``, then orders for the reply pipeline."""

    def __init__(self, brain: BrainConfig, moderator: Moderator, knowledge: Knowing | None = None) -> None:
        self.cfg = brain
        self.moderator = moderator
        self.knowledge = knowledge  # what the bot may answer as fact (agent/knowledge/, wired in)
        self.flood = FloodControl(brain)
        rate = brain.sentiment_per_s
        self._model_budget = TokenBucket(rate, rate, empty_at=0.0)
        self._rules_only = moderator.model_status() == "off"  # no sentiment model to budget
        self.state = BrainState()
        self.memory = Memory(brain.memory)
        self.topics = TopicTracker(brain.topics)
        self._topic_at = float("-inf")
        self.plan = modes.plan(brain)
        self.folding = Folding(brain)
        self.fold: Fold = self.folding
        self._strike_reasons = modes.strike_reasons(self.plan)
        self._asked: dict[int, tuple[str, str, str]] = {}
        self.names = NameGuard(moderator)
        self.recent = RecentChat(moderator)  # a viewer's recent messages read joined (words, numbers, orders)
        self._taken_back: list[Filtered] = []  # earlier parts of a split message, to emit
        self.tally = Tally()
        # Set by the runtime while a backlog waits: the models (sentiment, meaning) are skipped,
        # rules and character folding decide, so the brain catches up instead of falling behind.
        self.hurried = False
        self.ledger = Ledger()  # viewer events answered by a spoken reply (the summary's accounts)

    def handle(self, event: Event, now: float) -> list[Decision]:
        if isinstance(event, Danmaku) and is_forget_command(event.text):
            # A viewer's "!forget": forgotten across streams, not answered, not shown.
            self.memory.forget(event.uid or event.uname, event.platform)
            return [Emit(Filtered(of=event.type, reason=FilterReason.IGNORED, rule="forget"))]
        if type(event) is Danmaku or isinstance(event, Danmaku | Gift | SuperChat | Guard | Enter | Like):
            admitted = self.admit(event, now)
            if isinstance(admitted, Filtered):
                decisions: list[Decision] = [*map(Emit, self._taken_back), Emit(admitted)]
                self._taken_back = []
                uid = event.uid or event.uname
                if admitted.reason in self._strike_reasons and uid:
                    decisions += self._step(Strike(uid, admitted.reason, admitted.uname), now)
                return decisions
            if admitted is None:  # likes: counted, never answered
                return [Emit(Filtered(of=event.type, reason=FilterReason.COUNTED))]
            self._remember(admitted, now)
            kind = classify(admitted, self.cfg.bot_name)
            if kind in FOLDED_BY_MEANING and not self.hurried:
                self.folding.see(admitted.text, now)
            decisions = self._step(admitted, now)
            dropped = _dropped(admitted, decisions)
            if kind in ASKED and dropped is None:
                self.tally.question()
            if isinstance(event, _SHOWN) and dropped not in _HIDDEN:
                # The overlay's chat shows a viewer's message only once the filters kept it.
                decisions.insert(0, Emit(chat_line(event, admitted)))
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

    def prepare(self, batch: Sequence[Event]) -> int:
        """Before a batch of waiting events is handled (in the brain's thread): the questions
        in it are embedded in one model call, so folding finds them cached instead of calling
        the model once per question. Not when hurried (a backlog: character folding). Returns
        how many texts were embedded."""
        if self.hurried:
            return 0
        texts = [e.text for e in batch if type(e) is Danmaku and e.text and is_question(e.text)]
        return self.folding.prepare(texts) if len(texts) > 1 else 0

    def start_loading(self) -> None:
        """Load the slow models (sentiment, meaning) in the background; rules meanwhile."""
        self.moderator.start_loading()
        self.folding.start_loading()

    def wait_loaded(self, timeout: float) -> bool:
        """Wait (blocking) for the slow models to finish loading; True when both have."""
        loaded = self.moderator.wait_ready(timeout) & self.folding.wait(timeout)
        return loaded & (self.knowledge is None or self.knowledge.wait(timeout))

    def _remember(self, message: Message, now: float) -> None:
        self.memory.take(message, now)  # the viewer's note; across streams, what they asked or gave
        if isinstance(message.event, Enter):
            return
        # An order, a claim or an insult never becomes the topic (said in idle lines, shown).
        if "question" in message.tags and NOT_A_TOPIC.isdisjoint(message.tags) and message.text:
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
            # Of a dropped message only why is read: the moderator need not work out the rest.
            verdict = self.moderator.check(event.text, use_model=self._spend_model_budget(now), brief=True)
            if not verdict.kept:
                return Filtered(
                    of=event.type, reason=verdict.reason, rule=verdict.rule, uname=name, text=event.text
                )
            split = self.recent.check(event.uid or event.uname, event.text, now)
            if split is not None:  # the rest of a word, number or order begun in earlier messages
                queue, self._taken_back = take_back(self.state.queue, event.uid or event.uname, split, name)
                self.state = replace(self.state, queue=queue)
                return Filtered(
                    of=event.type, reason=split.reason, rule=split.rule, uname=name, text=event.text
                )
            return Message(event, verdict.text, name, verdict.tags)
        if isinstance(event, SuperChat):
            # A paid message is always thanked; its text is only used (answered, quoted, shown
            # in the overlay) when it is clean and gives the bot no orders.
            verdict = self.moderator.check(event.text, use_model=self._spend_model_budget(now))
            clean = verdict.kept and "instruction" not in verdict.tags
            return Message(event, verdict.text if clean else "", name, verdict.tags)
        return Message(event, "", name)

    def _spend_model_budget(self, now: float) -> bool:
        """A token bucket (stream time) for the sentiment model: floods fall back to rules.
        Without a model (rules only) there is nothing to spend."""
        if self._rules_only:
            return False
        return not self.hurried and self._model_budget.take(now) == 0.0

    def speakable_name(self, uname: str, platform: str = "") -> str:
        """``uname`` when it is safe to say and show, else a neutral address (agent/brain/names.py)."""
        return self.names.safe(uname, platform)

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
        if isinstance(action, Answered):
            self.ledger.answered(action.candidate)
            return None
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
                if self.knowledge is not None and candidate.kind in KNOWLEDGE_KINDS:
                    order = replace(order, facts=self.knowledge.facts(message.text))
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


def chat_line(event: Danmaku | Gift | SuperChat | Guard, message: Message) -> Admitted:
    """The overlay's chat line for a kept viewer event: the safe name and the cleaned text."""
    names, values = _LINE_FIELDS[type(event)]
    line = dict(zip(names, values(event), strict=True))
    return Admitted(of=event.type, name=message.name, display_text=message.text, at=event.at, **line)


# What each kind of kept viewer event shows in its chat line besides the name and the text.
_COMMON = ("platform", "msg_id", "uid")
_LINE_NAMES: dict[type, tuple[str, ...]] = {
    Danmaku: (*_COMMON, "guard_level", "medal_name", "medal_level", "emoticon"),
    Gift: (*_COMMON, "gift_name", "count", "price", "paid", "combo_id"),
    SuperChat: (*_COMMON, "price", "duration_s"),
    Guard: (*_COMMON, "level", "count", "price"),
}
# The names with one getter for all of them (a C call instead of a getattr per field).
_LINE_FIELDS = {kind: (names, attrgetter(*names)) for kind, names in _LINE_NAMES.items()}


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
        recall=recall
        if candidate.message is not None
        else replace(recall, visits=0, last_asked="", earlier=""),
    )
