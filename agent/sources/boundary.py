"""What every source does to an event before publishing it: clean text, plausible numbers.

This is where incoming text is cleaned, once: later stages (the brain, the prompt,
the overlay, OBS) take an event's text as clean of these characters and as short.

Viewer text and names come from strangers. ``admit`` cuts a text longer than any
platform sends (``platforms.MAX_TEXT``) and cleans every text field with the one
cleaner (agent/shared/cleantext.py: control, bidi and lone-surrogate characters out).

Numbers a platform (or a bridge) sends must be finite, non-negative and below
a ceiling no real room reaches; an event that breaks that is refused with
``Implausible`` rather than guessed at, so a forged "gift" of 10^17 never
jumps the queue.
"""

from __future__ import annotations

import dataclasses
import math
from typing import TypeVar

from agent.events import Event
from agent.shared.cleantext import clean_name, clean_text
from agent.sources.platforms import MAX_TEXT

E = TypeVar("E", bound=Event)

MAX_COUNT = 1_000_000  # gifts, likes, raid viewers, months: far above any real message
MAX_PRICE = 1_000_000.0  # yuan; a year of 总督 is about 240,000
MAX_DURATION_S = 86_400
_CEILINGS = {"count": MAX_COUNT, "price": MAX_PRICE, "duration_s": MAX_DURATION_S}
_NUMBERS = ("count", "price", "duration_s", "level", "guard_level", "medal_level", "user_level", "gift_id")

# Fields that hold a viewer's name: cleaned as names (agent/shared/cleantext.py clean_name).
NAME_FIELDS = frozenset({"uname", "reply_to"})


class Implausible(ValueError):
    """An event carries a number no real room sends (negative, infinite, absurdly large)."""


@dataclasses.dataclass(frozen=True, slots=True)
class _Plan:
    """Which fields of one event type ``admit`` reads."""

    texts: tuple[str, ...]
    numbers: tuple[str, ...]


_PLANS: dict[type, _Plan] = {}


def _plan(kind: type) -> _Plan:
    plan = _PLANS.get(kind)
    if plan is None:
        fields = [f for f in dataclasses.fields(kind) if f.name != "type"]
        texts = tuple(f.name for f in fields if f.type in ("str", str))
        numbers = tuple(n for n in _NUMBERS if any(f.name == n for f in fields))
        plan = _PLANS[kind] = _Plan(texts, numbers)
    return plan


def problem(event: Event) -> str:
    """Why ``event``'s numbers cannot be true ("" when they can)."""
    for name in _plan(type(event)).numbers:
        value = getattr(event, name)
        ceiling = _CEILINGS.get(name, math.inf)
        if type(value) is int and 0 <= value <= ceiling:  # the common case, checked first
            continue
        if isinstance(value, bool) or not isinstance(value, int | float):
            continue
        if not math.isfinite(value) or value < 0:
            return f"{event.type}.{name} = {value!r}: must be a non-negative number"
        if value > ceiling:
            return f"{event.type}.{name} = {value!r}: above {ceiling:g}, not a real {event.type}"
    return ""


def admit(event: E) -> E:
    """``event`` with every text field cut to ``MAX_TEXT`` and cleaned; Implausible when its
    numbers cannot be true."""
    reason = problem(event)
    if reason:
        raise Implausible(reason)
    changes: dict[str, str] = {}
    for name in _plan(type(event)).texts:
        value = getattr(event, name)
        if len(value) > MAX_TEXT:  # garbage or an attack: no platform sends this much
            value = changes[name] = value[:MAX_TEXT]
        # isprintable() is a fast "nothing to strip" (it is False for every unsafe character,
        # and also for a few harmless ones such as U+3000, which the cleaner then lets through).
        if not value.isprintable():
            cleaned = clean_name(value) if name in NAME_FIELDS else clean_text(value)
            if cleaned is not value:
                changes[name] = cleaned
    return dataclasses.replace(event, **changes) if changes else event  # type: ignore[arg-type]
