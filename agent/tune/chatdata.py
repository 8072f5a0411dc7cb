"""Training examples for ``cohost finetune``: read chat or instruction JSONL, tokenise with the
model's own chat template, and mask the prompt so the loss is on the answer tokens only."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agent.tune.logs import DatasetError

Messages = list[dict[str, str]]
_ROLES = frozenset({"system", "user", "assistant"})
IGNORE = -100  # the label transformers' loss skips


@dataclass(frozen=True, slots=True)
class DataFiles:
    train: Path
    eval: Path | None


def find_files(data: Path, eval_file: Path | None = None) -> DataFiles:
    """A ``cohost dataset`` folder (its chat_train/chat_eval files) or one JSONL file."""
    if data.is_dir():
        train = data / "chat_train.jsonl"
        if not train.is_file():
            raise DatasetError(f"{data} has no chat_train.jsonl: pass a folder written by `cohost dataset`")
        held = data / "chat_eval.jsonl"
        # An empty held-out file (--eval-fraction 0, or one stream too short): train without eval.
        return DataFiles(train, eval_file or (held if held.is_file() and held.stat().st_size else None))
    if not data.is_file():
        raise DatasetError(f"no training data at {data} (pass the folder `cohost dataset --out` wrote)")
    return DataFiles(data, eval_file)


def _as_messages(row: Any) -> Messages | None:
    if isinstance(row, dict) and isinstance(row.get("messages"), list):
        messages = row["messages"]
        if (
            all(
                isinstance(m, dict) and m.get("role") in _ROLES and isinstance(m.get("content"), str)
                for m in messages
            )
            and messages
            and messages[-1]["role"] == "assistant"
            and messages[-1]["content"]
        ):
            return [{"role": m["role"], "content": m["content"]} for m in messages]
        return None
    if isinstance(row, dict) and all(isinstance(row.get(k), str) for k in ("instruction", "output")):
        ask = row["instruction"] + (
            "\n" + row["input"] if isinstance(row.get("input"), str) and row["input"] else ""
        )
        return (
            [{"role": "user", "content": ask}, {"role": "assistant", "content": row["output"]}]
            if row["output"]
            else None
        )
    return None


def read_examples(path: Path) -> list[Messages]:
    """Every line must be an example; the first bad one is named with what was expected."""
    examples: list[Messages] = []
    try:
        with path.open(encoding="utf-8") as lines:
            for number, line in enumerate(lines, 1):
                if not line.strip():
                    continue
                try:
                    messages = _as_messages(json.loads(line))
                except ValueError:
                    messages = None
                if messages is None:
                    raise DatasetError(
                        f'{path} line {number} is not a training example: expected {{"messages": [..., '
                        f'{{"role": "assistant", ...}}]}} or {{"instruction", "input", "output"}} '
                        "(write it with `cohost dataset`)"
                    )
                examples.append(messages)
    except UnicodeDecodeError:
        raise DatasetError(f"{path} is not UTF-8 JSONL: write it with `cohost dataset`") from None
    if not examples:
        raise DatasetError(f"{path} holds no examples: record more streams and run `cohost dataset` again")
    return examples


def render(tokenizer: Any, messages: Messages) -> tuple[str, str]:
    """(prompt, completion) as text: the completion is what the template puts after the
    prompt for the last answer, ending with an end token so the model learns to stop."""
    prompt = tokenizer.apply_chat_template(messages[:-1], add_generation_prompt=True, tokenize=False)
    full = tokenizer.apply_chat_template(messages, tokenize=False)
    answer = messages[-1]["content"]
    completion = full[len(prompt) :] if full.startswith(prompt) and answer in full[len(prompt) :] else answer
    completion = (
        completion.rstrip("\n") if completion.endswith("\n") and not answer.endswith("\n") else completion
    )
    eos = tokenizer.eos_token or ""
    if eos and not completion.endswith(eos):
        completion += eos
    return prompt, completion


def tokenize(tokenizer: Any, examples: list[Messages], max_length: int) -> list[dict[str, list[int]]]:
    """input_ids/attention_mask/labels per example; long prompts lose their oldest tokens first."""
    if not getattr(tokenizer, "chat_template", None):
        raise DatasetError("the base model's tokenizer has no chat template: fine-tune a chat model")
    rows = []
    for messages in examples:
        prompt, completion = render(tokenizer, messages)
        prompt_ids = tokenizer(prompt, add_special_tokens=False)["input_ids"]
        answer_ids = tokenizer(completion, add_special_tokens=False)["input_ids"][:max_length]
        keep = max(0, max_length - len(answer_ids))
        prompt_ids = prompt_ids[len(prompt_ids) - keep :] if keep else []
        ids = prompt_ids + answer_ids
        rows.append(
            {
                "input_ids": ids,
                "attention_mask": [1] * len(ids),
                "labels": [IGNORE] * len(prompt_ids) + answer_ids,
            }
        )
    return rows
