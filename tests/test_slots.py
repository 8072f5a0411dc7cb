"""The one slot table (agent/shared/slots.py) read by folding and by knowledge matching, and
the fold forms and word rules of agent/brain/asking.py. No model: microseconds each."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from agent.brain.asking import Asks, canonical, fold_form, minimal_pair, plain
from agent.shared.slots import agree, answer_form, asked, conflict, contrast, slots, unasked

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("module", ["agent/shared/slots.py", "agent/shared/synonyms.py"])
def test_the_shared_tables_import_neither_brain_nor_knowledge(module: str) -> None:
    tree = ast.parse((ROOT / module).read_text(encoding="utf-8"))
    imported = [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    imported += [
        alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names
    ]
    assert not [name for name in imported if name.startswith(("agent.brain", "agent.knowledge"))]


def test_knowledge_reads_its_families_from_the_one_table() -> None:
    assert asked("今晚播到几点") == (frozenset({"when"}), frozenset({"end"}), frozenset({"clock"}))
    assert asked("主播多大了") == (frozenset({"age"}), frozenset(), frozenset())
    assert asked("HOW TALL are you") == (frozenset({"height"}), frozenset(), frozenset())  # lowercased here
    assert asked("这是什么游戏") == (frozenset(), frozenset(), frozenset())
    assert conflict(asked("几点开播"), asked("几点下播"))
    assert not conflict(asked("什么时候关播"), asked("几点下播"))
    assert unasked(asked("键盘多少钱"), asked("用的什么键盘"))
    # A when's grain: the hour is no answer to the day of the week, nor the reverse; 什么时候
    # names neither.
    assert conflict(asked("主播几点休息"), asked("周几休息"))
    assert conflict(asked("周几开播"), asked("几点开播"))
    assert not conflict(asked("什么时候休息"), asked("哪天不播"))
    assert not conflict(asked("星期一播不播"), asked("周几休息"))  # names a day, asks none
    # Folding reads more slots of the same table: the thing, the place, the tense...
    assert contrast(slots(plain("麦克风什么牌子")), slots(plain("键盘是啥牌子的")))
    assert agree(slots(plain("麦克风什么牌子")), slots(plain("求麦克风型号")))
    assert answer_form("这游戏好玩吗") == "yes-no"
    assert answer_form("这是什么游戏") == "wh"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("zb几岁呀", "主播多大年纪"),
        ("下一把玩什么", "待会儿玩什么"),
        ("主播有对象没", "主播有npy没"),
        ("怎么加粉丝团", "怎么入粉丝团"),
        ("几点结束直播", "什么时候下播"),
        ("请问这游戏有汉化吗", "这游戏有中文版吗"),
    ],
)
def test_ways_of_asking_one_thing_fold_to_one_form(a: str, b: str) -> None:
    assert fold_form(a) == fold_form(b)


def test_the_fold_table_keeps_what_it_does_not_name() -> None:
    assert "延迟" in fold_form("延迟有多高啊")  # 多高 of the ping is no height
    assert fold_form("主播有多高") == "身高"
    assert "哪里里" not in fold_form("游戏在哪儿下载")
    assert "请问" in canonical("请问几点下播")  # knowledge matching keeps its tuned form
    assert "请问" not in fold_form("请问几点下播")


@pytest.mark.parametrize(
    ("a", "b", "minimal"),
    [
        ("几点下播", "几点开播", True),  # one content word swapped
        ("这游戏手机能玩", "这游戏电脑能玩", True),
        ("为什么输了", "为什么赢了", True),
        ("这是什么难度", "开的什么难度", False),  # only light words differ
        ("can you speak english", "do you speak english", False),
        ("这游戏好玩", "这游戏不好玩", True),  # one "not" more
    ],
)
def test_minimal_pairs_swap_a_content_word(a: str, b: str, minimal: bool) -> None:
    assert minimal_pair(fold_form(a), fold_form(b)) is minimal


def test_what_a_text_asks_costs_a_penalty_or_a_veto() -> None:
    assert Asks.of("主播多高").penalty(Asks.of("主播多重")) == float("inf")
    same = Asks.of("麦克风什么牌子").penalty(Asks.of("求麦克风型号"))
    assert same < 0  # both about the mic: a bonus
