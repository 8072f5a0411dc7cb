"""The turn-taking state machine on a fake clock: pure step(), no asyncio.

The per-viewer and per-kind rules (cooldowns, batching, combos, interruption) are in
test_brain_state_rules.py.
"""

from __future__ import annotations

from agent.brain.queue import FOLDED, RANK
from agent.brain.state import Emit, Message, StartReply, StopReply
from agent.events import (
    Audio,
    Control,
    Enter,
    Filtered,
    Gift,
    Guard,
    StateChange,
    StreamerVoice,
    SuperChat,
    Tick,
)
from tests.support.brain_timeline import Timeline, chat, question, simple


def test_answers_at_once_when_idle() -> None:
    t = Timeline()
    actions = t.at(0.0, question("这是什么游戏？"))
    starts = [a for a in actions if isinstance(a, StartReply)]
    assert len(starts) == 1
    assert starts[0].candidate.kind == "question"
    assert t.state.floor.in_flight == starts[0].utterance_id


def test_cooldown_holds_between_replies() -> None:
    t = Timeline()
    t.at(0.0, question("问题一？"))
    t.finish(2.0)
    assert not [a for a in t.at(2.5, question("问题二？")) if isinstance(a, StartReply)]
    assert not [a for a in t.at(6.9, Tick()) if isinstance(a, StartReply)]  # 4.9 s after the end
    started = [a for a in t.at(7.0, Tick()) if isinstance(a, StartReply)]
    assert [s.candidate.message.text for s in started] == ["问题二？"]


def test_per_minute_cap_holds() -> None:
    cfg = simple(cooldown_s=0.0, max_replies_per_minute=3, gap_after_streamer_s=0.0, stale_after_s=300.0)
    t = Timeline(cfg)
    now = 0.0
    for i in range(6):
        t.at(now, question(f"第{i}个问题？", uname=f"u{i}"))
    for _ in range(20):
        now += 1.0
        if t.state.floor.in_flight:
            t.finish(now)
        t.at(now, Tick())
    starts = t.starts()
    assert len(starts) == 3  # the cap, within the first minute
    now = 61.0
    t.at(now, Tick())
    assert len(t.starts()) == 4  # the window slides


def test_priority_order() -> None:
    t = Timeline(simple(cooldown_s=0.0, gap_after_streamer_s=0.0, max_replies_per_minute=100))
    t.at(0.0, chat("先来的闲聊"))  # starts at once: nothing was waiting
    inputs = [
        chat("闲聊"),
        question("问题？"),
        chat("小助手你好", frozenset({"mention"})),
        Message(Gift(gift_name="辣条", uname="g", uid="g", count=3), "", "g"),
        Message(Guard(uname="h", uid="h", level=3), "", "h"),
        Message(SuperChat(text="主播加油", uname="s", uid="s", price=30), "主播加油", "s"),
        Message(Enter(uname="e", uid="e", action="follow"), "", "e"),
    ]
    for item in inputs:
        t.at(0.1, item)
    now = 1.0
    while t.state.floor.in_flight:
        t.finish(now)
        now += 1.0
    kinds = [s.candidate.kind for s in t.starts()]
    # The gift and the follow waited together: one line thanks both.
    assert kinds == ["chatter", "super_chat", "guard", "thanks", "mention", "question", "chatter"]
    (thanks,) = [s.candidate for s in t.starts() if s.candidate.kind == "thanks"]
    assert [part.kind for part in thanks.batch] == ["gift", "follow"]
    assert thanks.names == ("g", "e")


def test_control_mute_stops_replies_at_once() -> None:
    t = Timeline()
    t.at(0.0, question("问题？"))
    speaking = t.state.floor.in_flight
    actions = t.at(0.5, Control(action="mute"))
    assert StopReply(speaking, "mute") in actions
    t.finish(0.6)
    t.at(0.7, question("静音时的问题？"))
    for now in (10.0, 20.0):
        assert not [a for a in t.at(now, Tick()) if isinstance(a, StartReply)]
    assert t.state.floor.muted
    states = [a.event.state for a in t.actions if isinstance(a, Emit) and isinstance(a.event, StateChange)]
    assert states[-1] == "muted"
    started = [a for a in t.at(21.0, Control(action="unmute")) if isinstance(a, StartReply)]
    assert [s.candidate.message.text for s in started] == ["静音时的问题？"]


def test_never_starts_while_streamer_talks_and_interrupts_on_barge_in() -> None:
    t = Timeline()
    t.at(0.0, question("问题一？"))
    first = t.state.floor.in_flight
    actions = t.at(1.0, StreamerVoice(speaking=True))
    assert StopReply(first, "streamer") in actions
    t.finish(1.1)
    t.at(2.0, question("问题二？"))
    assert not [a for a in t.at(9.0, Tick()) if isinstance(a, StartReply)]  # still talking
    t.at(10.0, StreamerVoice(speaking=False))
    assert not [a for a in t.at(10.5, Tick()) if isinstance(a, StartReply)]  # the gap after they stop
    assert [a for a in t.at(11.0, Tick()) if isinstance(a, StartReply)]


