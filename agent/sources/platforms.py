"""What the platforms are like: the facts about Bilibili and Twitch that later stages need.

The sources know the platforms; the brain, the reply and the overlay read these
facts here (by an event's ``platform``) instead of keeping their own copies: which
language a room speaks, what to call a viewer whose name must not be said, how long
a real chat line or name can be, what Bilibili's guard levels are called. Pure data,
no imports from the rest of the sources.
"""

from __future__ import annotations

__all__ = [
    "ANONYMOUS",
    "ANONYMOUS_EN",
    "ENGLISH_PLATFORMS",
    "GUARD_NAMES",
    "MAX_NAME",
    "MAX_TEXT",
    "anonymous",
    "guard_name",
    "is_english",
]

# Said and shown instead of a name that is not safe to say (by the event's platform).
ANONYMOUS = "这位朋友"
ANONYMOUS_EN = "friend"

# 大航海 levels by number (Bilibili; Twitch sub tiers map onto them): what thank-you lines call them.
GUARD_NAMES = {1: "总督", 2: "提督", 3: "舰长"}

# The longest viewer text any source passes on (agent/sources/boundary.py cuts there): far
# above any platform's own limit (a Bilibili danmaku holds 20-40 characters, a super chat
# 100, a Twitch message 500), so only garbage, an attack or a bridge's bug is cut.
MAX_TEXT = 2000

# Names longer than this came from somewhere other than a platform (Bilibili caps them at 16
# characters, Twitch at 25): the brain refuses them without reading them.
MAX_NAME = 64

# Rooms that speak English: replies, fallback names and room facts in English.
ENGLISH_PLATFORMS = frozenset({"twitch"})


def is_english(name: str) -> bool:
    """True when a room on platform ``name`` speaks English (Twitch)."""
    return name in ENGLISH_PLATFORMS


def anonymous(name: str = "") -> str:
    """The neutral address said and shown instead of a refused viewer name on platform ``name``."""
    return ANONYMOUS_EN if name in ENGLISH_PLATFORMS else ANONYMOUS


def guard_name(level: int) -> str:
    """What a guard level is called (舰长 for a level no platform sends)."""
    return GUARD_NAMES.get(level, GUARD_NAMES[3])
