"""A non-editable install works from any folder: the wheel carries the overlay, the OBS script
and the documented config, and `cohost demo` runs from an empty folder.

Offline, so not a fully fresh install: the wheel is built with the hatchling in this venv
(pip --no-build-isolation) and installed with --no-deps into a new venv that sees this venv's
site-packages only as a plain path (a .pth line), so its dependencies are there but the
editable `agent` is not: every `agent` file the run uses comes from the wheel.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
BIN = "Scripts" if os.name == "nt" else "bin"


def run(args: list[str], cwd: Path, timeout: float = 300, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("COHOST_", "PYTHON"))}
    return subprocess.run(
        args, cwd=cwd, env={**clean, **env}, capture_output=True, text=True, timeout=timeout
    )


SHIPPED = (
    "agent/shipped/overlay/index.html",
    "agent/shipped/obs_scripts/cohost_obs.py",
    "agent/shipped/config.toml",
    "agent/data/demo_room.jsonl",
)


def build_wheel(dist: Path) -> Path:
    """This checkout as a wheel in ``dist``, built offline with this venv's hatchling."""
    pip_wheel = ["pip", "wheel", "--no-deps", "--no-build-isolation", "-w", str(dist), str(REPO)]
    built = run([sys.executable, "-m", *pip_wheel], cwd=dist.parent)
    assert built.returncode == 0, built.stderr[-3000:]
    (wheel,) = dist.glob("cohost-*.whl")
    return wheel


def install(wheel: Path, venv: Path, cwd: Path) -> tuple[Path, Path]:
    """(python, site-packages) of a new venv holding the wheel; this venv's packages via a .pth line."""
    assert run([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=cwd).returncode == 0
    python = venv / BIN / ("python.exe" if os.name == "nt" else "python")
    purelib = run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], cwd=cwd)
    site = Path(purelib.stdout.strip())
    (site / "cohost_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    installed = run([str(python), "-m", "pip", "install", "--no-deps", "--no-index", str(wheel)], cwd=cwd)
    assert installed.returncode == 0, installed.stderr[-3000:]
    return python, site


@pytest.mark.slow
def test_wheel_installs_and_the_demo_runs_from_an_empty_folder(tmp_path: Path) -> None:
    dist, venv, empty = tmp_path / "dist", tmp_path / "venv", tmp_path / "empty"
    empty.mkdir()
    wheel = build_wheel(dist)
    names = set(zipfile.ZipFile(wheel).namelist())
    for shipped in SHIPPED:
        assert shipped in names, shipped
    python, site = install(wheel, venv, empty)

    where = run([str(python), "-c", "import agent; print(agent.__file__)"], cwd=empty)
    assert Path(where.stdout.strip()).is_relative_to(site), where.stdout + where.stderr
    cohost = str(venv / BIN / "cohost")

    script = run([cohost, "obs-script-path"], cwd=empty)
    assert script.returncode == 0, script.stderr
    assert Path(script.stdout.strip()) == site / "agent" / "shipped" / "obs_scripts" / "cohost_obs.py"
    assert Path(script.stdout.strip()).is_file()

    assert run([cohost, "config", "init"], cwd=empty).returncode == 0
    assert (empty / "config.toml").read_bytes() == (REPO / "config.toml").read_bytes()
    (empty / "config.toml").unlink()  # the demo below runs on the code's defaults

    demo = run(
        [cohost, "demo", "--speed", "20"],
        cwd=empty,
        timeout=600,
        COHOST_AUDIO__OUTPUT_DEVICE="none",
        COHOST_CONTROL__PORT="0",
        COLUMNS="160",
    )
    assert demo.returncode == 0, demo.stderr[-3000:]
    assert "Traceback" not in demo.stderr
    assert "Replies (" in demo.stdout
    # The overlay folder was found inside the installed package.
    assert "/overlay" in demo.stderr and "control API off" not in demo.stderr
    assert "Replaying " in demo.stdout and "Messages in" in demo.stdout  # the shipped demo room was read
