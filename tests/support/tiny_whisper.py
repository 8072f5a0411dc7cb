"""A tiny random multilingual Whisper, converted to CTranslate2 inside the test run.

It runs the real faster-whisper loading and decoding code in well under a
second without any download. Its words are random (drawn from the few
Chinese and English tokens of its training corpus), so tests use it for code
paths (loading, threading, guards, timestamps), never for what it says.

Recipe (/work/shared/RECIPES.md "Tiny models built inside tests"): a
byte-level BPE trained without special tokens, so text ids stay below
``<|endoftext|>``; then Whisper's special tokens in faster-whisper's order and
the 1501 timestamp tokens; a tiny ``WhisperConfig`` with random weights;
ctranslate2's ``TransformersConverter``; then ``lang_ids`` written into the
converted ``config.json``. The vocabulary must hold an empty-string token, as
the real one does just before ``<|endoftext|>``: without it ctranslate2 treats
the model as English-only and silently ignores ``language="zh"``.
"""

from __future__ import annotations

import json
from pathlib import Path

CORPUS = [
    "大家好，欢迎来到直播间。今天我们一起玩黑神话悟空。",
    "谢谢老板的礼物！主播在干嘛？这个游戏好难啊。",
    "hello everyone, welcome to the stream. thanks for the follow!",
]


def _special_tokens() -> list[str]:
    from faster_whisper.tokenizer import _LANGUAGE_CODES

    return [
        "<|endoftext|>",
        "<|startoftranscript|>",
        *(f"<|{code}|>" for code in _LANGUAGE_CODES),
        "<|translate|>",
        "<|transcribe|>",
        "<|startoflm|>",
        "<|startofprev|>",
        "<|nospeech|>",
        "<|notimestamps|>",
        *(f"<|{i * 0.02:.2f}|>" for i in range(1501)),
    ]


def _tokenizer() -> object:
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    bpe = Tokenizer(models.BPE())
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=400, initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False
    )
    bpe.train_from_iterator(CORPUS, trainer=trainer)
    # Edit the serialised form: `add_tokens` refuses "", and the specials need fixed ids
    # right after the text vocabulary, as in Whisper's own tokenizer.json.
    data = json.loads(bpe.to_str())
    vocab: dict[str, int] = data["model"]["vocab"]
    vocab[""] = len(vocab)
    data["added_tokens"] = [
        {
            "id": len(vocab) + i,
            "content": token,
            "single_word": False,
            "lstrip": False,
            "rstrip": False,
            "normalized": False,
            "special": True,
        }
        for i, token in enumerate(_special_tokens())
    ]
    return Tokenizer.from_str(json.dumps(data))


def build_tiny_whisper(out_dir: Path, *, seed: int = 0) -> Path:
    """Write a CTranslate2 Whisper model folder (model.bin, config.json, tokenizer.json, vocabulary)."""
    import ctranslate2
    import torch
    from faster_whisper.tokenizer import _LANGUAGE_CODES
    from tokenizers import Tokenizer
    from transformers import PreTrainedTokenizerFast, WhisperConfig, WhisperForConditionalGeneration

    tokenizer = _tokenizer()
    assert isinstance(tokenizer, Tokenizer)
    hf_dir = out_dir.parent / f"{out_dir.name}-hf"
    specials = {"bos_token", "eos_token", "unk_token", "pad_token"}
    PreTrainedTokenizerFast(
        tokenizer_object=tokenizer, **dict.fromkeys(specials, "<|endoftext|>")
    ).save_pretrained(hf_dir)

    eot, sot = tokenizer.token_to_id("<|endoftext|>"), tokenizer.token_to_id("<|startoftranscript|>")
    assert eot is not None and sot is not None
    config = WhisperConfig(
        vocab_size=tokenizer.get_vocab_size(),
        num_mel_bins=80,
        d_model=32,
        encoder_layers=1,
        decoder_layers=1,
        encoder_attention_heads=2,
        decoder_attention_heads=2,
        encoder_ffn_dim=64,
        decoder_ffn_dim=64,
        decoder_start_token_id=sot,
        bos_token_id=eot,
        eos_token_id=eot,
        pad_token_id=eot,
        suppress_tokens=[],
        begin_suppress_tokens=[eot],
    )
    torch.manual_seed(seed)
    model = WhisperForConditionalGeneration(config)
    # The output projection is tied to these embeddings: zero every special token
    # (so a random model neither stops at once nor claims "no speech") and every
    # token that is not whole characters (so its text is readable, not U+FFFD).
    readable = [i for i in range(eot) if (text := tokenizer.decode([i])).strip() and text.isprintable()]
    with torch.no_grad():
        weights = model.model.decoder.embed_tokens.weight
        keep = weights[readable].clone() * 5.0
        weights.zero_()
        weights[readable] = keep
    model.save_pretrained(hf_dir)

    converter = ctranslate2.converters.TransformersConverter(str(hf_dir), copy_files=["tokenizer.json"])
    converter.convert(str(out_dir), quantization="float32", force=True)
    converted = out_dir / "config.json"
    data = json.loads(converted.read_text(encoding="utf-8"))
    data["lang_ids"] = [tokenizer.token_to_id(f"<|{code}|>") for code in _LANGUAGE_CODES]
    converted.write_text(json.dumps(data), encoding="utf-8")
    return out_dir
