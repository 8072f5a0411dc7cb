"""The turn-taking state machine: ``step(state, input, now) -> (state, actions)``.

Pure: no asyncio, no clock reads, no I/O. It decides whether and when the bot
speaks (mute, cooldowns global / per viewer / per kind, the per-minute cap,
never over the streamer) and what it answers first (super chat > guard > gift >
mention > question > promotion > the rest), batches gifts and entrances, keeps
the topic, fills silences, and runs the ``[brain.modes]`` playbook.

Gift combos (Bilibili): every event of one ``combo_id`` folds into one thank-you
naming the giver. ``COMBO_SEND`` carries the combo's running total, ``SEND_GIFT``
(and the demo recording) one send's count, so the rule is: a count above the
total so far is a new running total (keep it), anything else is one more send
(add it). Running totals 1,2,5 -> 5; sends 1,1,2 -> 4. A combo is thanked once;
later events of it are dropped as ``combo_thanked``.
"""

from __future__ import annotations

import math
from bisect import bisect_left, insort
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from operator import attrgetter
from typing import Literal

from agent.brain import modes
from agent.brain.answered import answered_by
from agent.config import BrainConfig
from agent.events import (
    Audio,
    Control,
    Danmaku,
    Enter,
    Event,
    Filtered,
    Gift,
    Guard,
    StateChange,
    StreamerVoice,
    SuperChat,
    Transcript,
    UtteranceDone,
    ViewerEvent,
)
from agent.llm.base import ReplyKind

# Lower answers first.
RANK: dict[str, int] = {
    "say": -1,
    "super_chat": 0,
    "guard": 1,
    "gift": 2,
    "mention": 3,
    "question": 4,
    "promotion": 5,
    "follow": 6,
    "chatter": 7,
    "greeting": 8,
    "idle": 9,
}

# How long each kind may wait, as a multiple of brain.stale_after_s: paid messages wait longer.
PATIENCE: dict[str, float] = {
    "super_chat": 10.0,
    "guard": 10.0,
    "gift": 3.0,
    "greeting": 0.5,
    "promotion": 2.0,
}

# Near-duplicate messages of these kinds fold into one reply with a count.
_FOLDED = frozenset({"question", "mention", "chatter"})

# The same viewer is not answered twice within brain.user_cooldown_s for these; paid kinds
# are always thanked, and a greeting batch names several viewers at once.
PER_VIEWER = frozenset({"mention", "question", "chatter"})


@dataclass(frozen=True, slots=True)
class Message:
    """A viewer event that passed the filters: cleaned text, a speakable name, tags."""

    event: ViewerEvent
    text: str = ""
    name: str = ""
    tags: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class TopicSeen:
    """The shell's topic tracker found a new current topic ("" = none)."""

    topic: str


@dataclass(frozen=True, slots=True)
class Strike:
    """A viewer's message was blocked by the filters for ``reason``."""

    uid: str
    reason: str


@dataclass(frozen=True, slots=True, eq=False)
class Candidate:
    """Something the bot may answer, waiting its turn."""

    kind: ReplyKind
    message: Message | None  # None for "say", "promotion", "idle"
    arrived: float
    seq: int
    count: int = 1
    say_text: str = ""
    expires: float = math.inf
    ready: float = -math.inf  # not before this (a gift combo or a welcome batch still filling)
    names: tuple[str, ...] = ()  # a welcome batch: the first few names
    topic: str = ""  # "promotion" / "idle": what to talk about
    mode: str = ""  # the [brain.modes] entry that shapes this reply
    resumed: bool = False  # re-queued after the streamer cut it off
    # RANK[kind], stored so the queue's bisects compare it in C (see _RANK_OF).
    rank: int = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "rank", RANK[self.kind])

    @property
    def order(self) -> tuple[int, int]:
        return (self.rank, self.seq)

    @property
    def uid(self) -> str:
        if self.message is None:
            return ""
        event = self.message.event
        return event.uid or event.uname


