"""Config sections for the ears and the voice: ``[asr]``, ``[tts]`` and ``[audio]``.

Part of the one config tree (``agent.config`` imports these); kept in their own
module because each engine brings its own small section. TTS engines sit side by
side under ``[tts]`` so a streamer switches by one key (``tts.engine``) without
deleting settings; each engine section carries its name as the discriminator of
``TtsEngineConfig``, the union the registry builds engines from.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator


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


class FasterWhisperAsr(Section):
    """Whisper on this PC through faster-whisper (CTranslate2): ``[asr.faster_whisper]``."""

    engine: Literal["faster_whisper"] = "faster_whisper"
    implementation: ClassVar[str] = "agent.ears.whisper:FasterWhisperTranscriber"
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
    cache_dir: str = ""
    download_timeout_s: float = Field(10.0, gt=0)


class OpenAIAsr(Section):
    """An OpenAI-compatible speech-to-text server (speaches / faster-whisper-server, the OpenAI
    API): ``POST {base_url}/audio/transcriptions`` with the segment as a WAV file."""

    engine: Literal["openai"] = "openai"
    implementation: ClassVar[str] = "agent.ears.openai_asr:OpenAITranscriber"
    base_url: str = "http://127.0.0.1:8000/v1"
    model: str = "Systran/faster-whisper-small"
    api_key: SecretStr = SecretStr("")
    language: str = "zh"
    # Text the server primes the model with (the API's "prompt"): the streamer's names and terms.
    prompt: str = ""
    simplified: bool = True
    hallucinations: list[str] = DEFAULT_HALLUCINATIONS
    # "verbose_json" (segments with timing and confidence: OpenAI whisper-1, speaches) or "json"
    # (text only: servers and models that offer nothing else, e.g. gpt-4o-transcribe).
    response_format: Literal["verbose_json", "json"] = "verbose_json"
    timeout_s: float = Field(15.0, gt=0)


AsrEngineConfig = Annotated[FasterWhisperAsr | OpenAIAsr, Field(discriminator="engine")]
AsrEngineName = Literal["faster_whisper", "openai"]
# Before [asr.faster_whisper] existed its keys sat flat in [asr]; they are still read there.
_FLAT_WHISPER_KEYS = frozenset(FasterWhisperAsr.model_fields) - {"engine"}


class AsrConfig(Section):
    # "faster_whisper" (Whisper on this PC), "openai" (an OpenAI-compatible speech-to-text
    # server) or "none" (no ears). Each engine's settings sit in its own [asr.<engine>] table.
    engine: AsrEngineName | Literal["none"] = "faster_whisper"
    echo_guard: Literal["gate", "none"] = "gate"
    echo_tail_s: float = Field(0.4, ge=0, le=5)
    vad: VadConfig = VadConfig()
    faster_whisper: FasterWhisperAsr = FasterWhisperAsr()
    openai: OpenAIAsr = OpenAIAsr()

    @model_validator(mode="before")
    @classmethod
    def _flat_whisper_keys(cls, data: Any) -> Any:
        """``asr.model = "small"`` (the old flat form, or ``COHOST_ASR__MODEL``) means
        ``asr.faster_whisper.model``, and overrides it where both are given."""
        if not isinstance(data, dict) or not (flat := _FLAT_WHISPER_KEYS & data.keys()):
            return data
        rest = {k: v for k, v in data.items() if k not in flat}
        section = rest.get("faster_whisper", {})
        section = section.model_dump() if isinstance(section, BaseModel) else dict(section)
        rest["faster_whisper"] = {**section, **{k: data[k] for k in flat}}
        return rest

    def settings(self, name: str | None = None) -> AsrEngineConfig:
        """The section of the named engine (default: the chosen one)."""
        section: AsrEngineConfig = getattr(self, name or self.engine)
        return section


# --- voice -----------------------------------------------------------------


class KokoroTTS(Section):
    engine: Literal["kokoro"] = "kokoro"
    model: str = ""
    voices: str = ""
    voice: str = "jm_kumo"
    speed: float = Field(1.0, ge=0.5, le=2.0)
    # The model's phoneme vocabulary: "" = Kokoro v1.0's; v1.1-zh needs its own config.json.
    vocab: str = ""
    # onnxruntime threads; 0 = its default (one per core). 1 was measured fastest to first audio on a
    # busy 2-core PC (0 took 1.8x as long, 2 1.4x: bench/bench_tts.py), and it leaves the game CPU.
    threads: int = Field(1, ge=0, le=64)


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


class GptSovitsTTS(Section):
    """A GPT-SoVITS server the streamer runs (``python api_v2.py``): its ``/tts`` endpoint."""

    engine: Literal["gpt_sovits"] = "gpt_sovits"
    url: str = "http://127.0.0.1:9880"
    # The reference clip as the SERVER sees the path (it reads the file itself), and what it says.
    ref_audio_path: str = ""
    prompt_text: str = ""
    prompt_lang: str = "zh"
    text_lang: str = "zh"
    speed_factor: float = Field(1.0, ge=0.5, le=2.0)
    # Ask for audio chunk by chunk (api_v2 streaming_mode); the first clause plays sooner.
    streaming: bool = True
    # No answer (or no next chunk) for this long: the backup voice says the sentence.
    timeout_s: float = Field(20.0, gt=0)


class CosyVoiceTTS(Section):
    """A CosyVoice server the streamer runs (``runtime/python/fastapi/server.py``)."""

    engine: Literal["cosyvoice"] = "cosyvoice"
    url: str = "http://127.0.0.1:50000"
    # "sft": a built-in speaker (spk_id); "zero_shot": clone prompt_wav, which says prompt_text.
    mode: Literal["sft", "zero_shot"] = "sft"
    spk_id: str = "中文女"
    prompt_wav: str = ""
    prompt_text: str = ""
    # The server sends bare PCM; CosyVoice-300M speaks at 22050 Hz, CosyVoice2 at 24000.
    sample_rate: int = Field(22050, ge=8000, le=48000)
    timeout_s: float = Field(20.0, gt=0)


class BakerTTS(Section):
    """The Baker (标贝) Mandarin voice shipped with Cohost: native, offline, non-commercial use only."""

    engine: Literal["baker"] = "baker"
    # 1.0 = as trained; 1.25 = a quarter faster, 0.8 = slower.
    speed: float = Field(1.0, ge=0.5, le=2.0)
    # Pitch multiplier: 1.0 = as trained, 1.1 = higher.
    pitch: float = Field(1.0, ge=0.5, le=2.0)
    # onnxruntime threads; 1 measured fastest to first audio on a busy 2-core PC (bench/bench_tts.py).
    threads: int = Field(1, ge=0, le=64)


TtsEngineConfig = Annotated[
    KokoroTTS | CoquiTTS | PiperTTS | EspeakTTS | EdgeTTS | GptSovitsTTS | CosyVoiceTTS | BakerTTS,
    Field(discriminator="engine"),
]
TtsEngineName = Literal["kokoro", "coqui", "piper", "espeak", "edge", "gpt_sovits", "cosyvoice", "baker"]


class TtsConfig(Section):
    engine: TtsEngineName | Literal["none"] = "kokoro"
    first_clause: bool = True
    # Your pronunciation lexicon (lines of `term = reading`, e.g. `OBS = 欧比艾斯`) on top of the
    # shipped one (agent/tts/lexicon.txt); "" = the shipped one only.
    lexicon: str = ""
    # Says a sentence when the chosen voice fails (a voice server down or slow): "none" = text only.
    backup: TtsEngineName | Literal["none"] = "kokoro"
    # After this many failed sentences in a row the backup speaks until a probe finds the voice again.
    backup_after: int = Field(3, ge=1, le=100)
    probe_interval_s: float = Field(30.0, ge=1, le=3600)
    kokoro: KokoroTTS = KokoroTTS()
    coqui: CoquiTTS = CoquiTTS()
    piper: PiperTTS = PiperTTS()
    espeak: EspeakTTS = EspeakTTS()
    edge: EdgeTTS = EdgeTTS()
    gpt_sovits: GptSovitsTTS = GptSovitsTTS()
    cosyvoice: CosyVoiceTTS = CosyVoiceTTS()
    baker: BakerTTS = BakerTTS()

    def settings(self, name: str | None = None) -> TtsEngineConfig:
        """The section of the named engine (default: the chosen one)."""
        section: TtsEngineConfig = getattr(self, name or self.engine)
        return section


class AudioConfig(Section):
    input_device: str = "auto"
    output_device: str = "auto"
    output_dir: str = "cohost-out/audio"
    volume: float = Field(1.0, ge=0, le=2)
