"""The backup voice: when the chosen voice fails a sentence another says it; a breaker stops the retries.

A voice server the streamer runs (GPT-SoVITS, CosyVoice) or an online voice
(edge) can be down, slow or misconfigured. Each such sentence is one log line
and is said by ``tts.backup`` (an offline engine, already loaded) instead of
being lost. After ``tts.backup_after`` failed sentences in a row the breaker
opens: every sentence goes straight to the backup (no waiting on a dead server)
and the chosen voice is probed every ``tts.probe_interval_s`` until it speaks
again. The breaker is the language model's (``agent.llm.breaker``), reused
through a small adapter that makes a voice look like a reply engine to it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator

import numpy as np

from agent.config_llm import LlmBreaker
from agent.config_speech import TtsConfig
from agent.llm.base import ReplyRequest
from agent.llm.breaker import BreakerEngine
from agent.shared.checks import Check, EngineInfo
from agent.tts.base import TTSEngine, TTSUnavailable
from agent.tts.text import NO_AUDIO, say, to_say

log = logging.getLogger(__name__)

PROBE_TEXT = "你好。"


class VoiceBreaker(BreakerEngine):
    slot = "tts"
    standin = "the backup voice"
    keys = "tts.backup_after, tts.probe_interval_s"


class _AsReplyEngine:
    """A voice seen by the breaker: ``stream`` says a short probe line and yields once when it worked."""

    def __init__(self, voice: TTSEngine) -> None:
        self.voice = voice

    @property
    def name(self) -> str:
        return self.voice.name

    async def load(self) -> None:
        await asyncio.to_thread(self.voice.load)

    async def stream(self, request: ReplyRequest) -> AsyncGenerator[str, None]:
        samples = await asyncio.to_thread(self.voice.synthesize, PROBE_TEXT)
        if len(samples) == 0:
            raise TTSUnavailable(f"{self.voice.name} said nothing")
        yield "ok"

    async def close(self) -> None:
        return None


class BackedVoice:
    """The chosen voice with ``backup`` behind it; a TTSEngine for the model slot.

    ``speak`` (the reply pipeline's way in, on the event loop) goes through the
    breaker; plain ``synthesize`` (a worker thread) only falls back, sentence by sentence.
    """

    def __init__(self, primary: TTSEngine, backup: TTSEngine, cfg: TtsConfig) -> None:
        self.primary = primary
        self.backup = backup
        self.cfg = cfg
        self.name = primary.name
        self.sample_rate = primary.sample_rate
        self.down_at_start = ""
        self.breaker: VoiceBreaker | None = None
        self._watch: asyncio.Task[None] | None = None

    def info(self) -> EngineInfo:
        return self.primary.info()

    def check(self) -> Check:
        return self.primary.check()

    def load(self) -> None:
        """Loads the backup, then the chosen voice; a chosen voice that is down is one line, not a failure."""
        try:
            self.backup.load()
        except TTSUnavailable as exc:
            log.warning("tts: the backup voice (tts.backup = %s) cannot load: %s", self.backup.name, exc)
            self.backup = self.primary
        try:
            self.primary.load()
        except TTSUnavailable as exc:
            if self.backup is self.primary:
                raise
            self.down_at_start = str(exc)
            log.warning("tts: %s; the backup voice (%s) speaks until it answers", exc, self.backup.name)
        self.sample_rate = self.primary.sample_rate  # a server voice learns its rate from its first answer

    def synthesize(self, text: str) -> np.ndarray:
        try:
            return self.primary.synthesize(text)
        except TTSUnavailable as exc:
            log.warning("tts: %s; the backup voice (%s) says this sentence", exc, self.backup.name)
        return _at_rate(self.backup.synthesize(text), self.backup.sample_rate, self.sample_rate)

    async def speak(self, text: str) -> tuple[np.ndarray, int]:
        """One sentence's samples and their rate: the chosen voice while it works, else the backup.
        The text is made speakable once, for whichever voice says it."""
        clean = await asyncio.to_thread(to_say, text)
        if clean is None:
            return NO_AUDIO, self.sample_rate
        text = clean
        breaker = self._breaker()
        if not breaker.open:
            try:
                samples = await asyncio.to_thread(self.primary.synthesize, text)
            except TTSUnavailable as exc:
                log.warning("tts: %s; the backup voice (%s) says this sentence", exc, self.backup.name)
                breaker.record_failure("error", str(exc))
            else:
                breaker.consecutive = 0
                return samples, self.primary.sample_rate
        breaker.fallback_replies += 1
        return await asyncio.to_thread(self.backup.synthesize, text), self.backup.sample_rate

    def _breaker(self) -> VoiceBreaker:
        """Built on the event loop at the first sentence; its probe task runs from then on."""
        if self.breaker is None:
            # A voice writes no sentences: its probe has only the stall to meet.
            limits = LlmBreaker(
                failures=self.cfg.backup_after, probe_interval_s=self.cfg.probe_interval_s, first_sentence_s=0
            )
            stall = float(getattr(self.cfg.settings(self.primary.name), "timeout_s", 20.0))
            self.breaker = VoiceBreaker(
                _AsReplyEngine(self.primary),
                _AsReplyEngine(self.backup),
                limits,
                stall_s=stall,
                loaded=not self.down_at_start,
                reason=self.down_at_start,
            )
            self._watch = asyncio.get_running_loop().create_task(self.breaker.watch(), name="tts-breaker")
        return self.breaker

    async def close(self) -> None:
        if self._watch is not None:
            self._watch.cancel()
            await asyncio.gather(self._watch, return_exceptions=True)
            self._watch = None


def behind_backup(engine: TTSEngine, cfg: TtsConfig) -> TTSEngine:
    """``engine`` with ``tts.backup`` behind it, or ``engine`` itself when there is no other backup."""
    if cfg.backup in ("none", engine.name):
        return engine
    from agent.tts import registry

    try:
        backup = registry.create(cfg, cfg.backup)
    except TTSUnavailable as exc:
        log.warning("tts: the backup voice (tts.backup = %s) is not available: %s", cfg.backup, exc)
        return engine
    return BackedVoice(engine, backup, cfg)


async def speak(tts: TTSEngine, text: str) -> tuple[np.ndarray, int]:
    """The reply pipeline's call: through the backup when there is one, else the engine in a thread."""
    if isinstance(tts, BackedVoice):
        return await tts.speak(text)
    return await asyncio.to_thread(say, tts, text), tts.sample_rate


def _at_rate(samples: np.ndarray, rate: int, target: int) -> np.ndarray:
    from agent.tts.server_voice import resample

    return resample(samples, rate, target)
