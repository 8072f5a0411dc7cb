"""Is a chat line a question? Interrogative words and patterns, with or without punctuation.

Danmaku rarely carries a question mark: 你是哪个省的, 几点下播, 这衣服哪买的, 求歌名 are
questions all the same. A line is a question when it has

* a question mark, or a question particle (吗, a closing 么, 了没), or ``X呢`` when X is short
  (你呢, 主播呢) or itself holds an interrogative word;
* an A-not-A choice (是不是, 有没有, 能不能, 好不好玩, 去不去), or a closing 不 (好玩不);
* an A-or-B choice: 这是单机还是网游, 猫派还是狗派, 你是男是女, 真的假的 (not 还是算了,
  我还是喜欢, 还是主播厉害, where 还是 is "still" or "after all");
* an interrogative word: 什么/啥/神马, 怎么/咋/怎样/如何, 为什么/为啥, 谁, 哪 (哪里, 哪个,
  哪买的), 几 + a counter (几点, 几岁, 第几关), 多 + a measure (多大, 多高, 多久, 多少),
  干嘛, 是否, 请问/问一下/想问;
* a request for a name or a link: 求歌名, 求bgm, 求链接, 求问;
* in English, a wh-word opening the line or followed by an auxiliary (what game is this, so
  how old are you), or an auxiliary opening it (is it free, do you, can i, anyone know).

And it is not a question when those words do other work, which the rules below spell out:
几乎/几何/茶几/好几个/这几天/十几, 哪怕/哪能/哪里哪里, 谁知道啊/谁都/谁也/谁让你, 没什么/什么都,
不怎么/怎么可能/怎么这么 (an exclamation), 凭什么, 多少有点/没多久/多大点事, 动不动/时不时, a wh-word
as an indefinite (哪里都不想去, 多少钱都值, 几点睡都行; 想吃什么就吃什么, 谁赢谁请客), 你猜怎么着,
不知道为啥 ("somehow"), and in English "what a play", "how cool is that", "how sick was that",
"what the hell", "who cares".

Measured on tests/data/questions_heldout.tsv (never tuned on): see bench/bench_questions.py.
Rules rather than a model: a message is tagged in microseconds on the brain's path, and the
cases are few and nameable; a wrong call shows up as a line to add to the sets. Most chat holds
none of the words the Chinese rules need: each rule is searched only where one occurs
(``agent.shared.screen.Patterns``), the English rules only at a letter or sign a match can start
with (``agent.shared.leads.gated``): the same answers as one alternation, at a fraction of the cost.
"""

from __future__ import annotations

import re

from agent.shared.leads import gated
from agent.shared.screen import Patterns

__all__ = ["is_question"]

