"""The words of a question and of an entry: jieba's, the ones that say what a question is
about (``content_words``), how much two texts share (``word_overlap``, ``covered_share``),
and the objects a question asks about that an entry must name to answer it (``objects``,
``names``): 主播妈妈多大了 asks about 妈妈, which 主播多大了 never names.

jieba cuts the words and its dictionary tags them (n noun, t time ...): chat's near misses
differ from an entry's question by a noun (耳机 / 键盘, 妈妈 / 主播, 演唱会 / 开播) or a time
(明天 / 以前 / 下一个), rarely by a verb, and a noun jieba does not know (大橘, a pet's name)
is rarer still in an entry that does not mention it.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable
from functools import lru_cache

from agent.shared.questions import is_question
from agent.shared.synonyms import FRAME, NOW, SEQUENCE, tags

__all__ = [
    "MAX_QUESTION_CHARS",
    "MENTION",
    "STREAM",
    "content_words",
    "covered_share",
    "names",
    "objects",
    "word_overlap",
]

MAX_QUESTION_CHARS = 64
# Words every question has that say nothing about which one it is: question words, pronouns,
# particles, how viewers address the streamer and the bot.
_STOPWORDS = frozenset(
    " ".join(
        (
            "什么 啥 神马 怎么 咋 怎么样 怎样 如何 为什么 为啥 哪 哪里 哪儿 哪个 哪些 谁 几 多少 多 吗 呢 吧",
            "啊 呀 嘛 哦 哈 了 的 得 地 着 过 是 不是 有 有没有 没有 没 能 能不能 可以 会 要 想 请问 问 问问",
            "求 知道 主播 播主 zb up 小助手 助手 你 我 他 她 它 你们 我们 大家 这 那 这个 那个 这是 那是",
            "这里 一下 一个 现在 今天 还 在 和 跟 与 也 都 就 又 呗 么 吖 诶 嗯 喔 给 用",
            "the a an is are was do",
            "does did you your i me my what which who how when where why can could will would to of in on",
            "for it this that please",
        )
    ).split()
)
# "@小助手 ..." : whom a question is addressed to says nothing about what it asks.
MENTION = re.compile(r"@\S+\s*")
_WORD = re.compile(r"[\w\u4e00-\u9fff]")
# A clause of a chat line, with the marks that close it.
_CLAUSE = re.compile(r"[^，,。！!？?；;~\s]+[，,。！!？?；;~\s]*")
# A question word jieba keeps inside a word (什么游戏, 啥牌子, 哪款): what follows is the object.
_ASKING = re.compile(r"^(?:什么|啥|哪个|哪|几)")
# jieba's tags of words that name things, places and times: n* nouns, s place, t time, j
# abbreviation, vn verbal noun (比赛, 活动), ng/an noun-like morphemes.
_NOUNISH = ("n", "s", "t", "j", "vn", "an")
# 星期一 / 礼拜一 / 周一: one weekday, three ways.
_WEEKDAY = re.compile(r"星期|礼拜")
# A one-character noun made fond: 咪 after it (猫咪) or said twice (狗狗, 猫猫). Not 子 or 儿:
# 儿子, 房子 and 妹子 are words of their own.
_FOND = re.compile(r"(.)(?:咪|\1)")

# The stream itself: every entry of the streamer's file is about it, so naming it makes no
# question about something an entry does not name (周一有直播吗 asks what 周几休息 answers).
STREAM = frozenset({"直播"})

_jieba_lock = threading.Lock()


@lru_cache(maxsize=1)
def _jieba() -> tuple[Callable[[str], list[str]], dict[str, float], float]:
    """jieba's cutter and IDF table, loaded once (about a second: its dictionary)."""
    with _jieba_lock:
        import jieba
        import jieba.analyse

        jieba.setLogLevel(logging.WARNING)  # its "Building prefix dict" lines are not news
        tfidf = jieba.analyse.default_tfidf
        return jieba.lcut, tfidf.idf_freq, tfidf.median_idf


@lru_cache(maxsize=1)
def _tag_table() -> dict[str, str]:
    """jieba's part-of-speech tag of each word of its dictionary (n noun, t time, v verb ...)."""
    with _jieba_lock:
        import jieba.posseg

        jieba.posseg.dt.initialize()
        table: dict[str, str] = jieba.posseg.dt.word_tag_tab
        return table


def warm() -> None:
    """Load jieba's tables now (about a second), in a loading thread, so that the first
    question the brain asks about does not wait for them on the brain's thread."""
    _jieba()
    _tag_table()


