"""Config mistakes a streamer makes, each one clear line naming the file they gave: an
unknown voice engine (not pydantic's per-member ``literal['none']`` lines), a banned word file
that is not there (doctor reports it too, not ``ok config``)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from agent.app.cli import app


def cohost(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COHOST_")}
    return subprocess.run(
        [sys.executable, "-m", "agent", *args], capture_output=True, text=True, timeout=300, cwd=cwd, env=env
    )


def test_an_unknown_voice_engine_is_one_line_listing_the_engines(tmp_path: Path) -> None:
    (tmp_path / "other.toml").write_text('[tts]\nengine = "bogus"\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["demo", "--config", str(tmp_path / "other.toml")])
    assert result.exit_code == 2
    (line,) = result.output.strip().splitlines()
    assert line.startswith("config error: tts.engine = 'bogus': expected one of 'kokoro'")
    assert "'none'" in line and "literal[" not in line


def test_doctor_reports_a_missing_banned_word_file_of_the_config_given(tmp_path: Path) -> None:
    (tmp_path / "other.toml").write_text('[brain]\nbanned_word_files = ["nope.txt"]\n', encoding="utf-8")
    result = cohost(["doctor", "--config", "other.toml"], tmp_path)
    assert result.returncode != 0
    config_line = next(line for line in result.stdout.splitlines() if line.split()[1:2] == ["config"])
    assert config_line.startswith("fail") and "nope.txt" in config_line and "other.toml" in config_line
    assert "config.toml)" not in config_line  # it names the file given, not the default


def test_other_commands_name_the_config_file_given(tmp_path: Path) -> None:
    (tmp_path / "other.toml").write_text('[brain]\nbanned_word_files = ["nope.txt"]\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["demo", "--config", str(tmp_path / "other.toml")])
    assert result.exit_code == 2
    (line,) = result.output.strip().splitlines()
    given = tmp_path / "other.toml"
    assert line.startswith("config error: banned word file nope.txt does not exist")
    assert line.endswith(f"(fix brain.banned_word_files in {given})")
