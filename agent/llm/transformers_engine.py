"""Replies from a GLM chat model running in this process through Hugging Face transformers.

``generate()`` blocks for the whole reply, so it runs in its own thread; a
``TextIteratorStreamer`` subclass hands each decoded piece to the event loop with
``call_soon_threadsafe`` (nothing on the loop ever blocks on the streamer), and a
``StoppingCriteria`` watching a ``threading.Event`` ends generation within one
token when the reply is interrupted.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import logging
import os
import threading
import time
from collections.abc import AsyncGenerator
from pathlib import Path
from typing import Any

from agent.config import TransformersLLM
from agent.config_llm import looks_local
from agent.llm.base import EngineUnavailable, ReplyFailed, ReplyRequest
from agent.shared import hub
from agent.shared.checks import Check, EngineInfo

log = logging.getLogger(__name__)

SMALLER_MODEL = "zai-org/glm-edge-1.5b-chat"
# What it runs on beyond its own package: `cohost doctor` checks torch and the GPU for it.
NEEDS = ("torch",)
# After an interrupt, how long to wait for generate() to notice (one token, normally).
STOP_WAIT_S = 10.0


class TransformersEngine:
    """``TransformersEngine(cfg)``; ``await load()`` once, then ``stream(request)`` per reply.

    After each reply ``last_first_token_s`` (prompt in -> first text piece out) and
    ``last_tokens`` / ``last_tokens_per_s`` describe it, for metrics and benchmarks.
    """

    name = "transformers"

    def __init__(self, cfg: TransformersLLM) -> None:
        self.cfg = cfg
        self.model: Any = None
        self.tokenizer: Any = None
        self.device = "cpu"
        self.last_first_token_s: float | None = None
        self.last_tokens = 0
        self.last_tokens_per_s: float | None = None
        # One generation at a time: a second one in parallel would double GPU memory.
        self._generate_lock = threading.Lock()
        self._thread: threading.Thread | None = None

    # --- loading -----------------------------------------------------------

    async def load(self) -> None:
        if not self.cfg.model:
            raise EngineUnavailable(
                "no GLM model configured: set llm.transformers.model, e.g. " + SMALLER_MODEL
            )
        from rich.console import Console

        # transformers draws its own download bars; the spinner covers the
        # silent part (reading weights into memory), which takes minutes for big models.
        with Console(stderr=True).status(f"loading language model {self.cfg.model} ..."):
            await asyncio.to_thread(self._load_blocking)

    def _load_blocking(self) -> None:
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        model_id = self.cfg.model
        self.device, dtype = _pick_device_and_dtype(self.cfg)
        kwargs: dict[str, Any] = {"trust_remote_code": self.cfg.trust_remote_code, "dtype": dtype}
        quantization = _quantization_config(self.cfg, self.device, dtype)
        if quantization is not None:
            kwargs["quantization_config"] = quantization
            kwargs["device_map"] = "auto"
        try:
            self.tokenizer = _from_pretrained(
                AutoTokenizer, model_id, trust_remote_code=self.cfg.trust_remote_code
            )
            if not getattr(self.tokenizer, "chat_template", None):
                raise EngineUnavailable(
                    f"model '{model_id}' has no chat template (a base model, not a chat model): "
                    f"set llm.transformers.model to a chat model such as {SMALLER_MODEL}"
                )
            model = _from_pretrained(AutoModelForCausalLM, model_id, **kwargs)
            if quantization is None:
                model = model.to(self.device)
            if self.cfg.adapter:
                model = _with_adapter(model, self.cfg.adapter, merge=quantization is None)
        except torch.OutOfMemoryError:
            self._forget_model()
            raise EngineUnavailable(
                f"model '{model_id}' does not fit in GPU memory: set llm.transformers.dtype/quantization "
                f"or pick a smaller model such as {SMALLER_MODEL}"
            ) from None
        except EngineUnavailable:
            self._forget_model()
            raise
        except Exception as exc:  # a config/weights problem: say which model and why, in one line
            self._forget_model()
            raise EngineUnavailable(_explain_load_error(model_id, exc, self.cfg.trust_remote_code)) from None
        model.eval()
        self.model = model
        adapter = f" with adapter {self.cfg.adapter}" if self.cfg.adapter else ""
        log.info("language model %s%s loaded on %s (%s)", model_id, adapter, self.device, dtype)

    def _forget_model(self) -> None:
        self.model = None
        gc.collect()
        with contextlib.suppress(Exception):
            import torch

            if torch.cuda.is_available():
                torch.cuda.empty_cache()

    # --- replying ----------------------------------------------------------

    async def stream(self, request: ReplyRequest) -> AsyncGenerator[str, None]:
        if self.model is None or self.tokenizer is None:
            raise ReplyFailed("the language model is not loaded (call load() first)")
        if not request.messages:
            if request.say_text:
                yield request.say_text
            return
        loop = asyncio.get_running_loop()
        pieces: asyncio.Queue[str | BaseException | None] = asyncio.Queue()
        stop = threading.Event()
        finished = asyncio.Event()
        messages = [{"role": m.role, "content": m.content} for m in request.messages]
        started = time.perf_counter()
        self.last_first_token_s = None
        self.last_tokens = 0
        self.last_tokens_per_s = None

        def deliver(item: str | BaseException | None) -> None:
            with contextlib.suppress(RuntimeError):  # the loop closed under us: nobody is listening
                loop.call_soon_threadsafe(pieces.put_nowait, item)

        def work() -> None:
            try:
                self._generate(messages, stop, deliver)
                deliver(None)
            except BaseException as exc:
                deliver(exc)
            finally:
                with contextlib.suppress(RuntimeError):
                    loop.call_soon_threadsafe(finished.set)

        thread = threading.Thread(target=work, name="cohost-llm-generate", daemon=True)
        self._thread = thread
        thread.start()
        try:
            while (item := await pieces.get()) is not None:
                if isinstance(item, BaseException):
                    raise ReplyFailed(_explain_reply_error(item)) from item
                if self.last_first_token_s is None:
                    self.last_first_token_s = time.perf_counter() - started
                yield item
        finally:
            stop.set()
            try:
                await asyncio.wait_for(asyncio.shield(finished.wait()), STOP_WAIT_S)
            except (TimeoutError, asyncio.CancelledError):
                log.warning("generation did not stop within %.0f s of the interrupt", STOP_WAIT_S)
            thread.join(timeout=0.5)
            elapsed = time.perf_counter() - started
            if self.last_tokens and elapsed > 0:
                self.last_tokens_per_s = self.last_tokens / elapsed

    def _generate(self, messages: list[dict[str, str]], stop: threading.Event, deliver: Any) -> None:
        """Runs in the worker thread: tokenise, generate, push text pieces out through ``deliver``."""
        import torch
        from transformers import StoppingCriteria, StoppingCriteriaList, TextIteratorStreamer

        engine = self

        class StopOnInterrupt(StoppingCriteria):
            def __call__(self, input_ids: torch.LongTensor, scores: torch.FloatTensor, **kwargs: Any) -> Any:
                engine.last_tokens += 1
                return torch.full(
                    (input_ids.shape[0],), stop.is_set(), dtype=torch.bool, device=input_ids.device
                )

        class PushStreamer(TextIteratorStreamer):
            # Hand text straight to the event loop instead of a blocking queue.
            def on_finalized_text(self, text: str, stream_end: bool = False) -> None:
                if text and not stop.is_set():
                    deliver(text)

        inputs = self.tokenizer.apply_chat_template(
            messages, add_generation_prompt=True, return_tensors="pt", return_dict=True
        ).to(self.model.device)
        streamer = PushStreamer(self.tokenizer, skip_prompt=True, skip_special_tokens=True)
        settings = _generation_settings(self.cfg, self.tokenizer)
        with self._generate_lock, torch.inference_mode():
            if stop.is_set():
                return
            self.model.generate(
                **inputs,
                streamer=streamer,
                stopping_criteria=StoppingCriteriaList([StopOnInterrupt()]),
                **settings,
            )

    async def close(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            await asyncio.to_thread(self._thread.join, STOP_WAIT_S)
        self.tokenizer = None
        self._forget_model()

    @property
    def generating(self) -> bool:
        """True while a generate() thread is running (tests check interrupts end it)."""
        return self._thread is not None and self._thread.is_alive()

    def check(self) -> Check:
        """Is the model here to load (no download, no load)? For `cohost doctor`."""
        from agent.llm.hf_check import check_model

        return check_model(self.cfg)

    def info(self) -> EngineInfo:
        return EngineInfo(name=self.name, kind="llm", sample_rate=0, model=self.cfg.model, needs=NEEDS)


def build(cfg: TransformersLLM) -> TransformersEngine:
    """The engine for ``[llm.transformers]`` (the registry's entry): no model named fails at once."""
    if not cfg.model.strip():
        raise EngineUnavailable(
            "no GLM model configured (set llm.transformers.model in config.toml, e.g. "
            f"{SMALLER_MODEL}, or COHOST_LLM__TRANSFORMERS__MODEL)",
            fix=f'set llm.transformers.model = "{SMALLER_MODEL}" and run `hf download {SMALLER_MODEL}`',
        )
    return TransformersEngine(cfg)


# --- helpers (pure where they can be) ----------------------------------------


def _pick_device_and_dtype(cfg: TransformersLLM) -> tuple[str, Any]:
    import torch

    cuda = torch.cuda.is_available()
    if cfg.device == "cuda" and not cuda:
        raise EngineUnavailable(
            'llm.transformers.device = "cuda" but torch sees no CUDA GPU: set device = "auto" '
            "or install a CUDA build of torch"
        )
    device = "cuda" if cfg.device == "cuda" or (cfg.device == "auto" and cuda) else "cpu"
    if cfg.dtype != "auto":
        return device, getattr(torch, cfg.dtype)
    if device == "cuda":
        return device, torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    return device, torch.float32


def _quantization_config(cfg: TransformersLLM, device: str, dtype: Any) -> Any:
    if cfg.quantization == "none":
        return None
    if device != "cuda":
        raise EngineUnavailable(
            f'llm.transformers.quantization = "{cfg.quantization}" needs a CUDA GPU: '
            'set quantization = "none"'
        )
    try:
        import bitsandbytes  # noqa: F401
    except ImportError:
        raise EngineUnavailable(
            f'llm.transformers.quantization = "{cfg.quantization}" needs bitsandbytes: '
            '`pip install bitsandbytes`, or set quantization = "none"'
        ) from None
    from transformers import BitsAndBytesConfig

    if cfg.quantization == "8bit":
        return BitsAndBytesConfig(load_in_8bit=True)
    return BitsAndBytesConfig(load_in_4bit=True, bnb_4bit_quant_type="nf4", bnb_4bit_compute_dtype=dtype)


def _with_adapter(model: Any, adapter: str, *, merge: bool) -> Any:
    """``model`` with a LoRA adapter from ``cohost finetune`` on top; merged into the weights
    when they are not quantized, so replies are as fast as without it."""
    path = Path(adapter).expanduser()
    if not (path / "adapter_config.json").is_file():
        raise EngineUnavailable(
            f"llm.transformers.adapter = '{adapter}' is not an adapter folder (no adapter_config.json): "
            'set it to the folder `cohost finetune --out` wrote, or to ""'
        )
    try:
        from peft import PeftModel
    except ImportError:
        raise EngineUnavailable(
            'llm.transformers.adapter needs peft: `pip install -e ".[tune]"`, or set adapter = ""'
        ) from None
    try:
        tuned = PeftModel.from_pretrained(model, str(path))
    except (RuntimeError, ValueError, KeyError) as exc:
        try:
            trained_on = json.loads((path / "adapter_config.json").read_text(encoding="utf-8"))
            base = trained_on.get("base_model_name_or_path") or "another model"
        except (OSError, ValueError, AttributeError):
            base = "another model"
        raise EngineUnavailable(
            f"adapter '{adapter}' does not fit llm.transformers.model: it was trained on '{base}' "
            f"({_first_line(exc)})"
        ) from None
    return tuned.merge_and_unload() if merge else tuned


def _downloads_allowed() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "").lower() not in ("1", "true", "yes", "on")


