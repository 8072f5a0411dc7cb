"""How one name is read (for ``agent.brain.names``): forwards and backwards, and the English
words inside it: spaced where underscores, dots or case changes join them, and run together,
where a claim about the streamer is read.

Names join words the way a sentence cannot (host_is_a_liar, TheStreamerCheats,
saythehostisfake): the word rules read "host is a liar", and ``SQUASHED_RE`` reads the letters
alone, so a claim with no separator at all is still found. ``abuse`` reads what word lists
cannot hold: the streamer beside a pejorative or wrongdoing morpheme (猪头主播, 主播收黑钱),
an insult initialism among digits (mmp123; ``split_digits`` lets the lexicon's ^ entries read
nmsl666), an authority's bracketed tag ([管理员]通知), an order a thank-you would read out
(叫主播爸爸, 夸我, praise me, say that...) and the room's staff claimed (直播间房管, 房管小助手,
主播助理, channel moderator, TheRealStreamer, StreamerAltAcc).
"""

from __future__ import annotations

import re

from agent.brain.normalize import Forms, forms, mirrors
from agent.shared.leads import gated
from agent.shared.screen import caseless

__all__ = [
    "ABUSE_PATTERNS",
    "PEJORATIVE",
    "SQUASHED_RE",
    "WRONGDOING",
    "abuse",
    "letters",
    "readings",
    "split_digits",
    "words_of",
]

