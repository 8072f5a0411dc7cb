"""What every source shares: the sanitiser, the JSON reader, and finding a source by name."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from agent.app.cli import app
from agent.config import SourcesConfig, TwitchSource, load_config
from agent.events import Danmaku, Gift, Guard, SuperChat
from agent.shared.cleantext import clean_text
from agent.sources import registry
from agent.sources.boundary import Implausible, admit
from agent.sources.factory import build_live_sources
from agent.sources.jsonread import BadJson, load_object, loads
from agent.sources.platforms import MAX_TEXT

UNSAFE = ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\x9b", "\u061c", "\u200e", "\u200f"]
UNSAFE += [chr(c) for c in range(0x202A, 0x202F)] + [chr(c) for c in range(0x2066, 0x206A)]
UNSAFE += ["\ud800", "\udfff", "\u2028"]


# --- the sanitiser -----------------------------------------------------------------


@pytest.mark.parametrize("char", UNSAFE, ids=lambda c: f"U+{ord(c):04X}")
def test_every_unsafe_character_goes_from_texts_and_names(char: str) -> None:
    event = admit(Danmaku(text=f"a{char}b", uname=f"{char}name", reply_to=char, medal_name=f"m{char}"))
    assert char not in event.text + event.uname + event.reply_to + event.medal_name
    (event.text + event.uname).encode("utf-8")


def test_what_chat_needs_is_kept() -> None:
    text = "主播好 👨‍👩‍👧 café ٣ ¡hola! <b>&amp;</b>"  # ZWJ emoji, accents, markup as plain text
    assert clean_text(text) == text
    assert clean_text("one\ntwo\tthree\r\n") == "one two three  "
    assert admit(Danmaku(text="plain", uname="x")) == Danmaku(text="plain", uname="x")


def test_a_text_longer_than_any_platform_sends_is_cut_once_here() -> None:
    huge = admit(SuperChat(text="啊\x00" * 5000, uname="老板"))
    assert huge.text == "啊" * (MAX_TEXT // 2)  # cut to MAX_TEXT, then cleaned
    assert admit(Danmaku(text="好" * MAX_TEXT)).text == "好" * MAX_TEXT


@pytest.mark.parametrize(
    "event",
    [
        Gift(gift_name="g", count=-1),
        Gift(gift_name="g", count=10**17),
        Gift(gift_name="g", price=float("inf")),
        Gift(gift_name="g", price=float("nan")),
        Gift(gift_name="g", price=2_000_000.0),
        SuperChat(text="t", price=-30.0),
        SuperChat(text="t", price=30.0, duration_s=10**9),
        Guard(count=1, level=-3),
        Danmaku(text="t", guard_level=-1),
    ],
    ids=repr,
)
def test_impossible_numbers_are_refused(event: object) -> None:
    with pytest.raises(Implausible):
        admit(event)  # type: ignore[type-var]


def test_big_but_real_numbers_pass() -> None:
    year_of_governor = Guard(level=1, count=12, price=19998.0 * 12)
    assert admit(year_of_governor) is year_of_governor
    assert admit(Gift(gift_name="raid", count=250_000)).count == 250_000


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_cleaned_text_always_encodes_and_cleaning_twice_changes_nothing(text: str) -> None:
    once = clean_text(text)
    once.encode("utf-8")
    assert clean_text(once) == once
    assert not any(ch in once for ch in UNSAFE)


# --- the JSON reader ---------------------------------------------------------------


def test_strict_json_only() -> None:
    assert loads(b'{"a": [1, 2.5, "x"]}') == {"a": [1, 2.5, "x"]}
    for bad in [b"NaN", b'{"p": Infinity}', b"[1e400]", b"{bad", b"\xff", b"[" * 100_000]:
        with pytest.raises(BadJson):
            loads(bad)


def test_a_lone_surrogate_is_read_not_refused() -> None:
    # orjson refuses it; losing a viewer's whole message for one broken emoji half is worse.
    assert loads('{"t": "hi\\ud800"}') == {"t": "hi\ud800"}
    assert load_object(b'{"t": "\\udfff"}') == {"t": "\udfff"}


def test_load_object_is_none_for_anything_but_an_object() -> None:
    assert [load_object(raw) for raw in (b"[1]", b"3", b"{", b"null")] == [None] * 4


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=200), st.binary(max_size=200)))
def test_the_reader_raises_nothing_but_bad_json(raw: str | bytes) -> None:
    with contextlib.suppress(BadJson):
        loads(raw)


# --- sources by name ---------------------------------------------------------------


def test_names_come_from_the_config_union() -> None:
    assert registry.names() == ("bilibili", "bilibili_open", "twitch", "jsonws")
    assert registry.canonical(" Bilibili-Open ") == "bilibili_open"


@pytest.mark.parametrize("spelling", ["bilibili_open", "bilibili-open", "Bilibili-Open"])
def test_both_spellings_work_in_config_and_on_the_command_line(spelling: str, tmp_path: Path) -> None:
    assert SourcesConfig(enabled=[spelling]).enabled == ["bilibili_open"]
    config = tmp_path / "config.toml"
    config.write_text(f"[sources]\nenabled = {json.dumps([spelling])}\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["listen", "--source", spelling, "--config", str(config)])
    # Not configured: one line per missing credential, the same for every spelling.
    assert result.exit_code == 2
    assert "sources.bilibili_open.identity_code" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_unknown_source_on_the_command_line_lists_the_choices(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["listen", "--source", "youtube"])
    assert result.exit_code == 2
    assert "bilibili-open" in result.stderr and "Traceback" not in result.stderr


def test_a_new_member_of_the_union_needs_only_its_module() -> None:
    # Every name resolves to a module with the three functions the registry calls.
    cfg = SourcesConfig(twitch=TwitchSource(channel="c"))
    for name in registry.names():
        assert isinstance(registry.problems(cfg, name), list)
        assert isinstance(registry.cli_options(name, None, None, None), dict)
    assert [s.name for s in build_live_sources(cfg.model_copy(update={"enabled": ["twitch"]}))] == ["twitch"]


def test_the_dashed_name_works_in_an_environment_override(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config.toml"
    config.write_text("", encoding="utf-8")
    monkeypatch.setenv("COHOST_SOURCES__ENABLED", "bilibili-open,twitch")
    assert load_config(config).sources.enabled == ["bilibili_open", "twitch"]
