"""The turn-taking state machine: ``step(state, input, now, cfg) -> (state, actions)``.

Pure: no asyncio, no clock reads, no I/O. It decides whether and when the bot
speaks and what it answers first. The state is three sub-states, each with its
own module of pure helpers: the waiting ``queue`` (candidates, folding, expiry),
the ``floor`` (mute, the streamer, the reply in flight, cooldowns) and the
``context`` (what was heard, topic, schedule, silences, what is shown), plus the
``[brain.modes]`` counters (``Playbook``, agent/brain/playbook.py). ``step`` only dispatches.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

from agent.brain import context as ctx
from agent.brain import floor as fl
from agent.brain import modes
from agent.brain import playbook as pb
from agent.brain import queue as q
from agent.brain.actions import (
    Action,
    Answered,
    BrainInput,
    ClearMemory,
    Emit,
    StartReply,
    StopReply,
    Strike,
    TopicSeen,
)
from agent.brain.answered import answered_by
from agent.brain.context import Context, Mode, mode_of
from agent.brain.floor import Floor
from agent.brain.playbook import Playbook
from agent.brain.queue import THANKS, Candidate, Fold, Message, Queue, classify
from agent.config import BrainConfig
from agent.events import (
    Audio,
    Control,
    Danmaku,
    Enter,
    Gift,
    Guard,
    StateChange,
    StreamerVoice,
    SuperChat,
    Transcript,
    UtteranceDone,
)
from agent.vocabulary import FilterReason, ReplyKind

__all__ = [
    "Action",
    "Answered",
    "BrainInput",
    "BrainState",
    "Candidate",
    "ClearMemory",
    "Emit",
    "Message",
    "Mode",
    "Playbook",
    "StartReply",
    "StopReply",
    "Strike",
    "TopicSeen",
    "classify",
    "mode_of",
    "step",
]


@dataclass(frozen=True, slots=True)
class BrainState:
    queue: Queue = field(default_factory=Queue)
    floor: Floor = field(default_factory=Floor)
    context: Context = field(default_factory=Context)
    playbook: Playbook = field(default_factory=Playbook)

    def with_queue(self, queue: Queue) -> BrainState:
        """This state with another queue: what most messages change (cheaper than ``replace``)."""
        return BrainState(queue, self.floor, self.context, self.playbook)

    def with_playbook(self, playbook: Playbook) -> BrainState:
        """This state with another playbook: each strike's (cheaper than ``replace``)."""
        return BrainState(self.queue, self.floor, self.context, playbook)


def _never(a: str, b: str) -> bool:
    return False


def step(
    state: BrainState,
    item: BrainInput,
    now: float,
    cfg: BrainConfig,
    *,
    fold: Fold = _never,
    plan: modes.Plan | None = None,
) -> tuple[BrainState, list[Action]]:
    """Advance the state machine by one input at stream time ``now``.

    ``fold(a, b)`` says whether two messages mean the same (folded questions become
    one candidate with a count); ``plan`` is ``modes.plan(cfg)``, made once by the caller.
    """
    plan = plan or modes.plan(cfg)
    actions: list[Action] = []
    if state.context.started is None:
        state = replace(state, context=replace(state.context, started=now))
    floor, context = state.floor, state.context
    if isinstance(item, Message):
        state = _enqueue(state, item, now, cfg, plan, fold, actions)
    elif isinstance(item, Control):
        state = _control(state, item, now, cfg, actions)
    elif isinstance(item, StreamerVoice):
        state = _streamer(state, item.speaking, now, cfg, actions)
    elif isinstance(item, Transcript):
        if item.final and item.text:
            state = replace(state, context=ctx.heard(context, item.text, now))
            state = _drop_answered(state, item.text, actions)
    elif isinstance(item, UtteranceDone):
        if item.utterance_id == floor.in_flight:
            actions.extend(fl.settled(floor, item.outcome))
            state = replace(state, floor=fl.finish(floor, now, cfg))
    elif isinstance(item, Audio):
        if item.utterance_id == floor.in_flight:
            # A sentence started: the reply is alive, so the stuck-reply timeout starts over.
            state = replace(state, floor=replace(floor, audible=True, in_flight_since=now))
    elif isinstance(item, TopicSeen):
        state = replace(state, context=replace(context, topic=item.topic))
    elif isinstance(item, Strike):
        state = state.with_playbook(pb.strike(state.playbook, item, now, plan, actions))
    if cfg.topics.schedule:
        state = _rotate(state, now, cfg, plan)
    if now > state.queue.next_expiry:
        state = _expire(state, now, actions)
    floor = state.floor
    if floor.in_flight:
        if now - floor.in_flight_since > cfg.reply_timeout_s:
            actions.append(StopReply(floor.in_flight, "timeout"))
            state = replace(state, floor=replace(floor, in_flight_since=math.inf, stopped_by="timeout"))
    elif fl.may_speak(floor, now, cfg):
        state = _next_reply(state, now, cfg, actions)
    return _show(state, now, cfg, actions), actions


