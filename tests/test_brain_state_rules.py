"""The brain's rules of issue 4 on a fake clock: cooldowns per viewer and kind, gift and
welcome batching, combos, and what happens to a reply the streamer interrupts."""

from __future__ import annotations

from agent.brain.state import Emit, Message, StartReply, StopReply
from agent.events import Control, Enter, Filtered, Gift, StreamerVoice, SuperChat, Tick
from tests.support.brain_timeline import Timeline, chat, question, simple

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
