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
from typing import Literal

from agent.brain import modes
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

ReplyKind = Literal[
    "super_chat",
    "guard",
    "gift",
    "mention",
    "question",
    "greeting",
    "follow",
    "chatter",
    "say",
    "promotion",
    "idle",
]

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

    @property
    def order(self) -> tuple[int, int]:
        return (RANK[self.kind], self.seq)

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

_EMPTY: Mapping[str, float] = {}


@dataclass(frozen=True, slots=True)
class BrainState:
    muted: bool = False
    streamer_talking: bool = False
    streamer_quiet_since: float = -math.inf
    in_flight: int = 0  # utterance id being generated or spoken, 0 = none
    in_flight_since: float = 0.0
    audible: bool = False  # the in-flight reply has started playing
    current: Candidate | None = None  # what is in flight (re-queued on barge-in by policy)
    last_reply_end: float = -math.inf
    reply_starts: tuple[float, ...] = ()
    # Sorted by (RANK, seq): the next to answer first, the first to drop in the last rank block.
    pending: tuple[Candidate, ...] = ()
    next_expiry: float = math.inf
    # No pending candidate can start before this (cooldowns, batches): saves rescans.
    wait_until: float = -math.inf
    next_id: int = 1
    seq: int = 0
    shown: Mode = "idle"
    shown_topic: str = ""
    # What the streamer said lately, newest last (context for the prompt).
    heard: tuple[str, ...] = field(default=())
    last_heard: float = -math.inf
    started: float | None = None  # stream time of the first input: the schedule's zero
    topic: str = ""
    featured: int = -1  # index into brain.topics.schedule
    answered: Mapping[str, float] = field(default_factory=dict)  # viewer -> last answer start
    kind_last: Mapping[str, float] = field(default_factory=dict)  # kind -> last answer start
    thanked_combos: tuple[str, ...] = ()
    bursts: Mapping[str, tuple[float, ...]] = field(default_factory=dict)
    active: Mapping[str, float] = field(default_factory=dict)  # burst mode -> on until
    strikes: Mapping[str, tuple[float, ...]] = field(default_factory=dict)
    ignored: Mapping[str, float] = field(default_factory=dict)  # viewer -> ignored until

    def shown_topic_now(self, cfg: BrainConfig) -> str:
        return self.topic or featured_item(self, cfg)


Fold = Callable[[str, str], bool]


def _never(a: str, b: str) -> bool:
    return False


def classify(message: Message, bot_name: str) -> ReplyKind | None:
    """What kind of reply a message deserves; None = do not answer it."""
    event = message.event
    if isinstance(event, SuperChat):
        return "super_chat"
    if isinstance(event, Guard):
        return "guard"
    if isinstance(event, Gift):
        return "gift"
    if isinstance(event, Enter):
        return "follow" if event.action == "follow" else "greeting" if event.action == "enter" else None
    if isinstance(event, Danmaku):
        if "mention" in message.tags or (bot_name and bot_name in message.text):
            return "mention"
        if "question" in message.tags:
            return "question"
        if "greeting" in message.tags:
            return "greeting"
        return "chatter"
    return None  # likes are counted, not answered


def featured_item(state: BrainState, cfg: BrainConfig) -> str:
    schedule = cfg.topics.schedule
    return schedule[state.featured] if schedule and 0 <= state.featured < len(schedule) else ""


def mode_of(state: BrainState, now: float, cfg: BrainConfig) -> Mode:
    if state.muted:
        return "muted"
    if state.streamer_talking:
        return "listening"
    if state.in_flight:
        return "speaking" if state.audible else "thinking"
    if _resting(state, now, cfg):
        return "cooldown"
    return "idle"


