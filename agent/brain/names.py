"""Viewer names are untrusted text: the one place that decides which name is said and shown.

A name reaches a thank-you, a welcome, the prompt, the overlay's chat line or OBS only
through ``NameGuard.safe``. It is the viewer's name (display form: NFKC, invisible
characters removed, at most ``MAX_NAME_CHARS``) when it passes every check below, and
otherwise a neutral address: 这位朋友, or "friend" on an English platform (Twitch).
A bad name is replaced, never cleaned up: "<script>" without its brackets, or a phone
number with its digits spaced out, is still not a name to say aloud.

Why a name is refused (``NameRisk``):

* ``bidi``: a bidi override, embedding or isolate (or the U+FFFD the sources leave in its
  place). The page would draw it un-reversed (‮猪是播主 shows as 主播是猪) while the text
  says something else: no safe reading exists. Every check below also reads the name
  backwards, so a reversed insult or link is refused even without the control character.
* ``markup``: HTML, entities, template or code syntax, a URL scheme.
* ``contact``: a phone, QQ/WeChat/group id or link, however disguised (``find_contacts``
  in ``agent.brain.contacts``), a cue word with no number (加我vx, 私聊领福利) or a run of
  digits in any form (138 0013, 一三八零, ①③⑧, 2️⃣7️⃣): numbers are not names to read out.
* ``banned_word``: a word the moderator bans in chat (every disguise its normaliser undoes).
* ``order`` / ``claim`` / ``insult`` / ``accusation``: the name is a sentence aimed at the
  streamer or the bot: an instruction tag, a second-person order (你给我闭嘴, 快滚,
  关注我, "follow me"), a claim (主播是…, 我是主播的老公) or an impersonation of the
  platform, the streamer or a mod (系统消息, 官方客服, 我是房管).
"""

from __future__ import annotations

import re
from enum import StrEnum

from agent.brain import normalize
from agent.brain.contacts import find_contacts, fold
from agent.brain.moderation import Moderator
from agent.brain.tags import Tagger

__all__ = ["ANONYMOUS", "ANONYMOUS_EN", "MAX_NAME_CHARS", "NameGuard", "NameRisk", "anonymous"]

# Said and shown instead of a name that is not safe to say (by the event's platform).
ANONYMOUS = "这位朋友"
ANONYMOUS_EN = "friend"
ENGLISH_PLATFORMS = frozenset({"twitch"})
MAX_NAME_CHARS = 16
# Platforms cap names far below this (Bilibili 16, Twitch 25): a longer one came from elsewhere.
MAX_RAW_CHARS = 64
# Names remembered (viewers repeat; the checks are the cost); the cache is cleared when full.
_CACHE = 8192


class NameRisk(StrEnum):
    """Why a name is not said or shown."""

    EMPTY = "empty"
    TOO_LONG = "too_long"
    BIDI = "bidi"
    MARKUP = "markup"
    CONTACT = "contact"
    BANNED = "banned_word"
    ORDER = "order"
    CLAIM = "claim"
    INSULT = "insult"
    ACCUSATION = "accusation"


# Bidi controls, and U+FFFD: what the sources put where a name had an override (agent/sources/boundary.py).
_BIDI_RE = re.compile("[\u202a-\u202e\u2066-\u2069\ufffd]")
_MARKUP_RE = re.compile(
    r"[<>{}\[\]\\`$=;|@]|&#?\w+;|javascript:|data:|https?:|://|www\.", re.IGNORECASE
)
# A contact offered without its number: the name itself points viewers to a private channel.
_CONTACT_CUE_RE = re.compile(
    r"微信|徽信|薇信|威信|维信|v信|(?<![a-z])(?:vx|wx|qq|tg|weixin|wechat|telegram|whatsapp|line|discord)(?![a-z])"
    r"|扣扣|企鹅|q群|群号|加群|进群|电话|手机号|私聊|私信|私我|加我|飞机号|福利群|领(?:福利|皮肤|红包|奖励|礼包)",
    re.IGNORECASE,
)
# The longest run of digits (after ``fold``: every digit form is an ASCII digit) with
# separators between them, and how many digits a name may hold in all.
_DIGIT_RUN_RE = re.compile(r"\d(?:[\s\x00\x01._\-·,，、/|]*\d)*")
MAX_DIGIT_RUN = 4
MAX_DIGITS = 6
# Orders aimed at the streamer, the bot or the room (a name is read aloud inside a thank-you).
_ORDER_ZH = re.compile(
    r"(?:^|你|您|主播|up主?|机器人|小助手|大家|所有人|全体)"
    r"(?:给我|给老子|快点?|赶紧|马上|立刻|必须|要|去|得|都)*"
    r"(?:闭嘴|滚(?![滚动])|去死|跪下|下播|退网|关播|取关|封号|道歉|认错|磕头|自杀)"
    r"|你(?:给我|必须|快点?|赶紧|马上|立刻|得)"
    r"|(?:关注|点|加|私|订阅|投币给)我|(?:来|看)我的?(?:直播间|主页|头像|频道|视频)"
    r"|(?:^|请|快|都)(?:关注|订阅|点赞|投币|打赏|转发|举报)"
)
_ORDER_EN = re.compile(
    r"^\s*(?:say|ignore|repeat|tell|announce|follow|subscribe|visit|dm)\s+\S|\b(?:follow|sub(?:scribe)?\s+to|check\s+out|visit|dm|add)\s+(?:me|my)\b"
    r"|\b(?:kill\s+yourself|kys|shut\s+up|go\s+die|get\s+out)\b|\byou\s+(?:must|should|have\s+to|need\s+to)\b",
    re.IGNORECASE,
)
# Names that are nothing but an authority: the platform, its staff, the streamer, a mod.
_AUTHORITY_RE = re.compile(
    r"(?:系统|官方|客服|管理员?|房管|超管|主播|平台|哔哩哔哩|b站|bilibili|twitch|抖音|快手|本人|消息|通知|公告"
    r"|admin|moderator|mod|system|official|staff|support|streamer|host|[\s_.·-])+",
    re.IGNORECASE,
)
# Where a link may be: a dot in any of its spellings (checked backwards too: moc.live).
_DOT_RE = re.compile(r"[.。．｡点點·]|dot", re.IGNORECASE)
# The streamer's or the platform's own account, claimed (我才是真主播, 官方认证主播).
_IMPOSTOR_RE = re.compile(
    r"(?:真|正版|认证|官方|本尊|才是)(?:的)?(?:主播|up主?|房管|管理)|(?:主播|up主?)本尊|我才是"
)
# An insult anywhere in a name is read out inside every thank-you: no name carries one.
_INSULT_WORD_RE = re.compile(
    r"傻子|傻瓜|白痴|弱智|智障|脑残|蠢货|蠢猪|废物|垃圾|骗子|菜狗|狗东西|贱|婊|畜生|有病|神经病"
    r"|(?<![a-z])(?:idiot|moron|loser|trash|stupid|dumb|retard)"
)
# A line of someone speaking ("系统：你被禁言了"): a label, a colon, then words.
_SPEAKER_RE = re.compile(r"\S\s*(?:：|:\s)\s*\S")
_TAG_RISK = (
    ("instruction", NameRisk.ORDER),
    ("order", NameRisk.ORDER),
    ("insult", NameRisk.INSULT),
    ("accusation", NameRisk.ACCUSATION),
    ("claim", NameRisk.CLAIM),
)


