"""Scoring the fresh sets of names (tests/data/names_fresh3_*.tsv), contact lines
(contacts_fresh_*.tsv) and question lines (questions_fresh3_*.tsv): shared by their test
modules and, run as a script, prints the figures and the lines behind them:
``python -m tests.support.fresh_sets3 dev`` (or ``heldout``, ``probe``).

A contact line counts as caught when the chat filter (``Moderator.check``) drops or scrubs
it and the check on the bot's own sentences (``Moderator.banned_in``) refuses it; an innocent
line as clean when the filter keeps it as written and ``banned_in`` finds nothing."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from agent.brain.moderation import Moderator
from agent.brain.normalize import forms, match_form
from agent.brain.tags import Tagger
from agent.config import TemplateLLM
from agent.llm.template import TemplateEngine
from tests.support import names_sets
from tests.support.question_lines import score as score_questions
from tests.support.trust import CFG

DATA = Path(__file__).resolve().parent.parent / "data"
NAMES = {
    "dev": DATA / "names_fresh3_dev.tsv",
    "heldout": DATA / "names_fresh3_heldout.tsv",
    "probe": DATA / "names_fresh3_probe.tsv",
}
CONTACTS = {
    "dev": DATA / "contacts_fresh_dev.tsv",
    "heldout": DATA / "contacts_fresh_heldout.tsv",
    "probe": DATA / "contacts_fresh_probe.tsv",
}
QUESTIONS = {
    "dev": DATA / "questions_fresh3_dev.tsv",
    "heldout": DATA / "questions_fresh3_heldout.tsv",
    "probe": DATA / "questions_fresh3_probe.tsv",
}


@dataclass
class ContactFigures:
    contacts: int = 0
    passed: list[str] = field(default_factory=list)  # a contact the filter or banned_in let through
    innocent: int = 0
    flagged: list[str] = field(default_factory=list)  # an innocent line dropped, scrubbed or refused

    def line(self, part: str) -> str:
        return (
            f"contacts {part:8s} passed {len(self.passed)}/{self.contacts}, "
            f"innocent flagged {len(self.flagged)}/{self.innocent}"
        )


def load_contacts(path: Path) -> list[tuple[bool, str]]:
    """(is a contact, the line) for each labelled line; '#' lines are comments."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            label, text = line.split("\t", 1)
            if label not in ("block", "keep"):
                raise ValueError(f"{path.name}: label must be block or keep: {line!r}")
            rows.append((label == "block", text))
    return rows


def measure_contacts(path: Path, moderator: Moderator) -> ContactFigures:
    figures = ContactFigures()
    for contact, text in load_contacts(path):
        verdict = moderator.check(text, use_model=False)
        refused = moderator.banned_in(text)
        filtered = not verdict.kept or verdict.text != forms(text).display
        if contact:
            figures.contacts += 1
            if not filtered or refused is None:
                figures.passed.append(text)
        else:
            figures.innocent += 1
            if filtered or refused is not None:
                figures.flagged.append(text)
    return figures


def asks(tagger: Tagger) -> Callable[[str], bool]:
    return lambda text: "question" in tagger.tag(text, match_form(text), use_model=False).tags


def main(part: str) -> None:
    moderator = Moderator.from_config(CFG)
    found = names_sets.measure(names_sets.load(NAMES[part]), moderator, TemplateEngine(TemplateLLM()))
    print(found.line(f"names {part}"))
    for text in (found.said or []) + (found.refused or []):
        print("   ", text)
    contacts = measure_contacts(CONTACTS[part], moderator)
    print(contacts.line(part))
    for text in contacts.passed + contacts.flagged:
        print("   ", text)
    scores = score_questions(QUESTIONS[part], asks(Tagger("小助手")))
    print(f"questions {part} precision {scores.precision:.3f} recall {scores.recall:.3f}")
    for text in scores.missed:
        print("    missed", text)
    for text in scores.false:
        print("    false ", text)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "dev")
