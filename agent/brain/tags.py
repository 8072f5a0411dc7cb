"""Intent tags and sentiment for one chat message, from rules plus snownlp.

Tags tell the state machine and the reply engines what kind of message it holds:

* ``question`` (with or without punctuation: 几点下播, 求歌名; ``agent.shared.questions``),
  ``greeting``, ``request``, ``complaint``, ``praise``;
* ``off_topic``: viewers talking to each other or promoting themselves (互关, 楼上,
  来我直播间);
* ``mention``: the bot's name;
* ``instruction``: the viewer tries to give the bot orders or a new role, in any of the
  families of ``agent.brain.injection`` (set aside its instructions or filters, show them,
  role play, the streamer-said-so trick, new rules, standing rules (有人问就说…, 以后管主播叫…),
  output constraints (只回复…, "all caps"), personas, say after me, DAN, insult-me, translation
  tricks, base64 payloads, system-prompt look-alikes), in Chinese and English; what the rules
  miss, a learned linear model over character n-grams may still catch
  (``agent.brain.instruction_model``, trained offline, weights in agent/data). Viewer text is
  data, never orders: such a message is never answered, quoted or shown, and is never
  ``positive``. The Chinese rules run on the match form, so 忽 略 以 上 and 無視之前 are caught;
* ``claim``: a statement about the streamer or the bot (主播是…, 主播说…, 我是主播的老公),
  never agreed with (``agent.brain.endorse``);
* ``order``: a broad "do or say this" (你来…, 把…念出来, "say..."): answered, never agreed with;
* ``accusation``: cheating or staging (开挂, 挂狗, 作弊, 是演的, 剧本吧, 是托, 假赛,
  cheater, cheating, scripted, rigged);
* ``insult``: mild insults at the streamer or the bot that the lexicon does not ban
  (主播是猪, 菜狗, 脑残, 智障, idiot, you're so dumb, you suck);
* ``positive``/``negative``: the sentiment. ``accusation``, ``insult`` and
  ``complaint`` make a message ``negative`` (sentiment 0.2), ``praise`` makes it
  ``positive`` (0.8); a message with neither cue, or both, gets snownlp's score.

Literal cues (``_CUES``) are found together by one Aho-Corasick pass; the cues that
need their context are regexes (``_RULES``). The rules prefer missing an attempt to
tagging ordinary chat: 你现在是在打第几关, 重复了吗, 这个挂件好看, 剧本杀好玩 stay
untagged (tests/test_injection.py holds both lists).

snownlp's sentiment model was trained on product reviews: on short danmaku it is
slow (~1.3 ms a call) and poorly calibrated (好听好听 scores 0.18). So it runs only for
kept text with Chinese characters and no rule cue, within the brain's
``sentiment_per_s`` budget, its score is pulled toward neutral, and it loads in the
background (``agent.brain.sentiment``): until it is ready the sentiment is rule-based.
"""

from __future__ import annotations

from dataclasses import dataclass

import ahocorasick

from agent.brain import instruction_model, normalize
from agent.brain.injection import claim_in, instruction_in, order_in
from agent.brain.normalize import ascii_edge
from agent.brain.sentiment import SentimentModel
from agent.shared.leads import gated
from agent.shared.questions import is_question
from agent.shared.screen import Patterns

__all__ = ["TAGS", "Tagged", "Tagger"]

