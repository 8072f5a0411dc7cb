"""The OpenAI-compatible speech-to-text engine (``asr.engine = "openai"``): its parsing of what a
server answers, then `cohost transcribe`, the doctor and the runtime against a loopback stand-in
that speaks the real API and transcribes with the real offline Whisper base."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from agent.config import Config, ControlConfig, LlmConfig, TtsConfig
from agent.config_speech import AsrConfig, OpenAIAsr
from agent.ears import registry
from agent.ears.base import AsrUnavailable
from agent.ears.openai_asr import MAX_TEXT, OpenAITranscriber, parse_transcription, wav_bytes
from tests.support.ears_audio import base_model, kokoro_wav, with_silence
from tests.support.stt_server import MODEL_ID, SpeechToTextServer, running
from tests.support.stt_server import read_wav as server_read_wav

REPO = Path(__file__).resolve().parent.parent


def answer(content: object) -> bytes:
    return json.dumps(content, ensure_ascii=False).encode()


# --- what a server answers: untrusted, parsed without a socket -----------------


def test_verbose_json_segments_keep_timing_and_confidence() -> None:
    body = answer(
        {
            "language": "chinese",  # OpenAI names the language; Cohost uses Whisper's codes
            "text": "大家好。歡迎來到直播間。",
            "segments": [
                {"text": "大家好。", "start": 0.0, "end": 1.2, "avg_logprob": -0.2},
                {"text": "歡迎來到直播間。", "start": 1.2, "end": 99.0, "avg_logprob": -0.5},
            ],
        }
    )
    first, second = parse_transcription(body, OpenAIAsr(language="auto"), duration_s=3.0)
    assert (first.text, first.start, first.end, first.language) == ("大家好。", 0.0, 1.2, "zh")
    assert second.text == "欢迎来到直播间。"  # simplified, as Whisper on this PC writes it
    assert second.end == 3.0  # never past the audio that was sent
    assert first.confidence == pytest.approx(np.exp(-0.2)) and second.confidence < first.confidence


def test_plain_json_is_one_piece_without_a_confidence() -> None:
    (heard,) = parse_transcription(answer({"text": " 你好 "}), OpenAIAsr(), duration_s=2.0)
    assert (heard.text, heard.start, heard.end, heard.confidence, heard.language) == (
        "你好",
        0,
        2.0,
        0.0,
        "zh",
    )
    kept = parse_transcription(answer({"text": "你好"}), OpenAIAsr(simplified=False, language="en"), 1.0)
    assert kept[0].language == "en"


@pytest.mark.parametrize("text", ["谢谢观看", "Thanks for watching!", "  。。", ""])
def test_whisper_phrases_over_silence_and_empty_text_are_dropped(text: str) -> None:
    assert parse_transcription(answer({"text": text}), OpenAIAsr(), 1.0) == []


@pytest.mark.parametrize(
    "body",
    [b"<html>502 Bad Gateway</html>", b"[]", answer({"error": {"message": "boom"}}), answer({"text": 5})],
)
def test_an_answer_that_is_not_a_transcription_is_one_line(body: bytes) -> None:
    with pytest.raises(AsrUnavailable) as caught:
        parse_transcription(body, OpenAIAsr(), 1.0)
    assert "\n" not in str(caught.value)


def test_hostile_segments_are_bounded() -> None:
    body = answer(
        {
            "text": "x",
            "segments": [
                {"text": "好" * 50_000, "start": "soon", "end": float("1e308"), "avg_logprob": 50},
                {"text": None, "start": -5},
                "not a segment",
            ],
        }
    )
    (heard,) = parse_transcription(body, OpenAIAsr(), 2.0)
    assert len(heard.text) == MAX_TEXT and 0.0 <= heard.start <= heard.end <= 2.0 and heard.confidence == 1.0


def test_wav_bytes_round_trip() -> None:
    tone = (0.5 * np.sin(np.arange(16000) / 16000 * 2 * np.pi * 440)).astype(np.float32)
    back = server_read_wav(wav_bytes(tone))
    assert back.shape == tone.shape and np.max(np.abs(back - tone)) < 1e-3


# --- against the stand-in ----------------------------------------------------------


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SpeechToTextServer]:
    with running(base_model(tmp_path_factory.getbasetemp()), api_key="sk-local") as stt:
        yield stt


@pytest.fixture(scope="module")
def streamer(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.getbasetemp()
    speech = kokoro_wav(root)
    return with_silence(speech, root / f"openai-streamer-{speech.stem}.wav", before_s=1.0, after_s=1.5)


def openai_asr(server: SpeechToTextServer, **settings: object) -> AsrConfig:
    section = {"base_url": server.url, "model": MODEL_ID, "api_key": "sk-local", **settings}
    return AsrConfig(engine="openai", openai=section, echo_guard="none")


@pytest.mark.slow
def test_the_registry_builds_it_and_it_transcribes_speech(server: SpeechToTextServer, streamer: Path) -> None:
    transcriber = registry.create(openai_asr(server))
    assert isinstance(transcriber, OpenAITranscriber)
    transcriber.load()
    heard = transcriber.transcribe(server_read_wav(streamer.read_bytes()))  # 16 kHz, as the mic gives it
    assert "欢迎" in "".join(h.text for h in heard), heard
    sent = server.requests[-1]
    assert (
        sent["model"] == MODEL_ID and sent["language"] == "zh" and sent["response_format"] == "verbose_json"
    )
    assert all(0 < h.confidence <= 1 and h.language == "zh" for h in heard)


def test_a_wrong_key_model_or_url_is_one_line_naming_the_key(server: SpeechToTextServer) -> None:
    with pytest.raises(AsrUnavailable, match=r"refused the API key: set asr\.openai\.api_key"):
        registry.create(openai_asr(server, api_key="sk-wrong")).load()
    wrong_model = registry.create(openai_asr(server, model="whisper-9"))
    wrong_model.load()
    with pytest.raises(AsrUnavailable, match=r"HTTP 404: .*whisper-9.* \(check asr\.openai\.model\)"):
        wrong_model.transcribe(np.zeros(16000, np.float32))
    with pytest.raises(AsrUnavailable, match=r"no speech-to-text server at .* fix asr\.openai\.base_url"):
        registry.create(openai_asr(server, base_url="http://127.0.0.1:9/v1")).load()


def test_doctor_checks_the_server_it_is_pointed_at(server: SpeechToTextServer) -> None:
    from agent.app import doctor

    ok = doctor.check_asr(openai_asr(server))
    assert ok.status == "ok" and server.url in ok.detail and MODEL_ID in ok.detail
    down = doctor.check_asr(openai_asr(server, base_url="http://127.0.0.1:9/v1"))
    assert down.status == "fail" and "asr.openai.base_url" in down.fix


def transcribe(wav: Path, server: SpeechToTextServer, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "COHOST_ASR__ENGINE": "openai",
        "COHOST_ASR__OPENAI__BASE_URL": server.url,
        "COHOST_ASR__OPENAI__MODEL": MODEL_ID,
        "COHOST_ASR__OPENAI__API_KEY": "sk-local",
    }
    return subprocess.run(
        [sys.executable, "-m", "agent", "transcribe", str(wav), *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=REPO,
        env=env,
    )


@pytest.mark.slow
def test_cohost_transcribe_through_the_server(server: SpeechToTextServer, streamer: Path) -> None:
    before = len(server.requests)
    done = transcribe(streamer, server)
    assert done.returncode == 0, done.stderr
    records = [json.loads(line) for line in done.stdout.splitlines()]
    assert records and all(r["type"] == "transcript" and r["language"] == "zh" for r in records)
    assert "欢迎" in "".join(r["text"] for r in records)
    assert len(server.requests) > before  # it was the server that heard it
    # --language overrides the engine's own setting.
    done = transcribe(streamer, server, "--language", "en")
    assert done.returncode == 0, done.stderr
    assert server.requests[-1]["language"] == "en"


def test_cohost_transcribe_with_the_server_down_is_one_line(tmp_path: Path) -> None:
    wav = tmp_path / "quiet.wav"
    wav.write_bytes(wav_bytes(np.zeros(16000, np.float32)))
    env = {
        **os.environ,
        "COHOST_ASR__ENGINE": "openai",
        "COHOST_ASR__OPENAI__BASE_URL": "http://127.0.0.1:9/v1",
    }
    done = subprocess.run(
        [sys.executable, "-m", "agent", "transcribe", str(wav)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
        env=env,
    )
    assert done.returncode == 2 and done.stdout == ""
    (line,) = [x for x in done.stderr.splitlines() if x.strip()]
    assert (
        line.startswith("no speech-to-text server at http://127.0.0.1:9/v1") and "asr.openai.base_url" in line
    )


@pytest.mark.slow
async def test_the_runtime_hears_the_streamer_through_the_server(
    server: SpeechToTextServer, streamer: Path, tmp_path: Path
) -> None:
    from agent.app.assemble import build_pipeline
    from agent.clock import Clock
    from agent.ears.capture import WavMic
    from agent.events import Transcript

    cfg = Config(
        llm=LlmConfig(engine="template"),
        tts=TtsConfig(engine="none"),
        asr=openai_asr(server),
        control=ControlConfig(enabled=False),
    )
    clock = Clock(speed=5.0)
    pipeline = await build_pipeline(cfg, clock, [], out_dir=tmp_path, mic=WavMic(streamer, clock))
    heard = pipeline.bus.subscribe("test", accepts={"transcript"})
    stop = asyncio.Event()
    runner = asyncio.create_task(pipeline.run(stop))
    try:
        event = await asyncio.wait_for(heard.get(), 120)
        assert pipeline.models.status()["asr"] == f"ready: openai {MODEL_ID}"
        assert pipeline.ears is not None and pipeline.ears.transcriber is not None  # it awaited its slot
    finally:
        stop.set()
        await asyncio.wait_for(runner, 60)
    assert isinstance(event, Transcript) and "欢迎" in event.text, event
