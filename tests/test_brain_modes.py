"""Topics, idle talk, the featured-item schedule and the [brain.modes] playbook on a fake clock."""

from __future__ import annotations

from agent.brain.state import Emit, Message, Strike, TopicSeen
from agent.config import BrainMode, BrainTopics
from agent.events import Control, Danmaku, Filtered, StateChange, StreamerVoice, Tick, Transcript
from tests.support.brain_timeline import Timeline, chat, question, simple


def topics(**kwargs: object) -> BrainTopics:
    return BrainTopics(**kwargs)  # type: ignore[arg-type]


def shown_topics(t: Timeline) -> list[str]:
    return [a.event.topic for a in t.actions if isinstance(a, Emit) and isinstance(a.event, StateChange)]


def filtered(actions: list[object]) -> list[Filtered]:
    return [a.event for a in actions if isinstance(a, Emit) and isinstance(a.event, Filtered)]


def test_topic_is_published_in_state_changes() -> None:
    t = Timeline(simple())
    t.at(0.0, TopicSeen("黑神话悟空"))
    assert shown_topics(t)[-1] == "黑神话悟空"
    t.at(1.0, Control(action="reset"))
    assert shown_topics(t)[-1] == ""


def test_idle_talk_after_silence_on_the_topic() -> None:
    t = Timeline(simple(cooldown_s=0.0, gap_after_streamer_s=0.0, topics=topics(idle_after_s=30.0)))
    t.at(0.0, TopicSeen("机械键盘"))
    t.at(29.9, Tick())
    assert not t.starts()
    t.at(30.0, Tick())
    (idle,) = t.starts()
    assert (idle.candidate.kind, idle.candidate.topic, idle.candidate.message) == ("idle", "机械键盘", None)
    t.finish(33.0)
    t.at(50.0, StreamerVoice(speaking=True))  # the streamer talking is not silence
    t.at(70.0, Tick())
    t.at(75.0, StreamerVoice(speaking=False))
    t.at(104.9, Tick())
    assert len(t.starts()) == 1
    t.at(105.0, Tick())
    assert len(t.starts()) == 2


def test_no_idle_talk_without_a_topic_or_while_muted() -> None:
    t = Timeline(simple(topics=topics(idle_after_s=10.0)))
    t.at(0.0, Tick())
    t.at(60.0, Tick())
    assert not t.starts()
    t.at(61.0, Control(action="mute"))
    t.at(62.0, TopicSeen("话题"))
    t.at(200.0, Tick())
    assert not t.starts()


def test_a_viewer_message_beats_idle_talk() -> None:
    t = Timeline(
        simple(
            cooldown_s=0.0,
            gap_after_streamer_s=0.0,
            topics=topics(idle_after_s=10.0, default_topic="今天的直播"),
        )
    )
    t.at(0.0, Control(action="mute"))
    t.at(5.0, question("有人吗？"))
    t.at(20.0, Control(action="unmute"))
    assert [s.candidate.kind for s in t.starts()] == ["question"]


def test_schedule_rotates_featured_items_and_pushes_each_once() -> None:
    cfg = simple(
        cooldown_s=0.0,
        gap_after_streamer_s=0.0,
        topics=topics(schedule=["商品A", "商品B"], rotate_every_s=60.0, idle_after_s=0.0),
    )
    t = Timeline(cfg)
    t.at(0.0, Tick())
    t.finish(5.0)
    t.at(59.0, Tick())
    t.at(60.0, Tick())
    t.finish(65.0)
    t.at(120.0, Tick())
    pushes = [(s.candidate.kind, s.candidate.topic, s.candidate.mode) for s in t.starts()]
    assert pushes == [
        ("promotion", "商品A", "promotion"),
        ("promotion", "商品B", "promotion"),
        ("promotion", "商品A", "promotion"),
    ]
    assert "商品B" in shown_topics(t)


def test_a_newer_promotion_replaces_one_still_waiting() -> None:
    cfg = simple(topics=topics(schedule=["商品A", "商品B"], rotate_every_s=60.0), stale_after_s=1000.0)
    t = Timeline(cfg)
    t.at(0.0, Control(action="mute"))
    t.at(61.0, Tick())
    assert [c.topic for c in t.state.queue.pending if c.kind == "promotion"] == ["商品B"]


def test_product_questions_get_the_product_mode() -> None:
    t = Timeline(simple(cooldown_s=0.0, gap_after_streamer_s=0.0, user_cooldown_s=0.0))
    t.at(0.0, question("这个键盘多少钱？"))
    t.finish(1.0)
    t.at(2.0, question("主播几点下播？"))
    assert [s.candidate.mode for s in t.starts()] == ["product_question", ""]