def anonymous(platform: str = "") -> str:
    """The neutral address said and shown instead of a refused name."""
    return ANONYMOUS_EN if platform in ENGLISH_PLATFORMS else ANONYMOUS


class NameGuard:
    """``safe(uname, platform)``: the name to say and show; ``risk(uname)``: why not, or None."""

    def __init__(self, moderator: Moderator) -> None:
        self.moderator = moderator
        self._tagger = Tagger()  # the moderator's rules, without its sentiment model
        self._names: dict[str, str] = {}

    def safe(self, uname: str, platform: str = "") -> str:
        """``uname``'s display form when it is safe to say and show, else ``anonymous(platform)``."""
        key = f"{platform}\x00{uname}"
        name = self._names.get(key)
        if name is None:
            name = anonymous(platform) if self.risk(uname) is not None else _display(uname)
            if len(self._names) >= _CACHE:
                self._names.clear()
            self._names[key] = name
        return name

    def risk(self, uname: str) -> NameRisk | None:
        """Why ``uname`` must not be said or shown; None when it may."""
        shown = _display(uname)
        if not shown:
            return NameRisk.EMPTY
        if len(uname) > MAX_RAW_CHARS:
            return NameRisk.TOO_LONG
        if _BIDI_RE.search(uname):
            return NameRisk.BIDI
        if _MARKUP_RE.search(uname) or _MARKUP_RE.search(normalize.display_form(uname)):
            return NameRisk.MARKUP
        whole = normalize.display_form(uname)  # the whole name, not only the part shown
        # Read forwards and backwards: a name reversed (猪是播主, moc.live) says the same to a
        # viewer who reads it from the other end, or once a page draws it right to left.
        if _too_many_digits(uname):  # before display_form folds runs (一八八八八 -> 一八八八)
            return NameRisk.CONTACT
        return self._says(whole, backwards=False) or self._says(whole[::-1], backwards=True)

    def _says(self, name: str, *, backwards: bool) -> NameRisk | None:
        """What ``name`` says that a name must not: a contact, a banned word, an order...
        Backwards, digits are not read again (a run of them is one either way) and only words
        count (banned, insults, claims, instructions), not the shape of an order."""
        if (not backwards or _DOT_RE.search(name)) and find_contacts(name):
            return NameRisk.CONTACT
        if not backwards and _contact_without_detector(name):
            return NameRisk.CONTACT
        if self.moderator.banned_in(name) is not None:
            return NameRisk.BANNED
        found = normalize.forms(name)
        tags = self._tagger.tag(found.display, found.compact, use_model=False).tags
        for tag, risk in _TAG_RISK:
            if tag in tags and not (backwards and tag == "order"):
                return risk
        # Backwards, only what reads the same from either end: words, not sentence shapes.
        return None if backwards else _sentence_risk(name)


def _display(uname: str) -> str:
    return normalize.display_form(uname, MAX_NAME_CHARS)


def _contact_without_detector(name: str) -> bool:
    """A cue word with no number, or more digits (in any form) than a name needs."""
    return _CONTACT_CUE_RE.search(name) is not None or _too_many_digits(name)


def _too_many_digits(name: str) -> bool:
    folded = fold(name)
    digits = sum(c.isdigit() for c in folded)
    longest = max((sum(c.isdigit() for c in m.group()) for m in _DIGIT_RUN_RE.finditer(folded)), default=0)
    return longest > MAX_DIGIT_RUN or digits > MAX_DIGITS


def _sentence_risk(name: str) -> NameRisk | None:
    """An order, a speaker's line or an authority the tags do not cover."""
    compact = normalize.match_form(name)
    if _ORDER_ZH.search(compact) or _ORDER_EN.search(name):
        return NameRisk.ORDER
    if _SPEAKER_RE.search(name) or _AUTHORITY_RE.fullmatch(name) or _IMPOSTOR_RE.search(compact):
        return NameRisk.CLAIM
    if _INSULT_WORD_RE.search(compact):
        return NameRisk.INSULT
    return None
