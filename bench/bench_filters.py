"""Throughput of the filters and the brain on one core, and what the sentiment model costs.

The floor: >= 10,000 unique messages/s through filters + state machine
(``Brain.handle`` on danmaku from 20,000 viewers, every text distinct so no cache
helps). Rates are per CPU second of this process (``time.process_time``), so a busy
machine does not halve them. The filters alone are measured too ("unique": a fresh suffix per message;
"replay": the test corpus cycled, as a chat flood repeats itself). snownlp runs in a
worker process under the brain's ``sentiment_per_s`` budget: the rows with it wait
for the model first. Start-up: how long ``Moderator.from_config`` takes, how long
the event loop's thread is ever held while snownlp loads (it loads in its worker),
and the memory of this process and of the model's worker. The contact/link detector,
the per-viewer memory (agent/brain/joined.py) and the name check (agent/brain/names.py:
a new name, a name seen before) have rows of their own. The floor rows are the median of
``FLOOR_RUNS`` runs; ``python bench/bench_filters.py --floor`` prints only the rules-only floor.
"""

from __future__ import annotations

import gc
import json
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from agent.brain import flood as flood_module
from agent.brain import normalize, sentiment
from agent.brain import words as words_module
from agent.brain.brain import Brain
from agent.brain.contacts import find_contacts
from agent.brain.flood import FloodControl
from agent.brain.joined import RecentChat
from agent.brain.moderation import Moderator
from agent.brain.names import NameGuard
from agent.config import BrainConfig
from agent.events import Danmaku

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "data" / "moderation_corpus.jsonl"
VIEWERS = 20_000
ROOM_RATE = 10_000  # stream messages per second fed to the brain: the sentiment budget is per stream second
FLOOR_RUNS = 3  # the floor is the median of this many runs (a shared machine is noisy)


def _texts() -> list[str]:
    rows = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [row["text"] for row in rows]


def _rate(texts: list[str], fn: Callable[[int, str], object], seconds: float = 0.6) -> float:
    """Messages per CPU second of ``fn(i, text)`` over ``texts``, repeated for ~``seconds``."""
    done, began = 0, time.process_time()
    while True:
        for i, text in enumerate(texts):
            fn(done + i, text)
        done += len(texts)
        elapsed = time.process_time() - began
        if elapsed >= seconds:
            return done / elapsed


def _clear_caches() -> None:
    flood_module.dup_key.cache_clear()
    normalize.clear_forms_cache()
    words_module.WordJudge.tokens.cache_clear()
    sentiment.shared().clear_cache()


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def _snownlp_rss_mb() -> float:
    """Peak memory of a bare interpreter that loads snownlp: what the model's worker costs."""
    code = "import resource; from snownlp import sentiment; print(resource.getrusage(0).ru_maxrss)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return int(out.stdout.split()[-1]) / 1024


def _longest_stall_while_loading(moderator: Moderator) -> tuple[float, float]:
    """(seconds until the model is ready, longest ms this thread waited for the GIL meanwhile)."""
    began = last = time.perf_counter()
    moderator.start_loading()
    longest = 0.0
    while moderator.model_status() == "loading":
        time.sleep(0.001)
        now = time.perf_counter()
        longest, last = max(longest, now - last - 0.001), now
    return time.perf_counter() - began, longest * 1000


def _brain_rate(unique: list[str], model: bool) -> float:
    cfg = BrainConfig(sentiment_model=model)
    moderator = Moderator.from_config(cfg)
    if model:
        moderator.wait_ready(timeout=300)
    brain = Brain(cfg, moderator)
    events = [
        Danmaku(text=text, uid=str(i % VIEWERS), uname=f"观众{i % VIEWERS}") for i, text in enumerate(unique)
    ]
    _clear_caches()
    # What the agent does once start-up has loaded everything (agent.app.startup.freeze_loaded_objects):
    # the lexicons, tables and dictionaries out of the collector's sight, so a full collection
    # walks only what the messages themselves leave behind.
    gc.collect()
    gc.freeze()
    began = time.process_time()
    for i, event in enumerate(events):
        brain.handle(event, i / ROOM_RATE)
    took = time.process_time() - began
    gc.unfreeze()
    return len(events) / took


def _unique() -> list[str]:
    return [f"{text} {n}" for n in range(40) for text in _texts()]  # ~16k distinct messages


def floor(model: bool = False) -> float:
    """Filters + state machine, unique messages and names: the median of FLOOR_RUNS runs."""
    unique = _unique()
    return statistics.median(_brain_rate(unique, model) for _ in range(FLOOR_RUNS))


def _name_rows(rules: Moderator) -> list[tuple[str, float, str]]:
    guard = NameGuard(rules)
    bases = ["观众", "快乐的小王", "Player_", "一只咸鱼", "NightOwl", "奶茶三分糖"]
    names = [f"{base}{n}" for n in range(1000) for base in bases]  # distinct: every check runs
    normalize.clear_forms_cache()
    new = _rate(names, lambda i, n: guard.safe(n), seconds=0.0)  # one pass: each name new
    seen = _rate(names, lambda i, n: guard.safe(n))  # 6000 names: the cache holds the last 8192
    return [
        ("names: NameGuard.safe, a new name (every check)", new, "names/s"),
        ("names: NameGuard.safe, a name seen before (cache)", seen, "names/s"),
    ]