def _from_pretrained(cls: Any, model_id: str, **kwargs: Any) -> Any:
    """Load from disk or the cache first (no network); download only when that fails and we may."""
    path = Path(model_id).expanduser()
    if looks_local(model_id):
        if not path.is_dir():
            raise EngineUnavailable(
                f"model folder '{model_id}' does not exist: set llm.transformers.model to a folder "
                f"holding config.json, or to a Hugging Face id such as {SMALLER_MODEL}"
            )
        return cls.from_pretrained(str(path), **kwargs)
    try:
        return cls.from_pretrained(model_id, local_files_only=True, **kwargs)
    except OSError:
        if not _downloads_allowed():
            raise _not_downloaded(model_id) from None
    if (offline := hub.unreachable(model_id)) is not None:
        raise EngineUnavailable(offline)
    try:
        return cls.from_pretrained(model_id, **kwargs)
    except OSError as exc:
        raise _not_downloaded(model_id, exc) from None


def _not_downloaded(model_id: str, exc: BaseException | None = None) -> EngineUnavailable:
    why = f" ({_first_line(exc)})" if exc is not None and "does not appear to have" in str(exc) else ""
    return EngineUnavailable(
        f"model '{model_id}' is not downloaded{why}: run `hf download {model_id}` on a connected machine, "
        "or set llm.transformers.model to a local folder"
    )


