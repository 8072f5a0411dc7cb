"""Who was answered by what: one pass over a stream pairs viewer messages with answers.

Answers, best first: what the streamer said out loud after the question, within
``answer_window_s`` and about the same thing (the brain's ``answered_by``: half of
the question's content words are in what was said); else the bot's reply if it
was spoken to the end, not cut, skipped, muted or interrupted (those become
negative samples, kept apart), and never one whose sentences the output check
filtered. A recording does not say which message a reply answered: the reply is
linked to the latest message whose sender it names (a reply naming someone who
just sent a gift or came in is a thank-you, not an answer), else to the latest
question or mention before the bot started thinking.
"""

from __future__ import annotations

import math
from collections import Counter, deque
from dataclasses import dataclass, field

from agent.brain.answered import answered_by
from agent.brain.flood import near_duplicate
from agent.events import (
    AudioEnded,
    Control,
    Danmaku,
    Enter,
    Filtered,
    Gift,
    Guard,
    ReplySentence,
    StateChange,
    SuperChat,
    Transcript,
    UtteranceDone,
)
from agent.reply.sentences import join_sentences
from agent.tune.clean import Cleaned, Cleaner, sanitize
from agent.tune.logs import Stream

# Reasons the live bot refused a message outright; such a message is never a training question.
BOT_REFUSED = frozenset(
    {"banned_word", "contact_solicit", "instruction", "ignored", "ignored_viewer", "blocked", "empty"}
)
_RECENT = 256  # messages remembered for linking, folding and context
_TURN_GAP_S = 2.0  # transcripts closer than this are one thing said


@dataclass(frozen=True, slots=True)
class Windows:
    answer_window_s: float = 60.0
    link_window_s: float = 30.0
    fold_window_s: float = 60.0
    context_messages: int = 3
    context_window_s: float = 30.0


@dataclass(slots=True)
class Turn:
    """What the streamer said in one go (consecutive transcripts)."""

    mono: float
    end: float
    text: str


@dataclass(slots=True)
class Asked:
    mono: float
    uname: str
    text: str
    cleaned: Cleaned
    kind: str  # "danmaku" | "super_chat"
    price: float = 0.0
    duplicates: int = 0
    context: tuple[tuple[str, str], ...] = ()  # (name, text) of the chat just before
    heard: str = ""
    bot_refused: bool = False
    streamer: Turn | None = None
    bot_reply: str = ""
    negatives: list[tuple[str, str]] = field(default_factory=list)  # (reply, label)

    @property
    def answer(self) -> tuple[str, str] | None:
        """(text, source), best source first."""
        if self.streamer is not None:
            return self.streamer.text, "streamer"
        if self.bot_reply:
            return self.bot_reply, "bot"
        return None


@dataclass(slots=True)
class _Utterance:
    start: float
    sentences: list[str] = field(default_factory=list)
    cut: bool = False
    label: str = ""
    tainted: bool = False


@dataclass(slots=True)
class Paired:
    stream: str
    asked: list[Asked]
    names: set[str]
    duration: float
    counts: Counter[str]


