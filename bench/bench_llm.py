"""Reply-engine speed on the tiny test GLM (CPU here): time to first token, tokens/s, sentence splitting.

The tiny model says nothing about a real GLM's speed; it measures the engine's
own overhead (thread hand-off, streamer, event loop) and catches regressions
in it. Run: ``python bench/bench_llm.py``.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from agent.config import TransformersLLM
from agent.llm.base import ChatMessage, ReplyRequest
from agent.llm.transformers_engine import TransformersEngine
from agent.reply.sentences import SentenceSplitter
from tests.tiny_glm import DEFAULT_SYSTEM, build_tiny_glm

RUNS = 5
TOKENS = 128


def _ask(text: str, system: str | None = None) -> ReplyRequest:
    messages = ((ChatMessage("system", system),) if system else ()) + (ChatMessage("user", text),)
    return ReplyRequest(utterance_id=1, kind="chatter", trigger=None, messages=messages)


async def _engine_rows(taught: Path, rambling: Path) -> list[tuple[str, float, str]]:
    rows: list[tuple[str, float, str]] = []
    # The taught model answers in real sentences, so "time to first sentence" means something.
    engine = TransformersEngine(TransformersLLM(model=str(taught), temperature=0))
    began = time.perf_counter()
    await engine.load()
    rows.append(("tiny GLM load", (time.perf_counter() - began) * 1000, "ms"))
    ttft, first_sentence = [], []
    for _ in range(RUNS):
        splitter = SentenceSplitter()
        began = time.perf_counter()
        sentence_at = None
        async for piece in engine.stream(_ask("你好", DEFAULT_SYSTEM)):
            if sentence_at is None and splitter.feed(piece):
                sentence_at = time.perf_counter() - began
        ttft.append(engine.last_first_token_s or 0.0)
        first_sentence.append(sentence_at or 0.0)
    await engine.close()
    rows.append(("time to first token (median)", statistics.median(ttft) * 1000, "ms"))
    rows.append(("time to first sentence (median)", statistics.median(first_sentence) * 1000, "ms"))

    # The random model never stops by itself: steady-state speed and interrupt latency.
    engine = TransformersEngine(TransformersLLM(model=str(rambling), temperature=0, max_new_tokens=TOKENS))
    await engine.load()
    rate, interrupt = [], []
    for _ in range(RUNS):
        async for _piece in engine.stream(_ask("随便说说")):
            pass
        rate.append(engine.last_tokens_per_s or 0.0)
        stream = engine.stream(_ask("随便说说"))
        await anext(stream)
        began = time.perf_counter()
        await stream.aclose()
        interrupt.append(time.perf_counter() - began)
    await engine.close()
    rows.append((f"generation speed, {TOKENS} tokens (median)", statistics.median(rate), "tokens/s"))
    rows.append(("interrupt -> generation stopped (median)", statistics.median(interrupt) * 1000, "ms"))
    return rows


def _splitter_rows() -> list[tuple[str, float, str]]:
    text = "欢迎来到直播间！今天我们一起聊聊天吧，大家想玩什么游戏呢？Version 3.5 is out. 好的。" * 200
    began = time.perf_counter()
    splitter = SentenceSplitter()
    count = 0
    for char in text:  # one character per piece: the worst case, like a token stream
        count += len(splitter.feed(char))
    splitter.flush()
    elapsed = time.perf_counter() - began
    return [("sentence splitter, fed one char at a time", len(text) / elapsed / 1000, "k chars/s")]


def run() -> list[tuple[str, float, str]]:
    with tempfile.TemporaryDirectory() as folder:
        taught = build_tiny_glm(Path(folder) / "taught", kind="glm4")
        rambling = build_tiny_glm(Path(folder) / "rambling", kind="glm4", reply=None)
        rows = asyncio.run(_engine_rows(taught, rambling))
    return rows + _splitter_rows()


if __name__ == "__main__":
    for name, value, unit in run():
        print(f"{name:55s} {value:10.1f} {unit}")
