"""Flood control on a fake clock: per-viewer rate, repeats, many viewers echoing, memory bound."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agent.brain.flood import FloodControl, dup_key, first_near_duplicate, near_duplicate
from agent.brain.folding import Folding
from agent.config import BrainConfig

CORPUS = Path(__file__).parent / "data" / "moderation_corpus.jsonl"


def test_near_duplicates_from_the_brief() -> None:
    assert near_duplicate("主播这个多少钱", "主播这个多少钱啊？")
    assert near_duplicate("主播这个多少钱", "这个多少钱主播")
    assert near_duplicate("主播这个多少钱啊？", "这个多少钱主播")
    assert not near_duplicate("主播这个多少钱", "主播唱首歌吧")
    assert not near_duplicate("hi", "ok")


def test_corpus_duplicate_groups_fold_and_stay_apart() -> None:
    groups: dict[str, list[str]] = defaultdict(list)
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if "dup" in row:
            groups[row["dup"]].append(row["text"])
    assert len(groups) >= 5
    apart = [(a, b) for texts in groups.values() for a in texts for b in texts if not near_duplicate(a, b)]
    assert not apart, f"near-duplicates not folded: {apart}"
    names = sorted(groups)
    mixed = [
        (a, b)
        for i, g in enumerate(names)
        for h in names[i + 1 :]
        for a in groups[g]
        for b in groups[h]
        if near_duplicate(a, b)
    ]
    assert not mixed, f"different messages folded together: {mixed}"


def _first(fold: Callable[[str, str], bool], texts: list[str], new: str) -> int | None:
    return next((i for i, text in enumerate(texts) if fold(text, new)), None)


def test_the_first_near_duplicate_of_a_list_is_the_first_a_pair_test_finds() -> None:
    rows = [json.loads(line)["text"] for line in CORPUS.read_text(encoding="utf-8").splitlines() if line]
    probes = ["主播这个多少钱", "这个多少钱主播啊", "哈", "哈哈哈", "6", "", "主播!", "hi", "ok", *rows[::7]]
    waiting = ["主播这个多少钱啊？", "hi", "", "哈", "主播唱首歌吧", "66", *rows[::5]]
    for new in probes:
        for texts in (waiting, waiting[::-1], waiting[:3], []):
            assert first_near_duplicate(texts, new) == _first(near_duplicate, texts, new)
            assert first_near_duplicate(texts, new, 60.0) == _first(
                lambda a, b: near_duplicate(a, b, 60.0), texts, new
            )


def test_folding_finds_the_first_waiting_question_by_characters_or_by_meaning() -> None:
    folding = Folding(BrainConfig(fold_by_meaning=False))
    waiting = ["今天玩什么游戏", "主播几点下播", "主播这个多少钱", "几点下播呀"]
    assert folding.first(waiting, "主播几点下播啊") == 1 == _first(folding, waiting, "主播几点下播啊")
    # What the meaning model does once loaded: texts that mean the same share a group.
    folding._groups.update({"什么时候下播": "g", "几点下播呀": "g", "今天玩什么游戏": "h"})
    for new in ("什么时候下播", "主播几点下播啊", "玩什么", "今天玩什么游戏"):
        assert folding.first(waiting, new) == _first(folding, waiting, new)
    assert folding.first(waiting, "什么时候下播") == 3


def test_dup_key_ignores_order_fillers_and_punctuation() -> None:
    assert dup_key("主播这个多少钱啊？？") == dup_key("这个 多少钱 主播")
    assert dup_key("What game is this?") == dup_key("what game is this")


def test_user_rate_limits_one_viewer_only() -> None:
    flood = FloodControl(BrainConfig(user_max_messages=3, user_window_s=10.0))
    answers = [flood.check("alice", f"消息{i}号", float(i)) for i in range(5)]
    assert answers == [None, None, None, "user_rate", "user_rate"]
    assert flood.check("bob", "我也来了", 4.5) is None
    # the window slides: ten seconds after her third message alice may speak again
    assert flood.check("alice", "终于可以说话了", 14.5) is None


def test_repeat_is_per_viewer_and_expires() -> None:
    flood = FloodControl(BrainConfig(repeat_window_s=30.0))
    assert flood.check("alice", "主播这个多少钱", 0.0) is None
    assert flood.check("alice", "这个多少钱啊主播？", 5.0) == "repeat"
    assert flood.check("bob", "主播这个多少钱", 6.0) is None
    assert flood.check("alice", "主播这个多少钱", 100.0) is None


def test_many_viewers_echoing_is_a_flood() -> None:
    flood = FloodControl(BrainConfig(duplicate_max=3, duplicate_window_s=10.0))
    answers = [flood.check(f"viewer{i}", "666", i * 0.5) for i in range(6)]
    assert answers == [None, None, None, "flood", "flood", "flood"]
    assert flood.check("late", "666", 30.0) is None  # the storm is over


def test_zero_windows_turn_rules_off() -> None:
    flood = FloodControl(BrainConfig(repeat_window_s=0, duplicate_window_s=0, user_max_messages=100))
    answers = [flood.check(f"v{i % 2}", "一样的话", float(i)) for i in range(10)]
    assert answers == [None] * 10


def test_memory_is_bounded() -> None:
    flood = FloodControl(BrainConfig(flood_max_users=50))
    for i in range(5000):
        flood.check(f"viewer{i}", f"第{i}条不同的消息", i * 0.01)
    assert len(flood) == 50
    assert len(flood._echoes) <= 4096


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("abc"), st.text(max_size=30), st.floats(0, 1e6)), max_size=40))
def test_never_crashes_on_odd_input(calls: list[tuple[str, str, float]]) -> None:
    flood = FloodControl(BrainConfig())
    for uid, text, now in calls:
        assert flood.check(uid, text, now) in {None, "user_rate", "repeat", "flood"}


@pytest.mark.parametrize("threshold", [70.0, 95.0])
def test_threshold_is_used(threshold: float) -> None:
    pair = ("主播这个多少钱", "主播那个多少钱")  # one character apart: ratio ~86
    assert near_duplicate(*pair, threshold=threshold) is (threshold < 86)


@pytest.mark.parametrize("threshold", [70.0, 95.0])
def test_repeat_uses_the_same_threshold(threshold: float) -> None:
    flood = FloodControl(BrainConfig(duplicate_threshold=threshold))
    assert flood.check("alice", "主播这个多少钱", 0.0) is None
    assert flood.check("alice", "主播那个多少钱", 1.0) == ("repeat" if threshold < 86 else None)
