"""The mic stage end to end on WAV mics: voice events at once, transcripts after, and the echo guard.

The WAV mic stamps each block on the clock deterministically (block k at
start + (k+1) * 32 ms), and the bot's audio events are observed with explicit
clock times, so what is gated does not depend on how busy the machine is.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from agent.clock import Clock
from agent.config_speech import AsrConfig, FasterWhisperAsr
from agent.ears.capture import WavMic, read_audio
from agent.ears.silero import SileroVad
from agent.ears.stage import LATE_S, Ears, EchoGate
from agent.ears.whisper import FasterWhisperTranscriber
from agent.events import Audio, AudioEnded, Event, Metric, StreamerVoice, Transcript, UtteranceDone
from tests.support.ears_audio import base_model, espeak_wav, kokoro_wav, with_silence

SPEED = 10.0
LEAD_S = 1.0  # silence before the streamer speaks in every test WAV


@pytest.fixture(scope="module")
def streamer(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """1 s of silence, the streamer's sentence, 1.5 s of silence."""
    root = tmp_path_factory.getbasetemp()
    speech = kokoro_wav(root)
    return with_silence(speech, root / f"streamer-{speech.stem}.wav", before_s=LEAD_S, after_s=1.5)


@pytest.fixture(scope="module")
def espeak_streamer(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.getbasetemp()
    return with_silence(espeak_wav(root), root / "streamer-espeak.wav", before_s=LEAD_S, after_s=1.5)


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> FasterWhisperTranscriber:
    transcriber = FasterWhisperTranscriber(
        FasterWhisperAsr(model=str(base_model(tmp_path_factory.getbasetemp())))
    )
    transcriber.load()
    return transcriber


def no_model() -> FasterWhisperTranscriber:
    """A real transcriber whose model cannot load: the stage must still hear voice activity."""
    return FasterWhisperTranscriber(FasterWhisperAsr(model="/no/such/whisper-model"))


async def listen(ears: Ears) -> list[Event]:
    events: list[Event] = []
    await ears.run(events.append)
    return events


def make(wav: Path, transcriber: FasterWhisperTranscriber, **asr: object) -> Ears:
    clock = Clock(speed=SPEED)
    mic = WavMic(wav, clock, start=0.0)
    return Ears(AsrConfig.model_validate(asr), mic, transcriber, vad=SileroVad())


def voices(events: list[Event]) -> list[bool]:
    return [e.speaking for e in events if isinstance(e, StreamerVoice)]


def bot_audio(duration_s: float, utterance_id: int = 1, index: int = 0) -> Audio:
    return Audio(utterance_id=utterance_id, index=index, text="…", duration_s=duration_s, sample_rate=24000)


@pytest.mark.slow
async def test_speech_becomes_voice_events_then_a_transcript(
    streamer: Path, base: FasterWhisperTranscriber
) -> None:
    ears = make(streamer, base)
    events = await listen(ears)
    said = voices(events)
    assert said[0] is True and said[-1] is False and said.count(True) == said.count(False)
    transcripts = [e for e in events if isinstance(e, Transcript)]
    text = "".join(t.text for t in transcripts)
    assert "欢迎" in text, text
    total = len(ears.mic.audio) / 16000  # type: ignore[attr-defined]
    for t in transcripts:
        assert t.final and t.language == "zh" and 0 < t.confidence <= 1
        assert LEAD_S - 0.5 <= t.start <= t.end <= total  # on the mic's timeline
    # The voice event comes before the transcript of the same speech.
    assert events.index(next(e for e in events if isinstance(e, StreamerVoice))) < events.index(
        transcripts[0]
    )
    assert any(isinstance(e, Metric) and e.name == "asr_segment_to_transcript" for e in events)
    assert ears.transcripts == len(transcripts) and not ears.speaking
    assert ears.status()["segments"] == ears.segments >= 1


async def test_voice_events_come_even_when_asr_cannot_load(
    espeak_streamer: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, logger="agent.ears.stage")
    ears = make(espeak_streamer, no_model(), vad={"min_silence_s": 0.2})
    events = await listen(ears)
    assert voices(events)[:2] == [True, False]
    assert not any(isinstance(e, Transcript) for e in events)
    errors = [r for r in caplog.records if "asr.faster_whisper.model" in r.getMessage()]
    assert len(errors) == 1, [r.getMessage() for r in errors]  # once, however many segments failed


async def test_the_gate_keeps_the_bots_voice_out(espeak_streamer: Path) -> None:
    ears = make(espeak_streamer, no_model())
    speech_s = len(ears.mic.audio) / 16000 - LEAD_S - 1.5  # type: ignore[attr-defined]
    # The bot's sentence plays from just before the "streamer" speech until it ends.
    ears.observe(bot_audio(speech_s + 0.1), now=LEAD_S - 0.1)
    events = await listen(ears)
    assert voices(events) == []  # no barge-in from its own voice
    assert ears.segments == 0  # and nothing went to ASR
    assert ears.gated_s >= speech_s


@pytest.mark.parametrize("stop", ["audio_ended", "utterance_done"])
async def test_a_cut_sentence_reopens_the_mic_after_the_tail(espeak_streamer: Path, stop: str) -> None:
    ears = make(espeak_streamer, no_model())
    ears.observe(bot_audio(30.0), now=0.1)  # announced as long...
    ended: Event = (
        AudioEnded(utterance_id=1, index=0, text="…", played_s=0.2, cut=True)
        if stop == "audio_ended"
        else UtteranceDone(utterance_id=1, outcome="interrupted")
    )
    ears.observe(ended, now=0.3)  # ...but cut: deaf only until 0.3 + echo_tail_s
    events = await listen(ears)
    assert voices(events)[:2] == [True, False]
    assert ears.gated_s == pytest.approx(0.3 + AsrConfig().echo_tail_s - 0.1, abs=0.07)


async def test_without_the_gate_the_streamer_can_talk_over_the_bot(espeak_streamer: Path) -> None:
    ears = make(espeak_streamer, no_model(), echo_guard="none")
    ears.observe(bot_audio(30.0), now=0.0)
    events = await listen(ears)
    assert voices(events)[:2] == [True, False]
    assert ears.gated_s == 0


@pytest.mark.slow
async def test_the_gate_closing_mid_sentence_ends_the_segment_there(
    streamer: Path, base: FasterWhisperTranscriber
) -> None:
    ears = make(streamer, base, vad={"min_silence_s": 2.0})
    gate_at = LEAD_S + 1.6  # the bot starts talking 1.6 s into the streamer's sentence
    ears.observe(bot_audio(60.0), now=gate_at)
    events = await listen(ears)
    assert voices(events) == [True, False]  # ended by the gate, never restarted by the bot's voice
    transcripts = [e for e in events if isinstance(e, Transcript)]
    assert len(transcripts) == 1 and transcripts[0].text
    assert transcripts[0].end <= gate_at + 0.05  # nothing from the gated part


async def test_level_and_stats_pass_through(espeak_streamer: Path) -> None:
    ears = make(espeak_streamer, no_model())
    await listen(ears)
    assert ears.level() == ears.mic.level()
    assert ears.level().state == "silent"  # the file ends with 1.5 s of silence
    assert set(ears.status()) >= {
        "speaking",
        "segments",
        "transcripts",
        "dropped_segments",
        "gated_s",
        "level",
    }
    assert len(read_audio(espeak_streamer)) == len(ears.mic.audio)  # type: ignore[attr-defined]


# --- the echo gate on its own (pure) ---------------------------------------------------


def test_gate_spans_follow_each_sentence_not_event_order() -> None:
    gate = EchoGate("gate", tail_s=0.4)
    gate.observe(bot_audio(2.0, index=0), now=10.0)
    gate.observe(bot_audio(3.0, index=1), now=12.0)
    # Sentence 0's end arrives after sentence 1 started: it must not reopen the mic.
    gate.observe(AudioEnded(utterance_id=1, index=0, text="…", played_s=2.0), now=12.1)
    assert gate.covers(14.0, 14.032)
    gate.observe(AudioEnded(utterance_id=1, index=1, text="…", played_s=3.0), now=15.0)
    assert gate.covers(15.3, 15.332)  # 15 + 0.4 tail
    assert not gate.covers(15.5, 15.532)
    assert not gate.covers(9.0, 9.9)  # before the bot spoke


def test_gate_stays_closed_while_a_late_sentence_still_plays() -> None:
    # A loaded machine: the 2 s sentence announced at 10 only ends at 13.
    gate = EchoGate("gate", tail_s=0.4)
    gate.observe(bot_audio(2.0), now=10.0)
    assert gate.covers(12.8, 12.832)  # past 10 + 2 + 0.4, but it is still playing
    gate.observe(AudioEnded(utterance_id=1, index=0, text="…", played_s=2.0), now=13.0)
    assert gate.covers(13.3, 13.332) and not gate.covers(13.5, 13.532)


def test_gate_reopens_when_a_sentence_end_never_arrives() -> None:
    gate = EchoGate("gate", tail_s=0.4)
    gate.observe(bot_audio(2.0), now=10.0)
    assert gate.covers(10.0 + 2.0 + 0.4 + LATE_S - 0.1, 10.0 + 2.0 + 0.4 + LATE_S - 0.05)
    assert not gate.covers(10.0 + 2.0 + 0.4 + LATE_S + 0.1, 10.0 + 2.0 + 0.4 + LATE_S + 0.15)


def test_gate_utterance_done_cuts_all_its_sentences() -> None:
    gate = EchoGate("gate", tail_s=0.4)
    gate.observe(bot_audio(5.0, utterance_id=7, index=0), now=1.0)
    gate.observe(UtteranceDone(utterance_id=7, outcome="interrupted"), now=2.0)
    assert gate.covers(2.3, 2.332) and not gate.covers(2.5, 2.532)


def test_gate_off_ignores_the_bot() -> None:
    gate = EchoGate("none", tail_s=0.4)
    gate.observe(bot_audio(5.0), now=1.0)
    assert not gate.covers(2.0, 2.032)