def _startup_rows() -> tuple[Moderator, list[tuple[str, float, str]]]:
    """The rules-only moderator, and what building it cost."""
    normalize.pinyin_table.cache_clear()
    began = time.perf_counter()
    rules = Moderator.from_config(BrainConfig(sentiment_model=False))
    took_ms = (time.perf_counter() - began) * 1000
    return rules, [
        ("filters: Moderator.from_config, cold (lexicons + pinyin)", took_ms, "ms"),
        ("filters: RSS of this process, rules only", _rss_mb(), "MB"),
    ]


def _filter_rows(rules: Moderator) -> list[tuple[str, float, str]]:
    """Each filter alone and the moderator with the flood filter, on unique and replayed texts."""
    unique = _unique()
    flood = FloodControl(BrainConfig(sentiment_model=False, user_max_messages=10**6))

    def both(i: int, text: str) -> None:
        rules.check(text)
        flood.check(f"viewer{i % 5000}", text, i * 0.001)

    recent = RecentChat(rules)  # 50 viewers: every message has recent ones to be read with
    base = ["好的，我们继续下一局。", "谢谢大家的礼物！", "Thanks for the follow, have fun!"]
    sentences = [f"{text}{n}" for n in range(3000) for text in base]  # unique: no cache hits
    measured: list[tuple[str, list[str], Callable[[int, str], object], str]] = [
        ("filters: check+flood, unique msgs, rules only", unique, both, "msg/s"),
        ("filters: check+flood, corpus replay, rules only", _texts(), both, "msg/s"),
        ("filters: Moderator.check only, unique msgs", unique, lambda i, t: rules.check(t), "msg/s"),
        (
            "filters: FloodControl.check only, unique msgs",
            unique,
            lambda i, t: flood.check(f"v{i % 5000}", t, i * 0.001),
            "msg/s",
        ),
        ("filters: find_contacts only, unique msgs", unique, lambda i, t: find_contacts(t), "msg/s"),
        (
            "filters: a viewer's recent messages read joined (words, numbers, orders), unique msgs",
            unique,
            lambda i, t: recent.check(f"v{i % 50}", t, i * 0.1),
            "msg/s",
        ),
        ("filters: banned_in on a reply sentence", sentences, lambda i, t: rules.banned_in(t), "sent/s"),
    ]
    rows = []
    for label, texts, fn, unit in measured:
        _clear_caches()
        rows.append((label, _rate(texts, fn), unit))
    return rows


def _sentiment_rows() -> list[tuple[str, float, str]]:
    """snownlp in its worker: start-up, memory, one score, and the floor with it on."""
    with_model = Moderator.from_config(BrainConfig(sentiment_model=True))
    ready_s, stall_ms = _longest_stall_while_loading(with_model)
    rows = [
        ("sentiment: snownlp ready after (loads in its worker)", ready_s, "s"),
        ("sentiment: longest hold of this thread while it loads", stall_ms, "ms"),
        ("sentiment: RSS of this process (peak), the model in its worker", _rss_mb(), "MB"),
        ("sentiment: RSS of the model's worker (snownlp loaded)", _snownlp_rss_mb(), "MB"),
    ]
    sentiment.shared().clear_cache()
    cjk = [f"今天的天气{n}怎么样呢" for n in range(2000)]
    began = time.perf_counter()  # wall time: the score is computed in the worker
    for text in cjk:
        with_model.check(text)
    took_ms = (time.perf_counter() - began) / len(cjk) * 1000
    per_s = BrainConfig().sentiment_per_s
    rows.append(("sentiment: one snownlp score (worker round trip)", took_ms, "ms"))
    rows.append((f"floor: filters + state machine, unique msgs, snownlp {per_s:g}/s", floor(True), "msg/s"))
    return rows


def machine_speed() -> float:
    """Millions of iterations/s of a bare Python loop: how fast this machine runs Python,
    so floors measured on different machines can be compared (the floor scales with it)."""
    began, total = time.process_time(), 0
    for i in range(5_000_000):
        total += i
    return 5.0 / (time.process_time() - began)


def run() -> list[tuple[str, float, str]]:
    rules, rows = _startup_rows()
    rows.insert(0, ("machine: a bare Python loop", machine_speed(), "M iter/s"))
    rows += _filter_rows(rules)
    rows += _name_rows(rules)
    rows.append(("floor: filters + state machine, unique msgs, rules only", floor(False), "msg/s"))
    return rows + _sentiment_rows()


if __name__ == "__main__":
    if sys.argv[1:] == ["--floor"]:
        print(f"{'machine: a bare Python loop':64s} {machine_speed():>12.1f} M iter/s")
        print(f"{'floor: filters + state machine, unique msgs, rules only':64s} {floor(False):>12.1f} msg/s")
        raise SystemExit(0)
    for name, value, unit in run():
        print(f"{name:64s} {value:>12.1f} {unit}")
