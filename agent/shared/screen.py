"""A cheap, exact first screen: text that holds none of the strings a set of patterns needs
cannot match any of them, so the patterns need not run.

``needs(pattern)`` reads a compiled regex's own parse tree (``re._parser``) and returns a set
of strings such that every match of the pattern contains at least one of them, or None when
no such set can be told (a pattern of wildcards, digit classes or optional parts only).
``Screen(patterns, literals)`` puts every needed string (and the plain ``literals``, cue
words found by substring) in one Aho-Corasick automaton; ``Screen.quiet(texts)`` is True
only when none of them occurs in any of ``texts`` and none of the patterns that need
nothing in particular matches: then no pattern of the set can match any of ``texts``.

Why it is exact: a match of a sequence contains a match of each of its parts, so a part's
needed strings serve the whole (the rarest part is kept); a match of an alternation is a
match of one branch (the union of the branches' sets); a repeat with a minimum of one holds
its body; consecutive parts with few possible texts (literals, small classes, short
alternations) give their exact concatenations. Lookarounds and anchors only restrict where
a match may be, so they need nothing. Case-insensitive parts need their ``caseless`` form
(lower case, and ı, ſ, K read as i, s, k as the regex engine does): the caller passes the
texts in that form too.

Written here because no library does this: regex "prefilter" extraction exists for RE2 and
Hyperscan (C++), not for Python's ``re`` syntax, and these patterns use lookbehind.
"""

from __future__ import annotations

import itertools
import re
import re._constants as sre  # the parse tree's opcodes
import re._parser as sre_parse  # Python's own regex parser
from collections.abc import Iterable
from dataclasses import dataclass
from re._casefix import _EXTRA_CASES  # what IGNORECASE matches beyond lower case
from typing import Any

import ahocorasick
import ahocorasick_rs

from agent.shared.leads import gated

__all__ = ["Patterns", "Screen", "caseless", "needs"]

_MAX_SET = 1024  # more possible texts than this: stop enumerating them
_MAX_CLASS = 16  # a character class larger than this ([a-z], [\u4e00-\u9fff]) needs nothing in particular


@dataclass(frozen=True, slots=True)
class _Info:
    exact: frozenset[str] | None  # every text the node can match, when few
    need: frozenset[str] | None  # every match contains one of these; None: nothing known


_NOTHING = _Info(None, None)
_EMPTY = _Info(frozenset({""}), None)  # zero-width: anchors, lookarounds