@dataclass(frozen=True, slots=True)
class StartReply:
    utterance_id: int
    candidate: Candidate


@dataclass(frozen=True, slots=True)
class StopReply:
    utterance_id: int
    reason: Literal["skip", "mute", "streamer", "reset", "timeout", "say"]
    finish_sentence: bool = False  # let the sentence being spoken end, then stop


@dataclass(frozen=True, slots=True)
class Emit:
    event: Event


@dataclass(frozen=True, slots=True)
class ClearMemory:
    pass


Action = StartReply | StopReply | Emit | ClearMemory
BrainInput = Message | Event | TopicSeen | Strike

Mode = Literal["idle", "listening", "thinking", "speaking", "cooldown", "muted"]


@dataclass(frozen=True, slots=True)
class Floor:
    """Who has the floor: mute, the streamer, the reply in flight, and the limits on replies."""

    muted: bool = False
    streamer_talking: bool = False
    streamer_quiet_since: float = -math.inf
    in_flight: int = 0  # utterance id being generated or spoken, 0 = none
    in_flight_since: float = 0.0
    audible: bool = False  # the in-flight reply has started playing
    current: Candidate | None = None  # what is in flight (re-queued on barge-in by policy)
    last_reply_end: float = -math.inf
    reply_starts: tuple[float, ...] = ()
    next_id: int = 1
    answered: Mapping[str, float] = field(default_factory=dict)  # viewer -> last answer start
    kind_last: Mapping[str, float] = field(default_factory=dict)  # kind -> last answer start
    thanked_combos: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Context:
    """What the room is about, and what the overlay was last shown."""

    # What the streamer said lately, newest last (context for the prompt).
    heard: tuple[str, ...] = ()
    last_heard: float = -math.inf
    started: float | None = None  # stream time of the first input: the schedule's zero
    topic: str = ""
    featured: int = -1  # index into brain.topics.schedule
    shown: Mode = "idle"
    shown_topic: str = ""


@dataclass(frozen=True, slots=True)
class Playbook:
    """The ``[brain.modes]`` counters: bursts that switch a mode on, viewers' strikes."""

    bursts: Mapping[str, tuple[float, ...]] = field(default_factory=dict)
    active: Mapping[str, float] = field(default_factory=dict)  # burst mode -> on until
    strikes: Mapping[str, tuple[float, ...]] = field(default_factory=dict)
    ignored: Mapping[str, float] = field(default_factory=dict)  # viewer -> ignored until
    ordered: bool = True  # strikes is oldest first (see modes.strike)


@dataclass(frozen=True, slots=True)
class BrainState:
    """The waiting queue at the top (it changes on nearly every message), the rest in
    three sub-states that change rarely: a step copies a few fields, not thirty."""

    # Sorted by (RANK, seq): the next to answer first, the first to drop in the last rank block.
    pending: tuple[Candidate, ...] = ()
    next_expiry: float = math.inf
    # No pending candidate can start before this (cooldowns, batches): saves rescans.
    wait_until: float = -math.inf
    seq: int = 0
    floor: Floor = field(default_factory=Floor)
    context: Context = field(default_factory=Context)
    playbook: Playbook = field(default_factory=Playbook)

    # Read-only views of the sub-states' fields that the shell and tests look at.
    @property
    def muted(self) -> bool:
        return self.floor.muted

    @property
    def streamer_talking(self) -> bool:
        return self.floor.streamer_talking

    @property
    def in_flight(self) -> int:
        return self.floor.in_flight

    @property
    def current(self) -> Candidate | None:
        return self.floor.current

    @property
    def heard(self) -> tuple[str, ...]:
        return self.context.heard

    @property
    def topic(self) -> str:
        return self.context.topic

    @property
    def shown(self) -> Mode:
        return self.context.shown

    @property
    def ignored(self) -> Mapping[str, float]:
        return self.playbook.ignored

    def shown_topic_now(self, cfg: BrainConfig) -> str:
        return self.context.topic or featured_item(self, cfg)


Fold = Callable[[str, str], bool]


