"""Where the viewer typed a gap (a space or a symbol) around or inside a match, and Latin
words that run across an entry's letters: what ``agent.brain.matcher`` asks of the spaced
form before it judges a candidate by words, sound or sense."""

from __future__ import annotations

import re

__all__ = ["gap_inside", "gaps", "latin_runs_across"]


def gaps(spaced: str, start: int, stop: int) -> dict[str, bool]:
    """Whether a space or symbol stands just before and just after the compact span."""
    return {
        "gap_before": start > 0 and gap_inside(spaced, start - 1, start + 1),
        "gap_after": gap_inside(spaced, stop - 1, stop + 1),
    }


def gap_inside(spaced: str, start: int, stop: int) -> bool:
    """True when the compact span [start, stop) had a space or symbol inside it."""
    seen = 0  # characters of the compact form passed so far: the index of the next one
    for c in spaced:
        if c != " ":
            seen += 1
            if seen >= stop:
                return False
        elif start < seen < stop:
            return True
    return False


def latin_runs_across(spaced: str, compact: str, start: int, stop: int) -> str:
    """An entry that begins or ends with a Latin letter (加v, v信) inside a longer Latin
    word written without a gap (加vip, tv信号): the word is vip or tv, not the entry's letter.
    Letters followed by digits are an id (加vabc123) and still count."""
    after = stop < len(compact) and compact[stop].isascii() and compact[stop].isalpha()
    before = start > 0 and compact[start - 1].isascii() and compact[start - 1].isalpha()
    if not (after and compact[stop - 1].isascii()) and not (before and compact[start].isascii()):
        return ""
    if after and compact[stop - 1].isascii() and not gap_inside(spaced, stop - 1, stop + 1):
        run = re.match(r"[a-z0-9]*", compact[stop:])
        if run and not any(c.isdigit() for c in run.group()):
            return f"the Latin word it ends in runs on ({compact[stop - 1]}{run.group()})"
    if before and compact[start].isascii() and not gap_inside(spaced, start - 1, start + 1):
        return f"the Latin word it starts in runs on from before ({compact[start - 1]}{compact[start]})"
    return ""
