"""How one name is read (for ``agent.brain.names``): forwards and backwards, and the English
words inside it: spaced where underscores, dots or case changes join them, and run together,
where a claim about the streamer is read.

Names join words the way a sentence cannot (host_is_a_liar, TheStreamerCheats,
saythehostisfake): the word rules read "host is a liar", and ``SQUASHED_RE`` reads the letters
alone, so a claim with no separator at all is still found.
"""

from __future__ import annotations

import re

from agent.brain.normalize import Forms, forms, mirrors
from agent.shared.screen import caseless

__all__ = ["SQUASHED_RE", "letters", "readings", "words_of"]

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


def readings(whole: str, ahead: Forms) -> tuple[Forms, str, Forms | None, list[str]]:
    """For ``whole`` (a name's display form) and ``ahead = forms(whole)``: its forms read
    backwards, the words it joins and their forms, and every text the rules of
    ``agent.brain.names`` read in them (what its Screen looks at)."""
    if mirrors(whole):
        # Digits and ideographs only (观众123): its forms reversed; no case, letters or joins.
        forward = [*dict.fromkeys((whole, ahead.display, ahead.spaced, ahead.compact))]
        behind = Forms(ahead.display[::-1], ahead.spaced[::-1], ahead.compact[::-1])
        return behind, "", None, [*forward, *(text[::-1] for text in forward), ""]
    backwards = whole[::-1]
    behind = forms(backwards)
    texts = [*_texts(whole, ahead), *_texts(backwards, behind), letters(whole)]
    words = words_of(whole)  # host_is_a_liar -> "host is a liar": the rules read words
    spaced = forms(words) if words else None
    if spaced is not None:
        texts += _texts(words, spaced)
    return behind, words, spaced, texts


def _texts(name: str, found: Forms) -> list[str]:
    """Every text a rule of ``NameGuard._says`` reads, as written and lower-cased (for the rules that
    ignore case): the Screen looks for what they need in these."""
    texts = [*dict.fromkeys((name, found.display, found.spaced, found.compact))]  # often all one
    lowered = [name.lower(), found.display.lower()]  # what the tagger reads (display.lower())
    if "".join(texts).isascii():
        return texts + lowered  # ASCII: lower case is what re.IGNORECASE compares
    return texts + lowered + [caseless(t) for t in texts]
