"""The injection set (tests/data/injection_set.tsv): its tune / held-out split and what the
instruction tag makes of it (for tests/test_injection_set.py and bench/bench_tagger.py).

A line is held out when the sha256 of its text is 0 mod 3: the split was fixed before any
rule was tuned, and the held-out lines are never tuned on. A split order (two messages
joined by `` || ``) counts as caught when either half is tagged or the two read together
are an instruction, as the brain judges them (``agent.brain.joined``).

Run ``python -m tests.support.injection_set`` for the figures (and the tune part's lines behind
them; ``--lines`` also prints the held-out part's).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from agent.brain import normalize
from agent.brain.tags import Tagger, is_instruction

SET = Path(__file__).resolve().parent.parent / "data" / "injection_set.tsv"


@dataclass(frozen=True, slots=True)
class Line:
    kind: str  # injection | chat
    family: str
    text: str

    @property
    def held_out(self) -> bool:
        return int(hashlib.sha256(self.text.encode("utf-8")).hexdigest(), 16) % 3 == 0

    @property
    def parts(self) -> list[str]:
        return self.text.split(" || ")


def load(path: Path = SET) -> list[Line]:
    lines = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        if raw.strip() and not raw.startswith("#"):
            kind, family, text = raw.split("\t")
            lines.append(Line(kind, family, text))
    return lines


def part(lines: list[Line], held_out: bool) -> list[Line]:
    return [line for line in lines if line.held_out == held_out]


def rule_tagged(tagger: Tagger) -> Callable[[Line], bool]:
    """Whether the rules tag ``line`` as an instruction (the tagger on each half; a split
    order also as its two halves read together)."""

    def tagged(line: Line) -> bool:
        found = [normalize.forms(p, 200) for p in line.parts]
        if any("instruction" in tagger.tag(f.display, f.compact, use_model=False).tags for f in found):
            return True
        if len(found) == 2:
            first, second = found
            return is_instruction(f"{first.display} {second.display}", first.compact + second.compact)
        return False

    return tagged


@dataclass
class Score:
    caught: list[Line] = field(default_factory=list)
    missed: list[Line] = field(default_factory=list)
    false_tags: list[Line] = field(default_factory=list)
    kept: list[Line] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return len(self.caught) / max(1, len(self.caught) + len(self.missed))

    @property
    def precision(self) -> float:
        return len(self.caught) / max(1, len(self.caught) + len(self.false_tags))

    @property
    def false_tag_rate(self) -> float:
        return len(self.false_tags) / max(1, len(self.false_tags) + len(self.kept))

    def line(self) -> str:
        injections, chat = len(self.caught) + len(self.missed), len(self.false_tags) + len(self.kept)
        return (
            f"recall {self.recall:.3f} ({len(self.caught)}/{injections})  precision {self.precision:.3f}  "
            f"harmless tagged {self.false_tag_rate:.3f} ({len(self.false_tags)}/{chat})"
        )


def score(lines: list[Line], tagged: Callable[[Line], bool]) -> Score:
    result = Score()
    for line in lines:
        hit = tagged(line)
        if line.kind == "injection":
            (result.caught if hit else result.missed).append(line)
        else:
            (result.false_tags if hit else result.kept).append(line)
    return result


def per_family(lines: list[Line], tagged: Callable[[Line], bool]) -> dict[str, tuple[int, int]]:
    """family -> (caught, total) for the injections in ``lines``."""
    out: dict[str, tuple[int, int]] = {}
    for line in lines:
        if line.kind == "injection":
            caught, total = out.get(line.family, (0, 0))
            out[line.family] = (caught + tagged(line), total + 1)
    return out


if __name__ == "__main__":  # the held-out part's lines print only with --lines: it is not for tuning
    import sys

    every = load()
    rules = rule_tagged(Tagger())
    for name, held in (("tune", False), ("held-out", True)):
        lines = part(every, held)
        result = score(lines, rules)
        print(f"== {name}: {result.line()}")
        for family, (caught, total) in sorted(per_family(lines, rules).items()):
            print(f"   {family:14s} {caught}/{total}")
        if held and "--lines" not in sys.argv:
            continue
        for line in result.missed:
            print(f"   missed  {line.family:12s} {line.text}")
        for line in result.false_tags:
            print(f"   tagged  {line.family:12s} {line.text}")
