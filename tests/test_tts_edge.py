"""edge-tts without the network: SSML escaping, chunking, MP3 decoding, and one clear line offline."""

from __future__ import annotations

import io
import math
import socket
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import numpy as np
import pytest

from agent.config_speech import EdgeTTS
from agent.tts.base import TTSUnavailable
from agent.tts.edge import SAMPLE_RATE, Engine, decode_mp3
from agent.tts.text import say

pytestmark = pytest.mark.requires("edge_tts", "av")

SSML_NS = "{http://www.w3.org/2001/10/synthesis}"
HOSTILE = (
    "</prosody></voice><voice name='en-US-GuyNeural'><break time=\"60s\"/>"
    "主播 & 观众 \"quoted\" 'single' <!-- --> <![CDATA[x]]> &amp; 1 < 2 > 0"
)


def ssml_of(engine: Engine, text: str) -> list[ET.Element]:
    """The SSML documents edge_tts would send for ``text``, parsed (one per chunk)."""
    from edge_tts.communicate import mkssml

    communicate = engine.communicate(text)
    return [ET.fromstring(mkssml(communicate.tts_config, chunk)) for chunk in communicate.texts]


def spoken_text(document: ET.Element) -> str:
    (voice,) = document.findall(f"{SSML_NS}voice")
    (prosody,) = voice.findall(f"{SSML_NS}prosody")
    assert list(prosody) == [], "viewer text became SSML elements"
    return prosody.text or ""


def test_viewer_text_cannot_inject_ssml() -> None:
    engine = Engine(EdgeTTS(voice="zh-CN-YunxiNeural", rate="+10%", pitch="-5Hz"))
    (document,) = ssml_of(engine, HOSTILE)
    # Still exactly our voice and prosody, and the hostile text is read as text, character for character.
    (voice,) = document.findall(f"{SSML_NS}voice")
    assert voice.get("name") == "Microsoft Server Speech Text to Speech Voice (zh-CN, YunxiNeural)"
    (prosody,) = voice.findall(f"{SSML_NS}prosody")
    assert (prosody.get("rate"), prosody.get("pitch"), prosody.get("volume")) == ("+10%", "-5Hz", "+0%")
    assert spoken_text(document) == HOSTILE


@pytest.mark.parametrize(
    "text",
    [
        # Chinese has no spaces: edge_tts 7.3.1 alone would send all of this as one oversized request.
        "".join(f"第{i}条弹幕&<>谢谢，" for i in range(600)),
        # No break of any kind, multi-byte characters and entities everywhere.
        "".join(f"弹幕&<>{i}" for i in range(1500)),
        "Thanks for the raid & welcome <3 " * 300,
    ],
)
def test_long_text_is_split_into_valid_chunks_with_nothing_lost(text: str) -> None:
    from xml.sax.saxutils import escape

    documents = ssml_of(Engine(EdgeTTS()), text)
    assert len(documents) > 1
    # Each request stays under the service's 4,096-byte limit for the escaped text.
    assert all(len(escape(spoken_text(d)).encode()) <= 4096 for d in documents)
    # Only whitespace (where it was cut) differs from what the viewer wrote.
    assert "".join("".join(spoken_text(d).split()) for d in documents) == "".join(text.split())


def test_a_sentence_is_sent_as_written() -> None:
    (document,) = ssml_of(Engine(EdgeTTS()), "大家好，欢迎来到直播间！")
    assert spoken_text(document) == "大家好，欢迎来到直播间！"


def test_a_bad_voice_is_one_line_naming_the_key() -> None:
    engine = Engine(EdgeTTS(voice="Xiaoxiao"))
    check = engine.check()
    assert check.status == "fail" and "tts.edge.voice" in check.detail
    with pytest.raises(TTSUnavailable, match=r"^tts\.edge\.voice = 'Xiaoxiao'"):
        engine.load()


