"""Knowledge-answer accuracy: right answers / false answers / nulls on the labelled set.

    .venv/bin/python bench/bench_knowledge.py            # the shipped threshold and weight
    .venv/bin/python bench/bench_knowledge.py --sweep    # how they were chosen (tuning set only)

The knowledge file is tests/data/knowledge_set.md; its questions are paraphrases it does
not contain word for word, and unrelated questions that must get null. The threshold and
weight are chosen on knowledge_tune.json; knowledge_heldout.json is only measured.
A "false" answer is any answer other than the labelled one (a wrong entry, or any entry for
a question the file cannot answer); a "null" is "I don't know" to an answerable question.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from agent.brain.meaning import MeaningIndex
from agent.knowledge.entries import Entry, load_files
from agent.knowledge.match import DEFAULT_THRESHOLD, SURE, WORDS_ONLY, Matcher

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"


def load(name: str) -> list[tuple[str, str | None]]:
    data = json.loads((DATA / name).read_text(encoding="utf-8"))
    return [(q["q"], q["entry"]) for q in data["questions"]]


def tally(matcher: Matcher, questions: list[tuple[str, str | None]], show: bool = False) -> dict[str, int]:
    counts = {"right": 0, "false": 0, "null": 0, "right_null": 0}
    for question, want in questions:
        got = matcher.match(question)
        entry = got.entry.question if got is not None else None
        if entry == want:
            counts["right" if want is not None else "right_null"] += 1
            continue
        counts["false" if entry is not None else "null"] += 1
        if show:
            top = matcher.scores(question)[0]
            best = f"best {top.entry.question!r} {top.score:.3f}"
            print(f"  {question!r}: want {want!r} got {entry!r} ({best})")
    return counts


def line(name: str, counts: dict[str, int], questions: list[tuple[str, str | None]]) -> str:
    answerable = sum(1 for _, w in questions if w is not None)
    unanswerable = len(questions) - answerable
    return (
        f"{name}: {len(questions)} questions ({answerable} answerable, {unanswerable} not): "
        f"right {counts['right']}/{answerable}, null {counts['null']}/{answerable}, "
        f"false answers {counts['false']}/{len(questions)}, "
        f"unanswerable left unanswered {counts['right_null']}/{unanswerable}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sweep", action="store_true", help="sweep threshold and weight on the tuning set")
    args = parser.parse_args()
    index = MeaningIndex()
    index.load()
    entries, _ = load_files([DATA / "knowledge_set.md"])
    tune, held = load("knowledge_tune.json"), load("knowledge_heldout.json")
    if args.sweep:
        sweep(entries, index, tune)
        return
    for name, matcher in (
        ("meaning + words", Matcher(entries, index.embed)),
        ("words only (no meaning model)", Matcher(entries, None)),
    ):
        print(f"{name}: threshold {DEFAULT_THRESHOLD}, sure {SURE}, words only {WORDS_ONLY}")
        print(line("  tuning set", tally(matcher, tune, show=True), tune))
        print(line("  HELD-OUT set", tally(matcher, held, show=True), held))
    timing(Matcher(entries, index.embed), [q for q, _ in held])


def timing(matcher: Matcher, questions: list[str]) -> None:
    """Milliseconds per new question (its embedding included; a repeated one is cached)."""
    matcher.match("warm-up")
    began = time.perf_counter()
    for question in questions:
        matcher.match(question)
    print(f"match: {(time.perf_counter() - began) * 1000 / len(questions):.1f} ms per new question")


def sweep(entries: list[Entry], index: MeaningIndex, tune: list[tuple[str, str | None]]) -> None:
    """Threshold x sure (meaning) and words_only (no model), scored right - 3 * false."""
    print("threshold sure right false null  (tuning set)")
    matcher = Matcher(entries, index.embed)
    best: list[tuple[int, str]] = []
    for sure in (0.78, 0.82, 0.84, 0.88, 1.01):
        matcher.sure = sure
        for step in range(50, 91, 2):
            matcher.threshold = step / 100
            c = tally(matcher, tune)
            row = f"{matcher.threshold:9.2f} {sure:4.2f} {c['right']:5d} {c['false']:5d} {c['null']:4d}"
            print(row)
            best.append((c["right"] - 3 * c["false"], row))
    print("best:", max(best)[1])
    print("words_only right false null  (tuning set, no meaning model)")
    words = Matcher(entries, None)
    for step in range(20, 91, 5):
        words.words_only = step / 100
        c = tally(words, tune)
        print(f"{words.words_only:10.2f} {c['right']:5d} {c['false']:5d} {c['null']:4d}")


if __name__ == "__main__":
    main()
