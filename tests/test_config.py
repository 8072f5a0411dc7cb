"""Config: defaults load, bad values give one line each, env wins, secrets stay hidden."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from agent.config import DEFAULT_CONFIG, Config, ConfigError, load_config


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_config_matches_the_code_defaults() -> None:
    # config.toml documents every default: loading it must give exactly the built-in values.
    assert load_config(DEFAULT_CONFIG) == Config()


def test_every_key_in_config_toml_has_a_comment() -> None:
    lines = DEFAULT_CONFIG.read_text(encoding="utf-8").splitlines()
    undocumented = []
    for i, line in enumerate(lines):
        if "=" in line and not line.startswith("#"):
            above = lines[i - 1] if i else ""
            if not above.startswith("#") and not (above and "=" in above and not above.startswith("[")):
                undocumented.append(line)
    # Keys in a group may share the comment above the group, but every group has one.
    assert not undocumented, undocumented


def test_sections_are_frozen() -> None:
    cfg = load_config(DEFAULT_CONFIG)
    with pytest.raises(Exception, match="frozen"):
        cfg.brain.cooldown_s = 1.0  # type: ignore[misc]


@pytest.mark.parametrize(
    ("toml", "expected"),
    [
        (
            "[brain]\ncooldown_s = -1\n",
            "config error: brain.cooldown_s = -1: Input should be greater than or equal to 0",
        ),
        (
            '[brain]\ncooldown_s = "soon"\n',
            "config error: brain.cooldown_s = 'soon': Input should be a valid number",
        ),
        ("[brain]\ncooldwn_s = 3\n", "config error: unknown key 'brain.cooldwn_s'"),
        ('[llm]\nengine = "gpt"\n', "config error: llm.engine = 'gpt': Input should be 'transformers'"),
        (
            "[obs]\nport = 70000\n",
            "config error: obs.port = 70000: Input should be less than or equal to 65535",
        ),
        ("[brain\n", "is not valid TOML"),
    ],
)
def test_each_kind_of_bad_value_gives_one_line(tmp_path: Path, toml: str, expected: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, toml))
    assert len(caught.value.lines) == 1
    assert expected in caught.value.lines[0]
    assert "\n" not in caught.value.lines[0]


def test_several_problems_give_one_line_each(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, "[brain]\ncooldown_s = -1\nmax_pending = 0\n"))
    assert len(caught.value.lines) == 2


def test_missing_file_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="--config"):
        load_config(tmp_path / "nope.toml")


def test_env_override_wins_over_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, '[brain]\ncooldown_s = 3.0\n[obs]\npassword = "from-file"\n')
    assert load_config(path).brain.cooldown_s == 3.0
    monkeypatch.setenv("COHOST_BRAIN__COOLDOWN_S", "12.5")
    monkeypatch.setenv("COHOST_OBS__PASSWORD", "from-env")
    cfg = load_config(path)
    assert cfg.brain.cooldown_s == 12.5
    assert cfg.obs.password.get_secret_value() == "from-env"


def test_bad_env_value_names_the_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COHOST_BRAIN__MAX_REPLIES_PER_MINUTE", "lots")
    with pytest.raises(ConfigError) as caught:
        load_config(DEFAULT_CONFIG)
    assert caught.value.lines == [
        "config error: brain.max_replies_per_minute = 'lots' (from COHOST_BRAIN__MAX_REPLIES_PER_MINUTE): "
        "Input should be a valid integer, unable to parse string as an integer"
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [("bilibili", ["bilibili"]), ("bilibili, twitch", ["bilibili", "twitch"]), ('["jsonws"]', ["jsonws"])],
)
def test_env_list_takes_json_or_a_comma_list(
    monkeypatch: pytest.MonkeyPatch, value: str, expected: list[str]
) -> None:
    monkeypatch.setenv("COHOST_SOURCES__ENABLED", value)
    assert load_config(DEFAULT_CONFIG).sources.enabled == expected


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        (
            "COHOST_SOURCES__ENABLED",
            "bilibli",
            "config error: sources.enabled.0 = 'bilibli' (from COHOST_SOURCES__ENABLED): Input should be",
        ),
        (
            "COHOST_BRAIN__KIND_COOLDOWN_S",
            "gift=5",
            "config error: COHOST_BRAIN__KIND_COOLDOWN_S = 'gift=5': cannot read it; expected JSON such as",
        ),
        ("COHOST_LLM", "{oops", "config error: COHOST_LLM = '{oops': cannot read it; expected JSON"),
    ],
)
def test_unreadable_env_value_is_one_line_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, expected: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as caught:
        load_config(DEFAULT_CONFIG)
    assert len(caught.value.lines) == 1
    assert caught.value.lines[0].startswith(expected), caught.value.lines[0]


def test_cli_with_a_list_in_the_environment_runs(tmp_path: Path) -> None:
    env = {**os.environ, "COHOST_SOURCES__ENABLED": "bilibili", "COHOST_CONTROL__ENABLED": "false"}
    result = subprocess.run(
        [sys.executable, "-m", "agent", "doctor"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=tmp_path,
    )
    assert "Traceback" not in result.stderr + result.stdout
    assert "sources" in result.stdout and "bilibili" in result.stdout


def test_no_config_file_means_the_documented_defaults(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no config.toml here
    assert load_config() == load_config(DEFAULT_CONFIG) == Config()


def test_config_init_writes_the_documented_file_once(tmp_path: Path) -> None:
    def init(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "agent", "config", "init", *args],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=tmp_path,
        )

    assert init().returncode == 0
    written = tmp_path / "config.toml"
    assert written.read_text(encoding="utf-8") == DEFAULT_CONFIG.read_text(encoding="utf-8")
    written.write_text("# mine\n", encoding="utf-8")
    again = init()
    assert again.returncode == 1 and "--force" in again.stderr
    assert written.read_text(encoding="utf-8") == "# mine\n"  # never overwritten by accident
    assert init("--force").returncode == 0
    assert load_config(written) == Config()


def test_secrets_never_printed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    secret = "hunter2-very-secret"
    path = write(tmp_path, f'[obs]\npassword = "{secret}"\n[control]\ntoken = "{secret}"\n')
    cfg = load_config(path)
    assert secret not in repr(cfg)
    assert secret not in str(cfg.model_dump())
    # A bad secret value is reported without its value.
    bad = write(tmp_path, "[obs]\npassword = 12345678\n")
    with pytest.raises(ConfigError) as caught:
        load_config(bad)
    assert "12345678" not in caught.value.lines[0]
    assert "obs.password = <hidden>" in caught.value.lines[0]


@pytest.mark.parametrize(
    ("toml", "key"),
    [
        ("[llm.openai]\napi_key = 987654321\n", "llm.openai.api_key"),
        ("[sources.bilibili]\nbuvid3 = 987654321\n", "sources.bilibili.buvid3"),
        (
            "[sources.bilibili_open]\napp_id = 1\naccess_key_secret = 987654321\n",
            "sources.bilibili_open.access_key_secret",
        ),
    ],
)
def test_every_secret_field_is_hidden_by_its_type(tmp_path: Path, toml: str, key: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, toml))
    assert caught.value.lines == [f"config error: {key} = <hidden>: Input should be a valid string"]


def test_a_whole_section_is_never_echoed(tmp_path: Path) -> None:
    # A section given as the wrong type may hold a secret: its value is not shown.
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, '[llm]\nopenai = ["sk-987654321"]\n'))
    assert "987654321" not in caught.value.lines[0]


def test_cli_reports_config_errors_in_one_line_and_no_traceback(tmp_path: Path) -> None:
    path = write(tmp_path, "[brain]\ncooldown_s = -1\n")
    result = subprocess.run(
        [sys.executable, "-m", "agent", "demo", "--config", str(path), "--speed", "50"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert (
        result.stderr.strip()
        == "config error: brain.cooldown_s = -1: Input should be greater than or equal to 0"
    )
    assert "Traceback" not in result.stderr