def _explain_load_error(model_id: str, exc: BaseException, trust_remote_code: bool) -> str:
    text = str(exc)
    if not trust_remote_code and (
        "trust_remote_code" in text or "does not recognize this architecture" in text
    ):
        return (
            f"model '{model_id}' ships its own code (e.g. ChatGLM3): set "
            "llm.transformers.trust_remote_code = true if you trust it, or use a native GLM such as "
            + SMALLER_MODEL
        )
    return f"could not load model '{model_id}': {_first_line(exc)}"


def _explain_reply_error(exc: BaseException) -> str:
    import torch

    if isinstance(exc, torch.OutOfMemoryError):
        return "out of GPU memory while replying: lower llm.transformers.max_new_tokens or set quantization"
    return f"the language model failed while replying: {_first_line(exc)}"


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:200]


def _generation_settings(cfg: TransformersLLM, tokenizer: Any) -> dict[str, Any]:
    settings: dict[str, Any] = {
        "max_new_tokens": cfg.max_new_tokens,
        "repetition_penalty": cfg.repetition_penalty,
    }
    if cfg.temperature > 0:
        settings.update(do_sample=True, temperature=cfg.temperature, top_p=cfg.top_p)
    else:
        settings.update(do_sample=False, temperature=None, top_p=None, top_k=None)
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    if pad is not None:
        settings["pad_token_id"] = pad
    return settings
