"""`cohost finetune` on the tiny random GLM: LoRA lowers the loss, the adapter loads in the
transformers engine through its real loading code and changes what it says, --merge loads."""

from __future__ import annotations

import json
from pathlib import Path

import peft  # noqa: F401  (the tune extra; a missing peft is a failure here, not a skip)
import pytest
from typer.testing import CliRunner

from agent.app.cli import app
from agent.config import TransformersLLM
from agent.llm.base import ChatMessage, EngineUnavailable, ReplyRequest
from agent.llm.transformers_engine import TransformersEngine
from tests.tiny_glm import build_tiny_glm

SYSTEM = "你是直播间的AI助手小助手。"
ANSWER = "这个游戏叫黑神话悟空。"
QUESTIONS = ["这是什么游戏", "主播玩的啥", "游戏名字叫啥", "玩的什么呀", "这游戏叫啥", "什么游戏啊"]


def chat(question: str, answer: str = ANSWER) -> dict[str, object]:
    return {
        "messages": [
            {"role": "system", "content": SYSTEM},
            {"role": "user", "content": f"观众内容：「{question}」"},
            {"role": "assistant", "content": answer},
        ]
    }


def write_jsonl(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_glm(tmp_path_factory.mktemp("glm4"), kind="glm4", reply=None)


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("data")
    write_jsonl(folder / "chat_train.jsonl", [chat(q) for q in QUESTIONS[:4]])
    write_jsonl(folder / "chat_eval.jsonl", [chat(q) for q in QUESTIONS[4:]])
    return folder


@pytest.fixture(scope="module")
def trained(base: Path, data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("run") / "adapter"
    args = f"finetune {data} --base {base} --out {out} --max-steps 12 --lr 0.02 --batch-size 4"
    result = CliRunner().invoke(app, [*args.split(), "--grad-accum", "1", "--rank", "8", "--merge"])
    assert result.exit_code == 0, result.output
    return out


def test_training_lowers_the_loss_and_reports(trained: Path) -> None:
    report = json.loads((trained / "training_report.json").read_text())
    losses = [loss for _step, loss in report["train_loss"]]
    assert report["steps"] == 12
    assert losses[-1] < losses[0]
    assert report["eval_loss_after"] < report["eval_loss_before"]
    assert 0 < report["trainable_params"] < report["total_params"]
    assert (trained / "loss.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    config = json.loads((trained / "adapter_config.json").read_text())
    assert set(config["target_modules"]) == {"q_proj", "k_proj", "v_proj", "o_proj"}
    assert not trained.with_name("adapter.partial").exists()  # checkpoints go once it is done


async def reply(model: Path, adapter: Path | None = None) -> tuple[str, float]:
    """What the engine says to a trained question, and its loss on the trained answer."""
    import torch

    cfg = TransformersLLM(model=str(model), adapter=str(adapter or ""), temperature=0, max_new_tokens=12)
    engine = TransformersEngine(cfg)
    await engine.load()
    messages = (ChatMessage("system", SYSTEM), ChatMessage("user", "观众内容：「这是什么游戏」"))
    try:
        said = "".join([p async for p in engine.stream(ReplyRequest(1, "question", None, messages=messages))])
        prompt = engine.tokenizer.apply_chat_template(
            [{"role": m.role, "content": m.content} for m in messages],
            add_generation_prompt=True,
            tokenize=False,
        )
        ids = engine.tokenizer(prompt + ANSWER, add_special_tokens=False, return_tensors="pt")["input_ids"]
        labels = ids.clone()
        labels[:, : ids.shape[1] - len(ANSWER)] = -100
        with torch.no_grad():
            loss = float(engine.model(input_ids=ids, labels=labels).loss)
        return said, loss
    finally:
        await engine.close()


async def test_the_engine_loads_the_adapter_and_says_something_else(base: Path, trained: Path) -> None:
    plain, plain_loss = await reply(base)
    tuned, tuned_loss = await reply(base, trained)
    assert tuned != plain
    assert tuned_loss < plain_loss  # the trained answer is likelier through the engine's loaded model


async def test_the_merged_model_loads_and_answers_like_base_plus_adapter(base: Path, trained: Path) -> None:
    merged = trained.with_name("adapter-merged")
    assert (merged / "config.json").is_file()
    merged_said, merged_loss = await reply(merged)
    tuned_said, tuned_loss = await reply(base, trained)
    assert merged_loss == pytest.approx(tuned_loss, rel=1e-3)
    assert merged_said[:3] == tuned_said[:3]


async def test_an_adapter_that_is_not_there_is_one_line(base: Path, tmp_path: Path) -> None:
    engine = TransformersEngine(TransformersLLM(model=str(base), adapter=str(tmp_path / "nope")))
    with pytest.raises(EngineUnavailable, match="not an adapter folder"):
        await engine.load()


def run_cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["finetune", *args])
    return result.exit_code, result.output


def test_bad_input_is_one_line_and_leaves_no_adapter(base: Path, data: Path, tmp_path: Path) -> None:
    out = tmp_path / "adapter"
    wrong = write_jsonl(tmp_path / "wrong.jsonl", [{"prompt": "你好", "completion": "你好呀"}])
    code, said = run_cli(str(wrong), "--base", str(base), "--out", str(out))
    assert code == 1 and "line 1 is not a training example" in said and len(said.strip().splitlines()) == 1

    not_causal = tmp_path / "vit"
    from transformers import ViTConfig

    ViTConfig().save_pretrained(not_causal)
    code, said = run_cli(str(data), "--base", str(not_causal), "--out", str(out))
    assert code == 1 and "is not a causal language model" in said

    code, said = run_cli(str(data), "--base", str(base), "--out", str(out), "--resume")
    assert code == 1 and "nothing to resume" in said

    code, said = run_cli(
        str(data), "--base", str(base), "--out", str(out), "--target-modules", "query_key_value"
    )
    assert code == 1 and "query_key_value not in this model" in said

    code, said = run_cli(str(tmp_path / "missing"), "--base", str(base), "--out", str(out))
    assert code == 1 and "no training data" in said
    assert not out.exists() and not out.with_name("adapter.partial").exists()


def test_an_interrupted_run_resumes_from_its_checkpoint(
    base: Path, data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from agent.tune.progress import RichProgress

    def ctrl_c_after_the_first_checkpoint(
        self: RichProgress, args: object, state: object, *a: object, **k: object
    ) -> None:
        raise KeyboardInterrupt

    out = tmp_path / "adapter"
    args = [str(data), "--base", str(base), "--out", str(out), "--epochs", "2", "--batch-size", "4"]
    args += ["--grad-accum", "1"]  # 4 examples: one step an epoch, a checkpoint after each
    with monkeypatch.context() as patch:
        patch.setattr(RichProgress, "on_save", ctrl_c_after_the_first_checkpoint, raising=False)
        code, said = run_cli(*args)
    assert code == 130 and "--resume" in said
    assert not out.exists()  # nothing that looks finished
    assert [p.name for p in (tmp_path / "adapter.partial" / "checkpoints").iterdir()] == ["checkpoint-1"]
    code, said = run_cli(*args, "--resume")
    assert code == 0, said
    report = json.loads((out / "training_report.json").read_text())
    assert report["steps"] == 2 and [step for step, _ in report["train_loss"]] == [1, 2]
    assert not (tmp_path / "adapter.partial").exists()


def test_qlora_without_a_gpu_says_so(base: Path, data: Path, tmp_path: Path) -> None:
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has a GPU")
    code, said = run_cli(str(data), "--base", str(base), "--out", str(tmp_path / "a"), "--qlora")
    assert code == 1 and "--qlora needs a CUDA GPU" in said
