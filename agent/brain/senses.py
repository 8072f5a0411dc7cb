"""When a banned entry is used in its plain, literal sense, not as abuse or a lure.

Some entries are ordinary phrases too; ``agent.brain.matcher`` asks here about a match of
one of them only, and only where the words around it make the other sense plain:

* 他妈的 as "his mother's": a person before it owns the mother (我表哥|他妈的|工作,
  阿杰|他妈的|电话) and a noun follows as what she has (not a time word: jieba tags 生日
  one); or a kinship noun follows it (他妈的|男朋友). The curse stands before a verb,
  an adjective or a target (主播他妈的会不会玩, 他妈的垃圾游戏), and never after "you" or
  the streamer;
* 上分下分 as ranked points won and lost: a word of ranked play in the message (排位, 段位,
  赛季) and no word of money, payment or contact (微信上分下分, 秒到账: a gambling agent);
* 加微信 and 加qq asked as a feature or told as something someone did: right after 怎么/如何
  (游戏里怎么加微信好友), after a word that tells (学会, 终于, 以前, 都: 我奶奶学会加微信)
  or before the aspect 了, with no digits and no reward, job or privacy in the message (an
  offer gives an id or a prize: 怎么加微信好友领红包, 都加微信领福利);
* 兼职日结 asked of a job someone has: "you" owns the job (你那个|兼职日结, 你在奶茶店的
  |兼职日结) and a question particle right after it ends the message (吗); not 你想兼职日结吗 (a pitch);
* English (``plain_sense_en``): "kill yourself" and "kys" right after a negation (don't,
  never, no need to): advice, not an order; "why don't you kill yourself" keeps "you"
  between them. An initialism in a message with words of its other sense, not said of someone
  (you, is, 你, 主播, 是个 before it; 主播 after it): sb beside a sneaker line (nike sb
  dunk) or a dictionary's notation (do sth for sb), tmd beside the jaw joint in an English
  message (Chinese chat uses tmd as the curse); faggots beside peas or gravy (a dish).

Families with no such signal are left alone: 稳赚不赔 is an idiom that a joke and a
pitch share word for word (卖柠檬水稳赚不赔 / 跟我买彩票稳赚不赔), and 畜生 said of
animals is ``agent.brain.literal``'s.
"""

from __future__ import annotations

import re

from agent.brain.word_classes import tagged

__all__ = ["listed_sense", "plain_sense_en", "plain_sense_zh"]

_YOU_ZH = ("你", "您", "主播")
# Relatives a mother has: 他妈的|男朋友 reads only as "his mother's boyfriend".
_KIN = frozenset(
    {"男朋友", "女朋友", "老公", "老婆", "丈夫", "妻子", "同事", "闺蜜", "姐姐", "妹妹", "哥哥",
     "弟弟", "爸爸", "父亲", "母亲", "外婆", "奶奶", "舅舅", "姨妈", "亲戚", "邻居"}
)  # fmt: skip
# Words of ranked play: 上分 and 下分 are rank points there, credits in a gambling ad.
_RANKED = ("排位", "段位", "赛季", "上星", "掉星", "天梯", "连跪", "连胜", "晋级", "保级", "匹配")
# Words of money, payment or contact that make 上分下分 a gambling agent's offer.
_MONEY = ("微信", "qq", "到账", "充值", "代", "客服", "平台", "元", "块", "钱", "群", "v", "找我", "私")
# Rewards that make a how-question about adding a WeChat friend a lure: 怎么加微信好友领红包.
_REWARDS = ("领", "送", "福利", "红包", "赚", "钱", "免费")
_HOW = ("怎么", "如何", "怎样")
# The plain spellings of adding a contact; dodge spellings (加v, 加vx, 加薇) only ever lure.
_PLAIN_CUES = frozenset({"加微信", "加qq"})
# Words of a lure anywhere in a message about adding a contact: a reward, a job, privacy.
_LURES = (*_REWARDS, "私", "找我", "资料", "进群", "兼职", "日结", "代理", "咨询", "详情", "了解", "优惠")
# Right before 加微信, these tell what someone did or does (我奶奶终于学会|加微信, 大家都|加qq,
# 没|加qq), where an offer gives an order (加微信领福利) or an id.
_TOLD = ("终于", "学会", "已经", "以前", "之前", "都", "不会", "没", "刚")
# Whom a game room's chat curses at: a teammate's, an opponent's or a role's mother never comes
# up there, so 队友他妈的技术太烂 is the curse, not "his mother's skill".
_CURSED_AT = frozenset(
    {"队友", "对面", "对手", "敌人", "房管", "水友", "路人", "裁判", "策划", "官方", "打野", "辅助",
     "中单", "上单", "射手", "下路", "野王", "演员", "挂逼"}
)  # fmt: skip
# The heads of nicknames (阿杰, 小明, 老王): jieba splits them, the name is one owner.
_NICKNAME_HEADS = frozenset("阿小老")
# Verbs of wanting and seeking: 你想|兼职日结吗 is a pitch, not a question about a job.
_WANTING = ("想", "要", "找")
_QUESTION_ENDS = frozenset("吗么嘛")


