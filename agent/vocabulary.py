"""Words the stages share beyond the events themselves: what a reply answers, why the
brain leaves something unanswered. (What the platforms call things is in
agent/sources/platforms.py.)"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

# What a reply answers: the brain ranks these, prompts and the template engine pick lines by them.
ReplyKind = Literal[
    "super_chat",
    "guard",
    "gift",
    "thanks",  # several thank-yous that piled up, said as one line
    "mention",
    "question",
    "greeting",
    "follow",
    "chatter",
    "say",
    "promotion",
    "idle",
]


class FilterReason(StrEnum):
    """Why the brain did not answer something (``Filtered.reason``; ``[brain.modes]`` ``reasons``)."""

    EMPTY = "empty"
    TOO_LONG = "too_long"
    BANNED_WORD = "banned_word"
    CONTACT_SOLICIT = "contact_solicit"
    FLOOD = "flood"
    REPEAT = "repeat"
    USER_RATE = "user_rate"
    INSTRUCTION = "instruction"  # a viewer trying to give the bot orders (prompt injection)
    ENDORSEMENT = "endorsement"  # a reply sentence agreeing with an order, claim or insult (dropped)
    IGNORED = "ignored"
    IGNORED_VIEWER = "ignored_viewer"
    BLOCKED = "blocked"
    COMBO_THANKED = "combo_thanked"
    FOLDED = "folded"
    OVERFLOW = "overflow"
    RESET = "reset"
    STALE = "stale"
    ANSWERED_BY_STREAMER = "answered_by_streamer"
    # What became of a reply: every viewer event it answered ends spoken or with one of these.
    INTERRUPTED = "interrupted"  # Filtered.rule: what stopped it (streamer, mute, skip, say, reset, timeout)
    REPLY_FAILED = "reply_failed"  # the model or the voice failed, or the reply came out empty
    COUNTED = "counted"  # likes and other events the bot counts but never answers
