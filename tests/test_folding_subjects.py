"""What a question is about (agent/brain/subjects.py) in folding by meaning, and the round-5
sets (tests/data/paraphrases_fresh4_dev.json, tuned on; paraphrases_fresh4_heldout.json,
never tuned on) with the real multilingual-e5-small."""

from __future__ import annotations

import glob
from collections import Counter
from pathlib import Path

import pytest

from agent.brain.asking import Asks, fold_form, minimal_pair, plain
from agent.brain.fold_model import FEATURES, features
from agent.brain.meaning import DEFAULT_THRESHOLD, FLOOR, MeaningIndex
from agent.brain.subjects import subjects
from tests.support.paraphrases import DEV4, HELD_OUT4, folds, load_set


@pytest.fixture(scope="module")
def index() -> MeaningIndex:
    loaded = MeaningIndex(per_s=1e9)
    loaded.load()
    return loaded


def _texts(path: Path) -> set[str]:
    grouped, apart = load_set(path)
    return {text for _group, text in grouped} | {text for pair in apart for text in pair}


@pytest.mark.parametrize("path", [DEV4, HELD_OUT4])
def test_the_round_5_sets_are_fresh_and_well_formed(path: Path) -> None:
    grouped, apart = load_set(path)
    sizes = Counter(group for group, _text in grouped)
    assert len(sizes) >= 12
    assert all(n == 5 for n in sizes.values()), sizes
    assert len(apart) >= 12
    assert all(a != b for a, b in apart)
    assert len({text for _group, text in grouped}) == len(grouped)
    english = Counter(group for group, text in grouped if text.isascii())
    assert set(english) == set(sizes)  # one English phrasing per cluster
    mine = _texts(path)
    others = [Path(p) for p in glob.glob(str(path.parent / "paraphrases*.json")) if Path(p) != path]
    assert len(others) >= 7
    for other in others:
        assert not mine & _texts(other), f"{path.name} shares lines with {other.name}"


@pytest.mark.parametrize(
    ("texts", "subject"),
    [
        (["今天啥时候收工", "播到几点呀", "when are you ending the stream"], "stream_end"),
        (["鼠标灵敏度是多少", "主播dpi多少", "what sens are you on"], "sensitivity"),
        (["这个bgm好听叫啥", "背景音乐求名字", "what's this song"], "song"),
        (["主播今年几岁", "你年纪多大", "how old are u"], "age"),
        (["主播家乡是哪", "你哪个省的", "where r u from"], "hometown"),
        (["主播几段了", "分段多少", "what's ur rank"], "rank"),
        (["有粉丝群没", "群号发一下", "got a discord"], "fan_group"),
    ],
)
def test_chats_words_for_one_thing_name_one_subject(texts: list[str], subject: str) -> None:
    assert all(subject in subjects(plain(text)) for text in texts), [subjects(plain(t)) for t in texts]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("你今年多大了", "你的屏幕多大"),  # how old / how big a screen
        ("直播卡了吗", "这里卡关了吗"),  # the stream lags / stuck on a level
        ("你几点下播", "你几点开播"),
        ("你是哪里人", "你住在哪"),
    ],
)
def test_look_alikes_name_other_subjects(a: str, b: str) -> None:
    side_a, side_b = Asks.of(a).side, Asks.of(b).side
    assert side_a.subjects and side_b.subjects and not side_a.subjects & side_b.subjects
    found = dict(zip(FEATURES, features(side_a, side_b), strict=True))
    assert found["subject_differ"] == 1.0
    assert found["subject_same"] == 0.0


def test_small_talk_names_no_subject() -> None:
    assert subjects(plain("哈哈哈哈")) == frozenset()
    assert subjects(plain("主播好厉害")) == frozenset()


def test_a_closing_not_asks_yes_or_no() -> None:
    # 有对象了没 is 有对象了吗, not its negation; a "not" inside still makes another question.
    assert not minimal_pair(fold_form("主播找到对象了"), fold_form("主播找到对象了没"))
    assert not minimal_pair(fold_form("这游戏好玩"), fold_form("这游戏好玩不"))
    assert minimal_pair(fold_form("为啥不开摄像头"), fold_form("为啥开摄像头"))


def test_a_member_on_the_same_subject_does_not_hold_a_newcomer_back(index: MeaningIndex) -> None:
    """FLOOR keeps chains of neighbours apart; a member naming the newcomer's subject is no
    chain, so it does not hold the newcomer back however far the model puts it."""
    english, song_name, newcomer = "what song is this", "这首歌叫什么", "背景音乐叫什么"
    threshold = min(index.score(newcomer, song_name), index.similar(newcomer, song_name) + FLOOR) - 0.01
    # What the model says: near the Chinese member, far under FLOOR from the English one.
    assert index.similar(newcomer, english) < threshold - FLOOR
    try:
        index.threshold = -1.0
        index.clear()
        index.add("a", english, now=0.0)
        assert index.add("b", song_name, now=0.0) == "a"
        index.threshold = threshold
        assert index.add("c", newcomer, now=0.0) == "a"
    finally:
        index.threshold = DEFAULT_THRESHOLD
        index.clear()


def test_folding_on_the_round_5_dev_set(index: MeaningIndex) -> None:
    # Tuned on. Before round 5 (rooms of 8): recall 0.57, 0.55 wrong per 50, 3 of 12
    # look-alikes folded; measured after: 0.80, 0.00, 2 of 12.
    index.threshold = DEFAULT_THRESHOLD
    room = folds(index, DEV4, room=8)
    print(f"dev (round 5), rooms of 8: {room}")
    assert room.recall >= 0.76
    assert room.wrong_per_50 <= 0.3
    assert len(room.apart_folded) <= 3, room.apart_folded


def test_folding_on_the_round_5_held_out_set(index: MeaningIndex) -> None:
    # Never tuned on; scored once on the unchanged tree and once after round 5. Measured
    # (rooms of 8) before: recall 0.60, 0.06 wrong per 50, 1 of 12 look-alikes folded;
    # after: 0.75, 0.17, 2 of 12 (all live at once: 0.60 -> 0.79, 0.00 -> 0.83 per 50).
    index.threshold = DEFAULT_THRESHOLD
    room = folds(index, HELD_OUT4, room=8)
    print(f"held out (round 5), rooms of 8: {room}")
    assert room.recall >= 0.71
    assert room.wrong_per_50 <= 0.5
    assert len(room.apart_folded) <= 3, room.apart_folded