@lru_cache(maxsize=4096)
def objects(text: str) -> frozenset[tuple[str, ...]]:
    """What a question is about beyond the slot it asks, which an entry must name to answer
    it: nouns (妈妈, 耳机, 钱), time words other than now (明天, 以前, 下一个), and words
    jieba's dictionary does not have (塞尔达 is there, 大橘 is not). Not English words (jieba
    tags them all alike), nor nouns that name the kind of answer (牌子, 名字). Each is a
    word, or a word jieba guessed (its HMM glues words and particles: 还播, 贵不贵, 大橘)
    followed by its dictionary pieces that are objects: the word, or all its pieces, named."""
    text = _asking(MENTION.sub("", text).strip()[:MAX_QUESTION_CHARS].lower())
    table = _tag_table()
    found: set[tuple[str, ...]] = {(m.group(),) for m in SEQUENCE.finditer(text)}
    for word in content_words(text):
        word = _ASKING.sub("", word)  # 什么游戏 (one word in jieba's dictionary) -> 游戏
        if word.isascii():
            continue
        if word in table:
            if _is_object(word, table[word]):
                found.add((word,))
            continue
        pieces = tuple(piece for piece in _pieces(word) if _is_object(piece, table.get(piece, "")))
        if pieces:
            found.add((word, *pieces))
    return frozenset(found)


def _asking(text: str) -> str:
    """The clauses of a chat line that ask something (``is_question``), or all of it: in
    二郎神有什么技巧，我卡了一个星期了 the week is what the viewer tells, not what they ask."""
    clauses = _CLAUSE.findall(text)
    asking = [clause for clause in clauses if is_question(clause)]
    return " ".join(asking) if asking and len(clauses) > 1 else text


def _pieces(word: str) -> list[str]:
    import jieba

    return [piece for piece in jieba.lcut(word, HMM=False) if piece.strip()]


def _is_object(word: str, tag: str) -> bool:
    if not word or word in NOW or word in FRAME or word in _STOPWORDS or word in STREAM:
        return False
    return tag.startswith(_NOUNISH)


def names(word: str, told: frozenset[str], text: str) -> bool:
    """The entry (its words ``told``, its text ``text``) names ``word``: has it (猫 in 橘猫),
    a word it is a kind of (耳麦 / 麦: a compound's head is its end, so not 鼠标垫 / 鼠标), or
    a synonym (关播 / 下播)."""
    if word in text or any(len(other) > 1 and word.endswith(other) for other in told):
        return True
    # A two-character compound whose head the entry has as a word (家猫 / 猫: 猫 is a word
    # of 养的什么猫), and a weekday said another way (星期一 / 礼拜一 / 周一).
    if (len(word) == 2 and word[1] in told) or _WEEKDAY.sub("周", word) in text:
        return True
    # A word said fondly (猫咪, 狗狗) names what its first character, a word of the entry, does:
    # 猫咪名字叫啥 asks what 猫叫什么名字 answers.
    if _FOND.fullmatch(word) and word[0] in told:
        return True
    # Two parts it has (四川人 / 四川成都人), the first of two characters or more.
    if any(word[:cut] in text and word[cut:] in text for cut in range(2, len(word))):
        return True
    mine = tags(word)
    return bool(mine) and any(mine & tags(other) for other in told)


@lru_cache(maxsize=4096)
def content_words(text: str) -> frozenset[str]:
    """The words of ``text`` that say what it is about (lowercased, question words dropped)."""
    cut, _idf, _median = _jieba()
    words = (w.strip().lower() for w in cut(text[:MAX_QUESTION_CHARS]))
    return frozenset(w for w in words if w and _WORD.search(w) and w not in _STOPWORDS)


def _weight(word: str) -> float:
    _cut, idf, median = _jieba()
    return idf.get(word, median)


def _covered(word: str, others: frozenset[str]) -> bool:
    """``word`` is among ``others``: the same, one inside the other (麦 / 麦克风), or
    synonyms in chat's words (关播 / 下播: ``shared.synonyms.tags``)."""
    if any(word in other or other in word for other in others):
        return True
    mine = tags(word)
    return bool(mine) and any(mine & tags(other) for other in others)


def word_overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """How much of each text's content words the other has (IDF-weighted, a word inside
    another counts), averaged: 1 the same words, 0 none shared."""
    if not a or not b:
        return 0.0
    share_a = sum(_weight(w) for w in a if _covered(w, b)) / sum(_weight(w) for w in a)
    share_b = sum(_weight(w) for w in b if _covered(w, a)) / sum(_weight(w) for w in b)
    return (share_a + share_b) / 2


def covered_share(question: frozenset[str], entry: frozenset[str]) -> float:
    """The IDF-weighted share of the question's content words the entry has (0 without any)."""
    if not question or not entry:
        return 0.0
    total = sum(_weight(w) for w in question)
    return sum(_weight(w) for w in question if _covered(w, entry)) / total
