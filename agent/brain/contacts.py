"""Contact details and links in any text: chat, names, super chats, the bot's own sentences.

``find_contacts(text)`` returns every phone number, QQ / WeChat / group id offered with
its cue word (加, 扣扣, 企鹅, V, 薇, 群, 电话, 私聊...; another platform's account: 抖音号,
小红书, instagram, snapchat, whatsapp), disguised digit run and link or domain, with spans
into ``text`` itself, so a caller can scrub them in place.

Disguises are undone first by one length-preserving fold (``str.translate``, C speed):
full-width and mathematical letters, circled and keycap digits (NFKC), Chinese digits
(一二三, 幺, 两, 壹贰叁...), look-alike letters (TR39 confusables through
``agent.brain.normalize.confusable_table``), dot spellings (点, 。, dot) and filler
characters (丶 灬 の 丨 ...) or symbols between the characters. Every character maps
to exactly one character, so a match in the folded text is a span of the original.

A cue counts only before something that looks like an id: not before an amount (加
20000 金币, 粉丝群 10000 人: a weak cue, then a measure word or a noun; 攻击力加 30000: a
weak cue, then a round number of thousands), nor before bare
letters a space after the cue (line friends, v rising: the app's products, not ids).

Kinds: ``phone`` (a mainland mobile number, also reversed), ``contact_id`` (digits or
an id after or before a cue word), ``number`` (a 7+ digit run written in a disguise:
financial numerals, 幺, circled/keycap digits, mixed forms or English digit words;
nobody writes a score that way), ``link`` (a URL or domain written plainly) and ``hidden_link`` (one
spelled to dodge a filter: 点com, dot top, 。cc, spaced characters).
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from agent.shared.leads import first_chars, gated

__all__ = ["ID_NOUNS", "ContactHit", "ends_in_cue", "find_contacts", "fold", "starts_with_cue"]


@dataclass(frozen=True, slots=True)
class ContactHit:
    start: int
    end: int  # exclusive: text[start:end] is what was offered
    kind: str  # "phone" | "contact_id" | "number" | "link" | "hidden_link"
    text: str


# Chinese digit forms, read one digit per character as ids are dictated (十/百 are not digits
# of an id). 〇 and 零 are zero; 幺 is how 1 is said in numbers; 两 is 2.
CN_DIGITS = {
    "零": "0", "〇": "0", "洞": "0", "一": "1", "幺": "1", "二": "2", "两": "2", "三": "3",
    "四": "4", "五": "5", "六": "6", "七": "7", "拐": "7", "八": "8", "九": "9",
    "壹": "1", "贰": "2", "貳": "2", "叁": "3", "參": "3", "肆": "4", "伍": "5", "陆": "6",
    "陸": "6", "柒": "7", "捌": "8", "玖": "9",
}  # fmt: skip
# Forms that only a dodge uses (not 一二三, not full width): a 7+ digit run with one is a number.
DISGUISED_DIGITS = frozenset("幺洞拐壹贰貳叁參肆伍陆陸柒捌玖") | frozenset(
    chr(cp) for cp in [*range(0x2460, 0x24FF), *range(0x2776, 0x2794), 0x20E3]
)
DOTS = "。．｡点點"
# Characters slipped between the letters of a word; they fold to a space like punctuation.
FILLERS = "丶灬の丨亅乀乁ノ丿〆彡氵冫ゞゝ々〃ヽヾ一ー～〜·•・∙⋅°＿"
_KEEP = "._-:/@"  # punctuation a link or an id is made of


def _fold_char(c: str, confusable: dict[str, str]) -> str | None:
    """The one character ``c`` folds to, or None when it stays as it is."""
    if c in CN_DIGITS:
        return CN_DIGITS[c]
    if c in DOTS:
        return "."
    if c in FILLERS and c != "一":
        return " "
    cat = unicodedata.category(c)
    if cat in ("Mn", "Me", "Cf") or 0xFE00 <= ord(c) <= 0xFE0F:
        return "\x00"  # keycap marks, variation selectors, zero-width characters
    n = unicodedata.normalize("NFKC", c).lower()
    if len(n) == 1 and n in CN_DIGITS:
        return CN_DIGITS[n]  # ㊀ -> 一 -> 1
    if len(n) != 1:
        return None if n == c else "\x01"  # ⑩, ⒈: no single character stands for it
    n = confusable.get(n, n)
    if n.isascii():
        if n.isalnum() or n in _KEEP:
            return None if n == c else n
        return " "
    if cat[0] in "PSZ" or cat == "Cc":
        return " "
    return None if n == c else n


@lru_cache(maxsize=1)
def _table() -> dict[int, str]:
    from agent.brain.normalize import confusable_table
    from agent.shared.translate import translation

    confusable = confusable_table()
    table: dict[int, str] = {}
    points = [*range(0x20, 0x3400), *range(0x4E00, 0xA000), *range(0xF900, 0x10000)]
    points += [*range(0x1D400, 0x1D800), *range(0x1F100, 0x1F1FF), *range(0xE0000, 0xE0080)]
    for cp in points:
        c = chr(cp)
        if 0xD800 <= cp < 0xE000:
            continue
        folded = _fold_char(c, confusable)
        if folded is not None and folded != c:
            table[cp] = folded
    for c in "\t\n\r\v\f":
        table[ord(c)] = " "
    return translation(table)  # (what it leaves alone mapped to itself: a faster translate)


def fold(text: str) -> str:
    """``text`` with disguises undone, one character for one: see the module docstring."""
    return text.translate(_table())


# --- patterns (on folded text) ----------------------------------------------------

_SEP = r"[ \x00\x01_-]"  # what may stand between the digits of one number
_DIGIT_RUN_RE = re.compile(rf"\d(?:{_SEP}{{0,3}}\d)*")
# Cue words that offer a contact, by family; a cue may be followed by glue (号, 是, :, 搜...).
# (w x, q q: the two letters of a cue spelled apart, each standing alone.)
_CUE_QQ = (
    r"qq|(?<![a-z])q[ \x00\x01]{1,2}q(?![a-z])|扣扣|抠抠|口口|叩叩|企鹅|球球|(?<![a-z])q(?![a-z])|q群|扣"
)
_CUE_WX = (
    r"微信|徽信|薇信|威信|维信|卫星|v信|vx|wx|(?<![a-z])[vw][ \x00\x01]{1,2}x(?![a-z])|wechat|weixin|绿泡泡"
    r"|(?<![a-z])v(?![a-z])|薇|威|微|围"
)
_CUE_OTHER = r"群号?|电话|手机号?|tel|call|私聊|私信|联系方式|联系|tg|telegram|电报|line|号码|加"
# Other platforms' accounts (抖音号, 小红书, instagram, snapchat, whatsapp): weak cues, like 加 and
# 群, since the apps are talked about (抖音上看到的, ins风, oh snap); only for numbers and ids,
# not lexicon entries (``ends_in_cue``).
_CUE_SOCIAL = (
    r"抖音|(?<![a-z])dy(?=号)|快手|小红书|(?<!小)红书"
    # ig only before its glue (ig: @x, ig号): ig alone is also a team (Invictus Gaming).
    r"|(?<![a-z])ig(?=[ \x00\x01]{0,2}[:@]|号)"
    r"|(?<![a-z])(?:ins|insta|instagram|snap|snapchat|whatsapp)(?![a-z])"
)
_GLUE_WORDS = r"(?<![a-z])(?:is|me|on)(?![a-z])"  # wechat id is ..., snap me: ..., on insta @...
_GLUE = rf"号码?|号|群|id|是|为|搜索?|加|我|私聊|一下|{_GLUE_WORDS}|[: \x00\x01_@-]"
_CUE = rf"(?:{_CUE_QQ}|{_CUE_WX}|{_CUE_OTHER})"
_ANY_CUE = rf"(?:{_CUE}|{_CUE_SOCIAL})"
_CUE_BEFORE_RE = re.compile(rf".*({_ANY_CUE}(?:{_GLUE}){{0,6}})$", re.DOTALL)
# Every character a cue word can start with: a window holding none cannot end in a cue,
# so the backtracking search above is skipped (most digit runs in chat have no cue).
_CUE_STARTS = first_chars(_ANY_CUE)
_CUE_END_RE = re.compile(rf"{_CUE}$")  # one more cue right before a cue: 扣扣, qq群
_CUE_AFTER_RE = re.compile(rf"(?:{_SEP}|是|为|的|我)*(?:{_CUE_QQ}|{_CUE_WX}|群号?|电话)")
_CUE_AFTER_STARTS = first_chars(_CUE_AFTER_RE.pattern)  # what a cue after a number starts with
_NON_DIGIT_RE = re.compile(r"\D")
# A WeChat-style id (a letter, then 5-19 letters/digits/_/-; a handle may hold dots: lily.draws)
# right after a cue word.
_ID_AFTER_CUE_RE = gated(  # the same matches, a position no cue starts at skipped at once
    rf"(?:{_CUE_QQ}|{_CUE_WX}|{_CUE_SOCIAL}|tg|telegram|电报|line|联系方式|私聊|加)(?:{_GLUE}){{0,6}}"
    r"([a-z](?:[a-z0-9_-]|\.(?=[a-z0-9_])){5,19})(?![a-z0-9_-])"
)
# An id dictated one character at a time after a cue, a few words between (有薇 直接搜
# a b c 1 2 3, 微 信 号 m i a o 6 6 8): five or more single letters and digits, both kinds
# (a b c d, q w e r and 1 2 3 are letters, keys and counting, not ids). The rest of the cue may
# be spelled apart too, each character on its own (微 信 号 ： a b c 6 6 8 8).
_SPACED_ID_RE = gated(
    rf"(?:{_CUE_QQ}|{_CUE_WX}|tg|telegram|电报|line|联系方式|私聊|加)"
    r"(?:[ \x00\x01]{1,2}[\u4e00-\u9fff](?=[ \x00\x01])){0,3}[^a-z0-9]{0,6}?"
    r"(?<![a-z0-9])([a-z0-9](?:[ \x00\x01]{1,2}[a-z0-9]){4,24})(?![a-z0-9])"
)
# A handle written with its @ after another platform's cue (ins @bob, telegram: @kiki): any length;
# snap only with its colon ("oh snap @bob" greets a viewer).
_HANDLE_RE = gated(
    rf"(?:(?!snap(?![a-z:]))(?:{_CUE_SOCIAL})|tg|telegram|电报)"
    r"[ \x00\x01:]{0,3}(?:id|号)?[ \x00\x01:]{0,3}@[a-z0-9_](?:[a-z0-9_]|\.(?=[a-z0-9_])){1,29}"
)
_STRONG_ID_CUE_RE = re.compile(rf"^(?:{_CUE_QQ}|{_CUE_WX}|tg|telegram|电报|line|联系方式)")
_SOCIAL_CUE_RE = re.compile(_CUE_SOCIAL)
_GLUE_WORDS_RE = re.compile(_GLUE_WORDS)

_TLDS = re.findall(
    r"\w+",
    "com cn net org tv cc io me top xyz vip club site link live gg ly co info shop fun icu ink "
    "work app dev tk ml ga cf gq ren wang ltd pro biz in us uk jp hk tw to im la ws su ru de",
)
# With a plain "." surrounded by spaces ("you. me too"), only TLDs that are not English words.
_STRONG_TLDS = frozenset(["com", "cn", "net", "org", "top", "xyz", "vip", "cc", "tk", "ml", "icu"])
# Every quantifier is bounded: a hostile message of dots and letters stays linear.
_S = r"[ \x00\x01]{0,3}"


def _tld_pattern(tld: str) -> str:
    return _S.join("[o0]" if c == "o" else re.escape(c) for c in tld)


_TLD = "|".join(_tld_pattern(t) for t in sorted(_TLDS, key=len, reverse=True))
_LABEL = r"(?:[a-z0-9][ \x00\x01]{1,3}){0,24}?[a-z0-9][a-z0-9-]{0,62}"
_DOT = rf"{_S}(?:\.|dot){_S}"
_DOMAIN_RE = re.compile(
    rf"(?<![a-z0-9])(?:{_LABEL}{_DOT}){{1,5}}({_TLD})(?![a-z0-9])(?:/[a-z0-9/._?=&%#-]*)?"
)
_SCHEME_RE = re.compile(rf"h{_S}t{_S}t{_S}p{_S}s?{_S}:{_S}/{_S}/[^ \x00]*|w{_S}w{_S}w{_S}\.[^ \x00]+")
# Cheap gate: five digits close together, a dot, or a scheme; ids need 5+ digits.
_GATE_RE = re.compile(r"(?:\d[^\d]{0,4}){4}\d|\.|dot|ww|:/|@|[a-z][a-z0-9_-]{5}|[a-z0-9](?: [a-z0-9]){4}")
# Digits spelled as English words (qq: eight seven six five four...): five or more in a row.
_DIGIT_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_WORD = "(?:" + "|".join(_DIGIT_WORDS) + ")"
_SPELLED_DIGITS_RE = gated(
    rf"(?<![a-z]){_WORD}(?:[ \x00\x01_,-]{{1,3}}{_WORD}){{4,}}(?![a-z])", word_start=True
)
_WORD_RE = re.compile(_WORD)


def find_contacts(text: str, folded: str | None = None) -> list[ContactHit]:
    """Every contact detail and link in ``text``, in order, spans into ``text``
    (``folded``: ``fold(text)``, when the caller has it)."""
    if folded is None:
        folded = fold(text)
    if not _GATE_RE.search(folded) and not _SPELLED_DIGITS_RE.search(folded):
        return []
    hits: list[ContactHit] = []
    taken: list[tuple[int, int]] = []

    def add(start: int, end: int, kind: str) -> None:
        while start < end and folded[start] in " \x00":
            start += 1
        while end < len(folded) and folded[end] == "\x00":
            end += 1  # the keycap mark after the last digit
        if start >= end or any(s < end and start < e for s, e in taken):
            return
        taken.append((start, end))
        hits.append(ContactHit(start, end, kind, text[start:end]))

    for m in _SCHEME_RE.finditer(folded):
        span = text[m.start() : m.end()]
        add(m.start(), m.end(), "link" if span.isascii() and " " not in span else "hidden_link")
    if "." in folded or "dot" in folded:
        for m in _DOMAIN_RE.finditer(folded):
            kind = _link_kind(text, folded, m)
            if kind:
                add(m.start(), m.end(), kind)
    for m in _DIGIT_RUN_RE.finditer(folded):
        found = _number(text, folded, m)
        if found is not None:
            add(found[0], m.end(), found[1])
    for m in _SPELLED_DIGITS_RE.finditer(folded):
        found = _spelled_number(folded, m)
        if found is not None:
            add(found[0], m.end(), found[1])
    pos = 0
    while (cued := _ID_AFTER_CUE_RE.search(folded, pos)) is not None:
        # Not an id: the letters may be the next cue (加我 wechat mei2088), so go on there.
        pos = cued.end() if _looks_like_id(folded, cued) else cued.start(1)
        if pos == cued.end():
            add(cued.start(), cued.end(), "contact_id")
    for m in _HANDLE_RE.finditer(folded) if "@" in folded else ():
        add(m.start(), m.end(), "contact_id")
    for m in _SPACED_ID_RE.finditer(folded):
        run = m.group(1)
        if any(c.isdigit() for c in run) and any(c.isalpha() for c in run):
            add(m.start(), m.end(), "contact_id")
    hits.sort(key=lambda h: h.start)
    return hits


def _link_kind(text: str, folded: str, m: re.Match[str]) -> str:
    """``link``, ``hidden_link``, or "" when the match is ordinary prose ("it. me")."""
    span = text[m.start() : m.end()]
    if not span.isascii() or ("dot" in folded[m.start() : m.end()] and "." not in span):
        return "hidden_link"
    if re.search(r" \.|\. ", span) is not None:
        label = span[: m.start(1) - m.start()].rstrip(" .")
        tld = re.sub(r"[ \x00\x01]", "", m.group(1)).replace("0", "o")
        # "you. me too" is prose; "b 2 3 . tv" and "abc . com" are not.
        return "hidden_link" if " " in label or tld in _STRONG_TLDS else ""
    if " " in span:
        return "hidden_link"
    return "link"


def _number(text: str, folded: str, m: re.Match[str]) -> tuple[int, str] | None:
    """(start, kind) for a digit run that is a contact, else None."""
    digits = _NON_DIGIT_RE.sub("", m.group())
    count = len(digits)
    if count < 5:
        return None
    if _is_phone(digits) or _is_phone(digits[::-1]):
        return m.start(), "phone"
    if count <= 15:  # the longest phone number (E.164): a whatsapp +49 1512 3456789 too
        low = max(0, m.start() - 12)
        window = folded[low : m.start()]
        maybe = _CUE_STARTS is None or not _CUE_STARTS.isdisjoint(window)
        cue = _CUE_BEFORE_RE.match(folded, low, m.start()) if maybe else None
        weak = cue is not None and _STRONG_ID_CUE_RE.match(cue.group(1)) is None
        round_amount = digits.endswith("000")  # 攻击力加 30000: a score, not an id
        if cue is not None and not (weak and (round_amount or _amount(folded, m.end()))):
            start = cue.start(1)
            while (more := _CUE_END_RE.search(folded, low, start)) is not None and more.end() == start:
                start = more.start()
            return start, "contact_id"
        after = folded[m.end() : m.end() + 1]
        if (_CUE_AFTER_STARTS is None or (after and after in _CUE_AFTER_STARTS)) and _CUE_AFTER_RE.match(
            folded, m.end(), m.end() + 8
        ):
            return m.start(), "contact_id"
    if count >= 7 and _disguised(text[m.start() : m.end()], digits):
        return m.start(), "number"
    return None


def ends_in_cue(text: str) -> bool:
    """True when ``text`` (a lexicon entry: 加微信, 加qq, 私聊加) ends in a contact cue word."""
    return _CUE_END_RE.search(fold(text)) is not None


_CUE_START_RE = re.compile(_CUE)


def starts_with_cue(text: str) -> bool:
    """True when ``text`` starts with a contact cue word (加我, 私聊, 微信)."""
    return _CUE_START_RE.match(fold(text)) is not None


def _looks_like_id(folded: str, m: re.Match[str]) -> bool:
    """The letters after a cue word are an id: they hold a digit or ``_``, or a strong cue
    (qq, 微信, v, tg, line...) offers them with a word or sign between (wx: lily, v号 abcdef).
    Bare letters a space after the cue are the app's own products and features (line
    friends, wechat moments, qq browser, 卫星 starlink), not an id."""
    ident = m.group(1)
    if any(c.isdigit() or c in "_." for c in ident):
        return True
    cue = _STRONG_ID_CUE_RE.match(folded, m.start()) or _SOCIAL_CUE_RE.match(folded, m.start())
    # (An English glue word is no sign: "line is broken" names no account.)
    between = _GLUE_WORDS_RE.sub("", folded[cue.end() : m.start(1)]) if cue is not None else ""
    return bool(between.strip(" \x00"))


# Words after a number or a cue that make it an offer, not an amount or an app's product:
# 87654321 号, 群, 好友; 加微信好友.
ID_NOUNS = frozenset({"号", "号码", "群", "好友", "账号", "微信", "扣扣", "企鹅", "私聊", "联系"})


def _amount(folded: str, end: int) -> bool:
    """The digits before ``end`` are an amount: a measure word or a noun follows them
    (加 20000 金币, 10000 毫安, 粉丝群 10000 人, 加100000经验): a weak cue word before them
    (加, 群, 手机; the caller asks only for those, never for qq, 微信, v) is then grammar,
    not an offer. jieba's dictionary tags say which words are measures and nouns
    (``agent.brain.word_classes``)."""
    from agent.brain.word_classes import tagged

    rest = folded[end : end + 8].lstrip(" \x00")
    if not rest or not "\u3400" <= rest[0] <= "\u9fff":
        return False
    tags = tagged()
    for size in (3, 2, 1):
        word = rest[:size]
        if word in ID_NOUNS or (size == 1 and word[0] in ID_NOUNS):
            return False
        if len(word) == size and (word in tags.nouns or word in tags.measures or word in tags.units):
            return True
    return False


def _spelled_number(folded: str, m: re.Match[str]) -> tuple[int, str] | None:
    """(start, kind) for digits spelled as words: an id after its cue word, or 7+ of them
    (nobody spells out a score that way), else None."""
    digits = "".join(str(_DIGIT_WORDS.index(w)) for w in _WORD_RE.findall(m.group()))
    if _is_phone(digits):
        return m.start(), "phone"
    low = max(0, m.start() - 12)
    cue = _CUE_BEFORE_RE.match(folded, low, m.start())
    if cue is not None:
        return cue.start(1), "contact_id"
    return (m.start(), "number") if len(digits) >= 7 else None


def _is_phone(digits: str) -> bool:
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return len(digits) == 11 and digits[0] == "1" and digits[1] in "3456789"


def _disguised(raw: str, digits: str) -> bool:
    """A digit run written the way only a dodge writes it."""
    if any(c in DISGUISED_DIGITS for c in raw):
        return True
    ascii_digits = sum(c.isascii() and c.isdigit() for c in raw)
    if 0 < ascii_digits < len(digits):
        return True  # mixed: 1二3四...
    if ascii_digits == 0 and not _counting(digits):
        return any(c in CN_DIGITS for c in raw)  # 四七一二八... but not 一二三四五六七
    return False


def _counting(digits: str) -> bool:
    steps = {(int(b) - int(a)) % 10 for a, b in itertools.pairwise(digits)}
    return steps in ({1}, {9})
