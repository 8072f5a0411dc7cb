"""Nothing vanishes: every viewer event ends answered by a spoken reply, not answered with a
reason (a Filtered counting the events it stands for), or waiting.

The state machine on a fake clock for each way a reply can be lost (a combo folded into one
thank-you then muted, a thanks batch that goes stale, a say over a reply), then a whole demo
replay through `cohost demo`, whose summary's accounts must add up and agree with its recording.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from agent.brain.ledger import VIEWER_EVENTS, Ledger
from agent.brain.state import Answered, BrainState, Emit, Message, StartReply, step
from agent.config import BrainConfig
from agent.events import Control, Danmaku, Enter, Filtered, Gift, Tick, UtteranceDone

CFG = BrainConfig(
    user_cooldown_s=0.0,
    kind_cooldown_s={},
    gift_batch_s=1.0,
    welcome_batch_s=0.0,
    cooldown_s=0.0,
    gap_after_streamer_s=0.0,
    stale_after_s=10.0,
)


class Timeline:
    def __init__(self) -> None:
        self.state = BrainState()
        self.actions: list[object] = []

    def at(self, now: float, item: object) -> None:
        self.state, actions = step(self.state, item, now, CFG)  # type: ignore[arg-type]
        self.actions.extend(actions)

    def done(self, now: float, outcome: str = "spoken") -> None:
        self.at(now, UtteranceDone(utterance_id=self.state.floor.in_flight, outcome=outcome))  # type: ignore[arg-type]

    def filtered(self) -> list[Filtered]:
        return [a.event for a in self.actions if isinstance(a, Emit) and isinstance(a.event, Filtered)]

    def answered(self) -> Counter[str]:
        ledger = Ledger()
        for a in self.actions:
            if isinstance(a, Answered):
                ledger.answered(a.candidate)
        return ledger.spoken


def combo(count: int, combo_id: str, uname: str) -> Message:
    gift = Gift(gift_name="小心心", uname=uname, uid=uname, count=count, combo_id=combo_id)
    return Message(gift, "", uname)


def test_a_combo_cut_off_by_mute_is_thanked_after_the_unmute() -> None:
    t = Timeline()
    for i in range(5):
        t.at(0.1 * i, combo(i + 1, "c1", "老王"))  # five sends, one thank-you
    t.at(2.0, Tick())
    t.at(2.5, Control(action="mute"))
    t.done(3.0, "interrupted")
    t.at(10.0, Control(action="unmute"))
    starts = [s.candidate for s in t.actions if isinstance(s, StartReply)]
    assert [(c.kind, c.events, c.resumed) for c in starts] == [("gift", 5, False), ("gift", 5, True)]
    t.done(12.0)
    assert t.answered() == Counter({"gift": 5}) and t.filtered() == []


def test_a_combo_skipped_counts_every_send_as_not_answered() -> None:
    t = Timeline()
    for i in range(5):
        t.at(0.1 * i, combo(i + 1, "c1", "老王"))
    t.at(2.0, Tick())
    t.at(2.5, Control(action="skip"))
    t.done(3.0, "interrupted")
    (cut,) = t.filtered()
    assert (cut.of, cut.reason, cut.rule, cut.uname, cut.events) == ("gift", "interrupted", "skip", "老王", 5)


def test_a_thanks_batch_that_goes_stale_lists_each_giver() -> None:
    t = Timeline()
    t.at(0.0, Message(Danmaku(text="问题？", uname="甲", uid="甲"), "问题？", "甲", frozenset({"question"})))
    t.at(0.1, combo(3, "c1", "老王"))
    t.at(0.2, combo(1, "c2", "小李"))
    t.at(0.3, Control(action="mute"))  # the question is cut off, the gifts wait and go stale
    t.done(0.4, "interrupted")
    t.at(100.0, Tick())
    by_who = {(f.of, f.uname, f.reason, f.events) for f in t.filtered()}
    assert ("gift", "老王", "stale", 1) in by_who and ("gift", "小李", "stale", 1) in by_who
    assert ("danmaku", "甲", "interrupted", 1) in by_who


def test_a_batch_spoken_to_the_end_answers_each_part() -> None:
    t = Timeline()
    t.at(0.0, Message(Danmaku(text="问题？", uname="甲", uid="甲"), "问题？", "甲", frozenset({"question"})))
    for i in range(3):
        t.at(0.1 + i / 10, combo(i + 1, "c1", "老王"))
    t.at(0.5, Message(Enter(uname="新人", uid="新人", action="follow"), "", "新人"))
    t.done(2.0)  # the question, spoken
    t.at(3.0, Tick())
    t.done(4.0)  # the thanks batch: the combo (three sends) and the follow
    assert t.answered() == Counter({"gift": 3, "danmaku": 1, "enter": 1})
    assert t.filtered() == []


def test_a_say_over_a_reply_lists_what_it_cut() -> None:
    t = Timeline()
    t.at(0.0, Message(Danmaku(text="问题？", uname="甲", uid="甲"), "问题？", "甲", frozenset({"question"})))
    first = t.state.floor.in_flight
    t.at(1.0, Control(action="say", text="稍等一下"))
    # The first reply's end arrives after the say's reply began; then the say is cut off too.
    t.at(1.5, UtteranceDone(utterance_id=first, outcome="interrupted"))
    t.done(2.0, "interrupted")
    assert [(f.uname, f.reason, f.rule) for f in t.filtered()] == [("甲", "interrupted", "say")]


# --- a whole demo replay ---


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    out = tmp_path_factory.mktemp("accounts")
    record = out / "demo.jsonl"
    env = {
        **os.environ,
        "COHOST_ASR__ENGINE": "none",  # the streamer's lines replay as text
        "COHOST_TTS__ENGINE": "none",  # text only: this test is about bookkeeping, not voices
        "COHOST_AUDIO__OUTPUT_DEVICE": "none",
        "COHOST_CONTROL__PORT": "0",
        "COLUMNS": "160",
    }
    result = subprocess.run(
        [sys.executable, "-m", "agent", "demo", "--speed", "10", "--quiet", "--record", str(record)],
        capture_output=True,
        text=True,
        env=env,
        cwd=out,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout, record


def accounts_table(stdout: str) -> dict[str, list[int]]:
    lines = stdout.split("Every viewer event, and what became of it", 1)[1].splitlines()
    rows: dict[str, list[int]] = {}
    for line in lines[1:]:
        cells = [c.strip() for c in line.split("│")]
        if len(cells) != 6:
            if rows:
                break
            continue
        rows[cells[0]] = [int(c) for c in cells[1:]]
    return rows


def test_every_viewer_event_of_the_demo_is_accounted_for(demo: tuple[str, Path]) -> None:
    stdout, record = demo
    table = accounts_table(stdout)
    events = [json.loads(line) for line in record.read_text(encoding="utf-8").splitlines()]
    received = Counter(e["type"] for e in events if e["type"] in VIEWER_EVENTS)
    not_answered: Counter[str] = Counter()
    for e in events:
        if e["type"] == "filtered":
            not_answered[e["of"]] += e["events"]
    assert received["gift"] == 20 and set(table) == set(received)
    for kind, (n, answered, dropped, waiting, lost) in table.items():
        assert n == received[kind], kind
        assert dropped == not_answered[kind], kind  # the table says what the log says
        assert lost == 0 and n == answered + dropped + waiting, (kind, table[kind])
    assert table["gift"][1] > 0  # the gifts are thanked when the bot has a voice to spare
