"""Knowledge-answer accuracy: right answers / false answers / "don't know" on labelled sets.

    .venv/bin/python bench/bench_knowledge.py            # the shipped numbers, every set
    .venv/bin/python bench/bench_knowledge.py --sweep    # how they were chosen (tuning sets only)

Tuning (the numbers in agent/knowledge/match.py were chosen on these): knowledge_tune.json
and knowledge_heldout.json, questions to tests/data/knowledge_set.md. Held out (measured,
never tuned on): knowledge_fresh_heldout.json, questions to knowledge_fresh.md, another
streamer's file, written before any measurement. Round 7: knowledge_fresh2_dev.json (tuned on:
``match.SUBJECT``) and knowledge_fresh2_heldout.json, to knowledge_fresh2.md (round 8 tuned on
both halves). Round 8's held-out set: knowledge_fresh3_heldout.json, to knowledge_fresh3.md.
Every question is a paraphrase its file does not contain word for word, or a question the
file cannot answer (unrelated, or a look-alike: 几点开播 / 几点下播, 多大 / 多高) that must get "don't know".
A "false" answer is any answer other than the labelled one (a wrong entry, or any entry for
a question the file cannot answer); "don't know" to an answerable question is a miss.

Near misses (knowledge_nearmiss.json, questions to knowledge_nearmiss.md): the same shape as
an entry's question about another thing or person (other gear, the price of something else,
a relative's or pet's age, another game, another thing's time), which must get "don't know",
and paraphrases that must be answered. Split by a hash of the question: the tuning half is
looked at (its false answers printed), the held-out half only counted.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from agent.brain.meaning import MeaningIndex
from agent.knowledge.entries import load_files
from agent.knowledge.match import COVER, DEFAULT_THRESHOLD, MARGIN, SURE, WEIGHT, WORDS_ONLY, Embed, Matcher

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
Questions = list[tuple[str, str | None]]
TUNING = (
    ("knowledge_set.md", "knowledge_tune.json"),
    ("knowledge_set.md", "knowledge_heldout.json"),
    ("knowledge_fresh2.md", "knowledge_fresh2_dev.json"),
)
HELD_OUT = (
    ("knowledge_fresh.md", "knowledge_fresh_heldout.json"),
    ("knowledge_fresh2.md", "knowledge_fresh2_heldout.json"),
    ("knowledge_fresh3.md", "knowledge_fresh3_heldout.json"),
)
NEAR = ("knowledge_nearmiss.md", "knowledge_nearmiss.json")


def load(name: str) -> Questions:
    data = json.loads((DATA / name).read_text(encoding="utf-8"))
    return [(q["q"], q["entry"]) for q in data["questions"]]


def near_misses(half: str) -> tuple[Questions, list[str]]:
    """The near-miss set's ``half`` ("tune" or "held-out": by the question's SHA-256) and
    each question's kind (paraphrase, gear, price, person, game, time, name, other)."""
    data = json.loads((DATA / NEAR[1]).read_text(encoding="utf-8"))
    rows = [q for q in data["questions"] if split(q["q"]) == half]
    return [(q["q"], q["entry"]) for q in rows], [q["kind"] for q in rows]


def split(question: str) -> str:
    return "held-out" if hashlib.sha256(question.encode("utf-8")).digest()[0] % 2 else "tune"


def by_kind(matcher: Matcher, questions: Questions, kinds: list[str]) -> str:
    """False answers per kind of near miss: "gear 2/9 person 0/8 ..."."""
    counts: dict[str, list[int]] = {}
    for (question, want), kind in zip(questions, kinds, strict=True):
        if want is None:
            got = matcher.match(question)
            row = counts.setdefault(kind, [0, 0])
            row[0] += got is not None
            row[1] += 1
    return " ".join(f"{kind} {false}/{n}" for kind, (false, n) in sorted(counts.items()))


def tally(matcher: Matcher, questions: Questions, show: bool = False) -> dict[str, int]:
    counts = {"right": 0, "false": 0, "null": 0, "right_null": 0}
    for question, want in questions:
        got = matcher.match(question)
        entry = got.entry.question if got is not None else None
        if entry == want:
            counts["right" if want is not None else "right_null"] += 1
            continue
        counts["false" if entry is not None else "null"] += 1
        if show and entry is not None:
            print(f"    false: {question!r} -> {entry!r} (want {want!r}, {got.score if got else 0:.3f})")
    return counts