class _Walk:
    def __init__(self, stream: Stream, cleaner: Cleaner, windows: Windows) -> None:
        self.stream = stream
        self.cleaner = cleaner
        self.w = windows
        self.asked: list[Asked] = []
        self.recent: deque[Asked] = deque(maxlen=_RECENT)
        self.others: deque[tuple[float, str]] = deque(maxlen=_RECENT)  # gifts, guards, entries
        self.names: set[str] = set()
        self.counts: Counter[str] = Counter()
        self.utterances: dict[int, _Utterance] = {}
        self.current: _Utterance | None = None
        self.thinking_at: float | None = None
        self.done_at = -math.inf
        self.taint_next = False
        self.turn: Turn | None = None

    def run(self) -> Paired:
        for timed in self.stream.events:
            self.step(timed.mono, timed.event)
        events = self.stream.events
        duration = events[-1].mono - events[0].mono if events else 0.0
        return Paired(self.stream.name, self.asked, self.names, duration, self.counts)

    def step(self, mono: float, event: object) -> None:
        if isinstance(event, Danmaku | SuperChat):
            self.names.add(event.uname)
            if event.text.strip() and not getattr(event, "emoticon", False):
                self.message(mono, event)
        elif isinstance(event, Gift | Guard | Enter):
            self.names.add(event.uname)
            self.others.append((mono, event.uname))
        elif isinstance(event, Filtered):
            self.filtered(event)
        elif isinstance(event, StateChange) and event.state == "thinking":
            self.thinking_at = mono
        elif isinstance(event, ReplySentence):
            self.sentence(mono, event)
        elif isinstance(event, AudioEnded) and event.cut:
            self.utterances.setdefault(event.utterance_id, _Utterance(mono)).cut = True
        elif isinstance(event, Control) and event.action in ("skip", "mute") and self.current is not None:
            self.current.label = self.current.label or event.action
        elif isinstance(event, UtteranceDone):
            self.done(mono, event)
        elif isinstance(event, Transcript) and event.final and event.text.strip():
            self.transcript(mono, event)

    # --- the room ---------------------------------------------------------

    def message(self, mono: float, event: Danmaku | SuperChat) -> None:
        cleaned = self.cleaner.clean(event.text)
        if cleaned.text is not None and isinstance(event, Danmaku):  # a paid message stands alone
            for earlier in reversed(self.recent):
                if mono - earlier.mono > self.w.fold_window_s:
                    break
                if earlier.cleaned.text is not None and near_duplicate(cleaned.text, earlier.text):
                    earlier.duplicates += 1
                    self.counts["near-duplicate questions folded"] += 1
                    return
        context = tuple(
            (a.uname, a.text)
            for a in list(self.recent)[-self.w.context_messages :]
            if mono - a.mono <= self.w.context_window_s and a.cleaned.text is not None
        )
        heard = self.turn.text if self.turn and mono - self.turn.end <= self.w.answer_window_s else ""
        asked = Asked(
            mono,
            event.uname,
            cleaned.text if cleaned.text is not None else sanitize(event.text),
            cleaned,
            event.type,
            price=event.price if isinstance(event, SuperChat) else 0.0,
            context=context,
            heard=heard,
        )
        self.asked.append(asked)
        self.recent.append(asked)

    def filtered(self, event: Filtered) -> None:
        if event.of == "reply_sentence":
            if self.current is not None:
                self.current.tainted = True
            else:
                self.taint_next = True
            return
        if event.reason not in BOT_REFUSED:
            return
        said = sanitize(event.text)
        for asked in reversed(self.recent):
            if said and (asked.text == said or sanitize(asked.text) == said or said in asked.text):
                asked.bot_refused = True
                return

    # --- the streamer -----------------------------------------------------

    def transcript(self, mono: float, event: Transcript) -> None:
        text = sanitize(event.text)
        turn = self.turn
        if turn is not None and mono - turn.end <= _TURN_GAP_S + max(0.0, event.end - event.start):
            turn.text += ("" if turn.text[-1:] in "，。！？,.!? " else "，") + text
            turn.end = mono
        else:
            turn = self.turn = Turn(mono, mono, text)
        for asked in reversed(self.recent):
            if turn.mono - asked.mono > self.w.answer_window_s:
                break
            if asked.mono >= turn.mono or asked.streamer is not None or asked.cleaned.text is None:
                continue
            if answered_by(asked.text, turn.text):
                asked.streamer = turn

    # --- the bot ----------------------------------------------------------

    def sentence(self, mono: float, event: ReplySentence) -> None:
        utterance = self.utterances.get(event.utterance_id)
        if utterance is None:
            thought = self.thinking_at
            fresh = thought is not None and thought > self.done_at and mono - thought <= self.w.link_window_s
            start = thought if fresh and thought is not None else mono
            utterance = self.utterances[event.utterance_id] = _Utterance(start)
            utterance.tainted, self.taint_next = self.taint_next, False
        utterance.sentences.append(event.text)
        self.current = utterance

    def done(self, mono: float, event: UtteranceDone) -> None:
        self.done_at = mono
        utterance = self.utterances.pop(event.utterance_id, None)
        if self.current is utterance:
            self.current = None
        if utterance is None or event.outcome in ("failed", "empty"):
            return
        text = sanitize(event.text or join_sentences(utterance.sentences))
        if utterance.tainted:
            self.counts["bot replies filtered by the output check"] += 1
            return
        label = utterance.label or (
            "interrupted" if event.outcome == "interrupted" else "cut" if utterance.cut else ""
        )
        asked = self.link(utterance.start, text)
        if asked is None:
            self.counts["bot replies not answering a message"] += 1
            return
        if label:
            asked.negatives.append((text, label))
        elif not asked.bot_reply:
            asked.bot_reply = text

    def link(self, start: float, reply: str) -> Asked | None:
        """The message a reply answers: its sender named in it, else the latest question or
        mention; None when it names someone else (a thank-you for a gift, a welcome)."""
        named = any(len(name) >= 2 and name in reply for name in self.names)
        fallback: Asked | None = None
        for asked in reversed(self.recent):
            if asked.mono > start:
                continue
            if start - asked.mono > self.w.link_window_s:
                break
            if asked.bot_refused or asked.bot_reply or asked.cleaned.text is None:
                continue
            if named and len(asked.uname) >= 2 and asked.uname in reply:
                gift_since = any(m >= asked.mono and u == asked.uname for m, u in self.others)
                return None if gift_since else asked
            if fallback is None and {"question", "mention"} & asked.cleaned.tags:
                fallback = asked
        return None if named else fallback


def pair_stream(stream: Stream, cleaner: Cleaner, windows: Windows = Windows()) -> Paired:
    return _Walk(stream, cleaner, windows).run()
