"""Who has the floor: mute, the streamer, the reply in flight, and the limits on replies.

Pure helpers for ``state.step``: when the bot may speak again (the cooldown after
a reply: ``brain.cooldown_s`` after an answer, the shorter ``thanks_cooldown_s``
after a thank-you or a welcome; the per-minute cap; the gap after the streamer),
and the bookkeeping when a reply starts and ends.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from agent.brain.actions import Answered, Emit
from agent.brain.queue import PER_VIEWER, THANKS, Candidate, not_answered
from agent.config import BrainConfig
from agent.events import Gift
from agent.vocabulary import FilterReason

# The viewer events that each end answered, not answered (a Filtered), or waiting.
VIEWER_EVENTS = ("danmaku", "super_chat", "guard", "gift", "enter", "like")

# Replies after which the shorter thanks_cooldown_s applies.
_SHORT = THANKS | {"guard", "greeting"}


@dataclass(frozen=True, slots=True)
class Floor:
    muted: bool = False
    streamer_talking: bool = False
    streamer_quiet_since: float = -math.inf
    in_flight: int = 0  # utterance id being generated or spoken, 0 = none
    in_flight_since: float = 0.0
    audible: bool = False  # the in-flight reply has started playing
    current: Candidate | None = None  # what is in flight (re-queued on barge-in by policy)
    last_reply_end: float = -math.inf
    rest_until: float = -math.inf  # the cooldown after the last reply
    reply_starts: tuple[float, ...] = ()
    next_id: int = 1
    answered: Mapping[str, float] = field(default_factory=dict)  # viewer -> last answer start
    kind_last: Mapping[str, float] = field(default_factory=dict)  # kind -> last answer start
    thanked_combos: tuple[str, ...] = ()
    stopped_by: str = ""  # what stopped the reply in flight (StopReply.reason), for its Filtered


def resting(floor: Floor, now: float, cfg: BrainConfig) -> bool:
    """Cooling down after a reply, or at the per-minute cap."""
    if now < floor.rest_until:
        return True
    starts = floor.reply_starts
    if len(starts) < cfg.max_replies_per_minute:
        return False
    return sum(1 for t in starts if now - t < 60.0) >= cfg.max_replies_per_minute


def may_speak(floor: Floor, now: float, cfg: BrainConfig) -> bool:
    if floor.muted or floor.in_flight or floor.streamer_talking:
        return False
    return now - floor.streamer_quiet_since >= cfg.gap_after_streamer_s and not resting(floor, now, cfg)


def free_at(candidate: Candidate, floor: Floor, cfg: BrainConfig) -> float:
    """When a candidate may start as far as its own batch and the per-viewer/per-kind
    cooldowns go (a resumed one: as soon as it is ready)."""
    at = candidate.ready
    if candidate.resumed:
        return at
    kind = candidate.kind
    if kind in PER_VIEWER and cfg.user_cooldown_s > 0 and floor.answered:
        at = max(at, floor.answered.get(candidate.uid, -math.inf) + cfg.user_cooldown_s)
    gap = cfg.kind_cooldown_s.get(kind, 0.0)
    if gap > 0:
        at = max(at, floor.kind_last.get(kind, -math.inf) + gap)
    return at


def begin(floor: Floor, candidate: Candidate, now: float, cfg: BrainConfig) -> Floor:
    """The floor once ``candidate``'s reply starts (its id is ``floor.next_id``)."""
    answered = floor.answered
    kind_last = dict(floor.kind_last)
    thanked = floor.thanked_combos
    for part in candidate.batch or (candidate,):
        uid = part.uid
        if uid and part.kind in PER_VIEWER:
            # Keep only viewers still cooling down: the table stays as small as the reply rate.
            answered = {k: t for k, t in answered.items() if now - t < cfg.user_cooldown_s}
            answered[uid] = now
        kind_last[part.kind] = now
        event = part.message.event if part.message is not None else None
        if isinstance(event, Gift) and event.combo_id:
            thanked = (*thanked[-63:], event.combo_id)
    kind_last[candidate.kind] = now
    return replace(
        floor,
        in_flight=floor.next_id,
        in_flight_since=now,
        audible=False,
        current=candidate,
        stopped_by="",
        next_id=floor.next_id + 1,
        reply_starts=(*(t for t in floor.reply_starts if now - t < 60.0), now),
        answered=answered,
        kind_last=kind_last,
        thanked_combos=thanked,
    )


def finish(floor: Floor, now: float, cfg: BrainConfig) -> Floor:
    """The reply in flight ended: the cooldown starts, shorter after a thank-you."""
    current = floor.current
    rest = cfg.cooldown_s
    if current is not None and current.kind in _SHORT:
        rest = min(rest, cfg.thanks_cooldown_s)
    return replace(floor, in_flight=0, audible=False, current=None, last_reply_end=now, rest_until=now + rest)


def settled(floor: Floor, outcome: str) -> list[Answered | Emit]:
    """What became of the viewer events the reply in flight answered: spoken, or not answered
    and why (nothing when the streamer cut it off and it went back to the queue: said later)."""
    if floor.current is None:
        return []
    if outcome == "spoken":
        return [Answered(floor.current)]
    reason = FilterReason.INTERRUPTED if outcome == "interrupted" else FilterReason.REPLY_FAILED
    # A say, an idle line or a promotion answers no viewer: its own log line says how it ended.
    return [Emit(f) for f in not_answered(floor.current, reason, floor.stopped_by) if f.of in VIEWER_EVENTS]
