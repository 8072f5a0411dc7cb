"""The labelled chat lines for question recognition (tests/data/questions_*.tsv) and how
they are scored: shared by tests/test_questions.py and bench/bench_questions.py."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"
DEV = DATA / "questions_dev.tsv"  # the rules were tuned on these
HELD_OUT = DATA / "questions_heldout.tsv"  # never tuned on


@dataclass(frozen=True, slots=True)
class Scores:
    lines: int
    questions: int
    precision: float
    recall: float
    missed: list[str]  # questions not recognised
    false: list[str]  # lines taken for questions that are not


def load(path: Path) -> list[tuple[bool, str]]:
    """(is a question, the line) for each labelled line; '#' lines are comments."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        label, text = line.split("\t", 1)
        if label not in ("q", "-"):
            raise ValueError(f"{path.name}: label must be q or -, got {label!r} in {line!r}")
        rows.append((label == "q", text))
    return rows


def score(path: Path, asks: Callable[[str], bool]) -> Scores:
    rows = load(path)
    missed = [text for label, text in rows if label and not asks(text)]
    false = [text for label, text in rows if not label and asks(text)]
    questions = sum(label for label, _text in rows)
    found = questions - len(missed) + len(false)
    hits = questions - len(missed)
    return Scores(len(rows), questions, hits / found if found else 1.0, hits / questions, missed, false)