def _streamer(
    state: BrainState, speaking: bool, now: float, cfg: BrainConfig, actions: list[Action]
) -> BrainState:
    floor = state.floor
    if not speaking:
        return replace(state, floor=replace(floor, streamer_talking=False, streamer_quiet_since=now))
    floor = replace(floor, streamer_talking=True)
    state = replace(state, floor=floor)
    if not floor.in_flight:
        return state
    actions.append(StopReply(floor.in_flight, "streamer", cfg.interrupt == "finish_sentence"))
    return _requeue(replace(state, floor=replace(floor, stopped_by="streamer")), cfg, by_mute=False)


def _requeue(state: BrainState, cfg: BrainConfig, *, by_mute: bool) -> BrainState:
    """The reply just cut off goes back to its old place in the queue, once, when it should be
    said again after the gap (``queue.resumes``); else it ends as not answered."""
    current = state.floor.current
    if current is None or not q.resumes(current, cfg, by_mute=by_mute):
        return state
    again = replace(current, resumed=True, ready=-math.inf)
    return replace(state, queue=q.put_back(state.queue, again), floor=replace(state.floor, current=None))


def _enqueue(
    state: BrainState,
    message: Message,
    now: float,
    cfg: BrainConfig,
    plan: modes.Plan,
    fold: Fold,
    actions: list[Action],
) -> BrainState:
    event = message.event
    uid = event.uid or event.uname
    playbook = state.playbook
    if playbook.ignored and isinstance(event, Danmaku | Enter) and playbook.ignored.get(uid, -math.inf) > now:
        actions.append(Emit(q.filtered(message, FilterReason.IGNORED)))
        return state
    if "instruction" in message.tags:
        if isinstance(event, Danmaku):
            # Orders from viewers are data: never answered, not even with agreement.
            actions.append(Emit(q.filtered(message, FilterReason.INSTRUCTION)))
            return state
        if isinstance(event, SuperChat):
            message = replace(message, text="")  # the payment is thanked, the orders ignored
    if not plan.burst_tags.isdisjoint(message.tags):
        playbook, queue = pb.feed_bursts(state.playbook, state.queue, message.tags, now, plan)
        state = replace(state, playbook=playbook, queue=queue)
    kind = classify(message, cfg.bot_name)
    if kind is None:
        actions.append(Emit(q.filtered(message, FilterReason.COUNTED)))
        return state
    mode = ""
    if plan.message and isinstance(event, Danmaku):
        mode, blocked = modes.message_mode(plan, message.text, message.tags)
        if blocked:
            actions.append(Emit(q.filtered(message, FilterReason.BLOCKED, mode)))
            return state
    mode = mode or modes.burst_mode(plan, state.playbook.active, kind, message.tags, now)
    if isinstance(event, Gift) and event.combo_id and event.combo_id in state.floor.thanked_combos:
        actions.append(Emit(q.filtered(message, FilterReason.COMBO_THANKED, event.combo_id)))
        return state
    queue, into = q.fold_into(state.queue, kind, message, now, cfg, fold)
    if into is not None:
        head = into.message.event.type if into.message is not None else ""  # (Candidate.events)
        if kind not in ("gift", "greeting") or head != event.type:
            actions.append(Emit(q.filtered(message, FilterReason.FOLDED, q.text_of(into))))
        return state.with_queue(queue)
    return _wait(state, message, kind, mode, now, cfg, actions)  # (nothing folded: the same queue)


def _wait(
    state: BrainState,
    message: Message,
    kind: ReplyKind,
    mode: str,
    now: float,
    cfg: BrainConfig,
    actions: list[Action],
) -> BrainState:
    """``message`` as a new candidate in the queue (pushing the least important one out when full)."""
    event, queue = message.event, state.queue
    ready = -math.inf
    if kind == "gift":
        ready = now + cfg.gift_batch_s
    elif kind == "greeting":
        ready = now + cfg.welcome_batch_s
    names = (message.name,) if kind == "greeting" else ()
    amount = event.count if isinstance(event, (Gift, Guard)) else 1
    candidate = Candidate(
        kind,
        message,
        now,
        queue.seq,
        amount,
        expires=now + q.patience(kind, cfg),
        ready=ready,
        names=names,
        mode=mode,
    )
    wait_until = min(queue.wait_until, fl.free_at(candidate, state.floor, cfg))
    queue, victim = q.add(queue, candidate, cfg, wait_until)
    if victim is not None:
        actions.extend(Emit(f) for f in q.not_answered(victim, FilterReason.OVERFLOW))
    return state.with_queue(queue)


