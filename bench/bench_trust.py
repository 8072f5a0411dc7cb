"""What the trust checks cost (issue 16 items 5-6): the instruction/claim families on every
message, the split-order memory, and the safe-name check on a viewer's first message.

Per CPU second of this process (``time.process_time``). Messages are the moderation
corpus with a fresh suffix each (no cache helps); names are fresh too (the name check is
cached per name: a viewer costs it once).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

from agent.brain import normalize
from agent.brain.injection import claim_in, instruction_in
from agent.brain.joined import RecentChat
from agent.brain.moderation import Moderator
from agent.brain.names import NameGuard
from agent.config import BrainConfig

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "data" / "moderation_corpus.jsonl"
NAMES = ["夜雨听风", "奶茶三分糖", "NightOwl", "小明同学", "起床困难户", "今天也要早睡", "momo_chan"]


def _per_second(items: list[str], call: Callable[[int, str], object]) -> float:
    began = time.process_time()
    for i, item in enumerate(items):
        call(i, item)
    return len(items) / (time.process_time() - began)


def run() -> list[tuple[str, float, str]]:
    corpus = [json.loads(line)["text"] for line in CORPUS.read_text(encoding="utf-8").splitlines() if line]
    unique = [f"{text} {n}" for n in range(30) for text in corpus]
    forms = [normalize.forms(text, 200) for text in unique]

    def families(i: int, _: str) -> None:
        found = forms[i]
        lowered = found.display.lower()
        instruction_in(found.display, lowered, found.compact)
        claim_in(lowered, found.compact)

    moderator = Moderator.from_config(BrainConfig(sentiment_model=False))
    recent = RecentChat(moderator)  # the brain's per-viewer memory (words, numbers, orders)
    # In the brain the moderator has made each message's forms (cached) before this runs.
    warm = unique[:4000]
    for text in warm:
        normalize.forms(text, 200)
    guard = NameGuard(moderator)
    names = [f"{name}{n}" for n in range(300) for name in NAMES]
    return [
        ("trust: instruction + claim families, unique msgs", _per_second(unique, families), "msg/s"),
        (
            "trust: split orders (500 viewers, each within the window), unique msgs",
            _per_second(warm, lambda i, t: recent.check(f"v{i % 500}", t, i * 0.001)),
            "msg/s",
        ),
        ("trust: safe name, a new viewer's name", _per_second(names, lambda i, n: guard.safe(n)), "names/s"),
        ("trust: safe name, a name seen before", _per_second(names, lambda i, n: guard.safe(n)), "names/s"),
    ]


if __name__ == "__main__":
    for name, value, unit in run():
        print(f"{name:64s} {value:>12.1f} {unit}")