def plain_sense_zh(
    rule: str, text: str, tokens: tuple[tuple[int, int], ...], start: int, stop: int, whole: str
) -> str:
    """Why the match ``text[start:stop]`` of entry ``rule`` is used in its plain sense (""
    when it may be abuse or a lure). ``tokens``: jieba's words of ``text`` (a window of
    the message's compact form ``whole``)."""
    if rule == "他妈的":
        return _kinship(text, tokens, start, stop)
    if rule == "上分下分":
        ranked = next((w for w in _RANKED if w in whole), "")
        if ranked and not any(m in whole for m in _MONEY):
            return f"{rule} with {ranked}: ranked points"
    elif rule in _PLAIN_CUES and not any(c.isdigit() for c in whole) and not any(w in whole for w in _LURES):
        return _adding_told(rule, text, tokens, start, stop)
    elif (
        rule == "兼职日结"
        and text[stop : stop + 1] in _QUESTION_ENDS
        and whole.endswith(text[start : stop + 1])
    ):
        owner = next((text[a:b] for a, b in tokens if b == start), "")
        said = text[:start]
        if owner in ("的", "那个", "这个") and "你" in said and not any(w in said for w in _WANTING):
            return f"你…{owner}{rule}{text[stop]}: asks about someone's own job"
    return ""


def _adding_told(rule: str, text: str, tokens: tuple[tuple[int, int], ...], start: int, stop: int) -> str:
    """Why a plain spelling of adding a contact (加微信, 加qq), in a message with no id and
    no reward, asks about the feature or tells what someone did (怎么加微信, 学会加微信,
    都加qq, 加微信了): no offer. "" when it may be one."""
    said = text[:start]
    if said.endswith(_HOW):
        return f"{said[-2:]}{rule}: asks how the feature works"
    told = next((w for w in _TOLD if said.endswith(w)), "")
    if told and not any(y in said for y in _YOU_ZH):  # 你们都加微信 tells viewers to
        return f"{told}{rule}: tells what someone did or does"
    if (stop, stop + 1) in tokens and text[stop] == "了":
        return f"{rule}了: something done, not an offer"
    return ""


def _kinship(text: str, tokens: tuple[tuple[int, int], ...], start: int, stop: int) -> str:
    """Why 他妈的 means "his mother's" here ("" when it may be the curse)."""
    if any(y in text[:start] for y in _YOU_ZH):
        return ""
    after = next((text[a:b] for a, b in tokens if a == stop), "")
    if after in _KIN:
        return f"他妈的{after}: a relative of his mother"
    before = [text[a:b] for a, b in tokens if b <= start][-2:]
    words = tagged()
    owner = before[-1] if before else ""
    person = owner in words.persons or (owner in words.nouns and owner not in words.owners)
    if len(before) == 2 and len(owner) == 1 and before[0] in _NICKNAME_HEADS:
        owner, person = before[0] + owner, True  # 阿杰, 小明, 老王: a nickname
    if len(owner) >= 2 and person and owner not in _CURSED_AT and _owned(after):
        return f"{owner}他妈的{after}: a person's mother and what she has"
    return ""


