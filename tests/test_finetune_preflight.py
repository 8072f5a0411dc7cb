"""`cohost finetune` checks what it needs before any work: in a venv without torch and peft it
says in one line what to install and leaves no OUT.partial; a hub id it cannot reach fails at
once with one line.

The venv without torch/peft is built as tests/test_wheel.py builds its own (offline, no pip
download): a new venv whose site-packages links every package of this venv except torch* and
peft*, so those are really not installed there, and the rest is the same code.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

BIN = "Scripts" if os.name == "nt" else "bin"
LEFT_OUT = ("torch", "peft")


def run(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("COHOST_", "PYTHON"))}
    return subprocess.run(args, cwd=cwd, env={**clean, **env}, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def python_without_torch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("venv-no-torch")
    venv = root / "venv"
    assert run([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=root).returncode == 0
    python = venv / BIN / ("python.exe" if os.name == "nt" else "python")
    site = Path(
        run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], cwd=root
        ).stdout.strip()
    )
    ours = Path(sysconfig.get_paths()["purelib"])
    for entry in ours.iterdir():
        if entry.name.lower().startswith(LEFT_OUT) or (site / entry.name).exists():
            continue
        (site / entry.name).symlink_to(entry, target_is_directory=entry.is_dir())
    return python


@pytest.fixture
def chat_data(tmp_path: Path) -> Path:
    data = tmp_path / "chat_train.jsonl"
    row = {
        "messages": [
            {"role": "user", "content": "几点下播？"},
            {"role": "assistant", "content": "十二点左右。"},
        ]
    }
    data.write_text(json.dumps(row, ensure_ascii=False) + "\n", encoding="utf-8")
    return data


def test_the_venv_really_lacks_torch_and_peft(python_without_torch: Path, tmp_path: Path) -> None:
    probe = run([str(python_without_torch), "-c", "import agent, transformers; import torch"], cwd=tmp_path)
    assert "No module named 'torch'" in probe.stderr


def test_finetune_without_torch_or_peft_says_what_to_install(
    python_without_torch: Path, chat_data: Path, tmp_path: Path
) -> None:
    base = tmp_path / "base"
    base.mkdir()  # a local folder: only the packages are missing
    out = tmp_path / "adapter"
    result = run(
        [
            str(python_without_torch),
            "-m",
            "agent",
            "finetune",
            str(chat_data),
            "--base",
            str(base),
            "--out",
            str(out),
        ],
        cwd=tmp_path,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert "torch" in line and "peft" in line and "pip install" in line
    assert not out.exists() and not out.with_name("adapter.partial").exists()


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # closed again when this returns: nothing listens


def test_a_hub_id_that_cannot_be_reached_fails_at_once_in_one_line(chat_data: Path, tmp_path: Path) -> None:
    out = tmp_path / "adapter"
    result = run(
        [
            sys.executable,
            "-m",
            "agent",
            "finetune",
            str(chat_data),
            "--base",
            "nobody/not-downloaded",
            "--out",
            str(out),
        ],
        cwd=tmp_path,
        HF_ENDPOINT=f"http://127.0.0.1:{closed_port()}",  # the hub, unreachable (no internet)
        HF_HUB_CACHE=str(tmp_path / "hub-cache"),  # nothing downloaded
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert "nobody/not-downloaded" in line and "cannot" in line and "hf download" in line
    assert not out.with_name("adapter.partial").exists()
