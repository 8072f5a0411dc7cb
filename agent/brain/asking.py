"""How a question is put, for folding: the forms the meaning model embeds and the word
rules that tell a paraphrase from a look-alike.

``plain`` is what slots are read from (cut, lowercased, unsafe characters gone);
``canonical`` what knowledge matching embeds (fillers and 主播 dropped); ``fold_form`` what
folding embeds and compares: ``canonical`` with the ways chat asks one thing put one way
(主播几岁 / 主播多大年纪 -> 年龄, 下一把 / 待会儿 -> 待会, 对象 / npy / 女朋友 -> 对象), so
the small model sees one phrasing and ``minimal_pair`` no swapped word. ``minimal_pair``
refuses two forms one content word apart (几点下播 / 几点开播), not two that differ only in
light words (这是什么难度 / 开的什么难度) or in a closing 没 / 不 (有对象了没 / 有对象了).
``Asks`` is what the index keeps of each text: its slots (``agent/shared/slots.py``) and
what the learned pair decision reads (``agent/brain/fold_model.py``: answer form, script,
kinds of question word, content, subjects).

A table rather than a library: these are chat's ways of asking (zb, npy, 几几年的, 来首歌),
which general synonym dictionaries do not have; each row was added for paraphrase pairs of
the tuning sets that the model scored apart (see ``meaning.py`` for the figures).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import lru_cache

from agent.brain.fold_model import NOTHING_EMBEDDED, Embedded, FoldModel, Side, side
from agent.brain.fold_model import load as load_model
from agent.shared.slots import ATTRIBUTE, Slots, answer_form, contrast, slots, slots_index

__all__ = [
    "Asks",
    "canonical",
    "fold_form",
    "minimal_pair",
    "plain",
]

# Questions are short; a wall of text costs up to 512 tokens of model time for nothing.
MAX_CHARS = 64
_HAN_RE = re.compile("[\u4e00-\u9fff]")
_SYNONYMS = (("神马", "什么"), ("啥", "什么"), ("咋", "怎么"), ("哪儿", "哪里"))
# How viewers open or soften a question, and particles: they say nothing about which one.
_FILLER_RE = re.compile(r"主播|[呀啊吗呢吧呗嘛哦哈]|[?？!！~。，,.]")
# Folding drops more (knowledge matching was tuned on the form above): how viewers open or
# soften a question, and more particles.
_OPENING_RE = re.compile(
    r"请问一下|请问|想问一下|想问下|问一下|问下|弱弱地?问一?下?|有人知道|谁知道|[啦哇嘞捏、]"
)
# For folding: ways of asking one thing put one way. Order matters (longer first).
_PLAIN_WORDS = tuple(
    (re.compile(pattern), plain)
    for pattern, plain in (
        (r"zb|up主", ""),
        (r"今晚|今儿|今日", "今天"),
        (r"明晚|明儿|明日", "明天"),
        (r"几点|什么时候|何时|多会儿?|什么时间", "什么时候"),
        (r"为何", "为什么"),
        (r"怎么(?=[输赢死挂没不卡掉])", "为什么"),
        (r"哪个省份?的?|哪个地方的人?|哪的人|哪里人|老家(?:在|是)?哪里?的?", "哪里人"),
        (r"在?哪里|在?哪儿|在哪(?![个一些款种])", "哪里"),
        (
            r"多少岁|几岁|多大年纪|多大岁数|岁数|年纪|今年多大|多大了|是?几几年的?|年龄(?:是|有)?多少|年龄",
            "年龄",
        ),
        (r"^(?:有|是)?多高|个子(?:多高|多少)?|身高(?:是|有)?多少|身高", "身高"),
        (r"体重(?:是|有)?多少|体重|多重|几斤|多少斤|多少公斤", "体重"),
        (r"多少钱|价格|售价|几个钱|几块钱|多少米|价钱|价位", "价格"),
        (r"对象|女朋友|男朋友|女票|男票|npy|\bgf\b|\bbf\b", "对象"),
        (r"下一?[把局场]|下一?个(?![月版星礼周])|待会儿?|等会儿?|等下|接下来", "待会"),
        (r"每周|一周|一个?星期|一个?礼拜", "每周"),
        (r"天天|每天都?", "每天"),
        (r"结束直播|关播|下线", "下播"),
        (r"上线|开始直播|开始播", "开播"),
        (r"(?<=什么时候)开$|(?<=什么时候)直播", "开播"),
        (r"开奖", "抽奖"),
        (r"几段|段位", "段位"),
        (r"来首歌|唱首歌|唱个歌|唱歌", "唱歌"),
        (r"本命|拿手|最擅长|最爱玩?|最常玩|最喜欢", "最喜欢"),
        (r"叫什么名字|名字是什么|叫什么|是谁", "叫什么"),
        (r"npc|人物", "角色"),
        (r"进度", "打到"),
        (r"初见|首次游玩", "第一次玩"),
        (r"回放|录播|录像|重播", "回放"),
        (r"学生党?|上学|读书|在读|大学生|读大学", "上学"),
        (r"单身狗", "单身"),
        (r"脱单", "有对象"),
        (r"成家|已婚|有老婆|有老公", "结婚"),
        (r"延迟|ping|几ms", "延迟"),
        (r"帧数|几帧|多少帧|fps", "帧数"),
        (r"模组|\bmods?\b", "mod"),
        (r"汉化|中文版|中文", "中文"),
        (r"手游版?|手机上?|安卓|苹果|ios", "手机"),
        (r"多人模式|多人|联机", "联机"),
        (r"卡成ppt|好卡|卡了|一直卡", "卡"),
        (r"发视频|投稿视频|投稿|出视频|发新视频", "更新"),
        (r"服务器|大区|区服|(?<=哪个)区|(?<=哪个)服|(?<=什么)区", "服"),
        (r"开黑|组队|带我玩|一起玩|带带我", "一起玩"),
        (r"口音|方言|哪里话", "方言"),
        (r"账号名?|用户名|游戏id", "id"),
        (r"(?<=怎么)(?:加入|进(?!行)|入(?!行)|加(?![点速]))|加入", "加入"),
    )
)
_UNSAFE_RE = re.compile("[\x00-\x1f\x7f\ud800-\udfff]")


def plain(text: str) -> str:
    """What slots are read from: ``text`` cut, lowercased, synonyms unified, 主播 kept."""
    text = _UNSAFE_RE.sub("", text[:MAX_CHARS]).lower()
    for word, same in _SYNONYMS:
        text = text.replace(word, same)
    return text


def canonical(text: str) -> str:
    """What knowledge matching embeds: ``plain``, filler dropped."""
    text = plain(text)
    return _FILLER_RE.sub("", text).strip() or text.strip() or "?"


def fold_form(text: str) -> str:
    """What folding embeds and compares: ``canonical`` with the ways of asking one thing put
    one way (主播几岁 / 主播多大年纪 -> 年龄). Knowledge matching keeps ``canonical``: it was
    tuned on that form, and answers better from it."""
    form = _OPENING_RE.sub("", canonical(text))
    for rule, same in _PLAIN_WORDS:
        form = rule.sub(same, form)
    return form.strip() or canonical(text)


# Question words, one token for minimal_pair: swapping 几点 for 什么时候 is not a new slot.
_ASKING = "？"
_QUESTION_WORD_RE = re.compile(
    r"什么|哪个|哪款|哪里|哪儿|哪|几点|几|多少|谁|怎么|如何|\b(?:what|which|who|where|when|how)\b"
)
_NEGATION = (["不"], ["没"], ["没有"], ["not"], ["don't"], ["didn't"], ["没", "有"])
# Words that carry no slot of their own: a swap among them rewords, it does not ask anew
# (这是什么难度 / 开的什么难度, can you speak / do you speak).
_LIGHT = frozenset(
    {"这", "那", "是", "的", "个", "了", "在", "开", "玩", "用", "打", "到", "现", "家", "有", "会", "能"}
    | {"can", "do", "does", "could", "is", "are", "the", "you", "u", "r", "streamer", "this", "that", "it"}
)
_TOKEN_RE = re.compile(r"[a-z0-9']+|[^\sa-z0-9']")


def minimal_pair(a: str, b: str, span: int = 2) -> bool:
    """Forms that differ only in one swapped slot of at most ``span`` tokens (a Chinese
    character or a Latin word), around at least two shared ones, the question words aside:
    几点下播 / 几点开播, 主播是学生 / 主播是老师, what game is this / what song is this ask
    different things; or only in a "not" (为啥不开麦 / 为啥开麦). A paraphrase rewords more
    than one slot, or only light words."""
    return 0 < _swapped(a, b) <= span


@lru_cache(maxsize=16384)
def _swapped(a: str, b: str) -> int:
    """How many tokens the one swapped slot of ``minimal_pair`` spans (1 for a "not"); 0
    when the forms are not one swap apart."""
    ta, tb = _tokens(a), _tokens(b)
    ops = difflib.SequenceMatcher(None, ta, tb, autojunk=False).get_opcodes()
    changed = [op for op in ops if op[0] != "equal"]
    shared = sum(i2 - i1 for tag, i1, i2, _j1, _j2 in ops if tag == "equal")
    if len(changed) != 1 or shared < 2:
        return 0
    tag, i1, i2, j1, j2 = changed[0]
    swapped = ta[i1:i2] + tb[j1:j2]
    if tag != "replace":  # one side has a word more: only a "not" makes another question,
        # and a 没 / 不 closing the question asks yes or no (有对象了没 / 有对象了)
        closing = max(i2, j2) == max(len(ta), len(tb)) and swapped in (["没"], ["不"])
        return 1 if swapped in _NEGATION and not closing else 0
    if all(token in _LIGHT for token in swapped) or _ASKING in swapped:
        return 0
    return max(i2 - i1, j2 - j1)


def _tokens(form: str) -> list[str]:
    return _TOKEN_RE.findall(_QUESTION_WORD_RE.sub(_ASKING, form))


@dataclass(frozen=True, slots=True)
class Asks:
    """What a text asks, as the veto and the learned pair decision read it."""

    slots: Slots
    side: Side  # what ``fold_model.features`` reads

    @classmethod
    def of(cls, text: str) -> Asks:
        lowered = plain(text)
        found = slots(lowered)
        han = _HAN_RE.search(lowered) is not None
        return cls(found, side(found, answer_form(lowered), han, lowered, fold_form(text)))

    def vetoes(self, other: Asks) -> bool:
        """The words alone say the two ask different things: the slots contrast, one asks
        whether and the other how long, whether something has happened and what, or a
        value (a price, an age) and which one."""
        if contrast(self.slots, other.slots) or _how_long_or_whether(self.side, other.side):
            return True
        return _whether_or_what(self, other) or _whether_or_what(other, self) or _value_or_which(self, other)

    def penalty(
        self, other: Asks, model: FoldModel | None = None, embedded: Embedded = NOTHING_EMBEDDED
    ) -> float:
        """What comes off the pair's cosine: inf when ``vetoes``, else what
        ``fold_model`` (the shipped weights unless ``model``) says the words and
        ``embedded`` (``fold_model.features``) take off it (negative when they add: both
        ask a price, both about the mic)."""
        if self.vetoes(other):
            return float("inf")
        near = minimal_pair(self.side.folded, other.side.folded, span=3)
        return -(model or load_model()).adjust(self.side, other.side, near, embedded)


def _how_long_or_whether(a: Side, b: Side) -> bool:
    """One asks whether (主播是全职吗), the other how long (全职多久了): no yes or no answers
    a how long, and none of the tuning sets' paraphrases pair them."""
    if {a.form, b.form} != {"yes-no", "wh"}:
        return False
    return "duration" in (a.wh if a.form == "wh" else b.wh)


