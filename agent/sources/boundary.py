"""What every source does to an event before publishing it: clean text, plausible numbers.

Viewer text and names come from strangers. ``admit`` strips what no chat line
needs and what breaks the things downstream: lone surrogates (they cannot be
written as UTF-8, so they would kill the recorder), NUL and the other C0/C1
control characters, and the bidi overrides and isolates (U+202A-202E,
U+2066-2069 and the marks) that reverse or hide the rest of a reply line in
OBS and the overlay. Line breaks and tabs become spaces. Zero-width joiners
stay: emoji sequences need them, and the brain's filters handle invisible text.

Numbers a platform (or a bridge) sends must be finite, non-negative and below
a ceiling no real room reaches; an event that breaks that is refused with
``Implausible`` rather than guessed at, so a forged "gift" of 10^17 never
jumps the queue.
"""

from __future__ import annotations

import dataclasses
import math
import re
from typing import TypeVar

from agent.events import Event

E = TypeVar("E", bound=Event)

MAX_COUNT = 1_000_000  # gifts, likes, raid viewers, months: far above any real message
MAX_PRICE = 1_000_000.0  # yuan; a year of 总督 is about 240,000
MAX_DURATION_S = 86_400
_CEILINGS = {"count": MAX_COUNT, "price": MAX_PRICE, "duration_s": MAX_DURATION_S}
_NUMBERS = ("count", "price", "duration_s", "level", "guard_level", "medal_level", "user_level", "gift_id")

_SPACES = "\t\n\r\x85\u2028\u2029"
_DROPPED = [
    *range(0x00, 0x20),  # C0
    *range(0x7F, 0xA0),  # DEL, C1
    *(0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)),  # bidi
    *range(0xD800, 0xE000),  # surrogates: only ever "lone" inside a Python str
]
_TABLE: dict[int, str | None] = dict.fromkeys(_DROPPED)
_TABLE.update({ord(c): " " for c in _SPACES})
# In a name, a bidi override, embedding or isolate becomes U+FFFD instead of vanishing: what
# such a name says depends on how it is drawn (‮猪是播主 shows as 主播是猪), so the brain's
# name check (agent/brain/names.py) must see that it had one and never say it.
NAME_FIELDS = frozenset({"uname", "reply_to"})
_OVERRIDES = [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]
_NAME_TABLE: dict[int, str | None] = {**_TABLE, **dict.fromkeys(_OVERRIDES, "\ufffd")}
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ud800-\udfff]"
)


class Implausible(ValueError):
    """An event carries a number no real room sends (negative, infinite, absurdly large)."""


def clean_text(text: str) -> str:
    """``text`` without control, bidi and lone-surrogate characters; breaks become spaces."""
    if _UNSAFE.search(text) is None:  # the common case: nothing to copy
        return text
    return text.translate(_TABLE)


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
    """``event`` with every text field cleaned; Implausible when its numbers cannot be true."""
    reason = problem(event)
    if reason:
        raise Implausible(reason)
    changes: dict[str, str] = {}
    for name in _plan(type(event)).texts:
        value = getattr(event, name)
        # isprintable() is a fast "nothing to strip" (it is False for every unsafe character,
        # and also for a few harmless ones such as U+3000, which the regex then lets through).
        if not value.isprintable() and _UNSAFE.search(value) is not None:
            changes[name] = value.translate(_NAME_TABLE if name in NAME_FIELDS else _TABLE)
    return dataclasses.replace(event, **changes) if changes else event  # type: ignore[arg-type]
