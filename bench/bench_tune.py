"""`cohost dataset` build rate over a long recording, and LoRA training speed and peak memory
on the tiny test GLM (CPU here; bench/gpu_lora_smoke.py does the same on a GPU).

The long recording is the shipped demo room replayed 30 times (viewer names made
distinct per copy) with a bot reply after every fifth message, so the pairing,
cleaning and name replacement all run. Run: ``python bench/bench_tune.py``.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from agent.app.record import encode_line
from agent.config import load_config
from agent.events import ReplySentence, UtteranceDone
from agent.sources.replay import DEMO_RECORDING
from agent.tune.chatdata import DataFiles
from agent.tune.dataset import build
from agent.tune.finetune import TuneOptions, finetune
from tests.tiny_glm import build_tiny_glm

COPIES = 30
STEPS = 20


def long_recording(path: Path) -> int:
    """The demo room ``COPIES`` times over, with bot replies; returns the number of events."""
    lines = [json.loads(line) for line in DEMO_RECORDING.read_text(encoding="utf-8").splitlines() if line]
    span = max(row["mono"] for row in lines) + 10.0
    out: list[str] = []
    utterance = 0
    for copy in range(COPIES):
        for number, row in enumerate(lines):
            row = {**row, "mono": row["mono"] + copy * span}
            if "uname" in row:
                row["uname"] = f"{row['uname']}{copy}"
            out.append(json.dumps(row, ensure_ascii=False))
            if row["type"] == "danmaku" and number % 5 == 0:
                utterance += 1
                text = f"{row['uname']}，这个问题问得好，我们一起看主播怎么说。"
                at = row["mono"] + 0.5
                out.append(encode_line(ReplySentence(utterance_id=utterance, index=0, text=text), at, at))
                out.append(encode_line(UtteranceDone(utterance_id=utterance, text=text), at + 2, at + 2))
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return len(out)


def run() -> list[tuple[str, float, str]]:
    rows: list[tuple[str, float, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        events = long_recording(folder / "long.jsonl")
        for model, label in ((False, "rules only"), (True, "with the sentiment model")):
            cfg = load_config(None, brain={"sentiment_model": model})
            began = time.perf_counter()
            built = build([folder / "long.jsonl"], cfg)
            took = time.perf_counter() - began
            rows.append(
                (f"dataset build, {events} events (demo room x{COPIES}, {label})", events / took, "events/s")
            )
        rows.append(("dataset pairs kept", float(len(built.train) + len(built.eval)), "pairs"))

        data = folder / "chat_train.jsonl"
        data.write_text(
            "".join(json.dumps(e.chat(), ensure_ascii=False) + "\n" for e in built.train[:64]),
            encoding="utf-8",
        )
        base = build_tiny_glm(folder / "glm", kind="glm4", reply=None)
        options = TuneOptions(
            base=str(base),
            out=folder / "adapter",
            max_steps=STEPS,
            batch_size=4,
            grad_accum=1,
            progress=False,
        )
        result = finetune(DataFiles(data, None), options)
        rows.append((f"LoRA steps/s, tiny GLM, batch 4, {result.device}", result.steps_per_s, "steps/s"))
        rows.append(
            (
                f"LoRA peak memory ({'GPU' if result.device == 'cuda' else 'process RSS'})",
                result.peak_memory_mb,
                "MiB",
            )
        )
    return rows


if __name__ == "__main__":
    for name, value, unit in run():
        print(f"{name:70s} {value:12.2f} {unit}")