# A subject and what is said of it, or the word before the streamer, letters run together.
SQUASHED_RE = re.compile(
    r"(?:streamer|host|bot|mods?|admins?)(?:is|are|was|so|r)?(?:an?|so|the|such)?(?:boring|ugly|fake|cringe|lame"
    r"|worst|awful|terrible|clowns?|losers?|sucks?|bald|dumb|stupid|trash|garbage|scam(?:mer)?s?|fraud|liars?|lies"
    r"|lying|thief|cheat(?:er|ers|s|ing)?|idiots?|morons?|sux|buys|bought|botted|botting|fakes|faked|steals|stole|stealing|jokes?|disgrace|failure|noob)"
    r"|(?:worst|lamest|trash|garbage|boring|ugly|fake|cringe|cheat(?:er|ing)?|lying|scam(?:mer)?|fraud|stupid|dumb"
    r"|loser|clown|liar|idiot|moron)"
    r"[a-z]{0,6}?(?:streamer|host)"
)
# The streamer named next to a word that abuses or accuses, whatever the word: a class of
# pejorative morphemes (猪, 狗, 屎, 蠢, 渣...) and of wrongdoing (骗, 偷, 黑钱, 水军...), not a list
# of remembered insults. Affectionate doubles (猪猪, 笨笨, 狗狗), 单身狗 (said of oneself), the
# words these characters start elsewhere (假期, 猪肉, 臭宝, 残血, 偷偷) and what is the streamer's
# (主播家的狗: no 的 between) are left alone: 主播的猪猪粉 stays.
_STREAMER = r"(?:主播|播主|up主?)"
PEJORATIVE = (
    r"(?:(?<![猪小])猪(?![猪肉排蹄脚])|(?<![狗单身])狗(?![狗粮])|驴|屎|粪|蠢|(?<!傻)傻(?![白傻])|(?<!笨)笨(?!笨)"
    r"|(?<!成)废|烂|臭(?!宝)|贱|渣|丑|婊|残(?![血局])|瘫|憨|瞎|蛆|龟儿|王八|孙子|混蛋|垃圾|辣鸡|拉胯|[菜弱]鸡|二货|变态|恶心"
    r"|饭桶|草包|鳖|蛀虫|寄生虫|戏精|败类|无赖|泼妇|禽兽|窝囊|奇葩"
    # An initialism insult beside the streamer (sb主播, 主播zz).
    r"|(?<![a-z])(?:low|sb|nt|zz|lj|nc|fw|sjb|cnm|nmsl|tmd|mmp|mdzz)(?![a-z]))"
)
WRONGDOING = (
    r"(?:骗|(?<!偷)偷(?![偷看听])|诈|贪|坑(?![位])|假(?![期日如设])|黑(?:钱|幕|心|料|粉|历史)|(?:收|圈|捞|吸|割|榨)(?:钱|金|韭菜|血(?!鬼))"
    r"|跑路|塌房|白嫖|水军|炒作|蹭热度|摆烂|敷衍|双标|拜金|画饼|卖惨|装穷|刷(?:榜|量|票|粉|礼物|数据)|作弊|开挂|外挂|出轨|劈腿|嫖|赌|吸毒|造假|抄袭|逃税|漏税|洗钱"
    r"|撒谎|说谎|回扣|违法|犯法|犯罪|吃相|人设崩|(?:买|刷)(?:榜|粉|量|热搜|热度|关注|人气|数据))"
)
ABOUT_STREAMER_RE = gated(  # (read on the match form: lower case)
    rf"{_STREAMER}[^的]{{0,6}}?(?:{PEJORATIVE}|{WRONGDOING})|(?:{PEJORATIVE}|{WRONGDOING}).{{0,2}}?{_STREAMER}"
)
# A bracketed tag holding an authority ([管理员]通知, 【官方】, 〖系统〗): a notice, not a name.
_OPEN, _CLOSE, _INSIDE = r"[【\[〖〔「『（(<]", r"[】\]〗〕」』）)>]", r"[^】\]〗〕」』）)>]"
AUTHORITY_TAG_RE = re.compile(
    rf"{_OPEN}{_INSIDE}{{0,6}}?(?:官方|系统|平台|管理员?|房管|超管|运营|客服|公告|通知|后台"
    rf"|(?<![a-z])(?:staff|admin|official|mod|moderator|system)(?![a-z])){_INSIDE}{{0,6}}{_CLOSE}",
    re.IGNORECASE,
)
# Insult initialisms the shipped lexicon lacks (its ``^`` entries, nmsl, cnm, sb..., are read
# through ``split_digits``): a run of letters of its own, whatever digits stand beside it (mmp123).
INITIALISM_RE = gated(  # (read lower case)
    r"(?<![a-z])(?:mmp|wcnmd|wdnmd|cnmb|cnmd|nmlgb|qnmd|qnmlgb|mdzz|sjb|rnm|rnmb|nmd|dsb)(?![a-z])"
)
# A name is read aloud inside a thank-you, so a name that tells someone what to call whom makes
# the bot say it: a form of address of seniority or ownership (爸爸, 爹, 爷爷, 祖宗, 主人), after a
# verb of calling with its object between (叫主播爸爸, 喊我一声爹, 叫我祖宗). A name after 叫我
# (叫我小明就好) is only how to address the viewer.
_SENIOR = (
    r"(?:爸爸|老爸|爸比|爹地?|老爹|爷爷|爷(?![青们])|太爷|祖宗|祖师爷|主人|义父|干爹|老子|大爷|父亲|亲爹)"
)
CALL_ME_RE = gated(
    rf"(?:叫|喊|称呼?|管)(?:我|俺|他|她|你|主播|播主|up主?|大家)?(?:叫|喊|为|做|作)?(?:一?声|一下|个)?{_SENIOR}"
    # A junior address for someone else (叫主播儿子, 喊up主一声乖儿子): the same order, downwards.
    r"|(?:叫|喊|称呼?|管)(?:他|她|你|主播|播主|up主?|大家)(?:叫|喊|为|做|作)?(?:一?声|一下|个)?乖?(?:儿子|孙子|孙贼|龟孙)"
)
# The same rank claimed: the viewer as the streamer's or the listener's elder (我是你爸爸, 你爹,
# 主播的爷爷): read out, the bot calls the viewer that.
SENIOR_CLAIM_RE = gated(rf"(?:^|是)(?:你|你们|主播|播主|up主?|大家)的?{_SENIOR}")
# The bot told to exalt the viewer (夸我, 表扬我; praise me, worship me): a name cannot praise
# itself, so it is an order to whoever reads it (没人夸我, said of oneself, is not).
_EXALT_ME_ZH = gated(
    r"(?<![没不别谁])(?<!没人)(?<!没有人)(?:夸|夸夸|表扬|赞美|吹捧|崇拜|膜拜|跪舔|奉承|服从|拜)我"
)
# In English words (a name's joined words read spaced: PraiseMeNow -> "praise me now"): the same
# order, "call me" with a rank, and "say" with a clause to say (say that im cool, say the X,
# say i am your king); "say cheese" and "tell me why" are not an order to repeat a claim.
# (These rules read lower case: a name's match form, or its words lowered.)
_ORDER_WORDS_EN = gated(
    r"(?<![a-z])(?:praise|worship|obey|flatter|glorify|compliment|serve|simp\s+for|bow\s+to|kneel\s+to)\s+me(?![a-z])"
    r"|(?<![a-z])call\s+me\s+(?:daddy|dad|father|master|king|queen|god|lord|boss|sir|your)(?![a-z])"
    r"|^(?:(?:bot|ai|pls|please|now|chat)\s+)*(?:say|announce|repeat|shout)\s+"
    r"(?:that|the|i|im|i'm|you|your|youre|you're|everyone|we|this|he|she|its|it's|streamer|host)(?![a-z])"
)
# The streamer's or the room's staff, claimed: a place or owner of the room and a staff role
# (直播间房管, 主播助理, 频道管理员; channel moderator), a title on a title (房管小助手, 房管助理),
# the streamer's other account (StreamerAltAcc). A role alone beside a personal name (管理员小王)
# and what is only the streamer's (主播的猫, 主播的老粉) claim nothing.
_STAFF_ROLE = r"(?:房管|场控|超管|管理员?(?!学)|小?助手|助理|客服|运营|经纪人|秘书|工作人员|团队|专员)"
STAFF_CLAIM_RE = gated(
    rf"(?:主播|播主|up主?|直播间|频道|房间|本房|本群)的?{_STAFF_ROLE}"
    r"|(?:房管|场控|超管|管理员?)的?(?:小?助手|助理|本人|团队|专员|大大)"
    # A role claimed genuine (TheRealStreamer, the_true_host, original_streamer; 真正的主播 is
    # ``names._IMPOSTOR_RE``): RealMadridFan and the_true_north name no role.
    r"|(?<![a-z])(?:the[\s_]*)?(?:real|true|actual|original)[\s_]*(?:streamer|host|mod|moderator|admin)s?(?![a-z])"
    r"|(?<![a-z])(?:channel|stream|chat|room)[\s_]*(?:mods?|moderators?|admins?|staff|managers?|assistants?)(?![a-z])"
    r"|(?<![a-z])(?:streamer|host)(?:'?s)?[\s_]*(?:alt|main|backup|second|2nd|other)?[\s_]*(?:acc|account|alt)s?(?![a-z])"
)
ABUSE_PATTERNS = (
    ABOUT_STREAMER_RE,
    AUTHORITY_TAG_RE,
    INITIALISM_RE,
    CALL_ME_RE,
    SENIOR_CLAIM_RE,
    _EXALT_ME_ZH,
    _ORDER_WORDS_EN,
    STAFF_CLAIM_RE,
)  # for the names' Screen


