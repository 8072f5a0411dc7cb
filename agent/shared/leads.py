"""One big alternation, searched at the cost of a character test per position.

Python's ``re`` skips ahead with a "first character" set only when every branch of a pattern
starts with a plain literal. A combined rule (``(?:忽略|无视)…|(?:^|你|请)…|(?<!别)骂…``) does
not, so at every position of a message the engine tries every branch: a message cost as
much as one search per family. ``gated`` works out, from the parsed pattern, every character
a match can start with and puts a lookahead for that set in front, so a position that cannot
start a match fails after one set test, in C. The matches are the same: the lookahead only
rules out positions where no branch could begin (a pattern whose start cannot be bounded,
``.`` or a negated set first, is compiled as it is).

``word_start=True`` (for English on a lowercased form, where every branch begins a word) also
skips a letter that continues a word, so "restrictions" is tried once, not at each letter.

The parser is the standard library's own (``re._parser``, what ``re.compile`` runs); if its
shape ever changes, ``first_chars`` returns None and the pattern is compiled ungated.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["branches", "first_chars", "gated"]

_MAX_RANGE = 512  # a wider class in first position ([a-z] is fine, [^x] or \w is not bounded)


def first_chars(pattern: str) -> frozenset[str] | None:
    """Every character a match of ``pattern`` can start with; None when that is unbounded
    (a match may start with any character, or be empty)."""
    try:
        from re import _parser

        chars, nullable = _first(list(_parser.parse(pattern)))
    except (ImportError, AttributeError, TypeError, ValueError, re.error):
        return None
    return None if nullable else frozenset(chars)


def _first(items: list[Any]) -> tuple[set[str], bool]:
    """(first characters, whether the sequence can match empty) of a parsed sequence; raises
    ValueError where the set is unbounded."""
    found: set[str] = set()
    for op, av in items:
        chars, nullable = _item(str(op), av)
        found |= chars
        if not nullable:
            return found, False
    return found, True


def _item(op: str, av: Any) -> tuple[set[str], bool]:
    if op == "LITERAL":
        return {chr(av)}, False
    if op == "IN":
        return _charset(av), False
    if op in ("AT", "ASSERT", "ASSERT_NOT"):  # zero width: what follows starts the match
        return set(), True
    if op == "SUBPATTERN":
        return _first(list(av[3]))
    if op == "ATOMIC_GROUP":
        return _first(list(av))
    if op == "BRANCH":
        found: set[str] = set()
        nullable = False
        for branch in av[1]:
            chars, empty = _first(list(branch))
            found |= chars
            nullable |= empty
        return found, nullable
    if op in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
        chars, empty = _first(list(av[2]))
        return chars, empty or av[0] == 0
    raise ValueError(op)  # ANY, NOT_LITERAL, a group reference: any character may start it


def _charset(members: Any) -> set[str]:
    found: set[str] = set()
    for op, av in members:
        if str(op) == "LITERAL":
            found.add(chr(av))
        elif str(op) == "RANGE" and av[1] - av[0] < _MAX_RANGE:
            found.update(chr(c) for c in range(av[0], av[1] + 1))
        else:  # NEGATE, CATEGORY (\w, \d), a wide range
            raise ValueError(str(op))
    return found


def branches(pattern: str) -> list[str]:
    """The top-level alternatives of ``pattern`` (split at ``|`` outside groups and classes)."""
    parts, depth, start, i, in_class = [], 0, 0, 0, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
            if pattern[i + 1 : i + 2] == "]" or pattern[i + 1 : i + 3] == "^]":  # a leading ] is literal
                i += 2 if pattern[i + 1] == "]" else 3
                continue
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
        i += 1
    return [*parts, pattern[start:]]


# What a branch may begin with that the word-start gate already checks.
_WORD_EDGE = re.compile(r"^(?:\\b|\(\?<!\[a-z0-9'?\]\))")


def gated(pattern: str, *, word_start: bool = False) -> re.Pattern[str]:
    """``pattern`` compiled with a lookahead for its first characters (see the module
    docstring); as it is when they cannot be bounded."""
    if word_start:  # the gate checks the word edge: a branch starting with a literal is tried faster
        pattern = "|".join(_WORD_EDGE.sub("", branch) for branch in branches(pattern))
    chars = first_chars(pattern)
    if chars is None:
        return re.compile(pattern)
    lead = "".join(sorted(re.escape(c) for c in chars))
    gate = f"(?=[{lead}])"
    if word_start:  # a letter that continues a word never starts a match
        gate = f"(?:(?![a-z])|(?<![a-z0-9'])){gate}"
    return re.compile(f"{gate}(?:{pattern})")
