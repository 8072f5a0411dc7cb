"""Text normalisation for viewer chat: one display form to quote, match forms to search.

Viewers dodge filters with full-width letters, zero-width characters, Cyrillic
look-alikes, spaces or symbols between characters, traditional characters and
long runs of the same character. Everything here undoes those tricks once, with
C-speed ``str.translate`` and ``re`` calls, so the matchers downstream stay simple.

* ``display``: what the bot may quote: NFKC, invisible characters removed,
  character and emoji runs shortened, whitespace squeezed. The viewer's script
  (traditional characters, Cyrillic) is kept.
* ``spaced``: what the matchers see: ``display`` lowercased, look-alikes mapped to
  Latin, traditional mapped to simplified (opencc's character table), leet digits
  mapped inside words, every run of symbols/punctuation/emoji turned into one
  space, runs of three or more of one character folded to one (傻傻傻逼 -> 傻逼,
  666 -> 6; doubles like 妈妈 stay, except in a message with such a run: 舔舔舔狗狗).
  Japanese kana and CJK strokes count as fillers between characters (裸ヅ聊).
* ``compact``: ``spaced`` without spaces, so ``傻 . 逼`` reads ``傻逼``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import opencc

from agent.shared.leads import gated
from agent.shared.translate import translation

__all__ = [
    "Forms",
    "ascii_edge",
    "clear_forms_cache",
    "confusable_table",
    "display_form",
    "forms",
    "has_cjk",
    "match_form",
    "mirrors",
    "spaced_form",
]

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

# Letters drawn like Latin ones come from Unicode's TR39 confusables (confusable_table).
# These few are not in TR39 (they are look-alikes only in handwriting-style dodges:
# "и" for u, "п" for n) or map to two letters.
_LOOKALIKES_EXTRA = {
    "в": "b", "ё": "e", "з": "3", "и": "u", "й": "u", "к": "k", "м": "m", "н": "h", "п": "n",
    "т": "t", "ь": "b", "ї": "i", "β": "b", "ε": "e", "η": "n", "κ": "k", "τ": "t", "χ": "x",
    "ω": "w", "μ": "u", "ς": "s", "ł": "l", "ø": "o", "ß": "ss",
}  # fmt: skip
# Scripts whose characters are never read as Latin look-alikes (CJK, kana, hangul, full width).
_NOT_LATIN = ((0x1100, 0x1200), (0x2E80, 0xA000), (0xAC00, 0xD7B0), (0xF900, 0xFB00), (0xFF00, 0xFFF0))


@lru_cache(maxsize=1)
def confusable_table() -> dict[str, str]:
    """Lowercase letter or digit -> the ASCII letter/digit it is drawn like (TR39's
    confusables.txt through the ``confusable-homoglyphs`` package, plus _LOOKALIKES_EXTRA)."""
    from confusable_homoglyphs.confusables import confusables_data

    table: dict[str, str] = {}
    for char, glyphs in confusables_data.items():
        if len(char) != 1 or char.isascii() or any(a <= ord(char) < b for a, b in _NOT_LATIN):
            continue
        if unicodedata.category(char)[0] not in "LN":
            continue
        latin = [g["c"] for g in glyphs if len(g["c"]) == 1 and g["c"].isascii() and g["c"].isalnum()]
        if not latin:
            continue
        lower = char.lower()
        if len(lower) == 1 and (lower == char or lower not in table):
            table[lower] = latin[0].lower()
    table.update(_LOOKALIKES_EXTRA)
    return table


# Digits and symbols standing for letters; only applied next to letters (see _LEET_RE).
_LEET = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}
# Filler characters slipped between the characters of a word (傻丶逼, 外灬挂): a space,
# like a symbol, so the compact form joins the word again.
FILLERS = "丶灬の丨亅乀乁ノ丿〆乄彡ゞゝヽヾー～〜·•・∙⋅"
# Whole blocks of the same family: Japanese kana (no Chinese word is written with them:
# 裸ヅ聊, 外ツ挂) and CJK strokes (㇏, ㇀) are decoration between Chinese characters.
_FILLER_BLOCKS = ((0x3041, 0x3097), (0x30A1, 0x30FB), (0x31C0, 0x31E4))


def _toneless() -> dict[int, str]:
    """Latin letters with accents (pinyin tone marks: shǎ bī, lǜ) -> the bare letter; ü is v."""
    table: dict[int, str] = {}
    for cp in [*range(0xC0, 0x250), *range(0x1E00, 0x1F00)]:
        c = chr(cp).lower()
        if len(c) != 1:
            continue
        base = unicodedata.normalize("NFD", c)[0]
        if base.isascii() and base.isalpha() and base != c:
            table[ord(c.lower())] = (
                "v" if base == "u" and "\u0308" in unicodedata.normalize("NFD", c) else base
            )
    return table


# Cheap Chinese dodges: radical/component characters standing for the full one.
_CJK_VARIANTS = {"艹": "草", "扌": "手", "氵": "水", "亻": "人", "讠": "言", "钅": "金", "〇": "零"}
# Financial numerals written only as numbers (贰佰伍 is 二百五): the plain digit, so the
# sound and character matchers read them as contacts.py's digit normaliser does. 伍, 陆,
# 拾 and 肆 stay (队伍, 大陆, 收拾, 放肆); 陆 reads liu below instead.
_CJK_VARIANTS |= dict(zip("壹贰叁柒捌玖佰仟", "一二三七八九百千", strict=True))
# Where traditional characters live: CJK extension A, the unified block, compatibility ideographs.
_CJK_BLOCKS = ((0x3400, 0x4DC0), (0x4E00, 0xA000), (0xF900, 0xFB00))


def _t2s() -> dict[int, str]:
    """Traditional -> simplified, one character at a time, from opencc's t2s tables: one
    character per line, so no phrase rule joins neighbours (~10 ms at import)."""
    chars = [chr(cp) for start, stop in _CJK_BLOCKS for cp in range(start, stop)]
    simplified = opencc.OpenCC("t2s").convert("\n".join(chars)).split("\n")
    return {ord(t): s for t, s in zip(chars, simplified, strict=True) if t != s and len(s) == 1}


def _match_table() -> dict[int, str | None]:
    table: dict[int, str | None] = dict(_DISPLAY_TABLE)
    table.update(_toneless())
    table.update(_t2s())
    table.update(dict.fromkeys(map(ord, FILLERS), " "))
    table.update({cp: " " for start, stop in _FILLER_BLOCKS for cp in range(start, stop)})
    table.update({ord(k): v for k, v in confusable_table().items() if not v.isdigit()})
    table.update({ord(k): v for k, v in _LOOKALIKES_EXTRA.items()})
    table.update({ord(k): v for k, v in _CJK_VARIANTS.items()})
    return table


_MATCH_TABLE = _match_table()
_MATCH_TRANSLATION = translation(_MATCH_TABLE)


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
# Gated (agent.shared.leads): the same matches, a position without a leet digit skipped at once.
_LEET_RE = gated(r"(?<=[a-z])[013457@$]+|[013457@$]+(?=[a-z])")
# A ! between two letters is an i (sh!t, b!tch); after a word it ends a sentence (wow!).
_BANG_RE = re.compile(r"(?<=[a-z])!(?=[a-z])")
_NONWORD_RE = re.compile(r"[\W_]+")
# Pinyin with tone digits (sha3 bi1, xia4tou): the digits go when every part is a
# syllable; a last syllable in the neutral tone has no digit.
_TONE_DIGIT_RE = re.compile(r"(?<![a-z0-9])(?:[a-z]{1,6}[0-5]){1,8}(?:[a-z]{1,6})?(?![a-z0-9])")
_MAYBE_TONE_RE = re.compile(r"[a-z][0-5]")
_FOLD_RE = re.compile(r"(\S)\1{2,}")
# Capital I drawn as l beside another I or l (kiII, kiIl, ΚiII): lowercasing would read
# it i and fold kiii to ki; a bar between letters (sh|t, |diot) is an i or l, read i as
# the leet 1 is (the matcher also tries each entry with its l's read as i).
_CAPITAL_I_RE = re.compile(r"I(?=[Il])|(?<=[Il])I")
_BAR_RE = re.compile(r"(?:(?<=[a-z])|(?<![^\s]))\|(?=[a-z])")
_CJK_DOUBLE_RE = re.compile(f"([{_CJK}])\\1")
# Letters typed one at a time with separators: "f u c k", "s.b" -> "fuck", "sb".
_SPELLED_RE = re.compile(r"(?<![a-z0-9])[a-z0-9](?: [a-z0-9](?![a-z0-9]))+")


def has_cjk(text: str) -> bool:
    return _CJK_RE.search(text) is not None


def ascii_edge(text: str, index: int) -> bool:
    """True when ``index`` is outside ``text`` or not an ASCII letter/digit: a word edge."""
    if index < 0 or index >= len(text):
        return True
    c = text[index]
    return not (c.isascii() and c.isalnum())


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
    if "  " in text or not text.isprintable():  # the only whitespace a printable text has is " "
        text = _WS_RE.sub(" ", text)
    text = text.strip()
    if max_chars > 0 and len(text) > max_chars:
        text = text[:max_chars].rstrip()
    return text


def _leet(match: re.Match[str]) -> str:
    return "".join(_LEET.get(c, c) for c in match.group())


def _untone(match: re.Match[str]) -> str:
    parts = re.findall(r"[a-z]+", match.group())
    return "".join(parts) if all(p in syllables() for p in parts) else match.group()


def spaced_form(display: str) -> str:
    """``display`` as the word matcher sees it; see the module docstring."""
    if "I" in display:
        display = _CAPITAL_I_RE.sub("l", display)
    text = display.lower()
    if "|" in text:
        text = _BAR_RE.sub("i", text)
    text = text.translate(_MATCH_TRANSLATION)  # cheaper than searching a class of ~900 ranges first
    if _MAYBE_TONE_RE.search(text):
        text = _TONE_DIGIT_RE.sub(_untone, text)
    if _LEET_RE.search(text):
        text = _LEET_RE.sub(_leet, text)
    if "!" in text:
        text = _BANG_RE.sub("i", text)
    if not text.isalnum():  # letters, digits and ideographs only (a name, 观众123): nothing to space
        text = _NONWORD_RE.sub(" ", text).strip()
    if _RUN3_RE.search(text):
        # A viewer who stutters one character stutters others (舔舔舔狗狗): doubles of
        # Chinese characters fold too, in such a message only (妈妈, 狗狗 stay elsewhere).
        text = _CJK_DOUBLE_RE.sub(r"\1", _FOLD_RE.sub(r"\1", text))
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


def forms(text: str, max_chars: int = 0) -> Forms:
    """All three forms, cached: the flood filter and the moderator see the same raw text.

    A cut that changes nothing shares the uncut entry, so ``forms(t)`` and
    ``forms(t, 200)`` cost one computation for ordinary chat.
    """
    if max_chars > 0 and len(text) <= max_chars:
        whole = _forms(text, 0)
        if len(whole.display) <= max_chars:  # cleaning can lengthen (NFKC), so check
            return whole
    return _forms(text, max_chars)


@lru_cache(maxsize=4096)
def _forms(text: str, max_chars: int) -> Forms:
    display = display_form(text, max_chars)
    spaced = spaced_form(display)
    return Forms(display, spaced, spaced.replace(" ", ""))


@lru_cache(maxsize=1)
def _mirror_chars() -> re.Pattern[str]:
    """Characters every rewrite keeps, one for one, whatever stands beside them: ASCII digits
    and the CJK ideographs that are NFKC-stable, untouched by the display table and mapped by
    the match table to a digit or an ideograph (t2s) that is still a word character."""
    kept: list[int] = []
    for cp in [*range(0x30, 0x3A), *range(0x4E00, 0xA000)]:
        c = chr(cp)
        image = _MATCH_TABLE.get(cp, c)
        if (
            c.isalnum()
            and cp not in _DISPLAY_TABLE
            and unicodedata.is_normalized("NFKC", c)
            and isinstance(image, str)
            and len(image) == 1
            and image.isalnum()
            and not ("a" <= image <= "z")
            and c.lower() == c.upper() == c  # no case: lower case and caseless are the same text
            and image.lower() == image
        ):
            kept.append(cp)
    return re.compile(_any_of_class(kept).pattern + "+")


def mirrors(text: str) -> bool:
    """Whether ``forms(text[::-1])`` is ``forms(text)`` with each form reversed, known without
    computing it: ``text`` is digits and ideographs only (no letters: no leet, tone digits or
    spelled words read left to right; only runs of one character, read the same both ways),
    short or varied enough that the one rewrite that reads left to right (repeated units:
    ``_UNIT_RE``) does not apply."""
    return (len(text) < 6 or len(set(text)) * 2 > len(text)) and _mirror_chars().fullmatch(text) is not None


def clear_forms_cache() -> None:
    """Forget every cached ``forms`` result (benches measure the uncached cost)."""
    _forms.cache_clear()


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
    # 陆 is also the financial 6 (contacts.py reads it 6): its numeral reading, so 陆合彩
    # sounds like 六合彩 (大陆 reads da liu; no entry but 六合彩 has the syllable).
    table[ord("陆")] = "liu"
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
