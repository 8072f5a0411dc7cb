"""Config sections for the ears and the voice: ``[asr]``, ``[tts]`` and ``[audio]``.

Part of the one config tree (``agent.config`` imports these); kept in their own
module because each engine brings its own small section. TTS engines sit side by
side under ``[tts]`` so a streamer switches by one key (``tts.engine``) without
deleting settings; each engine section carries its name as the discriminator of
``TtsEngineConfig``, the union the registry builds engines from.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field


class Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# --- ears ------------------------------------------------------------------


class VadConfig(Section):
    # Silero speech probability above which a 32 ms chunk counts as speech.
    threshold: float = Field(0.5, gt=0, lt=1)
    # Speech this long starts a segment (and interrupts the bot: barge-in).
    min_speech_s: float = Field(0.15, ge=0.03, le=5)
    # Silence this long ends a segment.
    min_silence_s: float = Field(0.6, ge=0.05, le=10)
    # A segment is cut and transcribed after this long even if the streamer keeps talking.
    max_segment_s: float = Field(15.0, ge=1, le=30)
    # Audio kept from before speech was detected, so the first syllable is not lost.
    pre_roll_s: float = Field(0.3, ge=0, le=2)


DEFAULT_HALLUCINATIONS = [
    "字幕由Amara.org社区提供",
    "字幕由Amara.org社區提供",
    "请不吝点赞 订阅 转发 打赏支持明镜与点点栏目",
    "请不吝点赞 订阅 转发",
    "点赞 订阅 转发 打赏",
    "谢谢观看",
    "感谢观看",
    "明镜与点点栏目",
    "Thanks for watching",
    "Thank you for watching",
    "Subtitles by the Amara.org community",
    "Please subscribe",
]


class AsrConfig(Section):
    # "faster_whisper" (the streamer's mic through VAD + Whisper) or "none" (no ears).
    engine: Literal["faster_whisper", "none"] = "faster_whisper"
    model: str = "base"
    device: Literal["auto", "cpu", "cuda"] = "cpu"
    compute_type: str = "int8"
    language: str = "zh"
    beam_size: int = Field(1, ge=1, le=10)
    # Decoding temperatures tried in turn while a result fails the guards; [0.0] never
    # retries (each retry is a full decode: live latency), whisper's own is 0.0..1.0.
    temperatures: list[Annotated[float, Field(ge=0, le=1)]] = Field([0.0], min_length=1)
    hotwords: list[str] = []
    initial_prompt: str = ""
    simplified: bool = True
    no_speech_threshold: float = Field(0.6, ge=0, le=1)
    log_prob_threshold: float = Field(-1.0, le=0)
    compression_ratio_threshold: float = Field(2.4, gt=0)
    hallucinations: list[str] = DEFAULT_HALLUCINATIONS
    echo_guard: Literal["gate", "none"] = "gate"
    echo_tail_s: float = Field(0.4, ge=0, le=5)
    cache_dir: str = ""
    download_timeout_s: float = Field(10.0, gt=0)
    vad: VadConfig = VadConfig()


# --- voice -----------------------------------------------------------------


class KokoroTTS(Section):
    engine: Literal["kokoro"] = "kokoro"
    model: str = ""
    voices: str = ""
    voice: str = "jm_kumo"
    speed: float = Field(1.0, ge=0.5, le=2.0)
    # The model's phoneme vocabulary: "" = Kokoro v1.0's; v1.1-zh needs its own config.json.
    vocab: str = ""
    # onnxruntime threads; 0 = its default (one per physical core). Lower it to leave the game CPU.
    threads: int = Field(0, ge=0, le=64)


class CoquiTTS(Section):
    engine: Literal["coqui"] = "coqui"
    model: str = ""
    config: str = ""
    speaker_wav: str = ""
    speaker: str = ""
    language: str = "zh-cn"
    device: Literal["auto", "cpu", "cuda"] = "auto"


class PiperTTS(Section):
    engine: Literal["piper"] = "piper"
    model: str = ""
    speaker: int = Field(0, ge=0)
    length_scale: float = Field(1.0, ge=0.3, le=3.0)


class EspeakTTS(Section):
    engine: Literal["espeak"] = "espeak"
    voice: str = "cmn-latn-pinyin"
    words_per_minute: int = Field(175, ge=80, le=450)
    pitch: int = Field(50, ge=0, le=99)


class EdgeTTS(Section):
    engine: Literal["edge"] = "edge"
    voice: str = "zh-CN-XiaoxiaoNeural"
    rate: str = Field("+0%", pattern=r"^[+-]\d{1,3}%$")
    pitch: str = Field("+0Hz", pattern=r"^[+-]\d{1,3}Hz$")
    volume: str = Field("+0%", pattern=r"^[+-]\d{1,3}%$")
    timeout_s: float = Field(10.0, gt=0)
    # HTTP proxy for the Microsoft service, e.g. "http://127.0.0.1:7890"; "" = none (or HTTPS_PROXY).
    proxy: str = ""


TtsEngineConfig = Annotated[
    KokoroTTS | CoquiTTS | PiperTTS | EspeakTTS | EdgeTTS, Field(discriminator="engine")
]
TtsEngineName = Literal["kokoro", "coqui", "piper", "espeak", "edge"]


class TtsConfig(Section):
    engine: TtsEngineName | Literal["none"] = "kokoro"
    first_clause: bool = True
    kokoro: KokoroTTS = KokoroTTS()
    coqui: CoquiTTS = CoquiTTS()
    piper: PiperTTS = PiperTTS()
    espeak: EspeakTTS = EspeakTTS()
    edge: EdgeTTS = EdgeTTS()

    def settings(self, name: str | None = None) -> TtsEngineConfig:
        """The section of the named engine (default: the chosen one)."""
        section: TtsEngineConfig = getattr(self, name or self.engine)
        return section


class AudioConfig(Section):
    input_device: str = "auto"
    output_device: str = "auto"
    output_dir: str = "cohost-out/audio"
    volume: float = Field(1.0, ge=0, le=2)
