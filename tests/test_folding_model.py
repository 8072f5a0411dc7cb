"""Folding's learned pair decision (agent/brain/fold_model.py, agent/data/fold_model.json):
the shipped weights are what tests/data/train_fold_model.py fits, and the figures on the
round-4 sets (tests/data/paraphrases_fresh3_dev.json, tuned on; paraphrases_fresh3_heldout.json,
never tuned on) with the real multilingual-e5-small."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from agent.brain.asking import Asks
from agent.brain.fold_model import FEATURES, MODEL_PATH, FoldModel, features, wh_kinds
from agent.brain.fold_model import load as load_model
from agent.brain.meaning import DEFAULT_THRESHOLD, MeaningIndex
from tests.support.paraphrases import DEV3, HELD_OUT, HELD_OUT3, TUNING, folds, load_set

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "tests" / "data" / "train_fold_model.py"


@pytest.fixture(scope="module")
def index() -> MeaningIndex:
    loaded = MeaningIndex(per_s=1e9)
    loaded.load()
    return loaded


def _texts(path: Path) -> set[str]:
    grouped, apart = load_set(path)
    return {text for _group, text in grouped} | {text for pair in apart for text in pair}


@pytest.mark.parametrize("path", [DEV3, HELD_OUT3])
def test_the_round_4_sets_are_fresh_and_well_formed(path: Path) -> None:
    grouped, apart = load_set(path)
    sizes = Counter(group for group, _text in grouped)
    assert len(sizes) >= 15
    assert all(4 <= n <= 5 for n in sizes.values()), sizes
    assert len(apart) >= 20
    assert len({text for _group, text in grouped}) == len(grouped)
    assert sum(text.isascii() for _group, text in grouped) >= 10  # English ones
    mine = _texts(path)
    for other in (*TUNING, HELD_OUT, DEV3, HELD_OUT3):
        if other != path:
            assert not mine & _texts(other), f"{path.name} shares lines with {other.name}"


def test_the_shipped_weights_are_what_the_script_fits() -> None:
    # --no-bias: the fit alone (seconds); the bias search is what bench/bench_meaning.py shows.
    run = subprocess.run(
        [sys.executable, str(SCRIPT), "--no-bias"], capture_output=True, text=True, timeout=600, cwd=ROOT
    )
    assert run.returncode == 0, run.stderr[-2000:]
    fitted = json.loads(run.stdout.splitlines()[-2])
    shipped = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    assert list(fitted) == shipped["features"] == list(FEATURES)
    for name, weight in zip(FEATURES, shipped["weights"], strict=True):
        assert fitted[name] == pytest.approx(weight, abs=2e-3), name


def test_the_weights_say_what_the_signals_mean() -> None:
    weights = dict(zip(FEATURES, load_model().weights, strict=True))
    assert weights["agree"] > 0  # both ask a price, both about the mouse
    assert weights["subject_same"] > 0  # 下播 / 关播, 灵敏度 / dpi
    for against in ("form", "wh_differ", "attribute_one_sided", "near_minimal", "subject_differ"):
        assert weights[against] < 0, against


def test_question_words_are_read_by_kind() -> None:
    assert wh_kinds("这关死了几次") == {"amount"}
    assert wh_kinds("这关打了多久") == {"duration"}
    assert wh_kinds("周边在哪买") == {"where"}
    assert wh_kinds("周边都有哪些款") == {"which"}
    assert wh_kinds("生日是几号") == {"when"}
    assert wh_kinds("天气怎么样") == {"how is"}
    assert wh_kinds("灵敏度怎么调") == {"how to"}
    assert wh_kinds("周六播吗") == frozenset()


def test_a_model_that_ignores_the_words_is_the_cosine(index: MeaningIndex) -> None:
    plain = MeaningIndex(per_s=1e9, model=FoldModel((0.0,) * len(FEATURES)))
    plain.load()
    a, b = "主播灵敏度开多少", "主播灵敏度怎么调的"
    assert plain.score(a, b) == pytest.approx(plain.similar(a, b), abs=1e-5)
    assert index.score(a, b) < plain.score(a, b)  # another kind of question word, another attribute
    side_a, side_b = Asks.of(a).side, Asks.of(b).side
    assert features(side_a, side_b) == features(side_b, side_a)


def test_folding_on_the_round_4_dev_set(index: MeaningIndex) -> None:
    # Tuned on. Before round 4 (rooms of 8): recall 0.60, 0.31 wrong per 50, 13 of 20
    # look-alikes folded; measured after: 0.67, 0.06, 6 of 20; after round 5: 0.86, 0.00,
    # 6 of 20.
    index.threshold = DEFAULT_THRESHOLD
    room = folds(index, DEV3, room=8)
    print(f"dev, rooms of 8: {room}")
    assert room.recall >= 0.80
    assert room.wrong_per_50 <= 0.4
    assert len(room.apart_folded) <= 7, room.apart_folded


def test_folding_on_the_round_4_held_out_set(index: MeaningIndex) -> None:
    # Never tuned on; scored once on the unchanged tree and once after round 4. Measured
    # (rooms of 8) before: recall 0.70, 0.64 wrong per 50, 11 of 20 look-alikes folded;
    # after: 0.69, 0.14, 7 of 20; after round 5 (subjects, FLOOR 0.20): 0.74, 0.35, 7 of 20.
    # Floors a little under what was measured.
    index.threshold = DEFAULT_THRESHOLD
    room = folds(index, HELD_OUT3, room=8)
    print(f"held out (round 4), rooms of 8: {room}")
    assert room.recall >= 0.70
    assert room.wrong_per_50 <= 0.5
    assert len(room.apart_folded) <= 8, room.apart_folded