def _never(a: str, b: str) -> bool:
    return False


def classify(message: Message, bot_name: str) -> ReplyKind | None:
    """What kind of reply a message deserves; None = do not answer it."""
    event = message.event
    if isinstance(event, Danmaku):  # by far the most common: tested first
        if "mention" in message.tags or (bot_name and bot_name in message.text):
            return "mention"
        if "question" in message.tags:
            return "question"
        if "greeting" in message.tags:
            return "greeting"
        return "chatter"
    if isinstance(event, SuperChat):
        return "super_chat"
    if isinstance(event, Guard):
        return "guard"
    if isinstance(event, Gift):
        return "gift"
    if isinstance(event, Enter):
        return "follow" if event.action == "follow" else "greeting" if event.action == "enter" else None
    return None  # likes are counted, not answered


def featured_item(state: BrainState, cfg: BrainConfig) -> str:
    schedule = cfg.topics.schedule
    featured = state.context.featured
    return schedule[featured] if schedule and 0 <= featured < len(schedule) else ""


def mode_of(state: BrainState, now: float, cfg: BrainConfig) -> Mode:
    floor = state.floor
    if floor.muted:
        return "muted"
    if floor.streamer_talking:
        return "listening"
    if floor.in_flight:
        return "speaking" if floor.audible else "thinking"
    if _resting(floor, now, cfg):
        return "cooldown"
    return "idle"


def _resting(floor: Floor, now: float, cfg: BrainConfig) -> bool:
    if now - floor.last_reply_end < cfg.cooldown_s:
        return True
    starts = floor.reply_starts
    if len(starts) < cfg.max_replies_per_minute:
        return False
    return sum(1 for t in starts if now - t < 60.0) >= cfg.max_replies_per_minute


def _with_floor(state: BrainState, floor: Floor) -> BrainState:
    return BrainState(
        state.pending, state.next_expiry, state.wait_until, state.seq, floor, state.context, state.playbook
    )


def _with_context(state: BrainState, context: Context) -> BrainState:
    return BrainState(
        state.pending, state.next_expiry, state.wait_until, state.seq, state.floor, context, state.playbook
    )


def step(
    state: BrainState,
    item: BrainInput,
    now: float,
    cfg: BrainConfig,
    *,
    fold: Fold = _never,
) -> tuple[BrainState, list[Action]]:
    """Advance the state machine by one input at stream time ``now``.

    ``fold(a, b)`` says whether two messages are near-duplicates; folded
    questions become one candidate with a count.
    """
    actions: list[Action] = []
    if state.context.started is None:
        state = _with_context(state, replace(state.context, started=now))
    if isinstance(item, Message):
        state = _enqueue(state, item, now, cfg, fold, actions)
    elif isinstance(item, Control):
        state = _control(state, item, now, cfg, actions)
    elif isinstance(item, StreamerVoice):
        state = _streamer(state, item.speaking, now, cfg, actions)
    elif isinstance(item, Transcript):
        if item.final and item.text:
            context = state.context
            state = _with_context(
                state, replace(context, heard=(*context.heard, item.text)[-5:], last_heard=now)
            )
            state = _drop_answered(state, item.text, actions)
    elif isinstance(item, UtteranceDone):
        if item.utterance_id == state.floor.in_flight:
            floor = replace(state.floor, in_flight=0, audible=False, current=None, last_reply_end=now)
            state = _with_floor(state, floor)
    elif isinstance(item, Audio):
        if item.utterance_id == state.floor.in_flight:
            # A sentence started: the reply is alive, so the stuck-reply timeout starts over.
            state = _with_floor(state, replace(state.floor, audible=True, in_flight_since=now))
    elif isinstance(item, TopicSeen):
        state = _with_context(state, replace(state.context, topic=item.topic))
    elif isinstance(item, Strike):
        playbook = state.playbook
        strikes, ignored, started, ordered = modes.strike(
            modes.plan(cfg), playbook.strikes, playbook.ignored, item.uid, item.reason, now, playbook.ordered
        )
        playbook = replace(playbook, strikes=strikes, ignored=ignored, ordered=ordered)
        state = replace(state, playbook=playbook)
        if started:
            actions.append(Emit(Filtered(of="viewer", reason="ignored_viewer", rule=started)))
    if cfg.topics.schedule:
        state = _rotate(state, now, cfg)
    if now > state.next_expiry:
        state = _expire(state, now, actions)
    floor = state.floor
    if floor.in_flight:
        if now - floor.in_flight_since > cfg.reply_timeout_s:
            actions.append(StopReply(floor.in_flight, "timeout"))
            state = _with_floor(state, replace(floor, in_flight_since=math.inf))
    elif not (floor.muted or floor.streamer_talking):
        state = _maybe_start(state, now, cfg, actions)
    return _show(state, now, cfg, actions), actions