def _owned(word: str) -> bool:
    """A noun a mother may have (电话, 店, 工作): a dictionary word of two or more
    characters that is no verb, adverb, time or adjective (the curse stands before those:
    队友他妈的|操作, 他妈的|又)."""
    words = tagged()
    if word in words.nouns or word in words.things:
        return True
    return len(word) >= 2 and word not in words.predicates and word not in words.adjectives


def listed_sense(rule: str, senses: dict[str, tuple[str, ...]], compact: str, start: int, stop: int) -> str:
    """Why the match ``compact[start:stop]`` of ``rule`` is used in an everyday sense the
    lexicon lists for it (``~外挂 字幕 显卡``): one of its sense words elsewhere in the
    message (外挂|显卡坞, 车顶外挂|行李箱). "" when none is."""
    rest = compact[:start] + " " + compact[stop:]
    word = next((w for w in senses.get(rule, ()) if w in rest), "")
    return f"{rule} beside {word}: an everyday sense the lexicon lists" if word else ""


_WORD_RE = re.compile(r"[a-z]+")
# A negation right before an order turns it into advice: don't / do not / never / no need to.
_NEGATIONS = (["don", "t"], ["dont"], ["do", "not"], ["never"], ["no", "need", "to"])
_SELF_HARM = frozenset({"kill yourself", "kys"})
# Words of an entry's other sense in a message: a sneaker line, a dictionary's notation
# for somebody, the jaw joint, a dish.
_OTHER_SENSES = {
    "sb": frozenset(
        {"nike", "dunk", "dunks", "jordan", "sneaker", "sneakers", "skate", "耐克", "球鞋", "联名"}
        | {"配色", "滑板"}
        | {"sth", "something", "somebody", "someone"}  # a dictionary's notation: do sth for sb
    ),
    "tmd": frozenset({"jaw", "joint", "dentist", "tmj", "disorder", "clicks", "clicking"}),
    # British meatballs: faggots and peas, with gravy
    "faggot*": frozenset({"peas", "gravy", "mash", "onion", "cooked", "butcher", "recipe", "pork"}),
}  # fmt: skip
# Before an initialism these say it of someone: 你是sb, you are tmd, 主播sb.
_SAID_OF = frozenset({"you", "u", "ur", "is", "are", "so", "such", "streamer"})
# Anywhere before it, or right after it, these say it of someone: 你就是个sb, sb主播.
_SAID_OF_ZH = ("你", "您", "主播", "是", "个")
# Chinese chat uses these letters as a curse's initials (tmd = 他妈的): their other sense
# is an English one, plain only in a message with no Chinese in it.
_ENGLISH_ONLY = frozenset({"tmd"})


def plain_sense_en(spaced: str, start: int, stop: int, rule: str) -> str:
    """Why the English or initialism match ``spaced[start:stop]`` of entry ``rule`` is used
    in its plain sense ("" when it may be an attack)."""
    before = _WORD_RE.findall(spaced[:start])
    if rule in _SELF_HARM:
        for negation in _NEGATIONS:
            said = before[-len(negation) :] == negation and "why" not in before[-len(negation) - 2 :]
            if said:
                return f"{' '.join(negation)} {rule}: advice, not an order"
        return ""
    senses = _OTHER_SENSES.get(rule)
    if not senses or (rule in _ENGLISH_ONLY and any("\u4e00" <= c <= "\u9fff" for c in spaced)):
        return ""
    if (before and before[-1] in _SAID_OF) or any(w in spaced[:start] for w in _SAID_OF_ZH):
        return ""
    if spaced[stop:].lstrip().startswith(_SAID_OF_ZH) or _WORD_RE.findall(spaced[stop:])[:1] in (
        ["you"],
        ["streamer"],
    ):
        return ""
    words = set(_WORD_RE.findall(spaced)) | {w for w in senses if not w.isascii() and w in spaced}
    found = sorted(senses & words)
    return f"{rule} with {found[0]}: another sense of the letters" if found else ""
