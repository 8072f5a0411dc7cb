"""The transformers engine's check for `cohost doctor`: is ``llm.transformers.model`` here to load?

Cheap: a folder look or a Hugging Face cache lookup, never a download or a load.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from agent.config_llm import TransformersLLM, looks_local
from agent.shared.checks import Check

# The model the fix lines suggest: small enough for most GPUs, GLM like the prompts expect.
SUGGESTED_MODEL = "zai-org/glm-edge-1.5b-chat"
NAME = "llm model"
_WEIGHTS = (
    "model.safetensors",
    "model.safetensors.index.json",
    "pytorch_model.bin",
    "pytorch_model.bin.index.json",
)


def check_model(cfg: TransformersLLM) -> Check:
    model = cfg.model.strip()
    download = f"hf download {SUGGESTED_MODEL}"
    if not model:
        return Check(
            NAME,
            "warn",
            "no model configured: template mode",
            f'set llm.transformers.model = "{SUGGESTED_MODEL}" and run `{download}`',
        )
    if importlib.util.find_spec("transformers") is None:
        fix = "run: pip install transformers accelerate tokenizers, and torch (README: Using a GLM model)"
        return Check(NAME, "warn", "transformers is not installed: template mode", fix)
    folder = Path(model).expanduser()
    if folder.is_dir():
        if (folder / "config.json").is_file():
            return Check(NAME, "ok", f"local folder {folder}")
        return Check(
            NAME,
            "fail",
            f"{folder} has no config.json: not a transformers model folder",
            "point llm.transformers.model at the folder that holds config.json",
        )
    if looks_local(model) or folder.exists():
        return Check(
            NAME,
            "warn",
            f"model folder {folder} does not exist: template mode",
            f"run `{download} --local-dir {model}`, or set llm.transformers.model to a Hugging Face id",
        )
    return _check_hf_cache(model)


def _check_hf_cache(model: str) -> Check:
    try:
        from huggingface_hub import try_to_load_from_cache
        from huggingface_hub.errors import HFValidationError
    except ImportError:
        return Check(NAME, "warn", "huggingface_hub is not installed", "run: pip install huggingface_hub")
    try:
        cached = try_to_load_from_cache(model, "config.json")  # local lookup only, no network
    except HFValidationError:
        return Check(
            NAME,
            "fail",
            f"{model!r} is neither a folder nor a Hugging Face id",
            f'set llm.transformers.model to a folder or an id like "{SUGGESTED_MODEL}"',
        )
    if isinstance(cached, str):
        snapshot = Path(cached).parent
        if any((snapshot / name).is_file() for name in _WEIGHTS):
            return Check(NAME, "ok", f"{model} (downloaded, {snapshot})")
        return Check(
            NAME,
            "warn",
            f"{model} is only partly downloaded (no weights): template mode",
            f"run `hf download {model}` again",
        )
    return Check(NAME, "warn", f"{model} is not downloaded: template mode", f"run `hf download {model}`")
