"""Round 7 of folding by meaning (agent/brain/asking.py ``Asks.vetoes``, agent/shared/slots.py,
agent/brain/subjects.py): whether something happened is not what it was, a value is not which
one, and chat's words for a first playthrough, a location and a day off (the round-7 sets'
figures: tests/test_folding_rounds.py). Each rule with the look-alike of
tests/data/paraphrases_fresh6_dev.json it was written for, and what it must not veto."""

from __future__ import annotations

from itertools import combinations

import pytest

from agent.brain import asking
from agent.brain.asking import Asks, plain
from agent.brain.subjects import subjects
from agent.shared.slots import slots, slots_index
from tests.support.paraphrases import DEV3, DEV4, DEV5, DEV6, TUNING, load_set


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("粉丝群满了没", "粉丝群号是多少"),  # the dev set's look-alike: full yet / which number
        ("舰长上车了吗", "舰长多少钱"),
        ("新皮肤买了吗", "新皮肤叫什么"),
    ],
)
def test_whether_it_happened_is_not_what_it_is(a: str, b: str) -> None:
    assert Asks.of(a).vetoes(Asks.of(b)) and Asks.of(b).vetoes(Asks.of(a))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("主播建粉丝群了吗", "粉丝群号多少"),  # whether it exists asks for it
        ("有周边了吗", "周边都有哪些"),
        ("新皮肤买了吗", "新皮肤在哪买"),  # where: not a what or how many
    ],
)
def test_whether_it_exists_still_folds_with_what_it_is(a: str, b: str) -> None:
    assert not asking._whether_or_what(Asks.of(a), Asks.of(b))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("键盘啥轴", "键盘多少钱"),  # the dev set's look-alike: which switches / the price
        ("耳机什么牌子", "耳机多少钱买的"),
        ("主播的猫什么品种", "主播的猫几岁了"),
        ("显示器几hz", "显示器花了多少"),  # how many of something else / the price
    ],
)
def test_a_value_is_not_which_one(a: str, b: str) -> None:
    assert Asks.of(a).vetoes(Asks.of(b))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("这游戏啥价", "这游戏多少钱"),  # both a price (啥价 names one)
        ("买这游戏花了多少", "how much does it cost"),
        ("主播哪年的", "主播多大"),  # both an age (哪年的 names one)
        ("主播身高多少", "主播一米几"),
    ],
)
def test_one_value_asked_two_ways_is_not_vetoed(a: str, b: str) -> None:
    assert not asking._value_or_which(Asks.of(a), Asks.of(b))


def test_where_to_change_a_setting_is_how_not_its_value() -> None:
    # The dev set's look-alike: 开的 of a setting is no start of the stream either.
    assert Asks.of("主播灵敏度开的多少").vetoes(Asks.of("灵敏度在哪里调"))
    event = slots_index("event")
    assert slots(plain("灵敏度开的多少"))[event] == frozenset()
    assert slots(plain("主播今天几点开的"))[event] == {"start"}


@pytest.mark.parametrize(
    ("text", "subject", "not_subject"),
    [
        ("是初见吗", "first_time", ""),
        ("以前打过这游戏吗", "first_time", ""),
        ("主播坐标哪里", "residence", ""),
        ("where do u live", "residence", ""),
        ("周几休息", "schedule", "sleep"),  # a day off, not sleep
        ("主播几点休息", "sleep", "schedule"),
        ("显卡是什么", "pc", "lag"),  # 显卡 is no lag
        ("直播卡了吗", "lag", ""),
    ],
)
def test_chats_words_name_their_subject(text: str, subject: str, not_subject: str) -> None:
    found = subjects(plain(text))
    assert subject in found and not_subject not in found, found


def test_the_new_vetoes_split_no_tuning_paraphrases() -> None:
    """Measured when they were written: none of the tuning and dev sets' paraphrase pairs, 8
    of their 201 look-alike pairs."""
    sets = (*TUNING, DEV3, DEV4, DEV5, DEV6)

    def new_veto(a: Asks, b: Asks) -> bool:
        return asking._value_or_which(a, b) or asking._whether_or_what(a, b) or asking._whether_or_what(b, a)

    split = [
        (a, b)
        for path in sets
        for (ga, a), (gb, b) in combinations(load_set(path)[0], 2)
        if ga == gb and new_veto(Asks.of(a), Asks.of(b))
    ]
    assert split == []
    caught = [(a, b) for path in sets for a, b in load_set(path)[1] if new_veto(Asks.of(a), Asks.of(b))]
    assert len(caught) >= 8, caught
