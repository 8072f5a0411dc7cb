"""Scoring the third fresh moderation sets (tests/data/moderation_fresh3_{dev,heldout}.tsv):
every line through the real ``cohost moderate`` CLI with the sets' own words in config.toml,
and each contact line also through ``Moderator.banned_in`` (the check on the bot's own
sentences). Shared by tests/test_moderation_fresh3.py and, run as a script, prints the
figures per kind: ``python -m tests.support.fresh3_score dev``. The fourth sets
(tests/data/moderation_fresh4_*.tsv, their own words) score the same way:
``python -m tests.support.fresh3_score dev fresh4`` (and ``fresh5`` to ``fresh11``). The
seventh sets also hold harmless chat (expect ``chat``): kept and not tagged an instruction;
the eighth also real injections (expect ``inject``): tagged an instruction."""

from __future__ import annotations

import json
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.data import (
    build_moderation_fresh3,
    build_moderation_fresh4,
    build_moderation_fresh5,
    build_moderation_fresh6,
    build_moderation_fresh7,
    build_moderation_fresh8,
    build_moderation_fresh9,
    build_moderation_fresh10,
    build_moderation_fresh11,
)
from tests.support.fresh_split import texts_elsewhere
from tests.support.moderate_run import DATA, moderate

_PLACEHOLDERS = ("[链接]", "[电话]", "[联系方式]")
# Each set: its own words (config banned_words) by the set's name.
OWN_WORDS = {
    "fresh3": build_moderation_fresh3.OWN_WORDS,
    "fresh4": build_moderation_fresh4.OWN_WORDS,
    "fresh5": build_moderation_fresh5.OWN_WORDS,
    "fresh6": build_moderation_fresh6.OWN_WORDS,
    "fresh7": build_moderation_fresh7.OWN_WORDS,
    "fresh8": build_moderation_fresh8.OWN_WORDS,
    "fresh9": build_moderation_fresh9.OWN_WORDS,
    "fresh10": build_moderation_fresh10.OWN_WORDS,
    "fresh11": build_moderation_fresh11.OWN_WORDS,
}


@dataclass(frozen=True, slots=True)
class Row:
    expect: str  # "blocked" | "kept" | "contact" | "chat" | "inject"
    kind: str
    source: str  # "builtin" | "own" | "-"
    word: str
    text: str


@dataclass(slots=True)
class Score:
    """Counts per group: builtin / own disguises caught, look-alikes blocked, contacts
    handled in chat and refused by the output check; ``misses`` names each failing line."""

    total: Counter[str] = field(default_factory=Counter)
    good: Counter[str] = field(default_factory=Counter)
    misses: list[str] = field(default_factory=list)

    def add(self, group: str, ok: bool, line: str) -> None:
        self.total[group] += 1
        self.good[group] += ok
        if not ok:
            self.misses.append(f"{group}: {line}")

    def blocked(self, group: str = "lookalike_kept") -> int:
        """Lines of ``group`` that went the wrong way (innocent look-alikes blocked)."""
        return self.total[group] - self.good[group]

    def rate(self, group: str) -> float:
        return self.good[group] / self.total[group]

    def figures(self) -> dict[str, str]:
        return {g: f"{self.good[g]}/{self.total[g]}" for g in sorted(self.total)}


def split_fixtures(name: str) -> tuple[Any, Any]:
    """Module-scoped ``heldout`` and ``dev`` fixtures: set ``name``'s splits scored once per
    test module (``heldout, dev = split_fixtures("fresh4")``)."""

    @pytest.fixture(scope="module")
    def heldout(tmp_path_factory: pytest.TempPathFactory) -> Score:
        return score("heldout", tmp_path_factory.mktemp(f"{name}_heldout"), name)

    @pytest.fixture(scope="module")
    def dev(tmp_path_factory: pytest.TempPathFactory) -> Score:
        return score("dev", tmp_path_factory.mktemp(f"{name}_dev"), name)

    return heldout, dev


def new_lines(name: str) -> list[str]:
    """The texts of both splits of set ``name`` that are in both, twice in one, or in an
    older labelled set of tests/data: none should be (a fresh set is new lines)."""
    texts = [r.text for split in ("dev", "heldout") for r in rows(split, name)]
    twice = sorted({t for t in texts if texts.count(t) > 1})
    return twice + sorted(texts_elsewhere(name) & set(texts))


def smallest(name: str) -> Counter[str]:
    """How many lines of each group ("kept", "chat", "blocked:own"...: the expectation, and
    with its source) the smaller split of set ``name`` has."""
    counts = [
        Counter([r.expect for r in split] + [f"{r.expect}:{r.source}" for r in split])
        for split in (rows("dev", name), rows("heldout", name))
    ]
    return counts[0] & counts[1]


def kept_kinds(name: str) -> set[str]:
    """The kinds of look-alike (lines to keep) that both splits of set ``name`` have."""
    dev, held = ({r.kind for r in rows(split, name) if r.expect == "kept"} for split in ("dev", "heldout"))
    return dev & held


def instruction_tagged(text: str) -> bool:
    """Whether the rules and the learned signal tag ``text`` an instruction."""
    from agent.brain import normalize
    from agent.brain.tags import instruction_reason

    forms = normalize.forms(text)
    return bool(instruction_reason(forms.display, forms.compact))


def rows(split: str, name: str = "fresh3") -> list[Row]:
    lines = (DATA / f"moderation_{name}_{split}.tsv").read_text(encoding="utf-8").splitlines()
    return [Row(*line.split("\t")) for line in lines if line and not line.startswith("#")]


def score(split: str, tmp_path: Path, name: str = "fresh3") -> Score:
    from agent.brain.moderation import Moderator
    from agent.config import BrainConfig

    labelled = rows(split, name)
    own = OWN_WORDS[name]
    out = moderate(tmp_path, [r.text for r in labelled], own)
    output_check = Moderator.from_config(BrainConfig(sentiment_model=False, banned_words=own))
    result = Score()
    for row, verdict in zip(labelled, out, strict=True):
        why = f"{row.text}  ({row.kind}, {row.word}; rule {verdict['rule'] or '-'})"
        if row.expect == "blocked":
            result.add(f"disguise_{row.source}", not verdict["kept"], why)
        elif row.expect == "kept":
            # A false block: an innocent line blocked (the group counts lines kept).
            result.add("lookalike_kept", bool(verdict["kept"]), why)
            result.add(f"lookalike_kept_{row.kind}", bool(verdict["kept"]), why)
        elif row.expect == "chat":
            # Harmless chat: kept, and not tagged as an instruction to the bot.
            untagged = bool(verdict["kept"]) and "instruction" not in verdict["tags"]
            result.add("chat_untagged", untagged, why)
        elif row.expect == "inject":
            # A real injection: tagged as an instruction (kept or not).
            result.add("inject_tagged", "instruction" in verdict["tags"], why)
        else:
            shown = str(verdict["normalized"])
            handled = not verdict["kept"] or any(p in shown for p in _PLACEHOLDERS)
            result.add("contact_chat", handled, why)
            result.add("contact_output", output_check.banned_in(row.text) is not None, why)
    return result


def main() -> None:
    split = sys.argv[1] if len(sys.argv) > 1 else "dev"
    name = sys.argv[2] if len(sys.argv) > 2 else "fresh3"
    with tempfile.TemporaryDirectory() as tmp:
        result = score(split, Path(tmp), name)
    print(json.dumps(result.figures(), ensure_ascii=False, indent=1))
    print("\n".join(result.misses))


if __name__ == "__main__":
    main()
