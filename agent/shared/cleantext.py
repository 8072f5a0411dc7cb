"""The one text cleaner: what no chat line, name, transcript or reply line may carry.

Text enters the bus clean, once, at its boundary: every source's events
(``agent.sources.boundary.admit``), the streamer's transcripts (the ears), the
model's reply sentences (the reply stage) and the control API's ``say``. Later
stages (the brain, the prompt, the overlay, OBS) take it as it is.

Removed: lone surrogates (they cannot be written as UTF-8, so they would kill the
recorder), NUL and the other C0/C1 control characters, and the bidi overrides,
isolates and marks (U+202A-202E, U+2066-2069, U+200E/200F, U+061C) that reverse or
hide the rest of a line in OBS and the overlay. Line breaks and tabs become spaces.
Zero-width joiners stay: emoji sequences need them, and the brain's filters handle
invisible text. A hand-made ``str.translate`` table: no library draws this line
between "breaks a display" and "part of the text".
"""

from __future__ import annotations

import re

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
_OVERRIDES = [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]
_NAME_TABLE: dict[int, str | None] = {**_TABLE, **dict.fromkeys(_OVERRIDES, "\ufffd")}
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ud800-\udfff]"
)


def clean_text(text: str) -> str:
    """``text`` without control, bidi and lone-surrogate characters; breaks become spaces."""
    if _UNSAFE.search(text) is None:  # the common case: nothing to copy
        return text
    return text.translate(_TABLE)


def clean_name(name: str) -> str:
    """``clean_text`` for a viewer name, except that a bidi override leaves U+FFFD in its place."""
    if _UNSAFE.search(name) is None:
        return name
    return name.translate(_NAME_TABLE)
