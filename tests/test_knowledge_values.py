"""Round 8 of knowledge answers (agent/knowledge/match.py ``_told_value``, words.py ``names``
and ``STREAM``, shared/slots.py ``_GRAIN``, shared/synonyms.py): a yes-no question naming a
value an entry's answer states is answered by it (主播是重庆的吗 / 重庆人), the hour is no answer
to the day of the week (主播几点休息 / 周几休息), a fond word names its thing (猫咪 / 猫), with
the real multilingual-e5-small; and the round-8 held-out set (tests/data/knowledge_fresh3.md)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from agent.brain.meaning import MeaningIndex
from agent.knowledge.entries import Entry, load_files
from agent.knowledge.match import Embed, Matcher
from agent.knowledge.words import content_words, names, objects
from agent.shared.synonyms import tags

DATA = Path(__file__).resolve().parent / "data"
ENTRIES = [
    Entry(("几点开播", "每天什么时候播"), "晚上八点半左右开播。"),
    Entry(("周几休息", "哪天不播"), "每周一休息，其他时间都播。"),
    Entry(("玩的什么游戏", "这是啥游戏"), "星露谷物语，最近在玩多人农场。"),
    Entry(("主播是哪里人", "老家在哪"), "重庆人，现在住在成都。"),
    Entry(("主播养的什么猫", "猫叫什么名字"), "一只英短蓝猫，叫汤圆。"),
    Entry(("前期怎么赚钱", "怎么搞钱快"), "前期种草莓和蓝莓，再把果子做成果酱卖。"),
    Entry(("能一起玩吗", "怎么进主播的农场"), "每周六晚上开水友服，进粉丝群报名。"),
]


@pytest.fixture(scope="module")
def embed() -> Iterator[Embed]:
    index = MeaningIndex()
    index.load()
    yield index.embed


@pytest.fixture(scope="module")
def matcher(embed: Embed) -> Matcher:
    return Matcher(ENTRIES, embed)


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("主播是重庆的吗", "主播是哪里人"),  # e5: 0.33, under the threshold
        ("这是星露谷吗", "玩的什么游戏"),
        ("周一有直播吗", "周几休息"),  # 直播 is the stream itself, not a thing the entry must name
        ("zb是哪里的人", "主播是哪里人"),  # zb is how chat says 主播: not a word to cover
        ("猫咪名字叫啥", "主播养的什么猫"),
        ("开局怎么搞钱", "前期怎么赚钱"),
        ("能和主播联机吗", "能一起玩吗"),
    ],
)
def test_a_question_the_file_answers_is_answered(matcher: Matcher, question: str, entry: str) -> None:
    found = matcher.match(question)
    assert found is not None and found.entry.question == entry, question


@pytest.mark.parametrize(
    "question",
    [
        "主播几点休息",  # the hour: 周几休息 answers the day
        "星露谷好玩吗",  # names the game, asks whether it is fun
        "主播去过成都吗",  # names the city, asks about a trip
        "主播是四川的吗",  # a value no answer states
        "这是蓝莓吗",  # 前期怎么赚钱 names 蓝莓, but is nothing like the question
        "周六有直播吗",  # 能一起玩吗 names 周六, but not the stream
    ],
)
def test_a_question_about_something_else_is_not_answered(matcher: Matcher, question: str) -> None:
    assert matcher.match(question) is None, question


def test_the_value_rule_needs_a_yes_no_question(matcher: Matcher) -> None:
    # The same words asked as a wh-question name no value to check: meaning decides, and says no.
    assert matcher.match("重庆哪里好玩") is None


def test_fond_words_stream_and_chats_other_words() -> None:
    told = frozenset({"猫", "养", "英短"})
    assert names("猫咪", told, "主播养的什么猫 英短蓝猫。")
    assert names("狗狗", frozenset({"狗"}), "养狗了吗 柯基。")
    assert not names("狗狗", told, "主播养的什么猫 英短蓝猫。")
    assert not names("儿子", frozenset({"儿"}), "哪儿 儿")  # 子 is no fond ending
    assert not any(word == "直播" for word, *_ in objects("明天有直播吗"))
    assert "zb" not in content_words("zb是哪里的人")
    assert tags("联机") & tags("一起") and tags("开局") & tags("前期")
    assert not tags("开局") & tags("以后")


# Measured (right / false / missed of 32 answerable, unanswerable answered of 11) on the
# unchanged tree 20 / 1 / 11, 1, and once after round 8: 24 / 1 / 7, 1. Written and scored
# before any change, never tuned on.
def test_the_round_8_held_out_set_keeps_its_figures(embed: Embed) -> None:
    entries, warnings = load_files([DATA / "knowledge_fresh3.md"])
    rows = json.loads((DATA / "knowledge_fresh3_heldout.json").read_text(encoding="utf-8"))["questions"]
    headings = {entry.question for entry in entries}
    assert not warnings and len(entries) == 11
    assert sum(row["entry"] is not None for row in rows) == 32
    assert all(row["entry"] in headings for row in rows if row["entry"] is not None)
    assert not {p for entry in entries for p in entry.phrasings} & {row["q"] for row in rows}
    fresh = Matcher(entries, embed)
    got = [(row["entry"], found.entry.question if (found := fresh.match(row["q"])) else None) for row in rows]
    assert sum(want is not None and want == have for want, have in got) >= 23
    assert sum(have is not None and have != want for want, have in got) <= 1
