"""The turn-taking state machine: ``step(state, input, now) -> (state, actions)``.

Pure: no asyncio, no clock reads, no I/O. It decides whether and when the bot
speaks (mute, cooldowns, the per-minute cap, never over the streamer) and what
it answers first (super chat > guard > gift > mention > question > the rest).
"""

from __future__ import annotations

import math
from bisect import bisect_left, insort
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Literal

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
    "super_chat", "guard", "gift", "mention", "question", "greeting", "follow", "chatter", "say"
]

# Lower answers first.
RANK: dict[str, int] = {
    "say": -1,
    "super_chat": 0,
    "guard": 1,
    "gift": 2,
    "mention": 3,
    "question": 4,
    "follow": 5,
    "chatter": 6,
    "greeting": 7,
}

# How long each kind may wait, as a multiple of brain.stale_after_s: paid messages wait longer.
PATIENCE: dict[str, float] = {"super_chat": 10.0, "guard": 10.0, "gift": 3.0, "greeting": 0.5}


@dataclass(frozen=True, slots=True)
class Message:
    """A viewer event that passed the filters: cleaned text, a speakable name, tags."""

    event: ViewerEvent
    text: str = ""
    name: str = ""
    tags: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True, eq=False)
class Candidate:
    """Something the bot may answer, waiting its turn."""

    kind: ReplyKind
    message: Message | None  # None only for "say"
    arrived: float
    seq: int
    count: int = 1
    say_text: str = ""
    expires: float = math.inf

    @property
    def order(self) -> tuple[int, int]:
        return (RANK[self.kind], self.seq)


@dataclass(frozen=True, slots=True)
class StartReply:
    utterance_id: int
    candidate: Candidate


@dataclass(frozen=True, slots=True)
class StopReply:
    utterance_id: int
    reason: Literal["skip", "mute", "streamer", "reset", "timeout", "say"]


@dataclass(frozen=True, slots=True)
class Emit:
    event: Event


@dataclass(frozen=True, slots=True)
class ClearMemory:
    pass


Action = StartReply | StopReply | Emit | ClearMemory
BrainInput = Message | Event

Mode = Literal["idle", "listening", "thinking", "speaking", "cooldown", "muted"]


@dataclass(frozen=True, slots=True)
class BrainState:
    muted: bool = False
    streamer_talking: bool = False
    streamer_quiet_since: float = -math.inf
    in_flight: int = 0  # utterance id being generated or spoken, 0 = none
    in_flight_since: float = 0.0
    audible: bool = False  # the in-flight reply has started playing
    last_reply_end: float = -math.inf
    reply_starts: tuple[float, ...] = ()
    # Sorted by (RANK, seq): the next to answer first, the first to drop in the last rank block.
    pending: tuple[Candidate, ...] = ()
    next_expiry: float = math.inf
    next_id: int = 1
    seq: int = 0
    shown: Mode = "idle"
    # What the streamer said lately, newest last (context for the prompt).
    heard: tuple[str, ...] = field(default=())


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
    recent = sum(1 for t in state.reply_starts if now - t < 60.0)
    return recent >= cfg.max_replies_per_minute


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
    if isinstance(item, Message):
        state = _enqueue(state, item, now, cfg, fold, actions)
    elif isinstance(item, Control):
        state = _control(state, item, now, actions)
    elif isinstance(item, StreamerVoice):
        if item.speaking:
            state = replace(state, streamer_talking=True)
            if state.in_flight:
                actions.append(StopReply(state.in_flight, "streamer"))
        else:
            state = replace(state, streamer_talking=False, streamer_quiet_since=now)
    elif isinstance(item, Transcript):
        if item.final and item.text:
            state = replace(state, heard=(*state.heard, item.text)[-5:])
    elif isinstance(item, UtteranceDone):
        if item.utterance_id == state.in_flight:
            state = replace(state, in_flight=0, audible=False, last_reply_end=now)
    elif isinstance(item, Audio) and item.utterance_id == state.in_flight:
        state = replace(state, audible=True)
    state = _expire(state, now, cfg, actions)
    if state.in_flight and now - state.in_flight_since > cfg.reply_timeout_s:
        actions.append(StopReply(state.in_flight, "timeout"))
        state = replace(state, in_flight_since=math.inf)
    state = _maybe_start(state, now, cfg, actions)
    return _show(state, now, cfg, actions), actions


