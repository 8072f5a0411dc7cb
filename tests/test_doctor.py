"""`cohost doctor`: each check on its own against real sockets, folders and binaries, then the command.

The OBS check (stand-in obs-websocket and a real OBS) is in test_doctor_obs.py.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from agent.app import doctor
from agent.config import (
    AudioConfig,
    ControlConfig,
    EspeakTTS,
    LlmConfig,
    PiperTTS,
    TransformersLLM,
    TtsConfig,
)
from tests.support.ports import free_port

# --- python, packages, torch ----------------------------------------------


def test_python_version() -> None:
    assert doctor.check_python((3, 11, 4)).status == "ok"
    old = doctor.check_python((3, 10, 12))
    assert old.status == "fail" and "3.10.12" in old.detail and "3.11" in old.fix


def test_packages_present_and_missing_distribution() -> None:
    ok = doctor.check_packages("cohost")
    assert ok.status == "ok", ok.detail
    missing = doctor.check_packages("cohost-no-such-distribution")
    assert missing.status == "fail" and "pip install -e ." in missing.fix


def test_torch_not_needed_for_templates_and_cpu_only_is_a_warning() -> None:
    assert doctor.check_torch(LlmConfig(engine="template")).status == "ok"
    import torch

    if torch.cuda.is_available():
        pytest.skip("a CUDA GPU is present; the CPU-only warning cannot show")
    check = doctor.check_torch(LlmConfig())
    assert check.status == "warn" and "CPU only" in check.detail
    assert "download.pytorch.org/whl/cu" in check.fix


# --- the voice (each engine's own check) -----------------------------------


def test_tts_check_is_the_engines_own_under_one_name() -> None:
    kokoro = doctor.check_tts(TtsConfig())
    assert kokoro.name == "tts" and kokoro.status == "ok" and kokoro.detail.startswith("kokoro:")
    missing = doctor.check_tts(TtsConfig(engine="piper", piper=PiperTTS(model="/nowhere/voice.onnx")))
    assert missing.status == "fail" and "tts.piper.model" in missing.fix + missing.detail
    assert doctor.check_tts(TtsConfig(engine="none")).status == "ok"


def test_tts_check_names_a_missing_espeak_voice() -> None:
    assert doctor.check_tts(TtsConfig(engine="espeak")).status == "ok"
    missing = doctor.check_tts(TtsConfig(engine="espeak", espeak=EspeakTTS(voice="cmn-latn-klingon")))
    assert missing.status == "fail" and "cmn-latn-klingon" in missing.detail


# --- the model --------------------------------------------------------------


def llm(model: str) -> LlmConfig:
    return LlmConfig(transformers=TransformersLLM(model=model))


def test_no_model_is_template_mode() -> None:
    check = doctor.check_llm_model(llm(""))
    assert check.status == "warn" and "template mode" in check.detail and "hf download" in check.fix
    assert doctor.check_llm_model(LlmConfig(engine="template")).status == "ok"


def test_local_model_folder(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text("{}")
    assert doctor.check_llm_model(llm(str(tmp_path))).status == "ok"
    empty = tmp_path / "empty"
    empty.mkdir()
    check = doctor.check_llm_model(llm(str(empty)))
    assert check.status == "fail" and "config.json" in check.detail


def test_missing_model_folder_warns_with_the_download_command(tmp_path: Path) -> None:
    missing = tmp_path / "models" / "glm-edge"
    check = doctor.check_llm_model(llm(str(missing)))
    assert check.status == "warn" and str(missing) in check.detail
    assert f"--local-dir {missing}" in check.fix and "hf download" in check.fix


@pytest.mark.parametrize(
    ("model", "local"),
    [
        ("gpt2", False),  # a hub id without an owner: the engine loads it from the hub
        ("zai-org/glm-edge-1.5b-chat", False),
        ("./models/glm", True),
        ("~/models/glm", True),
        ("/models/glm", True),
        ("C:\\models\\glm", True),
        ("models/zai/glm", True),
    ],
)
def test_doctor_and_the_engine_agree_on_what_is_a_folder(model: str, local: bool) -> None:
    from agent.config_llm import looks_local

    assert looks_local(model) is local
    check = doctor.check_llm_model(llm(model))
    assert ("does not exist" in check.detail) is local


def test_hub_id_looked_up_in_the_offline_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(tmp_path))
    absent = doctor.check_llm_model(llm("zai-org/glm-edge-1.5b-chat"))
    assert absent.status == "warn" and "not downloaded" in absent.detail
    assert absent.fix == "run `hf download zai-org/glm-edge-1.5b-chat`"

    # The hub cache layout: refs/main names the snapshot that holds the files.
    repo = tmp_path / "models--zai-org--glm-edge-1.5b-chat"
    snapshot = repo / "snapshots" / ("a" * 40)
    snapshot.mkdir(parents=True)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text("a" * 40)
    (snapshot / "config.json").write_text("{}")
    partial = doctor.check_llm_model(llm("zai-org/glm-edge-1.5b-chat"))
    assert partial.status == "warn" and "partly" in partial.detail
    (snapshot / "model.safetensors").write_bytes(b"")
    assert doctor.check_llm_model(llm("zai-org/glm-edge-1.5b-chat")).status == "ok"


# --- ports and audio ----------------------------------------------------------


def test_control_port_in_use_fails_and_free_port_passes() -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        check = doctor.check_control_port(ControlConfig(enabled=True, port=port))
    assert check.status == "fail" and f"127.0.0.1:{port}" in check.detail
    assert "control.port" in check.fix
    assert doctor.check_control_port(ControlConfig(enabled=True, port=port)).status == "ok"
    assert doctor.check_control_port(ControlConfig(enabled=False, port=port)).status == "ok"


def test_output_device_none_and_unknown_name() -> None:
    none = doctor.check_output_device(AudioConfig(output_device="none"))
    assert none.status == "ok" and "WAV" in none.detail
    unknown = doctor.check_output_device(AudioConfig(output_device="Speakers (No Such Card)"))
    assert unknown.status == "fail" and "Speakers (No Such Card)" in unknown.detail
    assert "cohost devices" in unknown.fix


# --- the config and the command -----------------------------------------------


def test_config_error_lines_surface(tmp_path: Path) -> None:
    bad = tmp_path / "config.toml"
    bad.write_text("[obs]\nport = 99999\n[brian]\nbot_name = 'x'\n", encoding="utf-8")
    check, config = doctor.check_config(bad)
    assert config is None and check.status == "fail"
    lines = check.detail.splitlines()
    assert any("obs.port" in line for line in lines) and any("'brian'" in line for line in lines)
    checks = doctor.run_checks(bad)
    assert [c.name for c in checks] == list(doctor.CHECK_NAMES)
    assert all(c.detail.startswith("skipped") for c in checks if c.name in ("obs", "llm model"))


QUIET = """
[llm]
engine = "template"
[tts]
engine = "none"
[audio]
output_device = "none"
"""


def cohost(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    env = {k: v for k, v in env.items() if not k.startswith("COHOST_")}
    return subprocess.run(
        [sys.executable, "-m", "agent", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=60
    )


def status_lines(stdout: str) -> dict[str, str]:
    out = {}
    for line in stdout.splitlines():
        for name in doctor.CHECK_NAMES:
            status = line[:4].strip()
            if status in ("ok", "warn", "fail") and line[6:].startswith(name + " "):
                out[name] = status
    return out


def test_cohost_doctor_all_clear_exits_0(tmp_path: Path) -> None:
    cfg = tmp_path / "quiet.toml"
    cfg.write_text(QUIET, encoding="utf-8")
    done = cohost("doctor", "--config", str(cfg), cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    statuses = status_lines(done.stdout)
    assert set(statuses) == set(doctor.CHECK_NAMES)
    assert "fail" not in statuses.values()
    assert " 0 fail" in done.stdout


def test_cohost_doctor_fails_on_unreachable_obs_and_taken_port(tmp_path: Path) -> None:
    cfg = tmp_path / "broken.toml"
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        extra = f"[obs]\nenabled = true\nport = {free_port()}\n[control]\nenabled = true\nport = {port}\n"
        cfg.write_text(QUIET + extra, encoding="utf-8")
        done = cohost("doctor", "--config", str(cfg), cwd=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    statuses = status_lines(done.stdout)
    assert set(statuses) == set(doctor.CHECK_NAMES)
    assert statuses["obs"] == "fail" and statuses["control port"] == "fail"
    assert "fix: start OBS" in done.stdout


def test_cohost_doctor_prints_config_errors(tmp_path: Path) -> None:
    cfg = tmp_path / "typo.toml"
    cfg.write_text("[obs]\nenabeld = true\n", encoding="utf-8")
    done = cohost("doctor", "--config", str(cfg), cwd=tmp_path)
    assert done.returncode == 1
    assert "unknown key 'obs.enabeld'" in done.stdout
    assert set(status_lines(done.stdout)) == set(doctor.CHECK_NAMES)


def test_no_sources_enabled_is_a_warning_with_the_fix() -> None:
    from agent.config import SourcesConfig

    none = doctor.check_sources(SourcesConfig())
    assert none.status == "warn" and "sources.enabled = []" in none.detail
    assert "bilibili_open" in none.fix
    assert doctor.check_sources(SourcesConfig(enabled=["twitch"])) == doctor.Check("sources", "ok", "twitch")