# Literal cues, found together by one Aho-Corasick pass over the lowercased text. An ASCII
# cue counts only as a whole word (Latin words inside Chinese text have no \b: both
# sides are \w), so "hi" is not found in "this" but is in "hi主播".
_CUES: dict[str, str] = {
    "greeting": "晚上好|早上好|下午好|中午好|早安|晚安|来了|报道|报到|打卡|hello"
    "|hi|hey|hiya|yo|sup|good morning|good evening|good afternoon|greetings",
    "request": "能不能|可不可以|请|求|麻烦你|麻烦您|麻烦主播|麻烦帮|帮我|帮忙|想听|想看"
    "|唱首|唱一首|来首|来一首|点歌|please|pls|plz|can you|could you|would you",
    "complaint": "垃圾|无聊|退钱|难听|难看|太菜|好菜|真菜|菜鸡|差评|卡了|好卡|太卡|很卡|卡死"
    "|卡顿|又卡|掉帧|延迟|声音小|声音太小|听不见|听不到|听不清|看不见|看不到|看不清|没声音"
    "|太烂|好烂|真烂|烂透|失望|辣鸡|拉胯|拉跨|下头"
    "|lag|laggy|boring|trash|suck|sucks|refund|worst|terrible",
    "praise": "厉害|666|好听|好看|漂亮|帅|太强|好强|真强|yyds|绝了|爱了|好棒|真棒|太棒|棒棒"
    "|优秀|可爱|神仙|天籁|赞|精彩|好厉|awsl|哇塞|nb|nice|awesome|amazing|pog|poggers|gg"
    "|great|love it|love this|love you|cool|wow|goat",
    "off_topic": "互关|互粉|回关|关注我|来我直播间|看我主页|我的直播间|求关注|楼上|楼下|前面的|刷屏|广告",
    "accusation": "开挂|挂狗|挂逼|挂哥|外挂|开透视|透视挂|自瞄|锁头挂|开脚本|用脚本|脚本狗|代打"
    "|假赛|打假赛|水军|hacker|hackers|hacking|aimbot|wallhack|wall hack|scripted|rigged|staged",
    "insult": "菜狗|蠢货|蠢猪|白痴|弱智|智障|脑残|铸币|猪脑|煞笔|傻叉|傻x"
    "|sb|idiot|idiots|moron|dumbass|stfu|retard|retarded",
}

_L, _R = r"(?<![a-z])", r"(?![a-z])"  # the whole-word edges, for the rules below

# Cues that need their context: what comes before or after them.
_RULES: dict[str, str] = {
    # 主播好 greets, 主播好厉害 does not: a greeting word ends the clause.
    "greeting": r"(?:你|您|大家|主播|各位|老师)好(?=[啊呀鸭哇吖呐哦~!！,，.。 ]|$)",
    "request": r"可以.{0,8}[吗么嘛]",
    "praise": r"牛(?![肉排奶仔马])",
    "accusation": (
        r"作弊(?!码)|(?:是|都是|全是|肯定是|就是|绝对是|纯)演的|演得(?:太)?假|(?:是|有|按|照)剧本"
        r"|剧本(?:吧|啊|呢|而已|局|味)|(?:是|有|请的|找的|都是|全是)托(?:儿(?!所)|吧|吗|啊|$|[?？!！，,。 ])"
        r"|托儿(?!所)|刷的(?:礼物|数据|人气|弹幕)"
        rf"|{_L}cheat(?:er|ers|ing|ed|s)?{_R}(?!\s*(?:codes?|sheets?))"
    ),
    "insult": (
        r"(?:主播|你|up主?|机器人|小助手)(?:是|真是|就是|像|好像|简直是|真|太|好)?(?:一?[个头只条])?"
        r"(?:猪(?![肉排蹄])|狗(?!狗)|菜狗|废物|垃圾|小丑|傻子|傻瓜|蠢货|蠢猪|白痴|弱智|智障|脑残|辣鸡|废柴|憨批|low"
        r"|大?骗子|笨蛋|神经病|有病)"
        r"|低能(?![耗量])|(?:脑子|脑袋)(?:有病|进水|有问题|坏了|瓦特)|神经病吧|有病吧"
        r"|(?:废物|垃圾|菜狗|傻逼|辣鸡|弱智|智障|脑残|傻子|笨蛋|骗子)(?:主播|up主?|机器人|小助手)"
        rf"|{_L}(?:you|u|ur|you'?re|streamer|bot|host)\s*(?:is|are|r)?\s*(?:so\s+|such\s+an?\s+|an?\s+|really\s+"
        rf"|very\s+)?(?:stupid|dumb|idiot|moron|trash|garbage|clown|loser|noob|suck|sucks|bad){_R}"
        rf"|{_L}(?:stupid|dumb|trash|garbage|useless)\s*(?:streamer|bot|host){_R}"
    ),
}


def _cue_automaton() -> ahocorasick.Automaton:
    """cue -> (tags it stands for, its length, whether it must be a whole ASCII word)."""
    tags_of: dict[str, set[str]] = {}
    for tag, cues in _CUES.items():
        for cue in cues.split("|"):
            tags_of.setdefault(cue, set()).add(tag)
    automaton = ahocorasick.Automaton()
    for cue, tags in tags_of.items():
        automaton.add_word(cue, (frozenset(tags), len(cue), cue.isascii() and cue[0].isalnum()))
    automaton.make_automaton()
    return automaton