def _streamer(
    state: BrainState, speaking: bool, now: float, cfg: BrainConfig, actions: list[Action]
) -> BrainState:
    floor = state.floor
    if not speaking:
        return _with_floor(state, replace(floor, streamer_talking=False, streamer_quiet_since=now))
    floor = replace(floor, streamer_talking=True)
    state = _with_floor(state, floor)
    if not floor.in_flight:
        return state
    actions.append(StopReply(floor.in_flight, "streamer", cfg.interrupt == "finish_sentence"))
    current = floor.current
    if cfg.resume_after_interrupt and current is not None and not current.resumed and current.kind != "say":
        # Once: it goes back to its old place in the queue and is said again after the gap.
        again = replace(current, resumed=True, ready=-math.inf)
        pending = list(state.pending)
        insort(pending, again, key=_ORDER)
        return replace(
            state,
            pending=tuple(pending),
            floor=replace(floor, current=None),
            wait_until=-math.inf,
            next_expiry=min(state.next_expiry, again.expires),
        )
    return state


def _enqueue(
    state: BrainState, message: Message, now: float, cfg: BrainConfig, fold: Fold, actions: list[Action]
) -> BrainState:
    event = message.event
    uid = event.uid or event.uname
    playbook = state.playbook
    if playbook.ignored and isinstance(event, Danmaku | Enter) and playbook.ignored.get(uid, -math.inf) > now:
        actions.append(Emit(_filtered(message, "ignored")))
        return state
    plan = modes.plan(cfg)
    if not plan.burst_tags.isdisjoint(message.tags):
        bursts, active = modes.feed_bursts(plan, playbook.bursts, playbook.active, message.tags, now)
        playbook = replace(playbook, bursts=bursts, active=active)
        state = replace(state, playbook=playbook)
    kind = classify(message, cfg.bot_name)
    if kind is None:
        return state
    mode = ""
    if plan.message and isinstance(event, Danmaku):
        mode, block = modes.message_mode(plan, message.text, message.tags)
        if block:
            actions.append(Emit(_filtered(message, "blocked", mode)))
            return state
    if isinstance(event, Gift) and event.combo_id and event.combo_id in state.floor.thanked_combos:
        actions.append(Emit(_filtered(message, "combo_thanked", event.combo_id)))
        return state
    pending = state.pending
    rank = RANK[kind]
    # Only the block of the same kind can fold; the tuple is sorted, so bisect to it.
    if pending and rank > pending[-1].rank:
        start = stop = len(pending)  # (a flood of chatter behind more important replies)
    else:
        start = bisect_left(pending, rank, key=_RANK_OF)
        stop = bisect_left(pending, rank + 1, start, key=_RANK_OF)
    for i in range(start, stop):
        waiting = pending[i]
        if kind in _FOLDED:  # _merge's text case, inlined: a flood compares with every one waiting
            original = waiting.message
            if original is None or not fold(original.text, message.text):
                continue
            merged: Candidate | None = replace(waiting, count=waiting.count + 1)
        else:
            merged = _merge(waiting, kind, message, now, cfg, fold)
        if merged is not None:
            if kind not in ("gift", "greeting"):
                actions.append(Emit(_filtered(message, "folded", _text(waiting))))
            return BrainState(
                (*pending[:i], merged, *pending[i + 1 :]),
                state.next_expiry,
                state.wait_until,
                state.seq,
                state.floor,
                state.context,
                playbook,
            )
    # A kind spaced out by its own cooldown gets that much more patience.
    expires = now + cfg.stale_after_s * PATIENCE.get(kind, 1.0) + cfg.kind_cooldown_s.get(kind, 0.0)
    ready = -math.inf
    if kind == "gift":
        ready = now + cfg.gift_batch_s
    elif kind == "greeting":
        ready = now + cfg.welcome_batch_s
    if len(pending) >= cfg.max_pending and rank > pending[-1].rank:
        # A full queue of more important replies: the newcomer would be the one dropped
        # (the oldest of the least important kind), so it is dropped without being built.
        actions.append(Emit(_filtered(message, "overflow")))
        return BrainState(
            pending,
            min(state.next_expiry, expires),
            min(state.wait_until, _free_at(kind, uid, ready, state.floor, cfg)),
            state.seq + 1,
            state.floor,
            state.context,
            playbook,
        )
    names = (message.name,) if kind == "greeting" else ()
    candidate = Candidate(
        kind, message, now, state.seq, _amount(message), expires=expires, ready=ready, names=names, mode=mode
    )
    # Every waiting seq is below state.seq, so the newcomer goes last in its rank block.
    queue = list(pending)
    queue.insert(stop, candidate)
    if len(queue) > cfg.max_pending:
        # The oldest of the least important kind goes.
        victim = queue.pop(bisect_left(queue, queue[-1].rank, key=_RANK_OF))
        actions.append(Emit(_filtered(victim.message, "overflow")))
    return BrainState(
        tuple(queue),
        min(state.next_expiry, expires),
        min(state.wait_until, _free_at(kind, uid, ready, state.floor, cfg)),
        state.seq + 1,
        state.floor,
        state.context,
        playbook,
    )


