"""What a question asks about, slot by slot: one table for folding questions by meaning
(``agent/brain``) and for matching them to the streamer's knowledge (``agent/knowledge``).

The small embedding model reads 主播多高 / 主播多重, 几点开始 / 几点结束, 上一把玩的什么 /
下一把玩什么 as one question: they share every word but the one that matters. ``slots``
reads those words from a small table: for each slot (the kind of answer, the attribute,
which facet of a thing, the streamer's stance to it, the event a time belongs to, past, future
or the best ever, the day, the thing, whose attribute) the values
a text names. Two texts whose values for some slot are both named and share none cannot
be the same question (``contrast``): the meaning index refuses to fold them.

Knowledge matching reads a narrower view of the same table (``asked``): the kind of answer
and attribute a question wants (when, how long, how old, how tall, how heavy, how much, who,
why), which end of the stream it is about (start / end), and the grain of a when (the hour or
the day of the week: ``_GRAIN``). A question and an entry that
each name one of these and share none ask different things (``conflict``); a question asking
for an attribute no phrasing of the entry asks is not answered by it (``unasked``).

A table rather than a model or a library: the words are few and nameable, a wrong entry
shows up as a pair to add to tests/data/paraphrases_tuning2.json or a knowledge set, and it
costs microseconds. Values are matched on the lowered text, 主播 and particles kept (whose
attribute it is can hang on them).
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = [
    "ATTRIBUTE",
    "NARROW",
    "Asked",
    "Slots",
    "agree",
    "answer_form",
    "asked",
    "conflict",
    "contrast",
    "slots",
    "slots_index",
    "unasked",
]

Slots = tuple[frozenset[str], ...]

# How to do it (怎么打, 打法, 攻略, 怎样才能长高), not 怎么输了 / 怎么不开 (why); where to
# change a setting is how to change it (灵敏度在哪调 / 灵敏度怎么调).
_METHOD = (
    r"(?:怎么|怎样|咋|如何)(?:样)?(?:才能)?(?:打|过|玩|弄|获得|拿到|加|入|买|下|设置|调|开通"
    r"|学|练|升|上分|长|提高|变|清|洗|保养)|打法|攻略|how (?:do i|to|can i|did you learn)"
    r"|哪(?:里|儿)?(?:可以|能)?(?:调|设置|改)"
)
_PRICE = (
    r"多少钱|价格|价钱|售价|几个钱|几块钱|多少米|贵不贵|价位|(?:什么|啥)价|花了?多少(?!时间|小时|个|天|年|分钟)"
    r"|cost|price|how much(?!.*weigh)"
)
_NAME = r"叫什么|叫啥|名字|\bname\b|\bcalled\b"
# A setting's value (灵敏度开多少, 画质开的什么), not how to set it (怎么调).
_SETTING = (
    r"(?:灵敏度|dpi|帧数|画质|分辨率|音量|亮度|fov|键位|参数)(?:是|开|调|设)?(?:的|了|成)?"
    r"(?:多少|几|什么)|(?<!怎么)(?<!如何)(?:开|调|设)(?:的|了|成)?(?:多少|几)"
)
# (slot, ((value, pattern), ...)). A value is named when its pattern matches.
_TABLE: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    (
        "kind",  # the kind of answer
        (
            (
                "when",
                r"几点|什么时候|啥时候|何时|多会|什么时间|几号(?!位)|哪一?天|[周星期礼拜]几"
                r"|\bwhen\b|what time",
            ),
            ("how long", r"多久|多长时间|几个小时|几年|how long"),
            ("where", r"哪里|哪儿|在哪(?![一个天些])|去哪|哪买|哪的|哪拿|哪搞|哪下|哪看|哪找|哪刷|\bwhere\b"),
            ("who", r"谁|\bwho\b"),
            ("why", r"为什么|为何|为啥|\bwhy\b"),
        ),
    ),
    (
        "attribute",  # of a person or thing
        (
            ("height", r"身高|多高|个子|一米|几米|\btall\b|height"),
            ("weight", r"体重|多重|[几多少]斤|公斤|\bkg\b|weigh|heavy"),
            ("age", r"年龄|几岁|多少岁|岁数|年纪|几几年|哪年(?:的|生|出生)|多大(?!内存)|\bold\b|\bage\b"),
            ("price", _PRICE),
            ("size", r"内存|多大|几个g|多少g|\bgb\b|\bsize\b"),
            ("name", _NAME),
            ("brand", r"牌子|品牌|型号|哪款|\bbrand\b|\bmodel\b"),
            # how to do it (怎么打, 打法, 攻略), not 怎么输了 / 怎么不开 (why)
            (
                "method",
                r"(?:怎么|咋|如何)(?:才能)?(?:打|过|玩|弄|获得|拿到|加|入|买|下|设置|调|开通)"
                r"|打法|攻略|how (?:do i|to|can i)",
            ),
        ),
    ),
    (
        # Which facet of its subject a question asks, read apart from the attribute slot
        # (whose values the pair decision's features count): 灵敏度开多少 / 灵敏度怎么调,
        # 这首歌叫啥 / 这首歌谁唱的, 英语怎么样 / 怎么学的英语, 灵敏度调的多少 / 鼠标多少钱.
        "facet",
        (
            ("quality", r"怎么样(?!才)|怎样(?!才)|好不好|行不行|水平|\bhow (?:is|are|good)\b|\bhows\b"),
            ("method", _METHOD),
            ("setting", _SETTING),
            ("price", _PRICE),
            ("name", _NAME),
            (
                "maker",
                r"谁(?:唱|写|做|演|画|配|设计|开发|制作|作)|[唱写做演画]的是谁|作者|原唱|开发商"
                r"|who (?:made|sang|sings|wrote|writes|makes|developed)|made by|developer",
            ),
        ),
    ),
    (
        "stance",  # what the asker wants to know the streamer does with a thing: 养猫 / 怕猫
        (
            ("like", r"喜欢|(?<!最)爱(?:[玩吃看听喝]|$|吗|不)|\b(?:like|love)\b"),
            ("fear", r"怕|\bafraid\b|\bscared\b"),
            ("keep", r"养|\bkeep\b|\braise\b"),
            ("can", r"(?<![待等一])会(?![儿员])|\bcan\b"),
        ),
    ),
    (
        "place",  # where from, where now, where been or going
        (
            ("origin", r"哪里人|哪的人|老家|(?<![过去])哪个省|哪个地方的|哪国人|\bfrom\b"),
            ("home", r"住|定居|生活|现在在哪|人在哪|坐标|\blive\b"),
            ("been", r"去过|\bbeen to\b|visited"),
            ("going", r"想去|要去|\bgoing\b|want to go"),
        ),
    ),
    (
        "mood",  # done already, or wished for
        (
            ("done", r"了吗|了没|过吗|过没|已经|\bhave you\b|\bdid you\b"),
            ("wish", r"想|打算|\bwant|would you like|gonna"),
        ),
    ),
    (
        "count",  # which one (第几关) or how many in all (一共几关)
        (
            ("ordinal", r"第几|哪一[关章局把]|到哪了|打到哪"),
            ("total", r"一共|总共|in total|how many"),
        ),
    ),
    (
        "event",  # what a time or duration belongs to
        (
            # 几点开的, not a setting's 灵敏度开的多少 / 画质开的什么
            (
                "start",
                r"开播|开始|(?<![度质率量数位i])开的|开不开|几点开|什么时候开|啥时候开|上线"
                r"|start|\bbegin|go live",
            ),
            (
                "end",
                r"下播|关播|结束|截止|收工|下班|下线|几点下|什么时候下(?!一)|啥时候下(?!一)|播到"
                r"|\bstop|\bends?\b|finish",
            ),
            ("sleep", r"睡|\bsleep|\bbed\b"),
            ("wake", r"起床|醒|wake"),
            ("meal", r"吃饭|\bdinner|\blunch"),
        ),
    ),
    (
        "tense",  # before or after now
        (
            (
                "past",
                r"上一|上个|上[把局场盘]|刚才|刚刚|之前|以前|昨天|昨晚|已经"
                r"|(?:多久|多长时间|几个小时|几年|几天)了|了(?:多久|多长时间|几个小时|几年|几天)"
                r"|\bdid\b|\bwas\b|have been|\bhave (?:you|u) (?:been|played|streamed)\b|yesterday|\blast\b",
            ),
            (
                "future",
                r"下一|下个|下[把局场盘]|接下来|待会|等下|等会|过会|一会|之后|以后|然后|[打玩播]完了?[玩播打再就]"
                r"|还要|还[播玩打唱].{0,2}多久|明天"
                r"|\bwill\b|\bnext\b|tomorrow|gonna",
            ),
            ("now", r"现在|目前|\bnow\b|currently"),
            # the best or most ever, not where it stands now: 现在多少分 / 最高多少分
            ("peak", r"最高|最好成绩|巅峰|历史最|满级|满分|上限|\bpeak\b|highest|\bmax"),
        ),
    ),
    (
        "thing",  # what a gear / media / in-game question is about
        (
            ("mic", r"麦克风|麦(?!当)|\bmic"),
            ("keyboard", r"键盘|\bkeyboard|switches"),
            ("mouse", r"鼠标(?!垫)|\bmouse\b"),
            ("mousepad", r"鼠标垫|mousepad|mouse pad"),
            ("headset", r"耳机|headset|headphone"),
            ("chair", r"椅|\bchair"),
            ("glasses", r"眼镜|glasses"),
            ("controller", r"手柄|controller"),
            ("gpu", r"显卡|\bgpu|graphics card"),
            ("camera", r"摄像头|\bcam(?:era)?\b"),
            ("clothes", r"衣服|外套|裤子|鞋|shirt|hoodie|jacket|shoes"),
            ("song", r"歌|bgm|音乐|\bsong|\bmusic"),
            ("map", r"地图|\bmap\b"),
            ("skin", r"皮肤|\bskin"),
            ("weapon", r"武器|枪|\bweapon|\bgun"),
            ("video", r"视频|录像|回放|录播|\bvideo|\bvod|upload"),
        ),
    ),
    (
        "day",
        (
            ("today", r"今天|今晚|今日|今儿|\btoday|tonight"),
            ("tomorrow", r"明天|明晚|明儿|tomorrow"),
            ("yesterday", r"昨天|昨晚|yesterday"),
            ("every day", r"每天|天天|every day"),
        ),
    ),
)
_COMPILED = tuple((name, tuple((v, re.compile(p)) for v, p in values)) for name, values in _TABLE)
_INDEX = {name: i for i, (name, _values) in enumerate(_TABLE)}


def slots_index(name: str) -> int:
    """Where slot ``name`` ("mood", "tense" ...) is in what ``slots`` returns."""
    return _INDEX[name]


# Whose attribute: only compared when both texts ask for an attribute (主播多大 / 主播的猫多大,
# 你叫什么 / 这个角色叫什么); 主播有对象吗 / 主播单身吗 name no attribute and are not compared.
_OWNERS = (
    ("pet", re.compile(r"猫|狗|\bcat|\bdog")),
    ("family", re.compile(r"弟|妹|哥|姐|爸|妈|女朋友|男朋友|老婆|老公|brother|sister|\bgf\b|\bbf\b")),
    ("game", re.compile(r"游戏|\bgame\b")),
    ("character", re.compile(r"角色|人物|英雄|npc|boss|character")),
    ("skin", re.compile(r"皮肤|\bskin\b")),
)
_STREAMER = re.compile(r"主播|你|\bzb\b|zb|\bup主|\byou\b|\bu\b|\bur\b|\bstreamer\b")


def slots(lowered: str) -> Slots:
    """Per slot, the values ``lowered`` names (empty when it names none)."""
    found = [frozenset(v for v, rule in values if rule.search(lowered)) for _name, values in _COMPILED]
    owners = frozenset(name for name, rule in _OWNERS if rule.search(lowered))
    if not owners and _STREAMER.search(lowered):
        owners = frozenset({"streamer"})
    found.append(owners if found[1] else frozenset())
    return tuple(found)


# Slots narrow enough that sharing a value is evidence of one question (both ask a
# height, both about the mic, both about where someone lives, both about the end of the
# stream); the kind, the day and the tense are shared by too many different questions.
ATTRIBUTE = 1  # the index of the attribute slot
NARROW = tuple(i for i, (name, _v) in enumerate(_TABLE) if name in {"attribute", "place", "event", "thing"})
_NARROW = NARROW


def agree(a: Slots, b: Slots) -> bool:
    """Whether two texts name the same value of a narrow slot (see ``_NARROW``)."""
    return any(a[i] & b[i] for i in _NARROW)


def contrast(a: Slots, b: Slots) -> bool:
    """Whether two texts' slots say they ask different things: some slot where each names
    a value and they share none; or one asks about the next one (下一把玩啥 / what game are
    you playing next) and the other names no time at all (主播玩的啥游戏)."""
    if any(x and y and not x & y for x, y in zip(a, b, strict=True)):
        return True
    return _ahead(a, b) or _ahead(b, a) or _state_or_method(a, b) or _state_or_method(b, a)


_KIND, _TENSE, _DAY, _FACET = (_INDEX[name] for name in ("kind", "tense", "day", "facet"))


def _ahead(a: Slots, b: Slots) -> bool:
    """``a`` asks about what comes next, ``b`` about no time. Not when either asks when (a
    when is always ahead: 新版本啥时候出 / 下个版本几号上线) or names a day (the day slot
    compares those)."""
    if "future" not in a[_TENSE] or b[_TENSE] or a[_DAY] or b[_DAY]:
        return False
    return "when" not in a[_KIND] | b[_KIND]


def _state_or_method(a: Slots, b: Slots) -> bool:
    """``a`` asks where something stands now or at best (现在几级, 最高多少分), ``b`` how to
    get there (怎么升级快): a level is no answer to a how."""
    return bool(a[_TENSE] & {"now", "peak"}) and "method" in b[_FACET] - a[_FACET]


# A wh-question (什么/哪/几/多少/怎么, what/which/how) or a yes-no one (吗, A-not-A, 了没, do you):
# 这是什么游戏 / 这游戏好玩吗 share every content word and ask different things, but
# 有粉丝群吗 / 粉丝群号多少 is one question, so a differing form costs a little, no veto.
_WH = re.compile(
    r"什么|哪|谁|几|多少|怎么|怎样|如何|为什么|多[高大久长重远]|what's"
    r"|\b(?:what|whats|which|who|where|when|how|why)\b"
)
_YES_NO = re.compile(
    r"吗|么$|[不没]$|(.)[不没]\1|了没|是否|\?$"
    r"|^(?:do|does|did|can|could|is|are|was|have|has|will|would)\b"
)


def answer_form(lowered: str) -> str:
    """``wh``, ``yes-no`` or ``""`` (neither, e.g. 求歌名)."""
    if _WH.search(lowered):
        return "wh"
    return "yes-no" if _YES_NO.search(lowered) else ""


# Knowledge's view: (slot, the values read) per family. Within a family, a question and an
# entry that each name a value but share none ask different things.
_FAMILIES = (
    (
        ("kind", frozenset({"when", "how long", "who", "why"})),
        ("attribute", frozenset({"age", "height", "weight", "price"})),
    ),
    (("event", frozenset({"start", "end"})),),
)
# Which grain of time a "when" asks: the hour (几点, what time) or the day of the week (周几,
# 哪天, which day). 主播几点休息 is not answered by 周几休息 (每周一休息), nor 周几开播 by
# 几点开播; 什么时候 names neither and is answered by both. Knowledge's view only: folding
# reads the kind slot, and 几点 / 周几 there are one value.
_GRAIN = (
    ("clock", re.compile(r"几点|几时(?!候)|what time|\bwhat hour")),
    ("weekday", re.compile(r"[周星期礼拜]几|哪一?天|\bwhich days?\b|\bwhat days?\b")),
)
# The family whose values an entry must ask to answer a question asking one (a price is no
# answer to 什么键盘, an age none to 什么星座): how much, how old, when... of a thing.
_ATTRIBUTES = 0
Asked = tuple[frozenset[str], ...]


@lru_cache(maxsize=8192)
def asked(text: str) -> Asked:
    """For each knowledge family, the values ``text`` asks for (lowercased here)."""
    lowered = text.lower()
    found = slots(lowered)
    families = tuple(
        frozenset().union(*(found[_INDEX[name]] & values for name, values in family)) for family in _FAMILIES
    )
    return (*families, frozenset(grain for grain, rule in _GRAIN if rule.search(lowered)))


def conflict(question: Asked, entry: Asked) -> bool:
    """A question and an entry (its phrasings' values together) ask different things: in
    some family each names a value and they share none."""
    return any(q and e and not q & e for q, e in zip(question, entry, strict=True))


def unasked(question: Asked, entry: Asked) -> bool:
    """The question asks for an attribute (how much, how old, how tall, when, who, why) that
    none of the entry's questions ask: 键盘多少钱 is not answered by 用的什么键盘."""
    return bool(question[_ATTRIBUTES]) and not entry[_ATTRIBUTES]