def _control(
    state: BrainState, control: Control, now: float, cfg: BrainConfig, actions: list[Action]
) -> BrainState:
    action = control.action
    floor = state.floor
    if action in ("mute", "skip", "reset") and floor.in_flight:
        actions.append(StopReply(floor.in_flight, "mute" if action == "mute" else action))
        state = replace(state, floor=replace(floor, stopped_by=action))
        if action == "mute":
            state = _requeue(state, cfg, by_mute=True)
        floor = state.floor
    if action == "mute":
        return replace(state, floor=replace(floor, muted=True))
    if action == "unmute":
        return replace(
            state, floor=replace(floor, muted=False), queue=replace(state.queue, wait_until=-math.inf)
        )
    if action == "reset":
        for waiting in state.queue.pending:
            actions.extend(Emit(f) for f in q.not_answered(waiting, FilterReason.RESET))
        actions.append(ClearMemory())
        return replace(
            state,
            queue=Queue(seq=state.queue.seq),
            floor=replace(floor, thanked_combos=(), answered={}, kind_last={}),
            context=replace(state.context, heard=(), topic=""),
            playbook=replace(state.playbook, bursts={}, active={}),
        )
    if action == "say" and control.text:
        # The streamer's own words: spoken now, over cooldowns and mute.
        if floor.in_flight:
            actions.append(StopReply(floor.in_flight, "say"))
            if floor.current is not None:  # its UtteranceDone comes after the say's reply began
                cut = q.not_answered(floor.current, FilterReason.INTERRUPTED, "say")
                actions.extend(Emit(f) for f in cut)
        say = Candidate("say", None, now, state.queue.seq, say_text=control.text)
        state = replace(state, queue=replace(state.queue, seq=state.queue.seq + 1))
        return _start(state, say, now, cfg, actions)
    return state


def _rotate(state: BrainState, now: float, cfg: BrainConfig, plan: modes.Plan) -> BrainState:
    """The featured item of the schedule; a ``schedule`` mode pushes each new one."""
    context = ctx.rotated(state.context, now, cfg)
    if context is state.context:
        return state
    state = replace(state, context=context)
    if not plan.schedule:
        return state
    queue = state.queue
    push = Candidate(
        "promotion",
        None,
        now,
        queue.seq,
        topic=cfg.topics.schedule[context.featured],
        mode=plan.schedule,
        expires=now + q.patience("promotion", cfg),
    )
    # An older push still waiting is replaced: only the item on sale now is worth a line.
    queue, _ = q.without(queue, lambda c: c.kind == "promotion")
    queue, _ = q.add(queue, push, cfg)
    return replace(state, queue=replace(queue, wait_until=-math.inf))


def _expire(state: BrainState, now: float, actions: list[Action]) -> BrainState:
    queue, gone = q.without(state.queue, lambda c: now > c.expires)
    for waiting in gone:
        actions.extend(Emit(f) for f in q.not_answered(waiting, FilterReason.STALE))
    return replace(state, queue=queue)


def _drop_answered(state: BrainState, heard: str, actions: list[Action]) -> BrainState:
    """Questions the streamer just answered out loud leave the queue (the bot would repeat them)."""

    def answered(c: Candidate) -> bool:
        return c.kind == "question" and c.message is not None and answered_by(c.message.text, heard)

    queue, gone = q.without(state.queue, answered)
    for waiting in gone:
        actions.extend(Emit(f) for f in q.not_answered(waiting, FilterReason.ANSWERED_BY_STREAMER))
    return replace(state, queue=queue) if gone else state


def _next_reply(state: BrainState, now: float, cfg: BrainConfig, actions: list[Action]) -> BrainState:
    """Start the first candidate that is free now (the most-asked of its kind; thank-yous
    that piled up together), or a line about the topic after a silence."""
    queue, floor = state.queue, state.floor
    if not queue.pending:
        idle = ctx.idle_line(state.context, floor, now, queue.seq, cfg)
        if idle is None:
            return state
        return _start(replace(state, queue=replace(queue, seq=queue.seq + 1)), idle, now, cfg, actions)
    if now < queue.wait_until:
        return state
    free = [c for c in queue.pending if fl.free_at(c, floor, cfg) <= now]
    if not free:
        earliest = min(fl.free_at(c, floor, cfg) for c in queue.pending)
        return replace(state, queue=replace(queue, wait_until=earliest))
    chosen = free[0]
    if chosen.kind in q.FOLDED:
        # Of one kind, the message most viewers asked goes first.
        chosen = max((c for c in free if c.kind == chosen.kind), key=lambda c: c.count)
    taken = {id(chosen)}
    if chosen.kind in THANKS:
        together = [c for c in queue.pending if c is not chosen and c.kind in THANKS and c.ready <= now]
        if together:
            taken |= {id(c) for c in together}
            chosen = q.batch_thanks(chosen, together, now, cfg)
    queue, _ = q.without(queue, lambda c: id(c) in taken)
    return _start(replace(state, queue=queue), chosen, now, cfg, actions)


def _start(
    state: BrainState, candidate: Candidate, now: float, cfg: BrainConfig, actions: list[Action]
) -> BrainState:
    actions.append(StartReply(state.floor.next_id, candidate))
    return replace(
        state,
        floor=fl.begin(state.floor, candidate, now, cfg),
        queue=replace(state.queue, wait_until=-math.inf),
    )


def _show(state: BrainState, now: float, cfg: BrainConfig, actions: list[Action]) -> BrainState:
    mode = mode_of(state.floor, now, cfg)
    context = state.context
    topic = ctx.shown_topic(context, cfg)
    if mode == context.shown and topic == context.shown_topic:
        return state
    actions.append(Emit(StateChange(state=mode, muted=state.floor.muted, topic=topic)))
    return replace(state, context=replace(context, shown=mode, shown_topic=topic))
