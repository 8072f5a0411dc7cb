"""``cohost finetune``: a LoRA adapter for the GLM model the engine loads, trained with
transformers' ``Trainer`` on the answer tokens of a ``cohost dataset`` folder.

Everything is written under ``OUT.partial/`` (checkpoints each epoch, so
``--resume`` continues) and the finished adapter is renamed to ``OUT`` at the
end: a folder named ``OUT`` is always a complete adapter. ``--merge`` also writes
``OUT-merged/``, base and adapter in one model folder for the engine or vLLM.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agent.tune.chatdata import DataFiles, read_examples, tokenize
from agent.tune.logs import DatasetError

SMALLER_MODEL = "zai-org/glm-edge-1.5b-chat"
# Attention projections by architecture: ChatGLM3's remote code fuses q/k/v.
_TARGETS = (("query_key_value",), ("q_proj", "k_proj", "v_proj", "o_proj"))


class TuneError(DatasetError):
    """A problem the streamer must fix; the message is the one line to show."""


@dataclass(frozen=True, slots=True)
class TuneOptions:
    base: str
    out: Path
    epochs: float = 3.0
    max_steps: int = -1
    learning_rate: float = 2e-4
    batch_size: int = 4
    grad_accum: int = 4
    max_length: int = 512
    rank: int = 16
    alpha: int = 32
    dropout: float = 0.05
    warmup: float = 0.05
    target_modules: tuple[str, ...] = ()
    qlora: bool = False
    resume: bool = False
    merge: bool = False
    trust_remote_code: bool = False
    seed: int = 0
    progress: bool = True


@dataclass(slots=True)
class TuneResult:
    adapter: Path
    merged: Path | None
    trainable: int
    total: int
    steps: int
    eval_before: float | None
    eval_after: float | None
    losses: list[tuple[int, float]] = field(default_factory=list)
    # (step, loss) on the held-out split after each epoch
    eval_losses: list[tuple[int, float]] = field(default_factory=list)
    device: str = "cpu"
    steps_per_s: float = 0.0
    peak_memory_mb: float = 0.0  # GPU memory allocated on CUDA, else the process's peak RSS

    def as_dict(self) -> dict[str, Any]:
        return {
            "adapter": str(self.adapter),
            "merged": str(self.merged) if self.merged else None,
            "trainable_params": self.trainable,
            "total_params": self.total,
            "steps": self.steps,
            "device": self.device,
            "steps_per_s": self.steps_per_s,
            "peak_memory_mb": self.peak_memory_mb,
            "eval_loss_before": self.eval_before,
            "eval_loss_after": self.eval_after,
            "train_loss": self.losses,
            "eval_loss": self.eval_losses,
        }


def target_modules(model: Any, override: tuple[str, ...] = ()) -> list[str]:
    """The attention projections LoRA adapts, found from the model's own layer names."""
    import torch

    linear = {
        name.rsplit(".", 1)[-1]
        for name, module in model.named_modules()
        if isinstance(module, torch.nn.Linear)
    }
    if override:
        missing = sorted(set(override) - linear)
        if missing:
            raise TuneError(
                f"--target-modules {','.join(missing)} not in this model; "
                f"its linear layers: {', '.join(sorted(linear))}"
            )
        return list(override)
    for names in _TARGETS:
        if set(names) <= linear:
            return list(names)
    raise TuneError(
        f"cannot find the attention projections of {type(model).__name__}: pass --target-modules "
        f"(its linear layers: {', '.join(sorted(linear))})"
    )


def device_setup(qlora: bool) -> tuple[str, Any]:
    """(device, dtype): bf16 (or fp16) on a GPU, fp32 on the CPU."""
    import torch

    if not torch.cuda.is_available():
        if qlora:
            raise TuneError(
                "--qlora needs a CUDA GPU and bitsandbytes: drop --qlora to train in full precision"
            )
        return "cpu", torch.float32
    if qlora:
        try:
            import bitsandbytes  # noqa: F401
        except ImportError:
            raise TuneError(
                "--qlora needs bitsandbytes: `pip install bitsandbytes`, or drop --qlora"
            ) from None
    return "cuda", torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16