def _resting(state: BrainState, now: float, cfg: BrainConfig) -> bool:
    if now - state.last_reply_end < cfg.cooldown_s:
        return True
    starts = state.reply_starts
    if len(starts) < cfg.max_replies_per_minute:
        return False
    return sum(1 for t in starts if now - t < 60.0) >= cfg.max_replies_per_minute


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
    if state.started is None:
        state = replace(state, started=now)
    if isinstance(item, Message):
        state = _enqueue(state, item, now, cfg, fold, actions)
    elif isinstance(item, Control):
        state = _control(state, item, now, cfg, actions)
    elif isinstance(item, StreamerVoice):
        state = _streamer(state, item.speaking, now, cfg, actions)
    elif isinstance(item, Transcript):
        if item.final and item.text:
            state = replace(state, heard=(*state.heard, item.text)[-5:], last_heard=now)
    elif isinstance(item, UtteranceDone):
        if item.utterance_id == state.in_flight:
            state = replace(state, in_flight=0, audible=False, current=None, last_reply_end=now)
    elif isinstance(item, Audio):
        if item.utterance_id == state.in_flight:
            state = replace(state, audible=True)
    elif isinstance(item, TopicSeen):
        state = replace(state, topic=item.topic)
    elif isinstance(item, Strike):
        strikes, ignored, started = modes.strike(
            modes.plan(cfg), state.strikes, state.ignored, item.uid, item.reason, now
        )
        state = replace(state, strikes=strikes, ignored=ignored)
        if started:
            actions.append(Emit(Filtered(of="viewer", reason="ignored_viewer", rule=started)))
    if cfg.topics.schedule:
        state = _rotate(state, now, cfg)
    state = _expire(state, now, actions)
    if state.in_flight and now - state.in_flight_since > cfg.reply_timeout_s:
        actions.append(StopReply(state.in_flight, "timeout"))
        state = replace(state, in_flight_since=math.inf)
    state = _maybe_start(state, now, cfg, actions)
    return _show(state, now, cfg, actions), actions


def _streamer(
    state: BrainState, speaking: bool, now: float, cfg: BrainConfig, actions: list[Action]
) -> BrainState:
    if not speaking:
        return replace(state, streamer_talking=False, streamer_quiet_since=now)
    state = replace(state, streamer_talking=True)
    if not state.in_flight:
        return state
    actions.append(StopReply(state.in_flight, "streamer", cfg.interrupt == "finish_sentence"))
    current = state.current
    if cfg.resume_after_interrupt and current is not None and not current.resumed and current.kind != "say":
        # Once: it goes back to its old place in the queue and is said again after the gap.
        again = replace(current, resumed=True, ready=-math.inf)
        pending = list(state.pending)
        insort(pending, again, key=_order)
        return replace(
            state,
            pending=tuple(pending),
            current=None,
            wait_until=-math.inf,
            next_expiry=min(state.next_expiry, again.expires),
        )
    return state


