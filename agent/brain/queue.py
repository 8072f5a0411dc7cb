"""The waiting queue: what the bot may answer, in the order it answers it.

Pure helpers for ``state.step``. A viewer event that passed the filters becomes
a ``Candidate`` of one ``ReplyKind`` (super chat > guard > gift > mention >
question > promotion > the rest); candidates of one kind fold together (a gift
combo into one thank-you, entrances into one welcome, questions that mean the
same into one answer that knows how many asked); each waits at most its kind's
patience, longer when more viewers asked.

Gift combos (Bilibili): every event of one ``combo_id`` folds into one thank-you
naming the giver. ``COMBO_SEND`` carries the combo's running total, ``SEND_GIFT``
(and the demo recording) one send's count, so the rule is: a count above the
total so far is a new running total (keep it), anything else is one more send
(add it). Running totals 1,2,5 -> 5; sends 1,1,2 -> 4.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass, replace
from operator import attrgetter

from agent.config import BrainConfig
from agent.events import Danmaku, Enter, Filtered, Gift, Guard, SuperChat, ViewerEvent
from agent.vocabulary import FilterReason, ReplyKind

# Lower answers first.
RANK: dict[str, int] = {
    "say": -1,
    "super_chat": 0,
    "guard": 1,
    "thanks": 2,
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
FOLDED = frozenset({"question", "mention", "chatter"})

# The same viewer is not answered twice within brain.user_cooldown_s for these; paid kinds
# are always thanked, and a greeting batch names several viewers at once.
PER_VIEWER = frozenset({"mention", "question", "chatter"})

# Thank-yous that pile up while the bot is busy are said as one line ("thanks"); a guard
# purchase (大航海) keeps a line of its own.
THANKS = frozenset({"gift", "follow", "thanks"})

Fold = Callable[[str, str], bool]

# Thank-yous for money: cut off by the streamer or by mute, they are said again (once) after
# the gap or the unmute, whatever brain.resume_after_interrupt says (paid is always thanked).
PAID = frozenset({"super_chat", "guard", "gift", "thanks"})


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
    message: Message | None  # None for "say", "promotion", "idle", "thanks"
    arrived: float
    seq: int
    count: int = 1
    say_text: str = ""
    expires: float = math.inf
    ready: float = -math.inf  # not before this (a gift combo or a welcome batch still filling)
    names: tuple[str, ...] = ()  # a welcome batch or a thanks batch: the first few names
    topic: str = ""  # "promotion" / "idle": what to talk about
    mode: str = ""  # the [brain.modes] entry that shapes this reply
    resumed: bool = False  # re-queued after the streamer cut it off
    batch: tuple[Candidate, ...] = ()  # "thanks": the thank-yous it says at once
    events: int = 1  # the viewer events it stands for (a gift combo, a welcome batch)

    @property
    def rank(self) -> int:
        return RANK[self.kind]

    @property
    def uid(self) -> str:
        if self.message is None:
            return ""
        event = self.message.event
        return event.uid or event.uname


@dataclass(frozen=True, slots=True)
class Queue:
    """The candidates sorted by (rank, seq): the next to answer first, the first to drop
    at the end of the last rank block."""

    pending: tuple[Candidate, ...] = ()
    next_expiry: float = math.inf
    # No pending candidate can start before this (cooldowns, batches): saves rescans.
    wait_until: float = -math.inf
    seq: int = 0


_RANK_OF = attrgetter("rank")
_ORDER = attrgetter("rank", "seq")


def classify(message: Message, bot_name: str) -> ReplyKind | None:
    """What kind of reply a message deserves; None = do not answer it."""
    event = message.event
    if isinstance(event, Danmaku):
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


def filtered(
    message: Message | None, reason: FilterReason, rule: str = "", kind: str = "control", events: int = 1
) -> Filtered:
    """A Filtered for ``message`` (``events``: the viewer events it stands for; a message's only)."""
    if message is None:
        return Filtered(of=kind, reason=reason, rule=rule)
    event = message.event
    return Filtered(
        of=event.type, reason=reason, rule=rule, uname=message.name, text=message.text, events=events
    )


def text_of(candidate: Candidate) -> str:
    return candidate.say_text if candidate.message is None else candidate.message.text


def patience(kind: str, cfg: BrainConfig) -> float:
    """How long a candidate of ``kind`` may wait (a kind spaced out by its own cooldown: that much more)."""
    return cfg.stale_after_s * PATIENCE.get(kind, 1.0) + cfg.kind_cooldown_s.get(kind, 0.0)


def block(queue: Queue, rank: int) -> tuple[int, int]:
    """The slice of ``queue.pending`` holding candidates of ``rank``."""
    pending = queue.pending
    if not pending:
        return 0, 0
    last = pending[-1].rank
    if rank > last:
        return len(pending), len(pending)  # (a flood of chatter behind more important replies)
    start = bisect_left(pending, rank, key=_RANK_OF)
    return start, len(pending) if rank == last else bisect_left(pending, rank + 1, start, key=_RANK_OF)


def fold_into(
    queue: Queue, kind: ReplyKind, message: Message, now: float, cfg: BrainConfig, fold: Fold
) -> tuple[Queue, Candidate | None]:
    """``queue`` with ``message`` folded into a waiting candidate of its kind, and that
    candidate as it was (None: nothing to fold into)."""
    start, stop = block(queue, RANK[kind])
    pending = queue.pending
    if kind in FOLDED:  # the common case: most waiting messages do not fold
        # Each folded kind has a rank of its own (RANK): its block holds that kind alone.
        found = first_folded(fold, [text_of(c) for c in pending[start:stop]], message.text)
        if found is None:
            return queue, None
        i = start + found
        waiting = pending[i]
        # One more viewer asked: the question stays worth answering for longer.
        expires = max(waiting.expires, now + patience(kind, cfg))
        return _put(queue, i, replace(waiting, count=waiting.count + 1, expires=expires)), waiting
    for i in range(start, stop):
        merged = _merge(pending[i], kind, message, now, cfg)
        if merged is not None:
            return _put(queue, i, merged), pending[i]
    return queue, None


def first_folded(fold: Fold, texts: list[str], new: str) -> int | None:
    """The index of the first of ``texts`` that ``new`` folds into, or None. A fold that
    compares a whole list at once (its ``first``: agent.brain.folding.Folding) is asked once."""
    first = getattr(fold, "first", None)
    if first is not None:
        found: int | None = first(texts, new)
        return found
    return next((i for i, text in enumerate(texts) if fold(text, new)), None)


def _put(queue: Queue, i: int, merged: Candidate) -> Queue:
    """``queue`` with its ``i``-th candidate replaced by ``merged`` (the same kind: its place holds)."""
    pending = queue.pending
    return replace(
        queue,
        pending=(*pending[:i], merged, *pending[i + 1 :]),
        next_expiry=min(queue.next_expiry, merged.expires),
    )


def _merge(
    waiting: Candidate, kind: ReplyKind, message: Message, now: float, cfg: BrainConfig
) -> Candidate | None:
    """``waiting`` with a gift or a greeting ``message`` folded in, or None when they are
    separate replies (messages that fold by what they say: ``fold_into``)."""
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
        return replace(waiting, count=count, ready=ready, events=waiting.events + 1)
    if kind == "greeting":
        # A danmaku "hello" folds into an entrance's welcome: it is counted as folded (a Filtered).
        events = waiting.events + (message.event.type == waiting.message.event.type)
        if message.name in waiting.names:
            return replace(waiting, events=events)
        names = waiting.names if len(waiting.names) >= cfg.welcome_names else (*waiting.names, message.name)
        return replace(waiting, names=names, count=waiting.count + 1, events=events)
    return None


def add(
    queue: Queue, candidate: Candidate, cfg: BrainConfig, wait_until: float | None = None
) -> tuple[Queue, Candidate | None]:
    """``queue`` with ``candidate`` last in its rank block, and the candidate dropped to keep
    within ``brain.max_pending`` (the oldest of the least important kind), if any; with
    ``wait_until`` as its new ``wait_until`` when given (one new queue, not two)."""
    pending = list(queue.pending)
    pending.insert(block(queue, candidate.rank)[1], candidate)
    victim = None
    if len(pending) > cfg.max_pending:
        victim = pending.pop(bisect_left(pending, pending[-1].rank, key=_RANK_OF))
    return Queue(  # every field: one per message, cheaper than ``replace``
        pending=tuple(pending),
        next_expiry=min(queue.next_expiry, candidate.expires),
        wait_until=queue.wait_until if wait_until is None else wait_until,
        seq=max(queue.seq, candidate.seq + 1),
    ), victim


def resumes(candidate: Candidate, cfg: BrainConfig, *, by_mute: bool) -> bool:
    """Whether a reply that was cut off is queued again (once): a paid thank-you always, the
    rest when the streamer talked over it and ``brain.resume_after_interrupt`` is on."""
    if candidate.resumed or candidate.kind == "say":
        return False
    return candidate.kind in PAID or (cfg.resume_after_interrupt and not by_mute)


def put_back(queue: Queue, candidate: Candidate) -> Queue:
    """A candidate back in its old place (a reply the streamer cut off, said again later)."""
    pending = list(queue.pending)
    pending.insert(bisect_left(pending, (candidate.rank, candidate.seq), key=_ORDER), candidate)
    return replace(
        queue,
        pending=tuple(pending),
        wait_until=-math.inf,
        next_expiry=min(queue.next_expiry, candidate.expires),
    )


def without(queue: Queue, drop: Callable[[Candidate], bool]) -> tuple[Queue, list[Candidate]]:
    """``queue`` without the candidates ``drop`` picks, and those candidates."""
    keep = [c for c in queue.pending if not drop(c)]
    if len(keep) == len(queue.pending):
        return queue, []
    gone = [c for c in queue.pending if drop(c)]
    expiry = min((c.expires for c in keep), default=math.inf)
    return replace(queue, pending=tuple(keep), next_expiry=expiry), gone


def batch_thanks(chosen: Candidate, others: list[Candidate], now: float, cfg: BrainConfig) -> Candidate:
    """Several thank-yous ready at once, said as one line naming the first few viewers."""
    parts = [part for c in (chosen, *others) for part in (c.batch or (c,))]
    names: list[str] = []
    for part in parts:
        name = part.message.name if part.message is not None else ""
        if name and name not in names:
            names.append(name)
    return Candidate(
        "thanks",
        None,
        now,
        chosen.seq,
        count=len(names),
        names=tuple(names[: cfg.welcome_names]),
        expires=chosen.expires,
        batch=tuple(parts),
        events=sum(part.events for part in parts),
    )


def parts_of(candidate: Candidate) -> tuple[Candidate, ...]:
    """The candidates a reply answers: a thanks batch's parts, else itself."""
    return candidate.batch or (candidate,)


def not_answered(candidate: Candidate, reason: FilterReason, rule: str = "") -> list[Filtered]:
    """One Filtered per part of a candidate that leaves unsaid, each counting its events, so
    every gift of a combo and every thank-you of a batch is accounted for."""
    return [filtered(part.message, reason, rule, part.kind, part.events) for part in parts_of(candidate)]