def test_gifts_from_one_viewer_batch_into_one_thanks() -> None:
    t = Timeline()
    t.at(0.0, question("先占住回复？"))
    for _ in range(10):
        t.at(0.1, Message(Gift(gift_name="小心心", uname="老王", uid="1", count=5), "", "老王"))
    t.finish(1.0)
    t.at(6.0, Tick())
    gift = t.starts()[-1].candidate
    assert gift.kind == "gift"
    assert gift.count == 50
    assert len(t.state.queue.pending) == 0


def test_near_duplicates_fold_into_one_question_with_a_count() -> None:
    t = Timeline(fold=lambda a, b: a.rstrip("？?啊") == b.rstrip("？?啊"))
    t.at(0.0, question("占位？"))
    for i, text in enumerate(["这个多少钱？", "这个多少钱啊", "这个多少钱?"]):
        t.at(0.1, question(text, uname=f"u{i}"))
    assert len(t.state.queue.pending) == 1
    assert t.state.queue.pending[0].count == 3
    folded = [a.event for a in t.actions if isinstance(a, Emit) and isinstance(a.event, Filtered)]
    assert [f.reason for f in folded] == ["folded", "folded"]


def test_each_folded_kind_ranks_alone() -> None:
    # queue.fold_into compares a new message with its whole rank block: no other kind may be in it.
    ranks = list(RANK.values())
    assert all(ranks.count(RANK[kind]) == 1 for kind in FOLDED)


def test_stale_messages_are_dropped_with_a_reason() -> None:
    t = Timeline()
    t.at(0.0, Control(action="mute"))
    t.at(1.0, question("没人回答的问题？"))
    t.at(40.0, Tick())
    assert not t.state.queue.pending
    reasons = [a.event.reason for a in t.actions if isinstance(a, Emit) and isinstance(a.event, Filtered)]
    assert reasons == ["stale"]


def test_overflow_drops_the_least_important() -> None:
    cfg = simple(max_pending=3)
    t = Timeline(cfg)
    t.at(0.0, Control(action="mute"))
    t.at(0.1, chat("闲聊一"))
    t.at(0.2, Message(SuperChat(text="sc", uname="s", uid="s", price=50), "sc", "s"))
    t.at(0.3, question("问题？"))
    t.at(0.4, question("另一个问题？", uname="b"))
    kinds = sorted(c.kind for c in t.state.queue.pending)
    assert kinds == ["question", "question", "super_chat"]


def test_skip_reset_and_say() -> None:
    t = Timeline()
    t.at(0.0, question("问题？"))
    first = t.state.floor.in_flight
    assert StopReply(first, "skip") in t.at(0.2, Control(action="skip"))
    t.finish(0.3)
    t.at(0.4, question("排队的问题？"))
    actions = t.at(0.5, Control(action="reset"))
    assert not t.state.queue.pending
    assert any(type(a).__name__ == "ClearMemory" for a in actions)
    said = [a for a in t.at(0.6, Control(action="say", text="大家好")) if isinstance(a, StartReply)]
    assert said[0].candidate.kind == "say"
    assert said[0].candidate.say_text == "大家好"


def test_state_changes_follow_the_reply() -> None:
    t = Timeline()
    t.at(0.0, question("问题？"))
    uid = t.state.floor.in_flight
    t.at(0.5, Audio(utterance_id=uid, index=0, text="好", duration_s=1.0, sample_rate=22050))
    t.finish(1.5)
    t.at(7.0, Tick())
    states = [a.event.state for a in t.actions if isinstance(a, Emit) and isinstance(a.event, StateChange)]
    assert states == ["thinking", "speaking", "cooldown", "idle"]


def test_reply_timeout_stops_a_stuck_reply() -> None:
    t = Timeline(simple(reply_timeout_s=10.0))
    t.at(0.0, question("问题？"))
    uid = t.state.floor.in_flight
    assert StopReply(uid, "timeout") in t.at(10.5, Tick())
    assert StopReply(uid, "timeout") not in t.at(11.0, Tick())  # asked once


def test_a_long_reply_that_keeps_speaking_is_not_cut() -> None:
    t = Timeline(simple(reply_timeout_s=10.0))
    t.at(0.0, question("问题？"))
    uid = t.state.floor.in_flight
    for i, at in enumerate((2.0, 9.0, 16.0)):  # a sentence starts every 7 s: alive
        t.at(at, Audio(utterance_id=uid, index=i, text="一句。", duration_s=7.0, sample_rate=24000))
    assert not any(isinstance(a, StopReply) for a in t.at(25.5, Tick()))
    assert StopReply(uid, "timeout") in t.at(26.5, Tick())  # then 10 s with nothing new: stuck