def _mp3(seconds: float, rate: int, frequency: float = 440.0) -> bytes:
    import av

    buffer = io.BytesIO()
    with av.open(buffer, "w", format="mp3") as container:
        stream = container.add_stream("libmp3lame", rate=rate, layout="mono")
        t = np.arange(int(seconds * rate)) / rate
        tone = (0.5 * np.sin(2 * math.pi * frequency * t)).astype(np.float32)
        for start in range(0, len(tone), 1152):
            frame = av.AudioFrame.from_ndarray(tone[None, start : start + 1152], format="fltp", layout="mono")
            frame.sample_rate = rate
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return buffer.getvalue()


@pytest.mark.parametrize("rate", [24000, 44100])
def test_mp3_is_decoded_to_float_mono_at_24khz(rate: int) -> None:
    samples = decode_mp3(_mp3(1.0, rate))
    assert samples.dtype == np.float32 and samples.ndim == 1
    # MP3 pads a frame or two at each end.
    assert abs(len(samples) - SAMPLE_RATE) < 3 * 1152
    assert 0.3 < float(np.sqrt(np.mean(samples**2))) < 0.4  # a 0.5-amplitude sine: 0.354


@pytest.fixture
def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def hanging_up_proxy() -> Iterator[tuple[int, list[int]]]:
    """A loopback 'proxy' that accepts and hangs up at once, counting the connections it gets."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.05)  # closing a socket does not wake a blocked accept(): poll a flag instead
    accepted: list[int] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            accepted.append(1)
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield int(server.getsockname()[1]), accepted
    stop.set()
    thread.join(timeout=5)
    server.close()


def assert_one_offline_line(exc: TTSUnavailable) -> None:
    line = str(exc)
    assert line.startswith("edge-tts cannot reach Microsoft's speech service"), line
    assert "\n" not in line
    assert "Traceback" not in line and "SSLContext" not in line


def test_unreachable_service_is_one_line(monkeypatch: pytest.MonkeyPatch, closed_port: int) -> None:
    import edge_tts.communicate

    # The service's address, pointed at a loopback port where nothing listens.
    monkeypatch.setattr(
        edge_tts.communicate, "WSS_URL", f"wss://127.0.0.1:{closed_port}/edge/v1?TrustedClientToken=x"
    )
    engine = Engine(EdgeTTS(timeout_s=5))
    with pytest.raises(TTSUnavailable) as caught:
        engine.load()
    assert_one_offline_line(caught.value)
    assert "internet" in str(caught.value)


def test_offline_fails_once_then_at_once_without_a_retry_storm(
    hanging_up_proxy: tuple[int, list[int]],
) -> None:
    port, accepted = hanging_up_proxy
    engine = Engine(EdgeTTS(proxy=f"http://127.0.0.1:{port}", timeout_s=5))
    with pytest.raises(TTSUnavailable) as first:
        engine.load()
    assert_one_offline_line(first.value)
    assert "tts.edge.proxy" in str(first.value)
    dialled = len(accepted)
    assert dialled >= 1
    for sentence in ("大家好，", "欢迎来到直播间。", "谢谢礼物！"):
        with pytest.raises(TTSUnavailable) as again:
            say(engine, sentence)
        assert str(again.value) == str(first.value)
    assert len(accepted) == dialled  # the sentences after the failure did not dial again


def test_a_silent_service_times_out_in_one_line() -> None:
    # Accepts the connection and never answers: the request must end after timeout_s, not hang.
    with socket.create_server(("127.0.0.1", 0)) as server:
        engine = Engine(EdgeTTS(proxy=f"http://127.0.0.1:{server.getsockname()[1]}", timeout_s=0.5))
        with pytest.raises(TTSUnavailable, match="no answer in time") as caught:
            say(engine, "你好")
    assert_one_offline_line(caught.value)


def test_nothing_speakable_makes_no_request(closed_port: int) -> None:
    engine = Engine(EdgeTTS(proxy=f"http://127.0.0.1:{closed_port}"))
    assert len(say(engine, "😀😀！！")) == 0
