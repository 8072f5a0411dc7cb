"""How one name is read (for ``agent.brain.names``): forwards and backwards, and the English
words inside it: spaced where underscores, dots or case changes join them, and run together,
where a claim about the streamer is read.

Names join words the way a sentence cannot (host_is_a_liar, TheStreamerCheats,
saythehostisfake): the word rules read "host is a liar", and ``SQUASHED_RE`` reads the letters
alone, so a claim with no separator at all is still found. ``abuse`` reads what word lists
cannot hold: the streamer beside a pejorative or wrongdoing morpheme (猪头主播, 主播收黑钱),
an insult initialism among digits (mmp123; ``split_digits`` lets the lexicon's ^ entries read
nmsl666) and an authority's bracketed tag ([管理员]通知).
"""

from __future__ import annotations

import re

from agent.brain.normalize import Forms, forms, mirrors
from agent.shared.screen import caseless

__all__ = ["ABUSE_PATTERNS", "SQUASHED_RE", "abuse", "letters", "readings", "split_digits", "words_of"]

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
_PEJORATIVE = (
    r"(?:(?<![猪小])猪(?![猪肉排蹄脚])|(?<![狗单身])狗(?![狗粮])|驴|屎|粪|蠢|(?<!傻)傻(?![白傻])|(?<!笨)笨(?!笨)"
    r"|(?<!成)废|烂|臭(?!宝)|贱|渣|丑|婊|残(?![血局])|瘫|憨|瞎|蛆|龟儿|王八|孙子|混蛋|垃圾|辣鸡|拉胯|[菜弱]鸡|二货|变态|恶心"
    r"|饭桶|草包|鳖|蛀虫|寄生虫|戏精|败类|无赖|泼妇|禽兽|窝囊|奇葩"
    # An initialism insult beside the streamer (sb主播, 主播zz).
    r"|(?<![a-z])(?:low|sb|nt|zz|lj|nc|fw|sjb|cnm|nmsl|tmd|mmp|mdzz)(?![a-z]))"
)
_WRONGDOING = (
    r"(?:骗|(?<!偷)偷(?![偷看听])|诈|贪|坑(?![位])|假(?![期日如设])|黑(?:钱|幕|心|料|粉|历史)|(?:收|圈|捞|吸|割|榨)(?:钱|金|韭菜|血(?!鬼))"
    r"|跑路|塌房|白嫖|水军|炒作|蹭热度|摆烂|敷衍|双标|拜金|画饼|卖惨|装穷|刷(?:榜|量|票|粉|礼物|数据)|作弊|开挂|外挂|出轨|劈腿|嫖|赌|吸毒|造假|抄袭|逃税|漏税|洗钱"
    r"|撒谎|说谎|回扣|违法|犯法|犯罪|吃相|人设崩|(?:买|刷)(?:榜|粉|量|热搜|热度|关注|人气|数据))"
)
ABOUT_STREAMER_RE = re.compile(
    rf"{_STREAMER}[^的]{{0,6}}?(?:{_PEJORATIVE}|{_WRONGDOING})|(?:{_PEJORATIVE}|{_WRONGDOING}).{{0,2}}?{_STREAMER}",
    re.IGNORECASE,
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
INITIALISM_RE = re.compile(
    r"(?<![a-z])(?:mmp|wcnmd|wdnmd|cnmb|cnmd|nmlgb|qnmd|qnmlgb|mdzz|sjb|rnm|rnmb|nmd|dsb)(?![a-z])",
    re.IGNORECASE,
)
ABUSE_PATTERNS = (ABOUT_STREAMER_RE, AUTHORITY_TAG_RE, INITIALISM_RE)  # for the names' Screen


def abuse(name: str, compact: str) -> str:
    """What ``name`` (display form; ``compact`` its match form) says that a name must not, by
    the rules above: "claim" (an authority's tag), "insult" (an initialism insult, the
    streamer abused or accused), or ""."""
    if AUTHORITY_TAG_RE.search(name):
        return "claim"
    if INITIALISM_RE.search(name) or ABOUT_STREAMER_RE.search(compact):
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
