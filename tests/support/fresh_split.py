"""Building a fresh labelled moderation set (tests/data/build_moderation_fresh*.py): each
family's lines alternate between the dev and the held-out split, written as
``moderation_<name>_{dev,heldout}.tsv`` (expect, kind, source, word, text)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"


def alternate(
    disguises: list[str],
    lookalikes: list[str],
    contacts: list[str],
    disguise_family: Callable[[str, str], str],
) -> list[tuple[str, list[str]]]:
    """(split, [expect, kind, source, word, text]) for every line; each family alternates.
    Disguises and look-alikes are "kind|source|word|text", contacts "kind|text";
    ``disguise_family(kind, source)`` names the family a disguise alternates within."""
    out: list[tuple[str, list[str]]] = []
    seen: dict[str, int] = {}

    def add(family: str, row: list[str]) -> None:
        n = seen.get(family, 0)
        seen[family] = n + 1
        out.append(("dev" if n % 2 == 0 else "heldout", row))

    for line in disguises:
        kind, source, word, text = line.split("|", 3)
        add(f"d-{disguise_family(kind, source)}", ["blocked", kind, source, word, text])
    for line in lookalikes:
        kind, source, word, text = line.split("|", 3)
        add(f"l-{kind}", ["kept", kind, source, word, text])
    for line in contacts:
        kind, text = line.split("|", 1)
        add("contact", ["contact", kind, "-", "-", text])
    return out


def write(name: str, rows: list[tuple[str, list[str]]]) -> None:
    header = f"# expect\tkind\tsource\tword\ttext  (built by build_moderation_{name}.py)\n"
    for split in ("dev", "heldout"):
        lines = ["\t".join(row) for s, row in rows if s == split]
        path = DATA / f"moderation_{name}_{split}.tsv"
        path.write_text(header + "\n".join(lines) + "\n", encoding="utf-8")


def texts_elsewhere(name: str) -> set[str]:
    """Every labelled text in tests/data outside the set ``name``'s own files: a fresh
    set's lines must be none of them."""
    import json

    older: set[str] = set()
    for path in DATA.glob("*.jsonl"):
        older |= {json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line}
    for path in DATA.glob("*.tsv"):
        if not path.name.startswith(f"moderation_{name}_"):
            older |= {line.split("\t")[-1] for line in path.read_text(encoding="utf-8").splitlines()}
    return older
