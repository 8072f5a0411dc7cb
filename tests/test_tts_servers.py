"""GPT-SoVITS and CosyVoice voices against loopback stand-ins that speak their real HTTP APIs.

The stand-ins (tests/support/voice_servers.py) answer with real espeak-ng speech,
clause by clause; the engine must hand back exactly those samples, streamed in
pieces, and turn every mistake a streamer can make into one line. The backup
voice takes over through the reply pipeline when the server is down or slow.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from agent.audio.sinks import WavSink
from agent.clock import Clock
from agent.config_speech import CosyVoiceTTS, EspeakTTS, GptSovitsTTS, TtsConfig
from agent.events import Audio, Event
from agent.llm.base import ReplyRequest
from agent.reply.pipeline import ReplyPipeline
from agent.tts import cosyvoice, gpt_sovits, level
from agent.tts.backup import BackedVoice
from agent.tts.base import TTSUnavailable
from agent.tts.espeak import EspeakEngine
from agent.tts.text import say
from tests.support.engines import ScriptedEngine
from tests.support.voice_servers import CosyVoiceHandler, GptSovitsHandler, clauses, espeak, serving

pytestmark = pytest.mark.requires("espeak-ng")

REPO = Path(__file__).resolve().parent.parent
LINE = "大家好，欢迎来到直播间！今天玩黑神话。"


def expected(text: str) -> np.ndarray:
    return np.concatenate([espeak(part)[0] for part in clauses(text)]).astype(np.float32) / 32768.0


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def ref(tmp_path: Path) -> Path:
    clip = tmp_path / "ref.wav"
    subprocess.run(["espeak-ng", "-v", "cmn", "-w", str(clip), "我是主播"], check=True)
    return clip


@pytest.mark.parametrize("streaming", [True, False])
def test_gpt_sovits_hands_back_the_servers_speech(streaming: bool, ref: Path) -> None:
    with serving(GptSovitsHandler) as server:
        cfg = GptSovitsTTS(
            url=server.url, ref_audio_path=str(ref), prompt_text="我是主播", streaming=streaming
        )
        engine = gpt_sovits.Engine(cfg)
        engine.load()
        chunks = list(engine.stream(LINE))
        body = server.bodies[-1]
    assert engine.sample_rate == 22050  # learned from the server's WAV header
    audio = np.concatenate(chunks)
    want = expected(LINE)
    assert audio.shape == want.shape and np.allclose(audio, want, atol=1e-6)
    if streaming:
        assert len(chunks) > 1
    assert body["text"] == LINE and body["text_lang"] == "zh" and body["prompt_lang"] == "zh"
    assert body["ref_audio_path"] == str(ref) and body["prompt_text"] == "我是主播"
    assert body["streaming_mode"] is streaming and body["media_type"] == "wav"


@pytest.mark.parametrize("streaming", [True, False])
def test_gpt_sovits_wrong_ref_audio_path_is_one_line(streaming: bool, tmp_path: Path) -> None:
    with serving(GptSovitsHandler) as server:
        cfg = GptSovitsTTS(url=server.url, ref_audio_path=str(tmp_path / "nope.wav"), streaming=streaming)
        with pytest.raises(TTSUnavailable) as caught:
            gpt_sovits.Engine(cfg).load()
    line = str(caught.value)
    assert "\n" not in line and "ref_audio_path" in line and "nope.wav" in line


def test_gpt_sovits_mistakes_are_one_line(ref: Path) -> None:
    with pytest.raises(TTSUnavailable, match="ref_audio_path is empty"):
        gpt_sovits.Engine(GptSovitsTTS()).load()
    with serving(GptSovitsHandler) as server:
        cfg = GptSovitsTTS(url=server.url, ref_audio_path=str(ref), text_lang="xx")
        with pytest.raises(TTSUnavailable, match="text_lang: xx is not supported"):
            gpt_sovits.Engine(cfg).load()
        server.delay_s = 2.0
        slow = GptSovitsTTS(url=server.url, ref_audio_path=str(ref), timeout_s=0.3)
        with pytest.raises(TTSUnavailable, match=r"sent no audio for 0.3 s.*tts.gpt_sovits.timeout_s"):
            gpt_sovits.Engine(slow).load()
    down = GptSovitsTTS(url=f"http://127.0.0.1:{closed_port()}", ref_audio_path=str(ref))
    with pytest.raises(TTSUnavailable, match=r"no GPT-SoVITS server answers at .*tts\.gpt_sovits\.url"):
        gpt_sovits.Engine(down).load()


def test_cosyvoice_sft_and_zero_shot_hand_back_the_servers_speech(ref: Path) -> None:
    with serving(CosyVoiceHandler) as server:
        sft = cosyvoice.Engine(CosyVoiceTTS(url=server.url, spk_id="中文男"))
        sft.load()
        chunks = list(sft.stream(LINE))
        assert server.bodies[-1] == {"tts_text": LINE, "spk_id": "中文男"}
        clone = cosyvoice.Engine(
            CosyVoiceTTS(url=server.url, mode="zero_shot", prompt_wav=str(ref), prompt_text="我是主播")
        )
        clone.load()
        cloned = say(clone, LINE)
        assert server.bodies[-1] == {"tts_text": LINE, "prompt_text": "我是主播"}
    assert sft.sample_rate == 22050 and len(chunks) > 1
    assert np.allclose(np.concatenate(chunks), expected(LINE), atol=1e-6)
    # A whole sentence is brought to the common speech level (agent/tts/level.py), streamed
    # chunks only kept under the ceiling: the same speech either way.
    assert np.allclose(cloned, level.finish(expected(LINE), 22050), atol=1e-6)
    assert float(np.max(np.abs(cloned))) <= level.CEILING + 1e-6


def test_cosyvoice_mistakes_are_one_line(tmp_path: Path) -> None:
    with serving(CosyVoiceHandler) as server:
        with pytest.raises(TTSUnavailable, match="spk_id = '某人' is one of its speakers"):
            cosyvoice.Engine(CosyVoiceTTS(url=server.url, spk_id="某人")).load()
        bad = tmp_path / "clip.wav"
        bad.write_bytes(b"not a wav")
        clone = CosyVoiceTTS(url=server.url, mode="zero_shot", prompt_wav=str(bad), prompt_text="你好")
        with pytest.raises(TTSUnavailable, match="refused the sentence"):
            cosyvoice.Engine(clone).load()
    missing = CosyVoiceTTS(mode="zero_shot", prompt_wav=str(tmp_path / "gone.wav"), prompt_text="你好")
    with pytest.raises(TTSUnavailable, match=r"tts\.cosyvoice\.prompt_wav: no file at"):
        cosyvoice.Engine(missing).load()
    down = CosyVoiceTTS(url=f"http://127.0.0.1:{closed_port()}")
    with pytest.raises(TTSUnavailable, match="no CosyVoice server answers"):
        cosyvoice.Engine(down).load()


async def reply(voice: BackedVoice, tmp_path: Path, pieces: str) -> list[Event]:
    events: list[Event] = []
    pipeline = ReplyPipeline(
        ScriptedEngine(list(pieces)),
        voice,
        WavSink(tmp_path, Clock(speed=50.0)),
        lambda text: None,
        events.append,
        first_clause=False,
    )
    runner = asyncio.create_task(pipeline.run())
    try:
        utterance = pipeline.start(ReplyRequest(1, "question", None), arrived_at=None)
        assert await asyncio.wait_for(asyncio.shield(utterance.done), 120) == "spoken"
    finally:
        runner.cancel()
        await asyncio.gather(runner, return_exceptions=True)
    return events


async def test_a_server_down_at_start_is_covered_by_the_backup_voice(
    tmp_path: Path, ref: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cfg = TtsConfig(
        engine="gpt_sovits",
        backup="espeak",
        espeak=EspeakTTS(),
        gpt_sovits=GptSovitsTTS(url=f"http://127.0.0.1:{closed_port()}", ref_audio_path=str(ref)),
    )
    voice = BackedVoice(gpt_sovits.Engine(cfg.gpt_sovits), EspeakEngine(cfg.espeak), cfg)
    with caplog.at_level(logging.WARNING):
        await asyncio.to_thread(voice.load)
        events = await reply(voice, tmp_path, "谢谢你的礼物！下次再见啦！")
    await voice.close()
    audio = [e for e in events if isinstance(e, Audio)]
    assert [a.text for a in audio] == ["谢谢你的礼物！", "下次再见啦！"]
    assert all(a.duration_s > 0.3 for a in audio)  # said by espeak, not silence
    assert voice.breaker is not None and voice.breaker.open and voice.breaker.fallback_replies == 2
    down = [r.getMessage() for r in caplog.records if "no GPT-SoVITS server answers" in r.getMessage()]
    assert len(down) == 1 and "backup voice (espeak)" in down[0]


async def test_a_slow_server_fails_over_per_sentence_then_recovers(tmp_path: Path, ref: Path) -> None:
    with serving(GptSovitsHandler) as server:
        cfg = TtsConfig(
            engine="gpt_sovits",
            backup="espeak",
            backup_after=2,
            probe_interval_s=1,
            gpt_sovits=GptSovitsTTS(url=server.url, ref_audio_path=str(ref), timeout_s=0.5),
        )
        voice = BackedVoice(gpt_sovits.Engine(cfg.gpt_sovits), EspeakEngine(cfg.espeak), cfg)
        await asyncio.to_thread(voice.load)
        assert not voice.down_at_start
        server.delay_s = 3.0
        events = await reply(voice, tmp_path, "第一句话在这里。第二句话在这里。第三句话在这里。")
        breaker = voice.breaker
        assert breaker is not None and breaker.open and breaker.fallback_replies == 3
        assert len([e for e in events if isinstance(e, Audio)]) == 3
        before = len(server.requests)
        server.delay_s = 0.0
        for _ in range(600):  # the probe finds it again
            if not breaker.open:
                break
            await asyncio.sleep(0.1)
        assert not breaker.open and len(server.requests) > before
        samples, rate = await voice.speak("回来了。")
        want = level.finish(expected("回来了。"), 22050)
        assert rate == 22050 and np.allclose(samples, want[-len(samples) :], atol=1e-6)
        await voice.close()


def test_say_speaks_through_a_gpt_sovits_server(tmp_path: Path, ref: Path) -> None:
    with serving(GptSovitsHandler) as server:
        config = tmp_path / "config.toml"
        config.write_text(
            f'[audio]\noutput_device = "none"\n[tts.gpt_sovits]\nurl = "{server.url}"\n'
            f'ref_audio_path = "{ref.as_posix()}"\n',
            encoding="utf-8",
        )
        out = tmp_path / "line.wav"
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "agent",
                "say",
                LINE,
                "--engine",
                "gpt_sovits",
                "--out",
                str(out),
                "--config",
                str(config),
            ],
            capture_output=True,
            text=True,
            timeout=180,
            cwd=REPO,
        )
    assert done.returncode == 0, done.stderr
    import wave

    with wave.open(str(out)) as wav:
        assert wav.getframerate() == 22050
        pcm = np.frombuffer(wav.readframes(wav.getnframes()), "<i2")
    want = (expected(LINE) * 32768).astype(np.int16)
    assert abs(len(pcm) - len(want)) < 22050 and np.corrcoef(pcm[-20000:], want[-20000:])[0, 1] > 0.99
