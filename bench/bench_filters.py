"""Throughput of the filter layer (Moderator.check + FloodControl.check) on one core.

Target: the whole filter + state machine >= 50,000 messages/s. Messages are the test
corpus (ordinary chat, look-alikes, banned variants); "unique" gives every message a
fresh suffix so no cache helps (worst case), "replay" cycles the corpus as a chat
flood repeats itself (caches warm). snownlp sentiment is measured separately: it
costs ~0.3 ms per new Chinese message.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

from agent.brain import flood as flood_module
from agent.brain import normalize
from agent.brain import tags as tags_module
from agent.brain.flood import FloodControl
from agent.brain.moderation import Moderator
from agent.config import BrainConfig

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "data" / "moderation_corpus.jsonl"


def _texts() -> list[str]:
    rows = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [row["text"] for row in rows]


def _rate(texts: list[str], fn: Callable[[int, str], object], seconds: float = 0.6) -> float:
    """Messages per second of ``fn(i, text)`` over ``texts``, repeated for ~``seconds``."""
    done, began = 0, time.perf_counter()
    while True:
        for i, text in enumerate(texts):
            fn(done + i, text)
        done += len(texts)
        elapsed = time.perf_counter() - began
        if elapsed >= seconds:
            return done / elapsed


def _clear_caches() -> None:
    flood_module.dup_key.cache_clear()
    normalize.forms.cache_clear()
    tags_module.snownlp_score.cache_clear()


def run() -> list[tuple[str, float, str]]:
    corpus = _texts()
    unique = [f"{text} {n}" for n in range(40) for text in corpus]  # ~16k distinct messages
    normalize.pinyin_table.cache_clear()
    began = time.perf_counter()
    Moderator.from_config(BrainConfig(sentiment_model=False))
    cold_ms = round((time.perf_counter() - began) * 1000, 1)
    rows: list[tuple[str, float, str]] = [
        ("filters: Moderator.from_config, cold (lexicons + pinyin)", cold_ms, "ms")
    ]
    for model in (False, True):
        label = "snownlp" if model else "rules only"
        cfg = BrainConfig(sentiment_model=model, user_max_messages=10**6)
        moderator = Moderator.from_config(cfg)
        flood = FloodControl(cfg)

        def both(i: int, text: str, moderator: Moderator = moderator, flood: FloodControl = flood) -> None:
            moderator.check(text)
            flood.check(f"viewer{i % 5000}", text, i * 0.001)

        _clear_caches()
        budget = 0.6 if not model else 2.0  # the model path is slow: give it enough messages
        rows.append(
            (
                f"filters: check+flood, unique msgs, sentiment {label}",
                round(_rate(unique, both, budget)),
                "msg/s",
            )
        )
        _clear_caches()
        rows.append(
            (f"filters: check+flood, corpus replay, sentiment {label}", round(_rate(corpus, both)), "msg/s")
        )
        if not model:
            _clear_caches()
            rows.append(
                (
                    "filters: Moderator.check only, unique msgs",
                    round(_rate(unique, lambda i, t, m=moderator: m.check(t))),
                    "msg/s",
                )
            )
            _clear_caches()
            rows.append(
                (
                    "filters: FloodControl.check only, unique msgs",
                    round(_rate(unique, lambda i, t, f=flood: f.check(f"v{i % 5000}", t, i * 0.001))),
                    "msg/s",
                )
            )
            base = ["好的，我们继续下一局。", "谢谢大家的礼物！", "Thanks for the follow, have fun!"]
            sentences = [f"{text}{n}" for n in range(3000) for text in base]  # unique: no cache hits
            rows.append(
                (
                    "filters: banned_in on a reply sentence",
                    round(_rate(sentences, lambda i, t, m=moderator: m.banned_in(t))),
                    "sent/s",
                )
            )
    return rows


if __name__ == "__main__":
    for name, value, unit in run():
        print(f"{name:60s} {value:>12} {unit}")
