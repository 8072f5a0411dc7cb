"""A tiny GLM chat model built for tests: a character tokenizer and random or briefly trained weights.

It is saved like a real Hugging Face checkpoint so tests go through the real
loading code (``AutoTokenizer`` / ``AutoModelForCausalLM`` / ``transformers serve``)
without any download. With ``reply`` set, a few hundred optimiser steps teach it
to answer that exact text after the chat prompt, so streamed output has real
sentences in it instead of random characters.
"""

from __future__ import annotations

import string
from pathlib import Path
from typing import Literal

SPECIAL_TOKENS = [
    "<unk>",
    "<pad>",
    "<|endoftext|>",
    "[gMASK]",
    "<sop>",
    "<|system|>",
    "<|user|>",
    "<|assistant|>",
]
# GLM-4 stops on any of these, as the real checkpoints do.
EOS_TOKENS = ["<|endoftext|>", "<|user|>"]

# Roles open with their tag and a newline, like GLM-4's template; the generation
# prompt ends with the newline so the reply's first token is text.
CHAT_TEMPLATE = (
    "[gMASK]<sop>"
    "{% for message in messages %}<|{{ message['role'] }}|>\n{{ message['content'] }}{% endfor %}"
    "{% if add_generation_prompt %}<|assistant|>\n{% endif %}"
)

CHINESE_PUNCTUATION = "，。！？；：、“”‘’（）《》【】…—～·「」『』"

DEFAULT_REPLY = "欢迎来到直播间！今天我们一起聊聊天吧。有问题随时问我哦？"
# Prompts the trained model has seen; the tests ask with these.
DEFAULT_SYSTEM = "你是直播间的AI助手小助手，语气亲切简短。"
DEFAULT_USERS = ("你好", "主播在干嘛", "hello")


def common_chinese_characters() -> list[str]:
    """The 3755 level-1 characters of GB2312: the commonest simplified characters, no data file needed."""
    chars = []
    for high in range(0xB0, 0xD8):
        for low in range(0xA1, 0xFF):
            try:
                chars.append(bytes([high, low]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return chars


def vocabulary() -> list[str]:
    seen: dict[str, None] = {}
    for token in [*SPECIAL_TOKENS, "\n", *string.printable.strip(), " ", *CHINESE_PUNCTUATION]:
        seen.setdefault(token, None)
    for char in common_chinese_characters():
        seen.setdefault(char, None)
    return list(seen)


def build_tokenizer():  # -> PreTrainedTokenizerFast (imported lazily)
    from tokenizers import Regex, Tokenizer, decoders, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    vocab = {token: index for index, token in enumerate(vocabulary())}
    core = Tokenizer(models.WordLevel(vocab=vocab, unk_token="<unk>"))
    # [\s\S] rather than "." so a newline is a character like any other.
    core.pre_tokenizer = pre_tokenizers.Split(Regex(r"[\s\S]"), "isolated")
    core.decoder = decoders.Fuse()
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=core,
        unk_token="<unk>",
        pad_token="<pad>",
        eos_token="<|endoftext|>",
        additional_special_tokens=[t for t in SPECIAL_TOKENS if t not in ("<unk>", "<pad>", "<|endoftext|>")],
        clean_up_tokenization_spaces=False,
    )
    tokenizer.chat_template = CHAT_TEMPLATE
    return tokenizer


def _teach_reply(model, tokenizer, reply: str, steps: int) -> None:
    import torch

    system = {"role": "system", "content": DEFAULT_SYSTEM}
    batch = []
    for user in DEFAULT_USERS:
        for messages in ([system, {"role": "user", "content": user}], [{"role": "user", "content": user}]):
            prompt = tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=False)
            prompt_ids = tokenizer(prompt, add_special_tokens=False)["input_ids"]
            reply_ids = tokenizer(reply + "<|endoftext|>", add_special_tokens=False)["input_ids"]
            labels = [-100] * len(prompt_ids) + reply_ids
            batch.append((prompt_ids + reply_ids, labels))
    width = max(len(ids) for ids, _ in batch)
    pad = tokenizer.pad_token_id
    input_ids = torch.tensor([ids + [pad] * (width - len(ids)) for ids, _ in batch])
    labels = torch.tensor([lab + [-100] * (width - len(lab)) for _, lab in batch])
    mask = torch.tensor([[1] * len(ids) + [0] * (width - len(ids)) for ids, _ in batch])
    optimiser = torch.optim.AdamW(model.parameters(), lr=3e-3)
    model.train()
    for _ in range(steps):
        loss = model(input_ids=input_ids, attention_mask=mask, labels=labels).loss
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        if loss.item() < 0.02:
            break
    model.eval()


def build_tiny_glm(
    path: Path,
    *,
    kind: Literal["glm", "glm4"] = "glm4",
    reply: str | None = DEFAULT_REPLY,
    seed: int = 0,
    train_steps: int = 300,
) -> Path:
    """Write a tiny GLM chat checkpoint (config, weights, tokenizer) to ``path`` and return it.

    ``reply=None`` leaves the weights random: output is random characters and
    never ends by itself before ``max_new_tokens``.
    """
    import torch
    from transformers import AutoModelForCausalLM, GenerationConfig, Glm4Config, GlmConfig

    path = Path(path)
    tokenizer = build_tokenizer()
    eos_ids = [tokenizer.convert_tokens_to_ids(t) for t in EOS_TOKENS]
    config_class = Glm4Config if kind == "glm4" else GlmConfig
    config = config_class(
        vocab_size=len(tokenizer),
        hidden_size=64,
        intermediate_size=128,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        head_dim=16,
        max_position_embeddings=512,
        eos_token_id=eos_ids,
        pad_token_id=tokenizer.pad_token_id,
    )
    torch.manual_seed(seed)
    model = AutoModelForCausalLM.from_config(config)
    if reply is not None:
        _teach_reply(model, tokenizer, reply, train_steps)
    # An untaught model is for tests that need a long reply: it never picks an
    # end token, so it talks until max_new_tokens (or until interrupted).
    model.generation_config = GenerationConfig(
        eos_token_id=eos_ids,
        pad_token_id=tokenizer.pad_token_id,
        do_sample=False,
        suppress_tokens=eos_ids if reply is None else None,
    )
    path.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(path)
    tokenizer.save_pretrained(path)
    return path


if __name__ == "__main__":  # build one by hand: python -m tests.tiny_glm OUT_DIR
    import sys

    print(build_tiny_glm(Path(sys.argv[1])))
