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
  says something else: no safe reading exists. The words are also read backwards, so a
  reversed insult or link is refused even without the control character.
* ``markup``: HTML, entities, template or code syntax, a URL scheme.
* ``contact``: a phone, QQ/WeChat/group id or link, however disguised (``find_contacts``
  in ``agent.brain.contacts``); a cue word with no number (加我vx, 私聊领福利), a private
  channel offered (私q, 找我v, q我, 加微); a host with a two-letter ending after a dot in any
  spelling (g o o . g l, t点cn: every two-letter ending is a country's domain); or a run of
  digits in any form (138 0013, 一三八零, ①③⑧, 2️⃣7️⃣). A year is fine (小明2003): at most
  ``MAX_DIGIT_RUN`` digits in a row and ``MAX_DIGITS`` in all (``agent.brain.name_digits``).
* ``banned_word``: a word the moderator bans in chat (every disguise its normaliser undoes,
  reversed text included).
* ``order`` / ``claim`` / ``insult`` / ``accusation``: the name is a sentence aimed at the
  streamer or the bot: an instruction tag, a second-person order (你给我闭嘴, 快滚,
  关注我, "follow me"), a claim (主播是…, 我是主播的老公), a judgement of the streamer
  (这主播真拉胯, 主播好丑), a deed pinned on them (主播私下骂粉丝, 主播偷偷开挂) or an
  impersonation of the platform's staff, the streamer or a mod (系统消息, B站官方客服小助手,
  我才是主播, 主播本人小号, a bracketed [管理员] tag; 官方认证吃货 claims no role). The streamer
  beside any pejorative or wrongdoing word (臭鱼主播, 主播贪钱: ``name_words.abuse``) and an
  insult initialism whatever digits stand beside it (mmp123; the lexicon's ^ entries too) are
  insults. Whoever else is in the room, the staff and the viewers, is read the same way
  (``name_room.room_talk``): hurried into something (主播快去洗碗, 大家赶紧去隔壁), the subject
  of a rumour (主播被封过号, 粉丝都是买的, streamer has a wife) or abused (房管都是狗, 管理员滥用
  职权, zhubo laji). A name that merely names the streamer (主播的猫, 主播加油) is fine. Words a
  name joins with underscores, dots or case changes are read spaced (host_is_a_liar,
  TheStreamerCheats: not by the shape of an order, so Say_Cheese stays), and its letters run
  together are read for a claim about the streamer (saythehostisfake, CheaterHostLOL).

Cost: every new name is checked once (a bounded LRU of ``_CACHE`` names remembers the
answer). Most names hold none of the strings the sentence patterns and tags need: a
``Screen`` (``agent.shared.screen``) built from those very patterns tells that exactly
from the name's forms, and they are then not run. A name of digits and ideographs alone
(观众123) is read backwards by reversing its forms (``normalize.mirrors`` says when that is
what computing them would give).
"""

from __future__ import annotations

import re
import sys
from collections import OrderedDict
from enum import StrEnum
from functools import lru_cache

from agent.brain import normalize, tags
from agent.brain.contacts import find_contacts, fold
from agent.brain.moderation import Moderator
from agent.brain.name_digits import short_host, too_many_digits
from agent.brain.name_room import ROOM_PATTERNS, room_talk
from agent.brain.name_words import ABUSE_PATTERNS, SQUASHED_RE, abuse, letters, readings, split_digits
from agent.brain.tags import Tagger
from agent.shared.screen import Patterns, Screen
from agent.sources.platforms import ANONYMOUS, ANONYMOUS_EN, MAX_NAME, anonymous  # platform facts

__all__ = ["ANONYMOUS", "ANONYMOUS_EN", "MAX_NAME_CHARS", "NameGuard", "NameRisk", "anonymous"]

MAX_NAME_CHARS = 16
# Platforms cap names far below this (agent/sources/platforms.py): a longer one came from elsewhere.
MAX_RAW_CHARS = MAX_NAME
# Names remembered (viewers repeat; the checks are the cost); the least recently seen go first.
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
# Markup is a tag, a template, code or an escape: not the brackets and signs kaomoji are
# drawn with ((=^･ω･^=), ¯\_(ツ)_/¯, >_<, [AFK]).
_MARKUP_RE = re.compile(
    r"<\s*[a-z/!?%]|[{}]\s*[{%#]|[$#%]\{|`|\\[ux0-9]|&#?\w+;|\[/?(?:url|img|color|size|quote|code)\b"
    r"|\]\(|@|javascript:|data:|https?:|://|www\.",
    re.IGNORECASE,
)
# A private channel (QQ, WeChat, a group, Telegram...) and the words that offer one.
_CHANNEL = r"(?:qq|q|vx|wx|v|扣扣|扣|微信|微|薇|威|企鹅|群|tg|dd|滴滴|飞机|电报|电话)"
# A contact offered without its number: the name itself points viewers to a private channel.
_CONTACT_CUE_RE = re.compile(
    r"微信|徽信|薇信|威信|维信|v信|(?<![a-z])(?:vx|wx|tg|weixin|wechat|telegram|whatsapp|line|discord)(?![a-z])"
    # QQ alone, or before what points to an account (QQ糖, QQ飞车 are a sweet and a game).
    r"|(?<![a-z])qq(?=$|[\s\d_:：.·-]|号|群|同号|联系|私|找|加|我|扣|上|里|小号)"
    r"|扣扣|企鹅号|q群|群号|加群|进群|电话号|手机号|私聊|私信|私我|加我|飞机号|福利群|领(?:福利|皮肤|红包|奖励|礼包)"
    rf"|(?:私|加|找我|戳我?|敲我?|联系|\+)(?:我|一下|下)?{_CHANNEL}(?![a-z])"
    r"|(?<![a-z])(?:q|v|vx|wx|dd|扣|薇|tg)我",
    re.IGNORECASE,
)
# Orders aimed at the streamer, the bot or the room (a name is read aloud inside a thank-you).
_ORDER_ZH = re.compile(
    r"(?:^|你|您|主播|up主?|机器人|小助手|大家|所有人|全体)"
    r"(?:给我|给老子|快点?|赶紧|马上|立刻|必须|要|去|得|都)*"
    r"(?:闭嘴|滚(?![滚动])|去死|跪下|下播|退网|关播|取关|封号|道歉|认错|磕头|自杀|举报)"
    r"|你(?:给我|必须|快点?|赶紧|马上|立刻|得)"
    r"|(?:关注|点|加|私|订阅|投币给)我|(?:来|看)我的?(?:直播间|主页|头像|频道|视频)"
    r"|(?:^|请|快|都)(?:给我)?(?:关注|订阅|点赞|投币|打赏|转发|举报)"
    r"|^(?:全体|全场|所有人|在座的?各位)(?!的)"  # the whole room addressed: 全体起立
    r"|(?:以后|今后|往后|从此|从今以后|记得|记住)都?(?:叫|喊|称呼?|管)我"
)
_ORDER_EN = re.compile(
    r"^\s*(?:say|ignore|repeat|tell|announce|follow|subscribe|visit|dm)\s+\S|\b(?:follow|sub(?:scribe)?\s+to|check\s+out|visit|dm|add)\s+(?:me|my)\b"
    r"|\b(?:kill\s+yourself|kys|shut\s+up|go\s+die|get\s+out)\b|\byou\s+(?:must|should|have\s+to|need\s+to)\b",
    re.IGNORECASE,
)
# The bot told to say or call something (bot_say_im_king, call_me_master_bot).
_BOT_ORDER_RE = re.compile(
    r"\b(?:bot|ai)\s+(?:say|call|read|tell|repeat|announce|praise|insult|roast)\b"
    r"|\b(?:say|call|read|tell|repeat|announce)\s+(?:\w+\s+){0,3}?(?:bot|ai)\b",
    re.IGNORECASE,
)
# Names that are nothing but an authority: the platform, its staff, the streamer, a mod.
_AUTHORITY = (
    r"(?:系统|官方|客服|管理员?|房管|超管|主播|平台|哔哩哔哩|b站|bilibili|twitch|抖音|快手|本人|消息|通知|公告"
    r"|admin|moderator|mod|system|official|staff|support|streamer|host)"
)
_AUTHORITY_RE = re.compile(rf"[\s_.·-]*{_AUTHORITY}(?:{_AUTHORITY}|[\s_.·-])*", re.IGNORECASE)
# The platform (or "official", "system") together with its staff or a notice: 官方客服,
# B站官方客服小助手, Twitch Support, 直播间官方公告. 管理员小王 alone is a viewer's nickname.
_PLATFORM = (
    r"(?:bilibili|b站|哔哩哔哩|哔站|twitch|youtube|抖音|快手|斗鱼|虎牙"
    r"|平台|官方|系统|直播间|超管|system|official)"
)
_STAFF = (
    r"(?:客服|小?助手|管理员?|运营|团队|通知|公告|消息|巡查|审核|官方|(?<![a-z])(?:staff|support|team|admin"
    r"|mod|moderator|official|system)(?![a-z]))"
)
_STAFF_RE = re.compile(rf"{_PLATFORM}.{{0,8}}?{_STAFF}|{_STAFF}.{{0,8}}?{_PLATFORM}|超管", re.IGNORECASE)
# The streamer's or the platform's own account, claimed (我才是真主播, 官方认证主播).
_IMPOSTOR_RE = re.compile(
    r"(?:真正|真|正版|认证|官方|本尊|才是)(?:的)?(?:主播|up主?|房管|管理)|(?:主播|up主?)本尊|我才是"
    r"|(?:主播|up主?|房管|管理员?|超管)(?:亲自|亲口)?(?:认证|认可|钦点|指定|承认|盖章)|(?:主播|up主?)的?(?:本人|真身|小号|大号|马甲)"
    # The platform's seal on a role claims that role; on a joke (官方认证吃货) it claims nothing.
    r"|官方(?:亲自|亲口)?(?:认证|认可|钦点|指定|承认|盖章)的?(?=主播|up|房管|管理|超管|客服|账号|号|人员|团队|$)"
    r"|(?<![a-z])(?:official|verified|authentic)[\s_.-]*(?:streamer|host|mod|admin)(?=acc|here|only|team|$|[^a-z])"
)
# The streamer (or the bot) as the subject of the name, then what is said of them.
_WHO = r"(?:主播|up主?|播主|机器人|小助手|你)"
_SO = (
    r"(?:是|真是|真的|就是|真|太|好|很|超|巨|贼|特别|非常|最|这么|那么|长得|看着|好像|有点|一点也?不|又|也)*"
)
# A judgement of the streamer: 这主播真拉胯, 主播好丑, up主真无聊, "worst streamer ever".
_JUDGED_RE = re.compile(
    rf"{_WHO}{_SO}(?:个|一个)?(?:拉胯|拉跨|垃圾|辣鸡|烂|菜|差劲|丑|恶心|讨厌|烦人?|无聊|下头|弱|蠢|笨|傻|虚伪"
    r"|无能|没用|没脑子|没水平|不要脸|不行|难看|难听|low|逊|废|没救|不配)"
    rf"|{_WHO}(?:的.{{1,4}}?|.{{1,3}}?){_SO}(?:差劲?|烂|垃圾|丑|恶心|难看|难听|拉胯|菜|假)"
    r"|最(?:丑|菜|烂|差|蠢|笨|恶心|垃圾|假)的?(?:是|就是)(?:主播|up主?)"
    r"|(?:拉胯|垃圾|辣鸡|差劲|丑|恶心|讨厌|无聊|下头|虚伪|无能|没用|不要脸|笨蛋|菜鸡|蠢)的?(?:主播|up主?|播主)"
    r"|(?<![a-z])(?:worst|lamest|trash|garbage|boring|ugly|fake|cringe)\s*(?:streamer|host|bot)(?![a-z])"
    r"|(?<![a-z])(?:streamer|host|bot)\s*(?:is\s+|so\s+)*(?:boring|ugly|fake|cringe|lame|worst|awful|terrible)",
    re.IGNORECASE,
)
# A deed pinned on the streamer: done in secret (私下, 背地里, 偷偷), or a wrong (骂粉丝, 收钱).
_DEED_RE = re.compile(
    rf"{_WHO}(?:其实|原来|居然|竟然|一直|天天|经常|总是|又|还|也|都|全?靠|就靠|在|正在)*"
    r"(?:私下|私底下|背地里|背后|暗地里|偷偷|悄悄|暗中)"
    rf"|{_WHO}(?:其实|原来|居然|竟然|一直|天天|经常|总是|又|还|也|都|全?靠|就靠|在|正在)*"
    r"(?:骂人|骂粉丝?|辱骂|欠钱|欠债|收钱|割韭菜|买粉|刷量|刷票|刷礼物|吸毒|赌博|嫖|出轨|劈腿|逃税|偷税|漏税|抄袭|造假"
    r"|作弊|开挂|诈骗|骗钱|骗人|约粉丝?|睡粉|拉黑粉丝?|删评|控评|带节奏)"
    r"|(?<![a-z])(?:streamer|host)\s+(?:is\s+an?\s+)?(?:scam(?:mer|s)?|fraud|liar|thief|cheater)",
    re.IGNORECASE,
)
# An insult anywhere in a name is read out inside every thank-you: no name carries one.
_INSULT_WORD_RE = re.compile(
    r"傻子|傻瓜|白痴|弱智|智障|脑残|蠢货|蠢猪|废物|垃圾|骗子|菜狗|狗东西|贱|婊|畜生|有病|神经病"
    r"|(?<![a-z])(?:idiot|moron|loser|trash(?!\s*-?talk|panda|can|bin)|stupid|dumb|retard)"
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
# Tags a name may not carry, and the other rules that read its words (the Screen needs them all).
_NAME_TAGS = ("instruction", "accusation", "insult")
_SENTENCE_PATTERNS = (
    _CONTACT_CUE_RE,
    _ORDER_ZH,
    _ORDER_EN,
    _BOT_ORDER_RE,
    _SPEAKER_RE,
    _AUTHORITY_RE,
    _STAFF_RE,
    _IMPOSTOR_RE,
    _JUDGED_RE,
    _DEED_RE,
    _INSULT_WORD_RE,
    SQUASHED_RE,
    *ABUSE_PATTERNS,
    *ROOM_PATTERNS,
)


class NameGuard:
    """``safe(uname, platform)``: the name to say and show; ``risk(uname)``: why not, or None."""

    def __init__(self, moderator: Moderator, *, screen: bool = True, cache: int = _CACHE) -> None:
        self.moderator = moderator
        self._tagger = Tagger()  # the moderator's rules, without its sentiment model
        self._screen = word_screen() if screen else None
        self._size = cache
        self._names: OrderedDict[str, str] = OrderedDict()  # name -> its display form, "" if refused
        normalize.mirrors("")  # builds its character table now, at start-up, not on the first name

    def safe(self, uname: str, platform: str = "") -> str:
        """``uname``'s display form when it is safe to say and show, else ``anonymous(platform)``."""
        name = self._names.get(uname)
        if name is not None:
            self._names.move_to_end(uname)
        else:
            whole = normalize.display_form(uname)  # the whole name, not only the part shown
            name = "" if self._risk(uname, whole) is not None else _cut(whole)  # "": refused
            self._names[uname] = name
            if len(self._names) > self._size:
                self._names.popitem(last=False)
        return name or anonymous(platform)

    def risk(self, uname: str) -> NameRisk | None:
        """Why ``uname`` must not be said or shown; None when it may."""
        return self._risk(uname, normalize.display_form(uname))

    def _risk(self, uname: str, whole: str) -> NameRisk | None:
        """``risk`` given ``whole``, the display form of all of ``uname``."""
        if not whole:
            return NameRisk.EMPTY
        if len(uname) > MAX_RAW_CHARS:
            return NameRisk.TOO_LONG
        if _BIDI_RE.search(uname):
            return NameRisk.BIDI
        if _MARKUP_RE.search(uname) or (whole != uname and _MARKUP_RE.search(whole)):
            return NameRisk.MARKUP
        # Digits before display_form folds runs (一八八八八 -> 一八八八), and after it.
        folded = fold(whole)
        if too_many_digits(folded) or (uname != whole and too_many_digits(fold(uname))):
            return NameRisk.CONTACT
        ahead = normalize.forms(whole)
        if short_host(whole, folded) or find_contacts(whole, folded):
            return NameRisk.CONTACT
        if ahead.display != whole and find_contacts(ahead.display):
            return NameRisk.CONTACT
        matcher = self.moderator.matcher
        if matcher.find(ahead.spaced, ahead.compact):  # it tries the reversed text too
            return NameRisk.BANNED
        apart = split_digits(whole)  # nmsl666: the lexicon's initialism as a word
        split = normalize.forms(apart) if apart else None
        if split is not None and matcher.find(split.spaced, split.compact):
            return NameRisk.BANNED
        # Read backwards too: a name reversed (猪是播主, moc.live) says the same to a viewer who
        # reads it from the other end, or once a page draws it right to left.
        backwards = whole[::-1]
        if find_contacts(backwards, folded[::-1]):  # fold maps one character to one
            return NameRisk.CONTACT
        behind, words, spaced, texts = readings(whole, ahead)
        if self._screen is not None and self._screen.quiet(texts):
            return None  # none of the words the rules below need: provably none fires
        return (
            self._says(whole, ahead, backwards=False)
            or (spaced is not None and self._says(words, spaced, backwards=False, joined=True))
            or self._says(backwards, behind, backwards=True)
        )

    def _says(
        self, name: str, found: normalize.Forms, *, backwards: bool, joined: bool = False
    ) -> NameRisk | None:
        """What ``name`` says that a name must not: an order, a claim, an insult...
        Backwards, and in words a name joined (Say_Cheese), only words count (insults, claims,
        instructions, the bot told what to say), not the shape of an order."""
        if not backwards and _CONTACT_CUE_RE.search(name):
            return NameRisk.CONTACT
        tagged = self._tagger.tag(found.display, found.compact, use_model=False).tags
        for tag, risk in _TAG_RISK:
            if tag in tagged and not ((backwards or joined) and tag == "order"):
                return risk
        return None if backwards else _sentence_risk(name, found.compact, shape=not joined)


def _cut(whole: str) -> str:
    """``display_form(uname, MAX_NAME_CHARS)`` from ``whole = display_form(uname)``: the same cut."""
    return whole if len(whole) <= MAX_NAME_CHARS else whole[:MAX_NAME_CHARS].rstrip()


def _sentence_risk(name: str, compact: str, *, shape: bool = True) -> NameRisk | None:
    """An order, a speaker's line, an authority or a judgement the tags do not cover
    (``shape=False``: not an order by its shape alone, for words a name joined)."""
    if _BOT_ORDER_RE.search(name) or (shape and (_ORDER_ZH.search(compact) or _ORDER_EN.search(name))):
        return NameRisk.ORDER
    if _SPEAKER_RE.search(name) or _AUTHORITY_RE.fullmatch(name) or _IMPOSTOR_RE.search(compact):
        return NameRisk.CLAIM
    if _STAFF_RE.search(compact) or _STAFF_RE.search(name):
        return NameRisk.CLAIM
    if _DEED_RE.search(compact) or _DEED_RE.search(name):
        return NameRisk.ACCUSATION
    if _INSULT_WORD_RE.search(compact) or _JUDGED_RE.search(compact) or _JUDGED_RE.search(name):
        return NameRisk.INSULT
    if SQUASHED_RE.search(letters(name)):
        return NameRisk.INSULT
    said = abuse(name, compact) or room_talk(name, compact, letters(name))  # [管理员]通知, 房管都是狗
    return NameRisk(said) if said else None


@lru_cache(maxsize=1)
def word_screen() -> Screen | None:
    """The Screen for ``_says`` (None: every name is read in full, when the tagger's cue words
    cannot be found)."""
    rules = screened_rules()
    return Screen(*rules) if rules is not None else None


def screened_rules() -> tuple[list[re.Pattern[str]], list[str]] | None:
    """Every pattern ``_says`` runs and the tagger's cue words: this module's patterns, those of
    ``agent.brain.tags`` for the tags a name may not carry, and every pattern of the modules
    whose functions the tagger calls, found by type, so a pattern added there is screened too."""
    cues = getattr(tags, "_CUES", None)
    if not isinstance(cues, dict):
        return None
    patterns = list(_SENTENCE_PATTERNS)
    modules = {tags} | {
        sys.modules[f.__module__]
        for f in vars(tags).values()
        if callable(f)
        and getattr(f, "__module__", "").startswith("agent.brain.")
        and f.__module__ not in _NOT_NAME_RULES
    }
    for module in modules:
        for name, value in vars(module).items():
            if isinstance(value, re.Pattern) and name not in _GATES:
                patterns.append(value)
            elif isinstance(value, Patterns):  # several patterns searched as one (injection._ZH)
                patterns += value.patterns
            elif isinstance(value, dict):  # rules by tag: only the tags a name may not carry
                patterns += [
                    p for t, p in value.items() if isinstance(p, re.Pattern) and t not in _HARMLESS_TAGS
                ]
    words = [c for t, alts in cues.items() if t not in _HARMLESS_TAGS for c in str(alts).split("|")]
    return patterns, words


# Modules the tagger calls whose rules cannot make a name unsafe: the forms, the "question"
# tag (it only keeps a question from being a claim), the sentiment model.
_NOT_NAME_RULES = frozenset({"agent.brain.normalize", "agent.shared.questions", "agent.brain.sentiment"})
# Patterns that only gate others (each of which is screened itself).
_GATES = frozenset({"_LATIN_RE"})
# Tags that do not refuse a name.
_HARMLESS_TAGS = frozenset({"greeting", "request", "complaint", "praise", "off_topic", "question", "mention"})