def abuse(name: str, compact: str) -> str:
    """What ``name`` (display form, or a name's joined words read spaced; ``compact`` its match
    form) says that a name must not, by the rules above: "claim" (an authority's tag, the
    room's staff), "order" (what to call whom, praise me, say that...), "insult" (an
    initialism insult, the streamer abused or accused), or ""."""
    lowered = name.lower()
    if AUTHORITY_TAG_RE.search(name) or STAFF_CLAIM_RE.search(compact) or SENIOR_CLAIM_RE.search(compact):
        return "claim"
    if lowered != compact and STAFF_CLAIM_RE.search(lowered):
        return "claim"
    if CALL_ME_RE.search(compact) or _EXALT_ME_ZH.search(compact) or _ORDER_WORDS_EN.search(lowered):
        return "order"
    if INITIALISM_RE.search(lowered) or ABOUT_STREAMER_RE.search(compact):
        return "insult"
    return ""


_LETTER_DIGIT_RE = re.compile(r"(?<=[a-z])(?=\d)|(?<=\d)(?=[a-z])", re.IGNORECASE)
# A short run of letters against digits: what an initialism looks like (NightOwl5 is not one).
_SHORT_RUN_RE = re.compile(r"(?<![a-z])[a-z]{2,6}(?=\d)|(?<=\d)[a-z]{2,6}(?![a-z])", re.IGNORECASE)


def split_digits(name: str) -> str:
    """``name`` with a space where letters meet digits (nmsl666 -> "nmsl 666"), so an
    initialism of the lexicon stands as a whole word; "" when no short run of letters
    (two to six) meets a digit."""
    return _LETTER_DIGIT_RE.sub(" ", name) if _SHORT_RUN_RE.search(name) else ""


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