def _merge(
    waiting: Candidate, kind: ReplyKind, message: Message, now: float, cfg: BrainConfig, fold: Fold
) -> Candidate | None:
    """``waiting`` with ``message`` folded in, or None when they are separate replies.

    Gifts of one combo (or, without a combo, one viewer's same gift) batch into one
    thank-you; entrances and greetings batch into one welcome; near-duplicate
    questions fold into one with a count.
    """
    if waiting.kind != kind or waiting.message is None:
        return None
    if kind == "gift":
        a, b = waiting.message.event, message.event
        if not (isinstance(a, Gift) and isinstance(b, Gift)):
            return None
        if a.combo_id or b.combo_id:
            if a.combo_id != b.combo_id:
                return None
            count = b.count if b.count > waiting.count else waiting.count + b.count
        elif (a.uid, a.uname, a.gift_name) == (b.uid, b.uname, b.gift_name):
            count = waiting.count + b.count
        else:
            return None
        ready = min(now + cfg.gift_batch_s, waiting.arrived + cfg.gift_batch_max_s)
        return replace(waiting, count=count, ready=ready)
    if kind == "greeting":
        if message.name in waiting.names:
            return waiting
        names = waiting.names if len(waiting.names) >= cfg.welcome_names else (*waiting.names, message.name)
        return replace(waiting, names=names, count=waiting.count + 1)
    if kind in _FOLDED and fold(waiting.message.text, message.text):
        return replace(waiting, count=waiting.count + 1)
    return None


# Sort keys read in C: bisect calls these for every comparison.
_RANK_OF = attrgetter("rank")
_ORDER = attrgetter("rank", "seq")


def _amount(message: Message) -> int:
    event = message.event
    return event.count if isinstance(event, Gift | Guard) else 1


def _text(candidate: Candidate) -> str:
    return candidate.say_text if candidate.message is None else candidate.message.text