def line(name: str, counts: dict[str, int], questions: Questions) -> str:
    answerable = sum(1 for _, w in questions if w is not None)
    unanswerable = len(questions) - answerable
    return (
        f"{name}: {len(questions)} questions ({answerable} answerable, {unanswerable} not): "
        f"right {counts['right']}/{answerable}, don't know {counts['null']}/{answerable}, "
        f"false answers {counts['false']}/{len(questions)}, "
        f"unanswerable left unanswered {counts['right_null']}/{unanswerable}"
    )


def matchers(file: str, embed: Embed) -> list[tuple[str, Matcher]]:
    entries, _ = load_files([DATA / file])
    return [
        ("meaning + slots + words", Matcher(entries, embed)),
        ("words only (no model)", Matcher(entries, None)),
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sweep", action="store_true", help="sweep the numbers on the tuning sets")
    args = parser.parse_args()
    index = MeaningIndex()
    index.load()
    if args.sweep:
        sweep(index.embed)
        return
    print(
        f"threshold {DEFAULT_THRESHOLD}, weight {WEIGHT}, margin {MARGIN}, cover {COVER}, sure {SURE}, "
        f"words only {WORDS_ONLY}"
    )
    for kind, sets in (("tuning", TUNING), ("HELD-OUT", HELD_OUT)):
        for file, name in sets:
            questions = load(name)
            for how, matcher in matchers(file, index.embed):
                print(line(f"{kind} {name} [{how}]", tally(matcher, questions, show=True), questions))
    for half in ("tune", "held-out"):
        questions, kinds = near_misses(half)
        for how, matcher in matchers(NEAR[0], index.embed):
            counts = tally(matcher, questions, show=half == "tune")
            print(line(f"NEAR-MISS {half} [{how}]", counts, questions))
            print(f"    false answers to near misses by kind: {by_kind(matcher, questions, kinds)}")
    file, name = HELD_OUT[0]
    timing(matchers(file, index.embed)[0][1], [q for q, _ in load(name)])


def timing(matcher: Matcher, questions: list[str]) -> None:
    """Milliseconds per new question (its embedding included; a repeated one is cached)."""
    matcher.match("warm-up")
    began = time.perf_counter()
    for question in questions:
        matcher.match(question)
    print(f"match: {(time.perf_counter() - began) * 1000 / len(questions):.1f} ms per new question")


def sweep(embed: Embed) -> None:
    """weight x threshold x margin x cover x sure on the tuning sets, scored right - 3 x false."""
    entries, _ = load_files([DATA / TUNING[0][0]])
    questions = [q for _, name in TUNING for q in load(name)]
    matcher = Matcher(entries, embed)
    rows = []
    for weight, threshold, margin, cover, sure in itertools.product(
        (0.0, 0.3, 0.5, 0.8),
        (0.44, 0.48, 0.56, 0.64, 0.68, 0.72, 0.76, 0.80, 0.88),
        (0.04, 0.08, 0.10, 0.12),
        (0.0, 0.2, 0.35),
        (0.84, 1.01),
    ):
        matcher.weight, matcher.threshold, matcher.margin = weight, threshold, margin
        matcher.cover, matcher.sure = cover, sure
        c = tally(matcher, questions)
        score = c["right"] - 3 * c["false"]
        rows.append((score, c["right"], c["false"], weight, threshold, margin, cover, sure))
    rows.sort(reverse=True)
    print("score right false weight threshold margin cover sure  (tuning sets)")
    for row in rows[:20]:
        print("{:5d} {:5d} {:5d} {:6.2f} {:9.2f} {:6.2f} {:5.2f} {:4.2f}".format(*row))
    for weight in (0.0, 0.3, 0.5, 0.8):
        print(f"best with weight {weight}:", max(row for row in rows if row[3] == weight))
    print("words_only right false null  (tuning sets, no meaning model)")
    words = Matcher(entries, None)
    for step in range(20, 91, 5):
        words.words_only = step / 100
        c = tally(words, questions)
        print(f"{words.words_only:10.2f} {c['right']:5d} {c['false']:5d} {c['null']:4d}")


if __name__ == "__main__":
    main()
