"""Question recognition (agent/shared/questions.py via the Tagger): precision and recall on
the development set the rules were tuned on and on the held-out set, the lines still
missed or wrongly taken, and tagging speed."""

from __future__ import annotations

import time

from agent.brain.normalize import match_form
from agent.brain.tags import Tagger
from agent.shared.questions import is_question
from tests.support.question_lines import DEV, HELD_OUT, load, score


def run() -> list[tuple[str, float, str]]:
    tagger = Tagger("小助手")

    def asks(text: str) -> bool:
        return "question" in tagger.tag(text, match_form(text), use_model=False).tags

    rows: list[tuple[str, float, str]] = []
    for name, path in (("dev", DEV), ("held-out", HELD_OUT)):
        s = score(path, asks)
        rows.append(
            (f"questions: {name} ({s.lines} lines, {s.questions} questions) precision", s.precision, "")
        )
        rows.append((f"questions: {name} recall", s.recall, ""))
        for text in s.missed:
            rows.append((f"questions: {name} missed: {text}", 0.0, ""))
        for text in s.false:
            rows.append((f"questions: {name} wrongly taken: {text}", 0.0, ""))
    lines = [text.lower() for path in (DEV, HELD_OUT) for _label, text in load(path)]
    began, done = time.perf_counter(), 0
    while time.perf_counter() - began < 1.0:
        for text in lines:
            is_question(text)
        done += len(lines)
    rows.append(("questions: is_question calls per second", done / (time.perf_counter() - began), "/s"))
    return rows


if __name__ == "__main__":
    for name, value, unit in run():
        print(f"{name:60s} {value:>12.4g} {unit}")