def _control(
    state: BrainState, control: Control, now: float, cfg: BrainConfig, actions: list[Action]
) -> BrainState:
    action = control.action
    floor = state.floor
    if action in ("mute", "skip", "reset") and floor.in_flight:
        actions.append(StopReply(floor.in_flight, "mute" if action == "mute" else action))
    if action == "mute":
        return _with_floor(state, replace(floor, muted=True))
    if action == "unmute":
        return replace(state, floor=replace(floor, muted=False), wait_until=-math.inf)
    if action == "reset":
        for waiting in state.pending:
            actions.append(Emit(_filtered(waiting.message, "reset", kind=waiting.kind)))
        actions.append(ClearMemory())
        return replace(
            state,
            pending=(),
            next_expiry=math.inf,
            wait_until=-math.inf,
            floor=replace(floor, thanked_combos=(), answered={}, kind_last={}),
            context=replace(state.context, heard=(), topic=""),
            playbook=replace(state.playbook, bursts={}, active={}),
        )
    if action == "say" and control.text:
        # The streamer's own words: spoken now, over cooldowns and mute.
        if floor.in_flight:
            actions.append(StopReply(floor.in_flight, "say"))
        say = Candidate("say", None, now, state.seq, say_text=control.text)
        return _start(replace(state, seq=state.seq + 1), say, now, cfg, actions)
    return state


