"""What ``cohost finetune`` checks before any work: the packages it needs are installed, and
the base model is a local folder, already downloaded, or on a hub this PC can reach.

Each failure is one line saying what to do, raised before the base model loads and before
``OUT.partial/`` is made (transformers would otherwise retry an unreachable hub for ~30 s
and fail with a traceback, or peft would fail only after minutes of loading).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from agent.tune.logs import DatasetError

# Import name -> what pip installs it as; torch first: its install line differs by PC.
NEEDED = {"torch": "torch", "transformers": "transformers", "accelerate": "accelerate", "peft": "peft"}
HUB_TIMEOUT_S = 10.0
TORCH_HINT = (
    "torch: the CPU build with `pip install torch --index-url https://download.pytorch.org/whl/cpu`, "
    "an NVIDIA GPU build as README.md's GPU section says"
)


class PreflightError(DatasetError):
    """A missing package or an unreachable base model: one line, before any work."""


def missing_packages(needed: dict[str, str] = NEEDED) -> list[str]:
    """The pip names of ``needed`` modules this Python cannot import."""
    missing = []
    for module, package in needed.items():
        try:
            found = importlib.util.find_spec(module) is not None
        except (ImportError, ValueError):  # a broken install counts as missing
            found = False
        if not found:
            missing.append(package)
    return missing


def check_packages() -> None:
    missing = missing_packages()
    if not missing:
        return
    rest = [p for p in missing if p != "torch"]
    steps = []
    if rest:
        steps.append(f"pip install {' '.join(rest)}")
    if "torch" in missing:
        steps.append(TORCH_HINT)
    needs = ", ".join(missing)
    raise PreflightError(f"cohost finetune needs {needs}, not installed here: {'; '.join(steps)}")


def check_base(base: str) -> None:
    """A local folder, a hub id already in the cache, or a hub id the hub answers for."""
    if Path(base).expanduser().is_dir():
        return
    if Path(base).expanduser().exists() or base.count("/") != 1:
        raise PreflightError(
            f"--base {base!r} is neither a model folder nor a Hugging Face id (owner/name): "
            "pass a folder with config.json or an id such as zai-org/glm-edge-1.5b-chat"
        )
    from huggingface_hub import HfApi, try_to_load_from_cache

    if isinstance(try_to_load_from_cache(base, "config.json"), str):
        return  # downloaded before: transformers loads it from the cache
    try:
        HfApi().model_info(base, timeout=HUB_TIMEOUT_S)
    except Exception as exc:  # offline, a firewall, a typo in the id, a gated model
        why = str(exc).strip().splitlines()[0][:160] if str(exc).strip() else type(exc).__name__
        raise PreflightError(
            f"base model {base!r} is not downloaded and the Hugging Face hub cannot give it ({why}): "
            f"download it once where there is internet (`hf download {base}`), or pass a local folder"
        ) from None


def preflight(base: str) -> None:
    check_packages()
    check_base(base)