_HAN = r"\u4e00-\u9fff"
# Words that end a clause (so 吗/么 is final): particles, punctuation, spaces.
_END = r"(?=[\s啊呀哇呢哦嘛吖~。.!！,，…]*$|[，,。 ])"
# 几 with a counter: 几点, 几岁, 第几关 (what the 几 rule of ``_ZH`` reads as asking).
_COUNTED = "几[点号个岁级天次集周月年分把局章楼斤块位人百千万条关套回钟层段期区服杯颗只张本部首名时]"
# Ideographs that do not continue a clause: question particles, and the fillers slipped between
# words (灬, 丨) that join two messages.
_NOT_IN_CLAUSE = "[吗么呢丶灬丨亅丿乀乁〆彡]"
# Text that makes an interrogative word do other work: removed before looking for one.
_NOT_ASKING_RULES = (
    r"几乎|几何|茶几|几率|几经|几许|[好这那十前后上小没]几|几十",
    r"哪怕|哪能|哪里哪里|哪儿的话|哪有这|哪有那",
    r"谁知道[啊呀呢吧哈嘛哦~。!！…\s]*$|谁[都也]\S*谁|谁都|谁也|谁让|谁叫你|谁在乎|谁还没|谁还不",
    r"没(?:有)?什么|(?<!为)什么都|(?<!为)什么也|不是什么|算什么|凭什么|什么鬼[!！啊]",
    r"没啥|(?<!为)啥都|(?<!为)啥也|不怎么|怎么可能|怎么这么|怎么那么|怎么说呢|不管怎[样么]|无论如何",
    r"多少有[点些]|或多或少|没多[久少]|不多|多大点|没多大|差不多",
    r"动不动|时不时|一动不动|不得不",
    # A wh-word as an indefinite, "any-": X都 (or X也 before a negation) after it, a verb or a
    # noun between (哪里都不想去, 多少钱都值, 几点睡都行, 什么时候来都能看到, 怎么打都赢). Not
    # 为什么/为啥/怎么 alone (为什么都不开麦, 怎么也不说话: "why"), nor 哪些 (哪些都是新的: which).
    # A question particle left behind still asks: 谁都打不过吗, 哪里都能买到吗.
    rf"(?:什么时候|什么地方|(?<!为)什么|(?<!为)啥时候|(?<!为)啥|谁|哪(?!些)[里儿个种天位家边样]?|{_COUNTED}"
    rf"|多少|多久|多长时间|怎么样|怎样|(?:怎么|咋)(?=[^\s你我他她它都也])[{_HAN}])"
    rf"(?:(?!{_NOT_IN_CLAUSE})[{_HAN}]){{0,4}}?(?:都|也(?=[不没别]))",
    # The same wh-word twice: one thing stands for the other, "whatever... that" (想吃什么就吃
    # 什么, 谁赢谁请客, 要多少有多少, 哪里好玩去哪里).
    rf"(?P<wh>什么|谁|哪里|哪儿|哪个|多少|怎么|啥)(?:(?!{_NOT_IN_CLAUSE})[{_HAN}]){{1,6}}?(?P=wh)",
    r"猜猜?怎么着",  # 你猜怎么着: "guess what", a story's turn
    # 我不知道他是谁: what the speaker knows or not, not a question to them.
    r"^(?:我|俺)(?:也|都|还|真|就)?(?:不|没)?(?:知道|记得|忘了).*",
    # 不知道为啥 / 不知道怎么回事 before a statement: "somehow", not a question (不知道为啥这把特别顺).
    r"[不没]知道(?:为什么|为啥|怎么回事|咋回事)",
)
_NOT_ASKING = re.compile("|".join(f"(?:{rule})" for rule in _NOT_ASKING_RULES))
_NOT_ASKING_CUES = Patterns(_NOT_ASKING_RULES)  # where none can match, nothing is removed
# What a viewer asks to be named or shared when writing 求X (求歌名, 求键盘型号).
_ASKED_FOR = (
    "(?:歌名|曲名|原曲|bgm|游戏名|名字|链接|地址|教程|攻略|配置|出处|型号|id|资源|出装|装备|键位|灵敏度"
    "|参数|设置|牌子|品牌)"
)
_ZH = Patterns(
    (
        r"[?？]",
        rf"吗(?!啡)|(?<![那这怎什多要])么{_END}|了没(?:有)?{_END}|(?<=[{_HAN}])不{_END}",
        rf"([{_HAN}])[不没]\1",  # A-not-A: 是不是, 有没有, 能不能, 好不好
        # A or B: 单机还是网游 (not 还是算了, 我还是喜欢, 还是主播厉害); 是男是女, 真的假的.
        rf"(?<![我但可过就])(?<=[{_HAN}a-z0-9])还是"
        rf"(?!算了|别|挺|很|觉得|喜欢|有点|不错|这么|那么|老样子|几|以前|上次|小时候)[{_HAN}a-z0-9]",
        rf"是(?P<a>[{_HAN}]{{1,3}})是(?!(?P=a))[{_HAN}]{{1,3}}[啊呀呢啦的]*$|真的假的",
        r"可不可以|是否|请问|问一下|问下|想问|问问|求问|求助",
        r"什么|啥|神马|怎么|怎样|咋|如何|为何|干嘛|干啥|谁",
        r"哪",
        rf"{_COUNTED}|几$",
        r"多(?:大|高|久|长|重|远|少|贵|宽|厚|胖|深|快)",
        # 求歌名, 求电脑配置, 求个鼠标型号; 歌名求一下, 出装求分享: asking for something to be named.
        rf"求(?:个|一下|下)?[{_HAN}a-z0-9]{{0,4}}?{_ASKED_FOR}",
        rf"{_ASKED_FOR}[{_HAN}]{{0,2}}?求(?:一下|下|个|分享|告知|科普|$)",
    )
)
# 你呢 / 主播呢 / 那个呢: a short line closed by 呢 asks "and what about X?".
_SHORT_NE = re.compile(rf"^[\s@]*[{_HAN}a-z0-9]{{1,3}}呢[\s~?？。!！]*$")
_EN = gated(
    r"(?:^|[,.!:;]\s*)(?:(?:hey|yo|so|and|but|ok|okay|chat|streamer|guys|bro|also|btw)[\s,]+)*"
    r"(?:what|whats|what's|why|when|where|who|whos|who's|which|how|hows|how's|whose"
    r"|is|are|am|do|does|did|can|could|will|would|should|have|has|was|were|any|anyone|anybody"
    r"|isn't|aren't|don't|doesn't|didn't|can't|won't)\b"
    r"|\b(?:what|why|when|where|who|which|how)\s+(?:is|are|was|were|do|does|did|can|could|would"
    r"|will|should|game|time|song|long|much|many|old|rank|about)\b"
)
# Adjectives that measure (how long, how much was that: a question), unlike those that judge.
_MEASURE = (
    r"(?:long|much|many|old|big|tall|far|fast|high|heavy|deep|wide|hard|easy|strong|expensive|cheap"
    r"|rare|often|late|early|short|small|loud|good|bad|likely|close|accurate|common)"
)
_EN_NOT = re.compile(
    r"^\s*(?:what\s+(?:a|an|the\s+(?:hell|heck|fuck|f))|how\s+(?:cool|nice|awesome|great|funny|cute|sad)"
    r"|who\s+(?:cares|asked|knows)|why\s+not\b(?!\s+\w)"
    r"|i\s+(?:know|knew|don'?t\s+know|remember|forgot)\b)"
    # An exclamation: how + a judging adjective + was/were + that (how sick was that, how lucky
    # were we): the past tense looks back at what was just seen. Not a measure: how long was that.
    rf"|^\s*how\s+(?!{_MEASURE}\b)[a-z]+\s+(?:was|were)\s+(?:that|this|it|we|they|he|she)\b"
)
_HAN_RE = re.compile(f"[{_HAN}]")


def is_question(lowered: str) -> bool:
    """Whether ``lowered`` (a chat line, lowercased) asks something; see the module docstring."""
    text = lowered.strip()
    if not text:
        return False
    if "?" in text or "？" in text:
        # "???" alone is surprise, not something to answer.
        return any(ch.isalnum() for ch in text)
    if _EN.search(text) and not _EN_NOT.search(text):
        return True
    if not _HAN_RE.search(text):
        return False
    kept = _NOT_ASKING.sub(" ", text) if _NOT_ASKING_CUES.any(text) else text
    if kept == text and _SHORT_NE.match(text):
        return True
    return _ZH.any(kept)
