"""The tiny LoRA run of the tests, on a CUDA GPU: bf16 (fp16 where bf16 is missing) with
gradient checkpointing, then a 4-bit base (QLoRA) when bitsandbytes is installed. Prints
steps/s and peak GPU memory for each. Needs a GPU: without one it says so and exits 2.

Run: ``python bench/gpu_lora_smoke.py [STEPS]`` (default 50).
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

QUESTIONS = [
    "这是什么游戏",
    "主播玩的啥",
    "游戏名字叫啥",
    "玩的什么呀",
    "这游戏叫啥",
    "什么游戏啊",
    "几点下播",
    "显卡是什么",
]


def main(steps: int) -> int:
    import torch

    if not torch.cuda.is_available():
        print("gpu_lora_smoke: needs a CUDA GPU, and torch sees none here; nothing was run.")
        return 2
    from agent.tune.chatdata import DataFiles
    from agent.tune.finetune import TuneOptions, finetune
    from tests.tiny_glm import build_tiny_glm

    print(
        f"GPU: {torch.cuda.get_device_name(0)}, torch {torch.__version__}, "
        f"bf16 {torch.cuda.is_bf16_supported()}"
    )
    runs = [("bf16/fp16 + gradient checkpointing", False)]
    try:
        import bitsandbytes  # noqa: F401

        runs.append(("4-bit base (QLoRA)", True))
    except ImportError:
        print("bitsandbytes is not installed: the 4-bit (QLoRA) run is skipped")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        rows = [
            {
                "messages": [
                    {"role": "user", "content": f"观众内容：「{q}」"},
                    {"role": "assistant", "content": "黑神话悟空。"},
                ]
            }
            for q in QUESTIONS
        ]
        data = folder / "train.jsonl"
        data.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
        base = build_tiny_glm(folder / "glm", kind="glm4", reply=None)
        for name, qlora in runs:
            torch.cuda.reset_peak_memory_stats()
            options = TuneOptions(
                base=str(base),
                out=folder / f"adapter-{int(qlora)}",
                max_steps=steps,
                batch_size=8,
                grad_accum=1,
                learning_rate=1e-2,
                qlora=qlora,
                progress=False,
            )
            result = finetune(DataFiles(data, None), options)
            first, last = result.losses[0][1], result.losses[-1][1]
            print(
                f"{name:40s} {result.steps_per_s:8.2f} steps/s  "
                f"peak GPU memory {result.peak_memory_mb:8.1f} MiB"
                f"  loss {first:.3f} -> {last:.3f} ({result.steps} steps)"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 50))
