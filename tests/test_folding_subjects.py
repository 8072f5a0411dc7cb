"""What a question is about (agent/brain/subjects.py) in folding by meaning, with the real
multilingual-e5-small (the round-5 sets' figures: tests/test_folding_rounds.py)."""

from __future__ import annotations

import pytest

from agent.brain.asking import Asks, fold_form, minimal_pair, plain
from agent.brain.fold_model import FEATURES, features
from agent.brain.meaning import DEFAULT_THRESHOLD, FLOOR, MeaningIndex
from agent.brain.subjects import subjects
from tests.support.paraphrases import loaded_index


@pytest.fixture(scope="module")
def index() -> MeaningIndex:
    return loaded_index()


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
