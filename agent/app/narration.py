"""The demo's and the run's log lines: what the bot said (and, when it was cut off, what it
meant to say and what cut it off), what the streamer said and did (mute, unmute), and what
was not answered and why. Paid messages left unanswered are always shown; the rest of the
"not answered" lines only with ``-v`` (the summary's tables count them all)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any

from agent.bus import EventQueue
from agent.events import Control, Event, Filtered, Transcript, UtteranceDone

log = logging.getLogger("agent.app.demo")

NARRATED = frozenset({UtteranceDone.type, Filtered.type, Transcript.type, Control.type})
# Not answered, shown without -v: money and the viewers the bot stops listening to.
ALWAYS_SHOWN = frozenset({"gift", "super_chat", "guard", "viewer"})
_CAUSES = {
    "streamer": "the streamer talking",
    "mute": "mute",
    "skip": "skip",
    "say": "the streamer's own line (say)",
    "reset": "reset",
    "timeout": "no progress (reply timeout)",
}


def _quoted(text: str, limit: int = 80) -> str:
    return f"“{text[:limit]}…”" if len(text) > limit else f"“{text}”"


def _bot(event: UtteranceDone) -> str:
    if event.outcome == "spoken":
        return f"bot (spoken): {event.text or '(nothing said)'}"
    cause = _CAUSES.get(event.cause, event.cause)
    head = f"bot ({event.outcome}{f', by {cause}' if cause else ''})"
    if event.text:
        rest = event.planned[len(event.text) :].strip() if event.planned.startswith(event.text) else ""
        return f"{head}: {event.text}" + (f" [not said: {_quoted(rest)}]" if rest else "")
    if event.planned:
        return f"{head} before a word was said; planned: {_quoted(event.planned)}"
    return f"{head} before a sentence was written"


def _not_answered(event: Filtered) -> str:
    if event.of == "viewer":
        return f"ignoring viewer {event.uname or '(no name)'} for a while ({event.rule or event.reason})"
    who = f" from {event.uname}" if event.uname else ""
    said = f": {event.text}" if event.text else ""
    rule = f", {event.rule}" if event.rule else ""
    if event.reason == "folded":
        if not event.rule:
            rule = ", into a welcome waiting"
        elif event.rule == event.text:
            rule = ", the same as one waiting"
        else:
            rule = f", into {_quoted(event.rule)}"
    many = f" ×{event.events}" if event.events > 1 else ""
    return f"not answered ({event.reason}{rule}): {event.of}{many}{who}{said}"


def narration(event: Event, *, verbose: bool = True) -> str | None:
    """One line for what the bot said, what it left out and why, and what the streamer said or did."""
    if isinstance(event, UtteranceDone):
        return _bot(event)
    if isinstance(event, Filtered):
        if not verbose and event.of not in ALWAYS_SHOWN:
            return None
        return _not_answered(event)
    if isinstance(event, Transcript) and event.final and event.text:
        return f"streamer: {event.text}"
    if isinstance(event, Control):
        origin = f" (from {event.origin})" if event.origin else ""
        said = f": {event.text}" if event.text else ""
        return f"streamer pressed {event.action}{origin}{said}"
    return None


def narrator(verbose: bool) -> Callable[[EventQueue], Coroutine[Any, Any, None]]:
    """The narrator stage: log lines above the progress bar (texts arrive cleaned at the source)."""

    async def narrate(queue: EventQueue) -> None:
        while True:
            line = narration(await queue.get(), verbose=verbose)
            if line is not None:
                log.info("%s", line)

    return narrate
