"""The English words inside one name: spaced where underscores, dots or case changes join them,
and run together, where a claim about the streamer is read (for ``agent.brain.names``).

Names join words the way a sentence cannot (host_is_a_liar, TheStreamerCheats,
saythehostisfake): the word rules read "host is a liar", and ``SQUASHED_RE`` reads the letters
alone, so a claim with no separator at all is still found.
"""

from __future__ import annotations

import re

__all__ = ["SQUASHED_RE", "letters", "words_of"]

# A subject and what is said of it, or the word before the streamer, letters run together.
SQUASHED_RE = re.compile(
    r"(?:streamer|host|bot|mods?|admins?)(?:is|are|was|so|r)?(?:an?|so|the|such)?(?:boring|ugly|fake|cringe|lame"
    r"|worst|awful|terrible|clowns?|losers?|sucks?|bald|dumb|stupid|trash|garbage|scam(?:mer)?s?|fraud|liars?|lies"
    r"|lying|thief|cheat(?:er|ers|s|ing)?|idiots?|morons?|sux|buys|bought|botted|botting|fakes|faked|steals|stole|stealing|jokes?|disgrace|failure|noob)"
    r"|(?:worst|lamest|trash|garbage|boring|ugly|fake|cringe|cheat(?:er|ing)?|lying|scam(?:mer)?|fraud|stupid|dumb"
    r"|loser|clown|liar|idiot|moron)"
    r"[a-z]{0,6}?(?:streamer|host)"
)
# Where one word of a name ends and the next begins: a case change, underscores, dots, dashes.
_WORD_GAP_RE = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|[_.\-·]+")


def words_of(name: str) -> str:
    """``name``'s words, lower case and spaced, when underscores, dots or case changes join
    them (TheStreamerCheats -> "the streamer cheats"); "" when nothing joins words."""
    if not _WORD_GAP_RE.search(name):
        return ""
    return " ".join(_WORD_GAP_RE.sub(" ", name).split()).lower()


def letters(name: str) -> str:
    """The Latin letters of ``name``, lower case, run together (what ``SQUASHED_RE`` reads)."""
    return "".join(c for c in name.lower() if "a" <= c <= "z")
