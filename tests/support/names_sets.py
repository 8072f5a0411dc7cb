"""Engineer N's labelled names (tests/data/names_set.tsv and names_heldout.tsv): load, split,
and measure them through the real brain.

``names_set.tsv`` is split by a hash of the name (md5 % 3 == 0: held-out, the rest: tune);
``names_heldout.tsv`` is a second held-out set, written after the first held-out part had
been looked at during tuning and never tuned on. A hostile name counts as said when any
place the brain says or shows a name (a reply, a prompt, the overlay's chat line) carries
it; a harmless one as refused when any of them says 这位朋友 instead.

``python -m tests.support.names_sets`` prints the figures and the names behind them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from agent.brain.moderation import Moderator
from agent.config import TemplateLLM
from agent.llm.template import TemplateEngine
from tests.support.trust import CFG, anonymous, leaks, name_events, new_brain, run

DATA = Path(__file__).resolve().parent.parent / "data"
SET = DATA / "names_set.tsv"
HELDOUT2 = DATA / "names_heldout.tsv"


@dataclass(frozen=True, slots=True)
class Name:
    kind: str  # hostile | harmless
    family: str
    text: str

    @property
    def held_out(self) -> bool:
        return int(hashlib.md5(self.text.encode()).hexdigest(), 16) % 3 == 0


def load(path: Path) -> list[Name]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            kind, family, text = line.split("\t")
            rows.append(Name(kind, family, text))
    return rows


def parts() -> dict[str, list[Name]]:
    """The three parts: tune, held-out (by hash), held-out 2 (its own file)."""
    rows = load(SET)
    return {
        "tune": [r for r in rows if not r.held_out],
        "held-out": [r for r in rows if r.held_out],
        "held-out 2": load(HELDOUT2),
    }


def outcome(name: str, moderator: Moderator, engine: TemplateEngine) -> tuple[bool, bool]:
    """(said: the name reached a reply, a prompt or the overlay; refused: 这位朋友 was used)."""
    out = run(new_brain(moderator), name_events(name), engine)
    texts = out.replies + out.prompts + [v.name for v in out.shown]
    said = any(not anonymous(n) for n in out.names) or any(leaks(name, t) for t in texts)
    refused = any(anonymous(n) for n in out.names) or not out.names
    return said, refused


@dataclass
class Figures:
    hostile: int = 0
    said: list[str] | None = None
    harmless: int = 0
    refused: list[str] | None = None

    def line(self, part: str) -> str:
        said, refused = self.said or [], self.refused or []
        return (
            f"{part:10s} hostile said or shown {len(said)}/{self.hostile}, "
            f"harmless refused {len(refused)}/{self.harmless}"
        )


def measure(rows: list[Name], moderator: Moderator, engine: TemplateEngine) -> Figures:
    figures = Figures(said=[], refused=[])
    for row in rows:
        said, refused = outcome(row.text, moderator, engine)
        if row.kind == "hostile":
            figures.hostile += 1
            if said:
                assert figures.said is not None
                figures.said.append(f"{row.family}:{row.text}")
        else:
            figures.harmless += 1
            if refused:
                assert figures.refused is not None
                figures.refused.append(row.text)
    return figures


if __name__ == "__main__":
    moderator = Moderator.from_config(CFG)
    engine = TemplateEngine(TemplateLLM())
    for part, rows in parts().items():
        found = measure(rows, moderator, engine)
        print(found.line(part))
        for text in (found.said or []) + (found.refused or []):
            print("   ", text)


def check_part(
    part: str, path: Path, moderator: Moderator, said_at_most: int, refused_at_most: int = 0
) -> None:
    """A set's part measured end to end: enough names of both kinds, at most so many hostile
    ones said or shown and harmless ones refused."""
    found = measure(load(path), moderator, TemplateEngine(TemplateLLM()))
    print(found.line(part), found.said)
    assert found.hostile >= 10 and found.harmless >= 10
    assert len(found.said or []) <= said_at_most, found.said
    assert len(found.refused or []) <= refused_at_most, found.refused