_CUE_AUTOMATON = _cue_automaton()
_RULE_RES = {tag: gated(rule) for tag, rule in _RULES.items()}  # agent.brain.names screens names with these
_RULE_TAGS = tuple(_RULES)
_RULE_PATTERNS = Patterns(_RULES.values())  # each searched only where a string it needs occurs
# Every tag a message can carry (mode triggers in the config name them).
TAGS = frozenset(_CUES) | frozenset(_RULES)
TAGS |= {"question", "mention", "positive", "negative", "claim", "order", "instruction"}
# Tags that make a message negative whatever the model says.
_BAD_CUES = frozenset({"complaint", "accusation", "insult"})


@dataclass(frozen=True, slots=True)
class Tagged:
    tags: frozenset[str]
    sentiment: float


class Tagger:
    """Rules for the tags; snownlp (``model``, loading in the background) for the sentiment
    of Chinese text without a rule cue, rule-based until the model is ready."""

    def __init__(self, bot_name: str = "", *, model: SentimentModel | None = None) -> None:
        self._name = normalize.match_form(bot_name) if bot_name.strip() else ""
        self.model = model

    def tag(self, display: str, compact: str, *, use_model: bool = True) -> Tagged:
        """Tags and sentiment; ``use_model=False`` skips snownlp (for messages being dropped
        and beyond the brain's per-second budget)."""
        lowered = display.lower()
        found: set[str] = set()
        for end, (tags, length, word) in _CUE_AUTOMATON.iter(lowered):
            if not word or (ascii_edge(lowered, end - length) and ascii_edge(lowered, end + 1)):
                found |= tags
        found.update(_RULE_TAGS[i] for i in _RULE_PATTERNS.which(lowered))
        if is_question(lowered):  # interrogative words and patterns: agent/shared/questions.py
            found.add("question")
        if instruction_in(display, lowered, compact) or learned_instruction(lowered):
            found.add("instruction")  # the families of agent/brain/injection.py, then the model
        if "question" not in found and claim_in(lowered, compact):
            found.add("claim")
        if order_in(lowered, compact):
            found.add("order")
        if self._name and self._name in compact:
            found.add("mention")
        score = self._sentiment(display, found, use_model)
        if score < 0.3 or found & _BAD_CUES:
            found.add("negative")
        elif (score > 0.7 or "praise" in found) and "instruction" not in found:
            found.add("positive")
        return Tagged(frozenset(found), score)

    def _sentiment(self, display: str, found: set[str], use_model: bool) -> float:
        good, bad = "praise" in found, bool(found & _BAD_CUES)
        if good != bad:  # a rule cue decides; the model would only be overridden
            return 0.8 if good else 0.2
        if use_model and self.model is not None and normalize.has_cjk(display):
            raw = self.model.score(display)  # None until the model is ready
            if raw is not None:
                # Shrink toward neutral: the model is sure of itself on text unlike its training data.
                return round(0.5 + (raw - 0.5) * 0.6, 3)
        return 0.5


def is_instruction(display: str, compact: str) -> bool:
    """True when a text (its display and match forms) gives the bot orders: only the
    ``instruction`` rules, no sentiment (for two messages read together:
    agent/brain/split_orders.py, which joins forms it already has)."""
    return instruction_in(display, display.lower(), compact)


_LEARNED = instruction_model.load()


def learned_instruction(lowered: str) -> bool:
    """The learned second signal (``agent.brain.instruction_model``) on a text the rules left
    untagged: only for text that passes its cheap gate (about one chat line in eight)."""
    return instruction_model.gated(lowered) and _LEARNED.says_instruction(lowered)


def instruction_reason(display: str, compact: str) -> str:
    """Why a text is tagged ``instruction``, for ``cohost moderate --explain``: ``rules``,
    ``model (score S > T)`` for the learned signal, or "" when it is not."""
    lowered = display.lower()
    if instruction_in(display, lowered, compact):
        return "rules"
    if learned_instruction(lowered):
        return f"model (score {_LEARNED.score(lowered):.2f} > {_LEARNED.threshold:.2f})"
    return ""
