"""The state machine alone, and prompt size vs. memory length.

1. ``step`` throughput in a 1000 msgs/s room where the bot never finishes its reply,
   so ``pending`` stays full (max_pending) and every message is an insert + drop.
2. Prompt size in tokens (one per character, the default counter) for 0, 5, 20 and
   100 remembered turns, with and without the max_prompt_tokens bound.
"""

from __future__ import annotations

import time

from agent.brain import modes
from agent.brain.brain import order_for
from agent.brain.flood import near_duplicate
from agent.brain.memory import Memory, Turn
from agent.brain.state import BrainState, Candidate, Message, step
from agent.config import BrainConfig, BrainMemory, LlmConfig
from agent.events import Danmaku, Enter, Gift
from agent.reply.prompt import build_request, prompt_tokens

_TAGS = [frozenset({"question"}), frozenset(), frozenset({"greeting"}), frozenset({"negative", "complaint"})]


def _inputs(n: int) -> list[Message]:
    out: list[Message] = []
    for i in range(n):
        uid = str(i % 5000)
        if i % 50 == 0:
            out.append(
                Message(Gift(gift_name="小心心", uid=uid, uname=uid, count=1, combo_id=f"c{i % 7}"), "", uid)
            )
        elif i % 20 == 0:
            out.append(Message(Enter(uid=uid, uname=uid), "", uid))
        else:
            text = f"这个键盘多少钱{i}"
            out.append(Message(Danmaku(text=text, uid=uid, uname=uid), text, uid, _TAGS[i % len(_TAGS)]))
    return out


def _never(a: str, b: str) -> bool:
    return False


def step_throughput(n: int = 50_000, fold: bool = False) -> float:
    cfg = BrainConfig()
    state = BrainState()
    inputs = _inputs(n)
    plan = modes.plan(cfg)  # made once, as the brain's shell does
    began = time.perf_counter()
    for i, item in enumerate(inputs):
        state, _ = step(state, item, i * 0.001, cfg, fold=near_duplicate if fold else _never, plan=plan)
    elapsed = time.perf_counter() - began
    assert len(state.queue.pending) == cfg.max_pending and state.floor.in_flight  # full, never finished
    return n / elapsed


def prompt_size(turns: int, bounded: bool) -> float:
    limit = BrainMemory().max_prompt_tokens if bounded else 10**9
    brain = BrainConfig(
        memory=BrainMemory(turns=max(turns, 0), summary_turns=20, max_prompt_tokens=max(limit, 64))
    )
    memory = Memory(brain.memory)
    for i in range(turns):
        memory.add(
            Turn(
                f"观众{i}",
                f"主播这个游戏第{i}关怎么过啊，我卡了好久了",
                f"第{i}关先躲技能再打，慢慢来。",
                f"u{i}",
            )
        )
    text = "主播这个键盘多少钱？"
    message = Message(Danmaku(text=text, uid="x", uname="小明"), text, "小明", frozenset({"question"}))
    heard = ("今天继续打黑神话悟空", "这一关有点难", "大家别急")
    order = order_for(1, Candidate("question", message, 0.0, 0), memory.recall("x", heard))
    request = build_request(order, LlmConfig(), brain)
    return float(prompt_tokens(request))


def run() -> list[tuple[str, float, str]]:
    rows = [
        ("state machine step, pending full (1000 msgs/s room)", step_throughput(), "msgs/s"),
        ("state machine step + near-duplicate folding", step_throughput(20_000, fold=True), "msgs/s"),
    ]
    for turns in (0, 5, 20, 100):
        rows.append(
            (f"prompt tokens, {turns} turns remembered (unbounded)", prompt_size(turns, False), "tokens")
        )
        rows.append(
            (
                f"prompt tokens, {turns} turns remembered (max_prompt_tokens)",
                prompt_size(turns, True),
                "tokens",
            )
        )
    return rows


if __name__ == "__main__":
    for name, value, unit in run():
        print(f"{name:<66} {value:>10.0f} {unit}")
