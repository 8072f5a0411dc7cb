"""A viewer's recent messages read together (issue 16 item 4): a word or number split over
messages is caught, both halves are kept out of replies and off the overlay's chat."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from agent.app.cli import app
from agent.brain.brain import Brain
from agent.brain.joined import MAX_CHARS, WINDOW_S, RecentChat
from agent.brain.moderation import Moderator
from agent.brain.state import Emit
from agent.config import BrainConfig
from agent.control.overlay_chat import ChatGate
from agent.events import Admitted, Danmaku, Filtered


@pytest.fixture(scope="module")
def moderator() -> Moderator:
    return Moderator.from_config(BrainConfig(sentiment_model=False))


@pytest.mark.parametrize(
    ("parts", "reason", "rule"),
    [
        (["加我扣扣四七幺", "二八三九五"], "contact_solicit", "split:contact_id"),
        (["138 0013", "8000"], "contact_solicit", "split:phone"),
        (["傻", "逼"], "banned_word", "split:傻逼"),
        (["外", "挂有吗"], "banned_word", "split:外挂"),
        (["sha", "bi"], "banned_word", "split:傻逼"),
        (["abc点", "com"], "contact_solicit", "split:hidden_link"),
        (["百", "家", "乐"], "banned_word", "split:百家乐"),
    ],
)
def test_a_split_word_or_number_is_caught(
    moderator: Moderator, parts: list[str], reason: str, rule: str
) -> None:
    recent = RecentChat(moderator)
    found = [recent.check("u1", part, float(i)) for i, part in enumerate(parts)]
    assert found[:-1] == [None] * (len(parts) - 1)
    split = found[-1]
    assert split is not None and (split.reason, split.rule) == (reason, rule)
    assert split.earlier[-1] == parts[-2]


def test_only_one_viewers_recent_short_messages_join(moderator: Moderator) -> None:
    recent = RecentChat(moderator)
    assert recent.check("u1", "傻", 0.0) is None
    assert recent.check("u2", "逼", 1.0) is None  # another viewer
    assert recent.check("u3", "傻", 2.0) is None
    assert recent.check("u3", "逼", 2.0 + WINDOW_S + 1) is None  # too late
    assert recent.check("u4", "傻", 3.0) is None
    assert recent.check("u4", "这" * (MAX_CHARS + 1), 4.0) is None  # a long message ends it
    assert recent.check("u4", "逼", 5.0) is None
    for a, b in [("今天", "真开心"), ("主播", "晚上好"), ("这个", "情感真细腻")]:
        assert recent.check("u5", a, 6.0) is None
        assert recent.check("u5", b, 7.0) is None, (a, b)


def _danmaku(text: str, uid: str, n: int) -> Danmaku:
    return Danmaku(text=text, uid=uid, uname=f"观众{uid}", msg_id=f"{uid}-{n}")


def test_the_brain_filters_both_halves_and_the_overlay_takes_the_first_back(moderator: Moderator) -> None:
    brain = Brain(BrainConfig(sentiment_model=False), moderator)
    gate = ChatGate()
    first, second = _danmaku("主播加我扣扣四七幺", "u1", 0), _danmaku("二八三九五", "u1", 1)
    shown: list[dict[str, Any]] = []
    emitted: list[Filtered | Admitted] = []
    for n, event in enumerate([first, second]):
        gate.add(event)
        for decision in brain.handle(event, 100.0 + n):
            if isinstance(decision, Emit) and isinstance(decision.event, Filtered | Admitted):
                emitted.append(decision.event)
                if (line := gate.add(decision.event)) is not None:
                    shown.append(line)
    filtered = [e for e in emitted if isinstance(e, Filtered) and e.rule.startswith("split:")]
    assert sorted(e.text for e in filtered) == sorted([first.text, second.text])
    assert shown[0]["text"] == first.text  # shown before the second half came
    assert shown[-1]["line"] == shown[0]["line"] and shown[-1]["text"] == ""  # then taken back
    assert all(c.message is None or c.message.event is not first for c in brain.state.queue.pending)


def test_cohost_moderate_reads_one_viewers_lines_together(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text("[brain]\nsentiment_model = false\n", encoding="utf-8")
    lines = "u1\t加我扣扣四七幺\nu1\t二八三九五\nu2\t傻\nu3\t逼\n"
    result = CliRunner().invoke(app, ["moderate", "--config", str(config)], input=lines)
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["kept"] for r in rows] == [True, False, True, True]
    assert (rows[1]["reason"], rows[1]["rule"]) == ("contact_solicit", "split:contact_id")
