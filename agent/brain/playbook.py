"""The ``[brain.modes]`` counters of the state machine: bursts that switch a mode on, strikes.

Pure, like ``state.step`` which calls it: ``Playbook`` is the part of the brain's
state that the modes keep (agent/brain/modes.py holds the rules, this module
their effect on the state), apart from turn-taking.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from agent.brain import modes
from agent.brain import queue as q
from agent.brain.actions import Action, Emit, Strike
from agent.brain.queue import Queue
from agent.vocabulary import FilterReason


@dataclass(frozen=True, slots=True)
class Playbook:
    """The ``[brain.modes]`` counters: bursts that switch a mode on, viewers' strikes."""

    bursts: Mapping[str, tuple[float, ...]] = field(default_factory=dict)
    active: Mapping[str, float] = field(default_factory=dict)  # burst mode -> on until
    strikes: Mapping[str, tuple[float, ...]] = field(default_factory=dict)
    ignored: Mapping[str, float] = field(default_factory=dict)  # viewer -> ignored until
    ordered: bool = True  # strikes is oldest first (see modes.strike)


def strike(playbook: Playbook, item: Strike, now: float, plan: modes.Plan, actions: list[Action]) -> Playbook:
    """Count a viewer's strike; a viewer who has just run out of them is ignored (and it is said)."""
    strikes, ignored, started, ordered = modes.strike(
        plan, playbook.strikes, playbook.ignored, item.uid, item.reason, now, playbook.ordered
    )
    if started:
        ignoring = q.filtered(None, FilterReason.IGNORED_VIEWER, started, kind="viewer")
        actions.append(Emit(replace(ignoring, uname=item.name)))
    # Built whole (a strike per blocked message of a flood): cheaper than ``replace``.
    return Playbook(
        bursts=playbook.bursts, active=playbook.active, strikes=strikes, ignored=ignored, ordered=ordered
    )


def feed_bursts(
    playbook: Playbook, queue: Queue, tags: frozenset[str], now: float, plan: modes.Plan
) -> tuple[Playbook, Queue]:
    """Count a message toward the burst modes; a mode switching on shapes the replies
    already waiting for messages of its burst (and only those)."""
    bursts, active = modes.feed_bursts(plan, playbook.bursts, playbook.active, tags, now)
    switched_on = any(playbook.active.get(name, -math.inf) <= now < until for name, until in active.items())
    if switched_on and queue.pending:
        pending = list(queue.pending)
        for i, c in enumerate(pending):
            if c.message is not None and not c.mode:
                mode = modes.burst_mode(plan, active, c.kind, c.message.tags, now)
                if mode:
                    pending[i] = replace(c, mode=mode)
        queue = replace(queue, pending=tuple(pending))
    return replace(playbook, bursts=bursts, active=active), queue
