"""The turn-taking state machine on a fake clock: pure step(), no asyncio."""

from __future__ import annotations

from agent.brain.state import (
    BrainState,
    Emit,
    Message,
    StartReply,
    StopReply,
    step,
)
from agent.config import BrainConfig
from agent.events import (
    Audio,
    Control,
    Danmaku,
    Enter,
    Filtered,
    Gift,
    Guard,
    StateChange,
    StreamerVoice,
    SuperChat,
    Tick,
    UtteranceDone,
)

# The rules added after these tests were written (per-viewer and per-kind cooldowns,
# gift and welcome batching windows) are off here; each has its own tests below.
SIMPLE = {"user_cooldown_s": 0.0, "kind_cooldown_s": {}, "gift_batch_s": 0.0, "welcome_batch_s": 0.0}


def simple(**kwargs: object) -> BrainConfig:
    return BrainConfig(**{**SIMPLE, **kwargs})  # type: ignore[arg-type]


CFG = simple(cooldown_s=5.0, max_replies_per_minute=3, gap_after_streamer_s=1.0, stale_after_s=30.0)


class Timeline:
    """Feeds inputs at fake times and keeps every action."""

    def __init__(self, cfg: BrainConfig = CFG, fold=None) -> None:
        self.cfg = cfg
        self.state = BrainState()
        self.actions: list[object] = []
        self.fold = fold

    def at(self, now: float, item: object) -> list[object]:
        kwargs = {"fold": self.fold} if self.fold else {}
        self.state, actions = step(self.state, item, now, self.cfg, **kwargs)  # type: ignore[arg-type]
        self.actions.extend(actions)
        return list(actions)

    def finish(self, now: float) -> list[object]:
        """The reply in flight ends at ``now``."""
        return self.at(now, UtteranceDone(utterance_id=self.state.floor.in_flight))

    def starts(self) -> list[StartReply]:
        return [a for a in self.actions if isinstance(a, StartReply)]


def chat(text: str, tags: frozenset[str] = frozenset(), uname: str = "观众") -> Message:
    return Message(Danmaku(text=text, uname=uname, uid=uname), text, uname, tags)


def question(text: str, uname: str = "观众") -> Message:
    return chat(text, frozenset({"question"}), uname)


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


# --- the rules of issue 4: cooldowns per viewer and kind, batching, interruption ---------


def started_texts(actions: list[object]) -> list[str]:
    return [a.candidate.message.text for a in actions if isinstance(a, StartReply) and a.candidate.message]


def test_same_viewer_is_not_answered_twice_within_user_cooldown() -> None:
    t = Timeline(simple(cooldown_s=1.0, user_cooldown_s=30.0, gap_after_streamer_s=0.0))
    t.at(0.0, question("第一问？", uname="A"))
    t.finish(1.0)
    t.at(2.0, question("又问？", uname="A"))
    later = t.at(3.0, question("B的问题？", uname="B"))
    assert started_texts(later) == ["B的问题？"]  # A waits, B overtakes
    t.finish(4.0)
    assert started_texts(t.at(20.0, Tick())) == []  # A still cooling (answered at 0)
    assert started_texts(t.at(30.0, Tick())) == ["又问？"]


def test_paid_messages_skip_the_viewer_cooldown() -> None:
    t = Timeline(simple(cooldown_s=0.0, user_cooldown_s=60.0, gap_after_streamer_s=0.0))
    t.at(0.0, question("问？", uname="A"))
    t.finish(1.0)
    started = t.at(2.0, Message(SuperChat(text="加油", uname="A", uid="A", price=30), "加油", "A"))
    assert [a.candidate.kind for a in started if isinstance(a, StartReply)] == ["super_chat"]


def test_kind_cooldown_spaces_out_welcomes() -> None:
    t = Timeline(simple(cooldown_s=0.0, gap_after_streamer_s=0.0, kind_cooldown_s={"greeting": 20.0}))
    t.at(0.0, Message(Enter(uname="A", uid="A"), "", "A"))
    t.finish(1.0)
    t.at(2.0, Message(Enter(uname="B", uid="B"), "", "B"))
    assert [s.candidate.kind for s in t.starts()] == ["greeting"]
    t.at(19.9, Tick())
    assert len(t.starts()) == 1
    t.at(20.0, Tick())
    assert [s.candidate.names for s in t.starts()] == [("A",), ("B",)]


def test_entrances_within_the_window_are_welcomed_together() -> None:
    t = Timeline(simple(cooldown_s=0.0, gap_after_streamer_s=0.0, welcome_batch_s=5.0, welcome_names=2))
    for i, name in enumerate(["A", "B", "C", "D", "E", "B"]):
        assert not [
            a
            for a in t.at(0.5 * i, Message(Enter(uname=name, uid=name), "", name))
            if isinstance(a, StartReply)
        ]
    t.at(5.0, Tick())
    (welcome,) = t.starts()
    assert welcome.candidate.names == ("A", "B")
    assert welcome.candidate.count == 5  # B twice is one viewer


def test_gift_thanks_wait_for_the_batch_to_settle_then_cap() -> None:
    t = Timeline(simple(cooldown_s=0.0, gap_after_streamer_s=0.0, gift_batch_s=3.0, gift_batch_max_s=10.0))
    gift = Message(Gift(gift_name="小心心", uname="王", uid="1", count=1), "", "王")
    for now in (0.0, 2.0, 4.0):
        t.at(now, gift)
    t.at(6.9, Tick())
    assert not t.starts()
    t.at(7.0, Tick())
    assert [s.candidate.count for s in t.starts()] == [3]
    t.finish(8.0)
    # A gift every second never settles; the cap thanks it 10 s after the first.
    for i in range(12):
        t.at(9.0 + i, gift)
    assert [s.candidate.count for s in t.starts()] == [3, 11]


