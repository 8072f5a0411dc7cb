"""Proof that a speed change to the moderator changes no verdict: record, then compare.

Every labelled set in tests/data (moderation_*.jsonl, injection_*.tsv, trust_*.tsv,
names_*.tsv, questions_*.tsv, paraphrase texts) plus 20,000 generated variants (the
bench's unique danmaku, and each labelled line spaced out, with fillers, reversed,
full-width, cut, joined to another) go through ``Moderator.check`` (kept, reason, rule,
text, tags, sentiment), ``Moderator.banned_in``, ``Matcher.find(..., explain=True)``
(every candidate, counted or void, with why), ``NameGuard.risk`` and ``RecentChat.check``
(a line split over two messages), with the built-in lexicon and with a streamer's own
words. The sentiment model is off (its scores depend on a worker's timing).

    .venv/bin/python bench/moderation_equivalence.py --record /tmp/golden.jsonl.gz
    .venv/bin/python bench/moderation_equivalence.py --compare /tmp/golden.jsonl.gz

``--compare`` prints every line whose outcome differs and exits 1 when any does. The
recording is ~40,000 lines (several MB): too big for a checked-in golden file, so this
stays a bench script (record with the old tree, compare with the new).
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from agent.brain.joined import RecentChat
from agent.brain.moderation import Moderator
from agent.brain.names import NameGuard
from agent.config import BrainConfig
from tests.support.moderation_texts import OWN, labelled_texts, variants

VARIANTS = 20_000


def all_texts() -> list[str]:
    """The labelled sets, then 5,000 of the bench's unique demo danmaku and 15,000 variants."""
    from bench.bench_brain_only import _danmaku

    texts = labelled_texts()
    return texts + [m.text for m in _danmaku(VARIANTS // 4)] + variants(texts, VARIANTS - VARIANTS // 4)


def outcomes(texts: list[str]) -> Iterator[dict[str, object]]:
    """What each moderator makes of each text (and of each pair, read joined)."""
    cfg = BrainConfig(sentiment_model=False)
    for label, mod in (
        ("builtin", Moderator.from_config(cfg)),
        ("own", Moderator.from_config(cfg.model_copy(update={"banned_words": OWN}))),
    ):
        names = NameGuard(mod)
        recent = RecentChat(mod)
        for i, text in enumerate(texts):
            v = mod.check(text, use_model=False)
            hits = [
                [h.rule, h.detector, h.form, h.start, h.stop, h.matched, h.void, h.size, h.order]
                for h in mod.matcher.find(*_forms(mod, text), explain=True)
            ]
            split = recent.check(str(i % 97), text, i * 0.5)
            yield {
                "mod": label,
                "in": text,
                "check": [v.kept, v.reason, v.rule, v.text, sorted(v.tags), v.sentiment],
                "banned_in": mod.banned_in(text),
                "hits": hits,
                "name": str(names.risk(text[:40])),
                "joined": None if split is None else repr(split),
            }


def _forms(mod: Moderator, text: str) -> tuple[str, str]:
    from agent.brain import normalize

    forms = normalize.forms(text, mod.max_chars)
    return forms.spaced, forms.compact


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--record", type=Path)
    group.add_argument("--compare", type=Path)
    args = parser.parse_args()
    texts = all_texts()
    if args.record:
        with gzip.open(args.record, "wt", encoding="utf-8") as out:
            for row in outcomes(texts):
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
        print(f"recorded {len(texts)} texts x 2 moderators to {args.record}")
        return 0
    with gzip.open(args.compare, "rt", encoding="utf-8") as old:
        golden = [json.loads(line) for line in old]
    now = [json.loads(json.dumps(row, ensure_ascii=False)) for row in outcomes(texts)]
    diffs = [(a, b) for a, b in zip(golden, now, strict=True) if a != b]
    for a, b in diffs[:50]:
        print("WAS", json.dumps(a, ensure_ascii=False))
        print("NOW", json.dumps(b, ensure_ascii=False))
    print(f"{len(now)} outcomes compared, {len(diffs)} differ")
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
