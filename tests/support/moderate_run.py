"""The labelled moderation sets of tests/data and one ``cohost moderate`` run over texts:
shared by tests/test_moderation_fresh.py and tests/test_moderation_fresh2.py."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"


def set_rows(stem: str, name: str, split: str) -> list[dict[str, str]]:
    """The rows of ``tests/data/<stem>_<name>.jsonl`` in ``split`` (tune or heldout)."""
    lines = (DATA / f"{stem}_{name}.jsonl").read_text(encoding="utf-8").splitlines()
    return [row for row in map(json.loads, lines) if row["split"] == split]


def moderate(
    tmp_path: Path, texts: list[str], own_words: list[str], *, explain: bool = False, extra: str = ""
) -> list[dict]:
    """One ``cohost moderate`` run with ``own_words`` in config.toml (``extra``: more [brain]
    lines); each line from its own viewer, a minute apart (so neither the flood rules nor
    the joined reading of one viewer's lines take part)."""
    config = tmp_path / "config.toml"
    words = ", ".join(json.dumps(w, ensure_ascii=False) for w in own_words)
    config.write_text(
        f"[brain]\nsentiment_model = false\nbanned_words = [{words}]\n{extra}", encoding="utf-8"
    )
    args = [sys.executable, "-m", "agent", "moderate", "--interval", "60", "--config", str(config)]
    done = subprocess.run(
        [*args, *(["--explain"] if explain else [])],
        input="".join(f"line-{i}\t{t}\n" for i, t in enumerate(texts)),
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["text"] for r in rows] == texts
    return rows