def needs(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Strings one of which every match of ``pattern`` contains; None when none can be told."""
    tree = sre_parse.parse(pattern.pattern, pattern.flags)
    need = _sequence(list(tree), bool(pattern.flags & re.IGNORECASE)).need
    return need if need and "" not in need else None


# Characters common in names and chat (a rough guess, only used to pick which part of a
# pattern to look for: any choice is exact, a rarer one leaves more names quiet).
_COMMON = frozenset("我你他她的是了在有不人好大小真快加私用把请一个这那来去说要给主播天")


def _cost(strings: frozenset[str]) -> float:
    """How likely some string of the set is to occur in a name: lower is better."""
    total = 0.0
    for s in strings:
        p = 1.0
        for c in s:
            p *= 0.3 if c in _COMMON or c.isascii() else 0.03
        total += p
    return total


def _product(a: frozenset[str] | None, b: frozenset[str] | None) -> frozenset[str] | None:
    if a is None or b is None or len(a) * len(b) > _MAX_SET:
        return None
    return frozenset(x + y for x, y in itertools.product(a, b))


def _sequence(items: list[Any], icase: bool) -> _Info:
    infos = [_node(op, av, icase) for op, av in items]
    candidates = [i.need for i in infos if i.need]
    exact: frozenset[str] | None = frozenset({""})
    for info in infos:
        exact = _product(exact, info.exact)
    # Each run of consecutive parts with few texts, from each start as far as it stays small.
    for start in range(len(infos)):
        run: frozenset[str] | None = frozenset({""})
        for info in infos[start:]:
            run = _product(run, info.exact)
            if run is None:
                break
            if "" not in run:
                candidates.append(run)
    valid = [c for c in candidates if c and "" not in c]
    # The longest shortest string first (a single character is in many names), then the rarest.
    best = min(valid, key=lambda c: (-min(map(len, c)), _cost(c))) if valid else None
    return _Info(exact, best)


def _node(op: Any, av: Any, icase: bool) -> _Info:
    if op is sre.LITERAL:
        c = caseless(chr(av)) if icase else chr(av)
        return _Info(frozenset({c}), frozenset({c}))
    if op is sre.IN:
        chars = _class(av, icase)
        return _Info(chars, chars) if chars is not None else _NOTHING
    if op is sre.BRANCH:
        infos = [_sequence(list(alt), icase) for alt in av[1]]
        exact = _union([i.exact for i in infos])
        need = _union([i.need for i in infos], limit=10_000)
        return _Info(exact, need)
    if op is sre.SUBPATTERN:
        _group, add, remove, body = av
        nocase = (icase or bool(add & re.IGNORECASE)) and not remove & re.IGNORECASE
        return _sequence(list(body), nocase)
    if op is sre.ATOMIC_GROUP:
        return _sequence(list(av), icase)
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
        low, high, body = av
        inner = _sequence(list(body), icase)
        if low == 0:
            exact = inner.exact | {""} if inner.exact is not None and high == 1 else None
            return _Info(exact, None)
        exact = inner.exact if low == high == 1 else None
        return _Info(exact, inner.need)
    if op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
        return _EMPTY
    return _NOTHING  # ANY, NOT_LITERAL, CATEGORY, GROUPREF...: anything may stand there


def _union(sets: list[frozenset[str] | None], limit: int = _MAX_SET) -> frozenset[str] | None:
    if any(s is None for s in sets):
        return None
    joined = frozenset().union(*[s for s in sets if s is not None])
    return joined if len(joined) <= limit else None


def _class(items: list[Any], icase: bool) -> frozenset[str] | None:
    chars: set[str] = set()
    for op, av in items:
        if op is sre.LITERAL:
            chars.add(chr(av))
        elif op is sre.RANGE and av[1] - av[0] < _MAX_CLASS:
            chars.update(chr(c) for c in range(av[0], av[1] + 1))
        else:  # NEGATE, CATEGORY (\d \s \w), a large range
            return None
        if len(chars) > _MAX_CLASS:
            return None
    return frozenset(caseless(c) for c in chars) if icase else frozenset(chars)


# Characters re.IGNORECASE takes for others beyond lower case (ı for i, ſ for s, Greek and
# Cyrillic variants): each group is read as its smallest member.
_SAME = {chr(k): min([chr(k), *map(chr, v)]) for k, v in _EXTRA_CASES.items()}
# The lower-case characters read as another one (ı as i, σ as ς): where str.lower is not enough.
_OTHERS = re.compile("[" + "".join(re.escape(k) for k, v in _SAME.items() if k != v) + "]")


def caseless(text: str) -> str:
    """``text`` as ``re.IGNORECASE`` compares it, one character for one (İ -> i, ı -> i, ſ -> s):
    a case-insensitive pattern's needed strings are in this form, so pass texts in it too."""
    if text.isascii():  # every ASCII character's group has it as its smallest member
        return text.lower()
    lowered = text.lower()
    # Most text (Chinese, most accents) lowers one for one to characters read as themselves:
    # then str.lower is the answer. İ lowers to two characters, the rest are in _OTHERS.
    if len(lowered) == len(text) and _OTHERS.search(lowered) is None:
        return lowered
    return text.translate(_CASELESS)


def _caseless_char(c: str) -> str:
    low = c.lower()[:1] or c
    return _SAME.get(low, low)


class _CaselessTable(dict[int, str]):
    """``caseless`` per character, worked out on first sight and kept (``str.translate``
    reads it at C speed); at most ``_CASELESS_MAX`` kept, so a flood of rare characters
    cannot grow it without bound."""

    def __missing__(self, cp: int) -> str:
        folded = _caseless_char(chr(cp))
        if len(self) < _CASELESS_MAX:
            self[cp] = folded
        return folded


_CASELESS_MAX = 1 << 16
_CASELESS = _CaselessTable()


class Screen:
    """``quiet(texts)``: True only when no pattern (or literal) given here can match any text."""

    def __init__(self, patterns: Iterable[re.Pattern[str]], literals: Iterable[str] = ()) -> None:
        strings = {s for s in literals if s}
        self.always: list[re.Pattern[str]] = []  # patterns with nothing needed: run them
        for pattern in patterns:
            found = needs(pattern)
            if found is None:
                self.always.append(pattern)
            else:
                strings |= found
        self.strings = frozenset(strings)
        # One Aho-Corasick pass over the joined texts finds any of the strings. ahocorasick-rs
        # (Rust): with the names' ~12k strings pyahocorasick's trie scans a node's children
        # one by one (~400 at the root) and costs ~2-5 us a name; this ~0.4 us.
        self._automaton = ahocorasick_rs.AhoCorasick(sorted(self.strings)) if self.strings else None

    def quiet(self, texts: list[str]) -> bool:
        # "\x00" joins the texts: no needed string holds it, so none is found across a joint.
        # The other patterns run on each text (they may be anchored).
        texts = list(dict.fromkeys(texts))
        if self._automaton is not None and self._automaton.find_matches_as_indexes("\x00".join(texts)):
            return False  # (non-overlapping matches: one is reported wherever any string occurs)
        for pattern in self.always:  # (loops: this runs for every new viewer's name)
            for text in texts:
                if pattern.search(text):
                    return False
        return True


class Patterns:
    """Several patterns searched as one alternation would be, each only where its needed
    strings occur: one Aho-Corasick pass over the text names the few patterns that can match
    (a pattern that needs nothing in particular is always searched). ``any(text)`` is what
    ``re.compile("|".join(patterns)).search(text) is not None`` says; ``which(text)`` is the
    indices of every pattern that matches. Exact for the reason ``Screen`` is; the patterns
    are compiled with ``agent.shared.leads.gated`` (same matches, cheaper misses)."""

    def __init__(self, patterns: Iterable[str]) -> None:
        sources = list(patterns)
        self.patterns = [gated(source) for source in sources]  # compiled, in the order given
        by_string: dict[str, list[int]] = {}
        always: list[int] = []
        for index, source in enumerate(sources):
            found = needs(re.compile(source))
            if found is None:
                always.append(index)
            for string in found or ():
                by_string.setdefault(string, []).append(index)
        self._always = tuple(always)
        self._automaton = ahocorasick.Automaton()
        for string, indices in by_string.items():
            self._automaton.add_word(string, tuple(indices))
        if by_string:
            self._automaton.make_automaton()

    def _candidates(self, text: str) -> tuple[int, ...]:
        """The patterns that can match ``text``: those a needed string of which occurs, and
        those that need nothing in particular (for most chat, only these). Built at once, not
        lazily: every message of a flood asks, and most find no string at all."""
        if not len(self._automaton):
            return self._always
        found: set[int] = set()
        for _end, indices in self._automaton.iter(text):
            found.update(indices)
        return (*found, *self._always) if found else self._always

    def any(self, text: str) -> bool:
        """True when some pattern matches ``text`` (searched, not anchored)."""
        candidates, patterns = self._candidates(text), self.patterns
        return bool(candidates) and any(patterns[i].search(text) is not None for i in candidates)

    def which(self, text: str) -> set[int]:
        """The indices of the patterns that match ``text``."""
        candidates = self._candidates(text)
        if not candidates:
            return set()
        patterns = self.patterns
        return {i for i in candidates if patterns[i].search(text) is not None}
