"""Question lines of fresh set 3 (tests/data/questions_fresh3_*.tsv, issue 18 item 5): wh-words
used as indefinites (什么都别说了, 哪里都不想去, 想吃什么就吃什么), 你猜怎么着 and English
exclamations are not questions; real questions, with or without 吗, stay questions."""

from __future__ import annotations

import pytest

from agent.brain.tags import Tagger
from agent.shared.questions import is_question
from tests.support.fresh_sets3 import QUESTIONS, asks
from tests.support.question_lines import load, score


@pytest.fixture(scope="module")
def tagger() -> Tagger:
    return Tagger("小助手")


# Precision / recall: dev tuned to 1.00 / 1.00 (0.61 / 0.95 before the rules). The held-out
# half, scored once on first sight of the rules: 0.95 / 1.00 (0.61 / 1.00 before): 不知道为啥就是
# 想笑 was taken for a question. A rule for 不知道为啥 followed, checked on a probe written
# before it (0.64 / 1.00 before, 1.00 / 1.00 after); the held-out half is then 1.00 / 1.00.
AT_LEAST = {"dev": (1.0, 1.0), "heldout": (1.0, 1.0), "probe": (1.0, 1.0)}


@pytest.mark.parametrize("part", list(QUESTIONS))
def test_fresh_sets(tagger: Tagger, part: str) -> None:
    rows = load(QUESTIONS[part])
    assert len(rows) >= 14 and 0.4 < sum(label for label, _ in rows) / len(rows) < 0.6
    scores = score(QUESTIONS[part], asks(tagger))
    print(part, scores.precision, scores.recall, scores.missed, scores.false)
    precision, recall = AT_LEAST[part]
    assert scores.precision >= precision
    assert scores.recall >= recall


@pytest.mark.parametrize(
    "text",
    [
        "哪里都不想去",  # wh + a verb + 都: "anywhere"
        "多少钱都值",  # wh + a noun + 都
        "几点睡都行",
        "怎么样都好",
        "什么时候来都能看到",
        "怎么打都赢",  # 怎么 + a verb + 都: "however"
        "随便哪天都行",
        "哪儿也不去",  # 也 before a negation
        "以后谁问都说不知道",
        "想吃什么就吃什么",  # the same wh-word twice: "whatever"
        "谁赢谁请客",
        "要多少有多少",
        "你猜怎么着",
        "几百家店都关了",  # 几百: "several hundred"
        "how sick was that",  # how + a judging adjective + was that
        "how lucky were we",
        "who knows lol",
        "不知道为啥这把特别顺",  # 不知道为啥: "somehow"
    ],
)
def test_indefinites_and_exclamations_are_not_questions(text: str) -> None:
    assert not is_question(text)


@pytest.mark.parametrize(
    "text",
    [
        "谁都打不过吗",  # the particle left behind still asks
        "哪里都能买到吗",
        "为什么都不开麦",  # 为什么: "why", not "whatever"
        "为啥都不说话",
        "怎么也不说话",  # 怎么也: "how come"
        "你们都是哪里来的",  # 都 before the wh-word
        "哪些都是新英雄",  # 哪些: "which ones"
        "主播什么时候下播",
        "还播多久啊",
        "这首歌谁唱灬狗都不玩的",  # a filler joins two messages: no clause runs across it
        "how long was that stream",  # a measure: a question
        "how was that",
        "what server are you on",
        "不知道主播几点下播",  # wondering aloud, the wh-word its own
    ],
)
def test_real_questions_stay_questions(text: str) -> None:
    assert is_question(text)