def _enqueue(
    state: BrainState, message: Message, now: float, cfg: BrainConfig, fold: Fold, actions: list[Action]
) -> BrainState:
    kind = classify(message, cfg.bot_name)
    if kind is None:
        return state
    pending = list(state.pending)
    rank = RANK[kind]
    # Only the block of the same kind can fold; the list is sorted, so bisect to it.
    block = range(bisect_left(pending, (rank, -1), key=_order), bisect_left(pending, (rank + 1, -1), key=_order))
    for i in block:
        waiting = pending[i]
        if _same_topic(waiting, kind, message, fold):
            pending[i] = replace(waiting, count=waiting.count + _amount(message))
            folded_into = message.text if waiting.message is None else waiting.message.text
            actions.append(Emit(_filtered(message, "folded", folded_into)))
            return replace(state, pending=tuple(pending))
    expires = now + cfg.stale_after_s * PATIENCE.get(kind, 1.0)
    candidate = Candidate(kind, message, now, state.seq, count=_amount(message), expires=expires)
    insort(pending, candidate, key=_order)
    if len(pending) > cfg.max_pending:
        # The oldest of the least important kind goes.
        last_rank = RANK[pending[-1].kind]
        victim = pending.pop(bisect_left(pending, (last_rank, -1), key=_order))
        actions.append(Emit(_filtered(victim.message, "overflow")))
    return replace(
        state, pending=tuple(pending), seq=state.seq + 1, next_expiry=min(state.next_expiry, expires)
    )


def _order(candidate: Candidate) -> tuple[int, int]:
    return candidate.order


def _amount(message: Message) -> int:
    event = message.event
    return event.count if isinstance(event, Gift | Guard) else 1


def _same_topic(waiting: Candidate, kind: ReplyKind, message: Message, fold: Fold) -> bool:
    """Gifts from one viewer batch into one thank-you; near-duplicate questions fold."""
    if waiting.kind != kind or waiting.message is None:
        return False
    if kind == "gift":
        a, b = waiting.message.event, message.event
        return isinstance(a, Gift) and isinstance(b, Gift) and (a.uid, a.gift_name) == (b.uid, b.gift_name)
    if kind in ("question", "mention", "chatter"):
        return fold(waiting.message.text, message.text)
    return False


def _control(state: BrainState, control: Control, now: float, actions: list[Action]) -> BrainState:
    action = control.action
    if action in ("mute", "skip", "reset") and state.in_flight:
        actions.append(StopReply(state.in_flight, "mute" if action == "mute" else action))
    if action == "mute":
        return replace(state, muted=True)
    if action == "unmute":
        return replace(state, muted=False)
    if action == "reset":
        for waiting in state.pending:
            actions.append(Emit(_filtered(waiting.message, "reset")))
        actions.append(ClearMemory())
        return replace(state, pending=(), heard=(), next_expiry=math.inf)
    if action == "say" and control.text:
        # The streamer's own words: spoken now, over cooldowns and mute.
        if state.in_flight:
            actions.append(StopReply(state.in_flight, "say"))
        say = Candidate("say", None, now, state.seq, say_text=control.text)
        return _start(replace(state, seq=state.seq + 1), say, now, actions)
    return state


def _expire(state: BrainState, now: float, cfg: BrainConfig, actions: list[Action]) -> BrainState:
    if now <= state.next_expiry:
        return state
    keep: list[Candidate] = []
    for waiting in state.pending:
        if now > waiting.expires:
            actions.append(Emit(_filtered(waiting.message, "stale")))
        else:
            keep.append(waiting)
    return replace(state, pending=tuple(keep), next_expiry=min((c.expires for c in keep), default=math.inf))


def _maybe_start(state: BrainState, now: float, cfg: BrainConfig, actions: list[Action]) -> BrainState:
    if not state.pending or state.muted or state.in_flight or state.streamer_talking:
        return state
    if now - state.streamer_quiet_since < cfg.gap_after_streamer_s or _resting(state, now, cfg):
        return state
    best, *rest = state.pending
    return _start(replace(state, pending=tuple(rest)), best, now, actions)


def _start(state: BrainState, candidate: Candidate, now: float, actions: list[Action]) -> BrainState:
    utterance_id = state.next_id
    actions.append(StartReply(utterance_id, candidate))
    starts = (*(t for t in state.reply_starts if now - t < 60.0), now)
    return replace(
        state,
        in_flight=utterance_id,
        in_flight_since=now,
        audible=False,
        next_id=utterance_id + 1,
        reply_starts=starts,
    )


def _show(state: BrainState, now: float, cfg: BrainConfig, actions: list[Action]) -> BrainState:
    mode = mode_of(state, now, cfg)
    if mode == state.shown:
        return state
    actions.append(Emit(StateChange(state=mode, muted=state.muted)))
    return replace(state, shown=mode)


def _filtered(message: Message | None, reason: str, rule: str = "") -> Filtered:
    if message is None:
        return Filtered(of="control", reason=reason, rule=rule)
    event = message.event
    return Filtered(of=event.type, reason=reason, rule=rule, uname=message.name, text=message.text)
