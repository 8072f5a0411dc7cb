"""`cohost moderate`: one JSON verdict per input line, synthetic clock for the flood rules."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from agent.app.cli import app

runner = CliRunner()


def _config(tmp_path: Path, extra: str = "") -> Path:
    path = tmp_path / "config.toml"
    path.write_text(f"[brain]\nsentiment_model = false\n{extra}", encoding="utf-8")
    return path


def test_prints_one_verdict_per_line(tmp_path: Path) -> None:
    messages = tmp_path / "chat.txt"
    messages.write_text("主播晚上好\n傻 逼\n加我vx: abc12345\nu1\t你好\nu1\t你好啊\n", encoding="utf-8")
    result = runner.invoke(app, ["moderate", str(messages), "--config", str(_config(tmp_path))])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["text"] for r in rows] == ["主播晚上好", "傻 逼", "加我vx: abc12345", "你好", "你好啊"]
    assert [r["kept"] for r in rows] == [True, False, False, True, False]
    assert [r["reason"] for r in rows] == ["", "banned_word", "contact_solicit", "", "repeat"]
    assert rows[1]["rule"] == "傻逼"
    assert rows[2]["normalized"] == "加我[联系方式]"
    assert "greeting" in rows[0]["tags"]
    assert set(rows[0]) == {"text", "kept", "reason", "rule", "normalized", "tags", "sentiment"}


def test_reads_stdin_and_flood_shows_on_the_synthetic_clock(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        ["moderate", "--config", str(_config(tmp_path, "duplicate_max = 2\n"))],
        input="666\n666\n666\n",
    )
    assert result.exit_code == 0, result.output
    assert [json.loads(line)["reason"] for line in result.stdout.splitlines()] == ["", "", "flood"]
    spaced = runner.invoke(
        app,
        ["moderate", "--interval", "60", "--config", str(_config(tmp_path, "duplicate_max = 2\n"))],
        input="666\n666\n666\n",
    )
    assert [json.loads(line)["reason"] for line in spaced.stdout.splitlines()] == ["", "", ""]


def test_bad_bytes_do_not_crash(tmp_path: Path) -> None:
    messages = tmp_path / "bad.txt"
    messages.write_bytes(b"\xff\xfe hello\n\xe4\xbd\n")
    result = runner.invoke(app, ["moderate", str(messages), "--config", str(_config(tmp_path))])
    assert result.exit_code == 0, result.output
    assert len(result.stdout.splitlines()) == 2


def test_missing_file_and_missing_lexicon_are_one_line_errors(tmp_path: Path) -> None:
    result = runner.invoke(app, ["moderate", str(tmp_path / "nope.txt"), "--config", str(_config(tmp_path))])
    assert result.exit_code == 2
    assert "no file at" in result.output
    broken = _config(tmp_path, 'banned_word_files = ["missing.txt"]\n')
    result = runner.invoke(app, ["moderate", "--config", str(broken)], input="hi\n")
    assert result.exit_code == 2
    assert "banned word file missing.txt does not exist" in result.output