def _rotate(state: BrainState, now: float, cfg: BrainConfig) -> BrainState:
    """The featured item of the schedule; a ``schedule`` mode pushes each new one."""
    topics = cfg.topics
    context = state.context
    index = int((now - (context.started or 0.0)) // topics.rotate_every_s) % len(topics.schedule)
    if index == context.featured:
        return state
    state = _with_context(state, replace(context, featured=index))
    mode = modes.plan(cfg).schedule
    if not mode:
        return state
    expires = now + cfg.stale_after_s * PATIENCE["promotion"]
    push = Candidate(
        "promotion", None, now, state.seq, topic=topics.schedule[index], mode=mode, expires=expires
    )
    # An older push still waiting is replaced: only the item on sale now is worth a line.
    pending = [c for c in state.pending if c.kind != "promotion"]
    insort(pending, push, key=_ORDER)
    return replace(
        state,
        pending=tuple(pending),
        seq=state.seq + 1,
        wait_until=-math.inf,
        next_expiry=min(state.next_expiry, expires),
    )


def _expire(state: BrainState, now: float, actions: list[Action]) -> BrainState:
    keep: list[Candidate] = []
    for waiting in state.pending:
        if now > waiting.expires:
            actions.append(Emit(_filtered(waiting.message, "stale", kind=waiting.kind)))
        else:
            keep.append(waiting)
    return replace(state, pending=tuple(keep), next_expiry=min((c.expires for c in keep), default=math.inf))


def _drop_answered(state: BrainState, heard: str, actions: list[Action]) -> BrainState:
    """Questions the streamer just answered out loud leave the queue (the bot would repeat them)."""
    keep: list[Candidate] = []
    for waiting in state.pending:
        message = waiting.message
        if waiting.kind == "question" and message is not None and answered_by(message.text, heard):
            actions.append(Emit(_filtered(message, "answered_by_streamer", kind=waiting.kind)))
        else:
            keep.append(waiting)
    if len(keep) == len(state.pending):
        return state
    return replace(state, pending=tuple(keep), next_expiry=min((c.expires for c in keep), default=math.inf))


def _free_at(kind: str, uid: str, ready: float, floor: Floor, cfg: BrainConfig) -> float:
    """When a candidate (not a resumed one: it starts at ``ready``) may start as far as
    its own batch and the per-viewer/per-kind cooldowns go."""
    at = ready
    if kind in PER_VIEWER and cfg.user_cooldown_s > 0 and floor.answered:
        at = max(at, floor.answered.get(uid, -math.inf) + cfg.user_cooldown_s)
    gap = cfg.kind_cooldown_s.get(kind, 0.0)
    if gap > 0:
        at = max(at, floor.kind_last.get(kind, -math.inf) + gap)
    return at


def _maybe_start(state: BrainState, now: float, cfg: BrainConfig, actions: list[Action]) -> BrainState:
    floor = state.floor
    if floor.muted or floor.in_flight or floor.streamer_talking:
        return state
    if now - floor.streamer_quiet_since < cfg.gap_after_streamer_s or _resting(floor, now, cfg):
        return state
    if state.pending:
        if now < state.wait_until:
            return state
        earliest = math.inf
        for i, waiting in enumerate(state.pending):
            free = (
                waiting.ready
                if waiting.resumed
                else _free_at(waiting.kind, waiting.uid, waiting.ready, floor, cfg)
            )
            if free <= now:
                rest = (*state.pending[:i], *state.pending[i + 1 :])
                return _start(replace(state, pending=rest), waiting, now, cfg, actions)
            earliest = min(earliest, free)
        return replace(state, wait_until=earliest)
    return _maybe_idle(state, now, cfg, actions)


def _maybe_idle(state: BrainState, now: float, cfg: BrainConfig, actions: list[Action]) -> BrainState:
    """Silence on the topic for topics.idle_after_s: the bot says a line about it."""
    after = cfg.topics.idle_after_s
    if after <= 0:
        return state
    floor, context = state.floor, state.context
    quiet_since = max(
        context.started or 0.0, floor.last_reply_end, floor.streamer_quiet_since, context.last_heard
    )
    if now - quiet_since < after:
        return state
    topic = context.topic or featured_item(state, cfg) or cfg.topics.default_topic
    if not topic:
        return state
    idle = Candidate("idle", None, now, state.seq, topic=topic)
    return _start(replace(state, seq=state.seq + 1), idle, now, cfg, actions)


def _start(
    state: BrainState, candidate: Candidate, now: float, cfg: BrainConfig, actions: list[Action]
) -> BrainState:
    floor = state.floor
    utterance_id = floor.next_id
    active = state.playbook.active
    if not candidate.mode and candidate.kind != "say" and active:
        mode = modes.active_mode(modes.plan(cfg), active, candidate.kind, now)
        if mode:
            candidate = replace(candidate, mode=mode)
    starts = (*(t for t in floor.reply_starts if now - t < 60.0), now)
    answered = floor.answered
    uid = candidate.uid
    if uid and candidate.kind in PER_VIEWER:
        # Keep only viewers still cooling down: the table stays as small as the reply rate.
        answered = {k: t for k, t in answered.items() if now - t < cfg.user_cooldown_s}
        answered[uid] = now
    kind_last = {**floor.kind_last, candidate.kind: now}
    thanked = floor.thanked_combos
    event = candidate.message.event if candidate.message is not None else None
    if isinstance(event, Gift) and event.combo_id:
        thanked = (*thanked[-63:], event.combo_id)
    actions.append(StartReply(utterance_id, candidate))
    floor = replace(
        floor,
        in_flight=utterance_id,
        in_flight_since=now,
        audible=False,
        current=candidate,
        next_id=utterance_id + 1,
        reply_starts=starts,
        answered=answered,
        kind_last=kind_last,
        thanked_combos=thanked,
    )
    return replace(state, floor=floor, wait_until=-math.inf)


def _show(state: BrainState, now: float, cfg: BrainConfig, actions: list[Action]) -> BrainState:
    mode = mode_of(state, now, cfg)
    context = state.context
    topic = context.topic or featured_item(state, cfg)
    if mode == context.shown and topic == context.shown_topic:
        return state
    actions.append(Emit(StateChange(state=mode, muted=state.floor.muted, topic=topic)))
    return _with_context(state, replace(context, shown=mode, shown_topic=topic))


def _filtered(message: Message | None, reason: str, rule: str = "", kind: str = "control") -> Filtered:
    if message is None:
        return Filtered(of=kind, reason=reason, rule=rule)
    event = message.event
    return Filtered(of=event.type, reason=reason, rule=rule, uname=message.name, text=message.text)