def combo(count: int, combo_id: str = "c1", uname: str = "王") -> Message:
    return Message(
        Gift(gift_name="小心心", uname=uname, uid=uname, count=count, combo_id=combo_id), "", uname
    )


def test_combo_running_totals_keep_the_highest() -> None:
    t = Timeline(simple(gift_batch_s=3.0))
    t.at(0.0, question("占位？"))
    for i, total in enumerate([1, 2, 5, 9]):
        t.at(0.1 * i, combo(total))
    assert [c.count for c in t.state.queue.pending] == [9]


def test_combo_single_sends_add_up() -> None:
    t = Timeline(simple(gift_batch_s=3.0))
    t.at(0.0, question("占位？"))
    for i, count in enumerate([1, 1, 2, 2, 3]):
        t.at(0.1 * i, combo(count))
    assert [c.count for c in t.state.queue.pending] == [9]


def test_a_combo_is_thanked_once_naming_the_giver() -> None:
    t = Timeline(simple(cooldown_s=0.0, gap_after_streamer_s=0.0, gift_batch_s=1.0))
    t.at(0.0, combo(10, uname="老王"))
    t.at(3.0, Tick())
    first = t.starts()[0].candidate
    assert (first.kind, first.message.name, first.count) == ("gift", "老王", 10)
    t.finish(3.0)
    late = t.at(3.5, combo(12))
    assert [a.event.reason for a in late if isinstance(a, Emit) and isinstance(a.event, Filtered)] == [
        "combo_thanked"
    ]
    t.at(10.0, Tick())
    assert len(t.starts()) == 1


def test_thank_yous_that_pile_up_are_one_line() -> None:
    t = Timeline(simple(cooldown_s=0.0, gap_after_streamer_s=0.0, gift_batch_s=1.0))
    t.at(0.0, question("先问一个？"))  # the bot is busy while the gifts arrive
    t.at(0.1, combo(10, uname="老王"))
    t.at(0.2, combo(3, combo_id="c2", uname="老王"))  # another combo of the same viewer
    t.at(0.3, combo(1, combo_id="c3", uname="小李"))
    t.finish(2.0)
    (thanks,) = [s.candidate for s in t.starts() if s.candidate.kind != "question"]
    assert thanks.kind == "thanks"
    assert thanks.names == ("老王", "小李") and thanks.count == 2
    assert sorted(part.count for part in thanks.batch) == [1, 3, 10]
    t.finish(3.0)
    # Every combo in the batch was thanked: later sends of any of them are not thanked again.
    late = [t.at(3.5 + i / 10, combo(20, combo_id=c)) for i, c in enumerate(("c1", "c2", "c3"))]
    reasons = [
        a.event.reason for out in late for a in out if isinstance(a, Emit) and isinstance(a.event, Filtered)
    ]
    assert reasons == ["combo_thanked"] * 3


def test_interrupt_policy_finish_sentence_is_passed_on() -> None:
    t = Timeline(simple(interrupt="finish_sentence"))
    t.at(0.0, question("问题？"))
    uid = t.state.floor.in_flight
    assert StopReply(uid, "streamer", finish_sentence=True) in t.at(1.0, StreamerVoice(speaking=True))
    t2 = Timeline(simple(interrupt="stop"))
    t2.at(0.0, question("问题？"))
    assert StopReply(t2.state.floor.in_flight, "streamer", finish_sentence=False) in t2.at(
        1.0, StreamerVoice(speaking=True)
    )
    assert not t2.state.queue.pending  # default: what was unsaid is dropped


def test_resume_after_interrupt_requeues_once() -> None:
    t = Timeline(simple(resume_after_interrupt=True, cooldown_s=0.0, gap_after_streamer_s=1.0))
    t.at(0.0, question("被打断的问题？"))
    t.at(0.5, question("后来的问题？", uname="B"))
    t.at(1.0, StreamerVoice(speaking=True))
    t.finish(1.1)
    t.at(5.0, StreamerVoice(speaking=False))
    again = [a for a in t.at(6.0, Tick()) if isinstance(a, StartReply)]
    assert [(s.candidate.message.text, s.candidate.resumed) for s in again] == [("被打断的问题？", True)]
    t.at(7.0, StreamerVoice(speaking=True))  # cut off a second time: dropped now
    t.finish(7.1)
    t.at(8.0, StreamerVoice(speaking=False))
    t.at(9.0, Tick())
    assert [s.candidate.message.text for s in t.starts()] == [
        "被打断的问题？",
        "被打断的问题？",
        "后来的问题？",
    ]


def test_a_full_queue_drops_a_less_important_newcomer_and_keeps_its_own() -> None:
    t = Timeline(simple(max_pending=2))
    t.at(0.0, Control(action="mute"))
    t.at(0.1, question("问题一？", uname="a"))
    t.at(0.2, question("问题二？", uname="b"))
    before = t.state.queue.pending
    dropped = t.at(0.3, chat("闲聊", uname="c"))  # chatter ranks below questions: it goes
    assert t.state.queue.pending == before
    assert [a.event.reason for a in dropped if isinstance(a, Emit)] == ["overflow"]
    assert [a.event.text for a in dropped if isinstance(a, Emit)] == ["闲聊"]
    t.at(0.4, question("问题三？", uname="d"))  # same rank: the oldest question goes
    assert [c.message.text for c in t.state.queue.pending] == ["问题二？", "问题三？"]