def load_base(base: str, dtype: Any, *, qlora: bool, trust_remote_code: bool) -> tuple[Any, Any]:
    """The base model and tokenizer, or one line saying why not."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    kwargs: dict[str, Any] = {"dtype": dtype, "trust_remote_code": trust_remote_code}
    if qlora:
        from transformers import BitsAndBytesConfig

        kwargs["quantization_config"] = BitsAndBytesConfig(
            load_in_4bit=True, bnb_4bit_quant_type="nf4", bnb_4bit_compute_dtype=dtype
        )
        kwargs["device_map"] = "auto"
    try:
        model = AutoModelForCausalLM.from_pretrained(base, **kwargs)
        tokenizer = AutoTokenizer.from_pretrained(base, trust_remote_code=trust_remote_code)
    except OSError as exc:
        raise TuneError(
            f"base model '{base}' not found ({_first_line(exc)}): pass a local model folder or a downloaded "
            f"Hugging Face id such as {SMALLER_MODEL}"
        ) from None
    except ValueError as exc:
        text = str(exc)
        if "trust_remote_code" in text:
            raise TuneError(
                f"'{base}' ships its own code (ChatGLM3): add --trust-remote-code if you trust it"
            ) from None
        raise TuneError(
            f"'{base}' is not a causal language model ({_first_line(exc)}): "
            f"pass a chat model such as {SMALLER_MODEL}"
        ) from None
    if tokenizer.pad_token_id is None:
        tokenizer.pad_token = tokenizer.eos_token
    return model, tokenizer


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return (lines[0] if lines else type(exc).__name__)[:160]


def _check_out(out: Path, resume: bool) -> Path:
    """The work folder; refuse to overwrite something that is not an adapter."""
    if out.exists() and not (out / "adapter_config.json").is_file() and any(out.iterdir()):
        raise TuneError(f"{out} exists and is not an adapter folder: choose another --out")
    work = out.with_name(out.name + ".partial")
    if resume and not any(work.glob("checkpoints/checkpoint-*")):
        raise TuneError(f"nothing to resume: no checkpoint in {work}/checkpoints (run without --resume)")
    if not resume:
        shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True, exist_ok=True)
    return work


def finetune(files: DataFiles, opts: TuneOptions) -> TuneResult:
    import torch

    train_rows = read_examples(files.train)
    eval_rows = read_examples(files.eval) if files.eval is not None else []
    work = _check_out(opts.out, opts.resume)
    try:
        device, dtype = device_setup(opts.qlora)
        model, tokenizer = load_base(
            opts.base, dtype, qlora=opts.qlora, trust_remote_code=opts.trust_remote_code
        )
        train_set = tokenize(tokenizer, train_rows, opts.max_length)
        eval_set = tokenize(tokenizer, eval_rows, opts.max_length) if eval_rows else []
        targets = target_modules(model, opts.target_modules)
    except BaseException:
        if not opts.resume:  # nothing trained yet: leave no empty work folder behind
            shutil.rmtree(work, ignore_errors=True)
        raise
    try:
        result = _train(model, tokenizer, train_set, eval_set, targets, opts, work, device)
    except torch.OutOfMemoryError:
        raise TuneError(
            f"out of GPU memory: lower --batch-size (now {opts.batch_size}) or --max-length (now "
            f"{opts.max_length}), or add --qlora; then add --resume to continue from the last checkpoint"
        ) from None
    if opts.merge:
        result.merged = merge(opts.base, opts.out, trust_remote_code=opts.trust_remote_code)
    return result


def _train(
    model: Any,
    tokenizer: Any,
    train_set: list[Any],
    eval_set: list[Any],
    targets: list[str],
    opts: TuneOptions,
    work: Path,
    device: str,
) -> TuneResult:
    from transformers import DataCollatorForSeq2Seq, Trainer
    from transformers.trainer_callback import PrinterCallback, ProgressCallback

    from agent.tune.progress import RichProgress

    gpu = device == "cuda"
    model = _with_adapter(model, targets, opts, gpu)
    trainable, total = model.get_nb_trainable_parameters()
    progress = RichProgress(enabled=opts.progress)
    trainer = Trainer(
        model=model,
        args=_training_args(opts, work, gpu, evaluate=bool(eval_set)),
        train_dataset=train_set,
        eval_dataset=eval_set or None,
        data_collator=DataCollatorForSeq2Seq(tokenizer, padding=True, label_pad_token_id=-100),
        callbacks=[progress],
    )
    for noisy in (PrinterCallback, ProgressCallback):  # the rich bar replaces them
        trainer.remove_callback(noisy)
    before = trainer.evaluate()["eval_loss"] if eval_set and not opts.resume else None
    try:
        trained = trainer.train(resume_from_checkpoint=True if opts.resume else None)
    finally:  # Ctrl-C included: the bar lets go of the terminal; checkpoints stay for --resume
        progress.close()
    after = trainer.evaluate()["eval_loss"] if eval_set else None
    history = trainer.state.log_history
    result = TuneResult(
        opts.out,
        None,
        trainable,
        total,
        trainer.state.global_step,
        before,
        after,
        losses=[(int(h["step"]), float(h["loss"])) for h in history if "loss" in h],
        eval_losses=[(int(h.get("step", 0)), float(h["eval_loss"])) for h in history if "eval_loss" in h],
        device=device,
        steps_per_s=float(trained.metrics.get("train_steps_per_second", 0.0)),
        peak_memory_mb=_peak_memory_mb(gpu),
    )
    _save(model, tokenizer, result, work)
    return result


def _with_adapter(model: Any, targets: list[str], opts: TuneOptions, gpu: bool) -> Any:
    """The base model on its device (4-bit prepared for --qlora) wrapped with a fresh LoRA adapter."""
    from peft import LoraConfig, get_peft_model, prepare_model_for_kbit_training

    if opts.qlora:
        model = prepare_model_for_kbit_training(model, use_gradient_checkpointing=True)
    elif gpu:
        model = model.to("cuda")
    lora = LoraConfig(
        r=opts.rank,
        lora_alpha=opts.alpha,
        lora_dropout=opts.dropout,
        target_modules=targets,
        task_type="CAUSAL_LM",
    )
    return get_peft_model(model, lora)


def _training_args(opts: TuneOptions, work: Path, gpu: bool, *, evaluate: bool) -> Any:
    """Trainer settings: a checkpoint each epoch under ``work`` (so --resume works), eval per epoch."""
    from transformers import TrainingArguments

    bf16 = gpu and _bf16_ok()
    # Gradient (activation) checkpointing on a GPU; transformers 5 renamed the argument.
    fields = getattr(TrainingArguments, "__dataclass_fields__", {})
    checkpointing: dict[str, Any] = {
        "activation_checkpointing" if "activation_checkpointing" in fields else "gradient_checkpointing": gpu
    }
    return TrainingArguments(
        output_dir=str(work / "checkpoints"),
        num_train_epochs=opts.epochs,
        max_steps=opts.max_steps,
        per_device_train_batch_size=opts.batch_size,
        per_device_eval_batch_size=opts.batch_size,
        gradient_accumulation_steps=opts.grad_accum,
        learning_rate=opts.learning_rate,
        lr_scheduler_type="cosine",
        warmup_steps=opts.warmup,
        logging_steps=1,
        eval_strategy="epoch" if evaluate else "no",
        save_strategy="epoch",
        save_total_limit=2,
        bf16=bf16,
        fp16=gpu and not bf16,
        use_cpu=not gpu,
        report_to="none",
        disable_tqdm=True,
        seed=opts.seed,
        remove_unused_columns=False,
        dataloader_num_workers=0,
        **checkpointing,
    )


def _save(model: Any, tokenizer: Any, result: TuneResult, work: Path) -> None:
    """Adapter, tokenizer, loss plot and training_report.json into ``result.adapter``; ``work`` goes."""
    from agent.tune.progress import loss_plot

    final = work / "adapter"
    model.save_pretrained(str(final))
    tokenizer.save_pretrained(str(final))
    loss_plot(result.losses, result.eval_losses, final / "loss.png")
    (final / "training_report.json").write_text(
        json.dumps(result.as_dict(), indent=2) + "\n", encoding="utf-8"
    )
    _swap_in(final, result.adapter)
    shutil.rmtree(work, ignore_errors=True)


def _peak_memory_mb(gpu: bool) -> float:
    import torch

    if gpu:
        return torch.cuda.max_memory_allocated() / 2**20
    try:
        import resource
    except ImportError:  # Windows: not measured
        return 0.0
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _bf16() -> Any:
    import torch

    return torch.bfloat16


def _bf16_ok() -> bool:
    import torch

    return bool(torch.cuda.is_available() and torch.cuda.is_bf16_supported())


def _swap_in(ready: Path, out: Path) -> None:
    """Replace ``out`` with the finished folder ``ready`` (the old one goes only once the new is in)."""
    old = out.with_name(f".{out.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if out.exists():
        out.rename(old)
    ready.rename(out)
    shutil.rmtree(old, ignore_errors=True)


def merge(base: str, adapter: Path, *, trust_remote_code: bool = False) -> Path:
    """Base + adapter as one model folder ``ADAPTER-merged`` (full precision on the CPU)."""
    import torch
    from peft import PeftModel

    if not (adapter / "adapter_config.json").is_file():
        raise TuneError(f"{adapter} is not an adapter folder (no adapter_config.json): train one first")
    dtype = _bf16() if _bf16_ok() else torch.float32
    model, tokenizer = load_base(base, dtype, qlora=False, trust_remote_code=trust_remote_code)
    merged = PeftModel.from_pretrained(model, str(adapter)).merge_and_unload()
    out = adapter.with_name(adapter.name + "-merged")
    tmp = out.with_name(out.name + ".partial")
    shutil.rmtree(tmp, ignore_errors=True)
    merged.save_pretrained(str(tmp))
    tokenizer.save_pretrained(str(tmp))
    _swap_in(tmp, out)
    return out