def test_a_burst_of_complaints_switches_to_calming_for_hold_s() -> None:
    calming = BrainMode(
        trigger="burst", tags=["negative", "complaint"], count=3, window_s=30.0, hold_s=60.0, prompt="安抚"
    )
    cfg = simple(cooldown_s=0.0, gap_after_streamer_s=0.0, modes={"calming": calming})
    t = Timeline(cfg)
    t.at(0.0, Control(action="mute"))
    for i in range(2):
        t.at(float(i), chat("太卡了", frozenset({"complaint", "negative"}), uname=f"u{i}"))
    t.at(2.0, Control(action="unmute"))
    first = t.starts()[-1].candidate
    assert first.mode == ""  # two are not a burst
    t.finish(3.0)  # u1's starts
    t.finish(3.5)
    t.at(4.0, chat("退钱", frozenset({"negative"}), uname="u3"))
    assert t.starts()[-1].candidate.message.text == "退钱"
    assert t.starts()[-1].candidate.mode == "calming"
    t.finish(5.0)
    t.at(64.5, question("还在吗？", uname="u9"))
    assert t.starts()[-1].candidate.mode == ""  # 60 s after the third, calm again


def test_complaints_spread_out_do_not_trigger_calming() -> None:
    t = Timeline(simple(cooldown_s=0.0, gap_after_streamer_s=0.0))
    for i in range(3):
        t.at(40.0 * i, chat("不好看", frozenset({"negative"}), uname=f"u{i}"))
        t.finish(40.0 * i + 1)
    assert {s.candidate.mode for s in t.starts()} == {""}


def test_a_blocking_message_mode_drops_matches() -> None:
    spam = BrainMode(trigger="message", keywords=["互关"], block=True)
    t = Timeline(simple(modes={"spam": spam}))
    actions = t.at(0.0, chat("互关互关"))
    assert [(f.reason, f.rule) for f in filtered(actions)] == [("blocked", "spam")]
    assert not t.starts()


def test_repeat_offenders_are_ignored_for_hold_s() -> None:
    t = Timeline(simple(cooldown_s=0.0, gap_after_streamer_s=0.0, user_cooldown_s=0.0))
    t.at(0.0, Strike("troll", "banned_word"))
    t.at(1.0, Strike("troll", "too_long"))  # not a reason the abuse mode counts
    assert not t.state.playbook.ignored
    actions = t.at(2.0, Strike("troll", "contact_solicit"))
    assert [f.reason for f in filtered(actions)] == ["ignored_viewer"]
    blocked = t.at(3.0, Message(Danmaku(text="你好", uid="troll", uname="troll"), "你好", "troll"))
    assert [f.reason for f in filtered(blocked)] == ["ignored"]
    assert not t.starts()
    t.at(603.0, Message(Danmaku(text="我错了", uid="troll", uname="troll"), "我错了", "troll"))
    assert [s.candidate.message.text for s in t.starts()] == ["我错了"]


def test_strikes_far_apart_do_not_add_up() -> None:
    t = Timeline(simple())
    t.at(0.0, Strike("u", "banned_word"))
    t.at(500.0, Strike("u", "banned_word"))
    assert not t.state.playbook.ignored


def test_transcripts_are_heard_and_reset_clears_everything() -> None:
    t = Timeline(simple())
    t.at(0.0, Transcript(text="今天打黑神话"))
    t.at(0.1, TopicSeen("黑神话"))
    t.at(0.2, Control(action="mute"))
    t.at(0.3, question("问？"))
    actions = t.at(1.0, Control(action="reset"))
    assert (t.state.queue.pending, t.state.context.heard, t.state.context.topic) == ((), (), "")
    assert any(type(a).__name__ == "ClearMemory" for a in actions)
    assert t.state.floor.muted  # reset is not unmute


def test_ordered_strike_table_forgets_exactly_like_a_full_scan() -> None:
    # modes.strike only scans the front of an ordered table; time going back must fall back.
    import random

    from agent.brain import modes
    from agent.config import BrainConfig

    plan = modes.plan(BrainConfig())
    rng = random.Random(3)
    fast: tuple = ({}, {}, "", True)
    slow: tuple = ({}, {}, "", False)
    now = 0.0
    for _ in range(3000):
        now += rng.choice([0.0, 0.5, 20.0, 90.0, -30.0])
        uid, reason = f"u{rng.randint(0, 40)}", rng.choice(["banned_word", "contact_solicit", "flood"])
        fast = modes.strike(plan, fast[0], fast[1], uid, reason, now, fast[3])
        slow = modes.strike(plan, slow[0], slow[1], uid, reason, now, False)
        assert list(fast[0].items()) == list(slow[0].items())
        assert (fast[1], fast[2]) == (slow[1], slow[2])