def _enqueue(
    state: BrainState, message: Message, now: float, cfg: BrainConfig, fold: Fold, actions: list[Action]
) -> BrainState:
    event = message.event
    uid = event.uid or event.uname
    if state.ignored and isinstance(event, Danmaku | Enter) and state.ignored.get(uid, -math.inf) > now:
        actions.append(Emit(_filtered(message, "ignored")))
        return state
    plan = modes.plan(cfg)
    if message.tags and message.tags & plan.burst_tags:
        bursts, active = modes.feed_bursts(plan, state.bursts, state.active, message.tags, now)
        state = replace(state, bursts=bursts, active=active)
    kind = classify(message, cfg.bot_name)
    if kind is None:
        return state
    mode = ""
    if plan.message and isinstance(event, Danmaku):
        mode, block = modes.message_mode(plan, message.text, message.tags)
        if block:
            actions.append(Emit(_filtered(message, "blocked", mode)))
            return state
    if isinstance(event, Gift) and event.combo_id and event.combo_id in state.thanked_combos:
        actions.append(Emit(_filtered(message, "combo_thanked", event.combo_id)))
        return state
    pending = list(state.pending)
    rank = RANK[kind]
    # Only the block of the same kind can fold; the list is sorted, so bisect to it.
    block_range = range(
        bisect_left(pending, (rank, -1), key=_order), bisect_left(pending, (rank + 1, -1), key=_order)
    )
    for i in block_range:
        waiting = pending[i]
        merged = _merge(waiting, kind, message, now, cfg, fold)
        if merged is not None:
            pending[i] = merged
            if kind not in ("gift", "greeting"):
                actions.append(Emit(_filtered(message, "folded", _text(waiting))))
            return replace(state, pending=tuple(pending))
    # A kind spaced out by its own cooldown gets that much more patience.
    expires = now + cfg.stale_after_s * PATIENCE.get(kind, 1.0) + cfg.kind_cooldown_s.get(kind, 0.0)
    ready = -math.inf
    if kind == "gift":
        ready = now + cfg.gift_batch_s
    elif kind == "greeting":
        ready = now + cfg.welcome_batch_s
    names = (message.name,) if kind == "greeting" else ()
    candidate = Candidate(
        kind, message, now, state.seq, _amount(message), expires=expires, ready=ready, names=names, mode=mode
    )
    insort(pending, candidate, key=_order)
    if len(pending) > cfg.max_pending:
        # The oldest of the least important kind goes.
        last_rank = RANK[pending[-1].kind]
        victim = pending.pop(bisect_left(pending, (last_rank, -1), key=_order))
        actions.append(Emit(_filtered(victim.message, "overflow")))
    return replace(
        state,
        pending=tuple(pending),
        seq=state.seq + 1,
        next_expiry=min(state.next_expiry, expires),
        wait_until=min(state.wait_until, _free_at(candidate, state, cfg)),
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
    if kind in ("question", "mention", "chatter") and fold(waiting.message.text, message.text):
        return replace(waiting, count=waiting.count + 1)
    return None


def _order(candidate: Candidate) -> tuple[int, int]:
    return candidate.order


def _amount(message: Message) -> int:
    event = message.event
    return event.count if isinstance(event, Gift | Guard) else 1


def _text(candidate: Candidate) -> str:
    return candidate.say_text if candidate.message is None else candidate.message.text


def _control(
    state: BrainState, control: Control, now: float, cfg: BrainConfig, actions: list[Action]
) -> BrainState:
    action = control.action
    if action in ("mute", "skip", "reset") and state.in_flight:
        actions.append(StopReply(state.in_flight, "mute" if action == "mute" else action))
    if action == "mute":
        return replace(state, muted=True)
    if action == "unmute":
        return replace(state, muted=False, wait_until=-math.inf)
    if action == "reset":
        for waiting in state.pending:
            actions.append(Emit(_filtered(waiting.message, "reset", kind=waiting.kind)))
        actions.append(ClearMemory())
        return replace(
            state,
            pending=(),
            heard=(),
            next_expiry=math.inf,
            wait_until=-math.inf,
            topic="",
            bursts={},
            active={},
            thanked_combos=(),
            answered={},
            kind_last={},
        )
    if action == "say" and control.text:
        # The streamer's own words: spoken now, over cooldowns and mute.
        if state.in_flight:
            actions.append(StopReply(state.in_flight, "say"))
        say = Candidate("say", None, now, state.seq, say_text=control.text)
        return _start(replace(state, seq=state.seq + 1), say, now, cfg, actions)
    return state


def _rotate(state: BrainState, now: float, cfg: BrainConfig) -> BrainState:
    """The featured item of the schedule; a ``schedule`` mode pushes each new one."""
    topics = cfg.topics
    index = int((now - (state.started or 0.0)) // topics.rotate_every_s) % len(topics.schedule)
    if index == state.featured:
        return state
    state = replace(state, featured=index)
    mode = modes.plan(cfg).schedule
    if not mode:
        return state
    expires = now + cfg.stale_after_s * PATIENCE["promotion"]
    push = Candidate(
        "promotion", None, now, state.seq, topic=topics.schedule[index], mode=mode, expires=expires
    )
    # An older push still waiting is replaced: only the item on sale now is worth a line.
    pending = [c for c in state.pending if c.kind != "promotion"]
    insort(pending, push, key=_order)
    return replace(
        state,
        pending=tuple(pending),
        seq=state.seq + 1,
        wait_until=-math.inf,
        next_expiry=min(state.next_expiry, expires),
    )


def _expire(state: BrainState, now: float, actions: list[Action]) -> BrainState:
    if now <= state.next_expiry:
        return state
    keep: list[Candidate] = []
    for waiting in state.pending:
        if now > waiting.expires:
            actions.append(Emit(_filtered(waiting.message, "stale", kind=waiting.kind)))
        else:
            keep.append(waiting)
    return replace(state, pending=tuple(keep), next_expiry=min((c.expires for c in keep), default=math.inf))


def _free_at(candidate: Candidate, state: BrainState, cfg: BrainConfig) -> float:
    """When ``candidate`` may start as far as its own batch and the per-viewer/per-kind cooldowns go."""
    at = candidate.ready
    if candidate.resumed:
        return at
    if candidate.kind in PER_VIEWER and cfg.user_cooldown_s > 0 and state.answered:
        at = max(at, state.answered.get(candidate.uid, -math.inf) + cfg.user_cooldown_s)
    gap = cfg.kind_cooldown_s.get(candidate.kind, 0.0)
    if gap > 0:
        at = max(at, state.kind_last.get(candidate.kind, -math.inf) + gap)
    return at


def _maybe_start(state: BrainState, now: float, cfg: BrainConfig, actions: list[Action]) -> BrainState:
    if state.muted or state.in_flight or state.streamer_talking:
        return state
    if now - state.streamer_quiet_since < cfg.gap_after_streamer_s or _resting(state, now, cfg):
        return state
    if state.pending:
        if now < state.wait_until:
            return state
        earliest = math.inf
        for i, waiting in enumerate(state.pending):
            free = _free_at(waiting, state, cfg)
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
    quiet_since = max(
        state.started or 0.0, state.last_reply_end, state.streamer_quiet_since, state.last_heard
    )
    if now - quiet_since < after:
        return state
    topic = state.topic or featured_item(state, cfg) or cfg.topics.default_topic
    if not topic:
        return state
    idle = Candidate("idle", None, now, state.seq, topic=topic)
    return _start(replace(state, seq=state.seq + 1), idle, now, cfg, actions)


def _start(
    state: BrainState, candidate: Candidate, now: float, cfg: BrainConfig, actions: list[Action]
) -> BrainState:
    utterance_id = state.next_id
    if not candidate.mode and candidate.kind != "say" and state.active:
        mode = modes.active_mode(modes.plan(cfg), state.active, candidate.kind, now)
        if mode:
            candidate = replace(candidate, mode=mode)
    starts = (*(t for t in state.reply_starts if now - t < 60.0), now)
    answered = state.answered
    uid = candidate.uid
    if uid and candidate.kind in PER_VIEWER:
        # Keep only viewers still cooling down: the table stays as small as the reply rate.
        answered = {k: t for k, t in answered.items() if now - t < cfg.user_cooldown_s}
        answered[uid] = now
    kind_last = {**state.kind_last, candidate.kind: now}
    thanked = state.thanked_combos
    event = candidate.message.event if candidate.message is not None else None
    if isinstance(event, Gift) and event.combo_id:
        thanked = (*thanked[-63:], event.combo_id)
    actions.append(StartReply(utterance_id, candidate))
    return replace(
        state,
        in_flight=utterance_id,
        in_flight_since=now,
        audible=False,
        current=candidate,
        next_id=utterance_id + 1,
        reply_starts=starts,
        answered=answered,
        kind_last=kind_last,
        thanked_combos=thanked,
        wait_until=-math.inf,
    )


def _show(state: BrainState, now: float, cfg: BrainConfig, actions: list[Action]) -> BrainState:
    mode = mode_of(state, now, cfg)
    topic = state.topic or featured_item(state, cfg)
    if mode == state.shown and topic == state.shown_topic:
        return state
    actions.append(Emit(StateChange(state=mode, muted=state.muted, topic=topic)))
    return replace(state, shown=mode, shown_topic=topic)


def _filtered(message: Message | None, reason: str, rule: str = "", kind: str = "control") -> Filtered:
    if message is None:
        return Filtered(of=kind, reason=reason, rule=rule)
    event = message.event
    return Filtered(of=event.type, reason=reason, rule=rule, uname=message.name, text=message.text)