# A viewer asking whether a thing exists (有粉丝群了吗, 建群了没) asks for it, like 群号多少.
_EXISTS = re.compile(r"有|建|开")
# Values a "which" or "how many" question never asks for: 键盘啥轴 / 键盘多少钱, 电脑什么配置 /
# 电脑多少钱, 鼠标dpi多少 / 鼠标多重.
_VALUES = frozenset({"price", "age", "weight", "size"})
_MOOD = slots_index("mood")
_WHICH_OR_AMOUNT = frozenset({"which", "amount"})


def _whether_or_what(a: Asks, b: Asks) -> bool:
    """``a`` asks whether something has happened (吃了吗, 粉丝群满了没), ``b`` what or how
    many (吃的什么, 群号多少): a yes or no is no answer to either. Not when ``a`` asks
    whether a thing exists (有/建/开 X 了吗: it asks for the thing)."""
    if a.side.form != "yes-no" or b.side.form != "wh" or "done" not in a.slots[_MOOD] - b.slots[_MOOD]:
        return False
    return bool(b.side.wh) and b.side.wh <= _WHICH_OR_AMOUNT and not _EXISTS.search(a.side.folded)


def _value_or_which(a: Asks, b: Asks) -> bool:
    """One asks a value (多少钱, 几岁, 多重, 多大), the other only which one or how many of
    something that is no value (什么轴, 什么配置, 几hz, dpi多少): a price is no answer to a
    model (``slots.unasked`` says the same of knowledge)."""
    if a.side.form != "wh" or b.side.form != "wh":
        return False
    return any(
        x.slots[ATTRIBUTE] & _VALUES
        and not y.slots[ATTRIBUTE]
        and y.side.wh
        and y.side.wh <= _WHICH_OR_AMOUNT
        for x, y in ((a, b), (b, a))
    )
