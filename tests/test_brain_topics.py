"""Topic tracking (CJK bigram counts) and the brain shell feeding topics, strikes and memory."""

from __future__ import annotations

from agent.brain.brain import Brain, Speak
from agent.brain.moderation import Moderator
from agent.brain.state import Emit
from agent.brain.topics import TopicTracker, bigrams, stop_pattern
from agent.config import BrainConfig, BrainTopics
from agent.events import (
    Control,
    Danmaku,
    Filtered,
    ReplySentence,
    StateChange,
    Tick,
    Transcript,
    UtteranceDone,
)


def test_topic_from_speech_and_questions() -> None:
    t = TopicTracker(BrainTopics())
    t.add("今天继续打黑神话悟空，争取把二郎神过了。", 0.0, 2)
    assert t.topic(1.0) == ""  # one sentence is not a topic yet
    t.add("这个游戏叫黑神话悟空，我买的豪华版。", 40.0, 2)
    t.add("黑神话悟空多少钱？", 41.0)
    assert t.topic(42.0) == "黑神话悟空"
    assert t.topic(300.0) == ""  # the window moved on


def test_function_words_and_stopwords_are_never_topics() -> None:
    assert bigrams("你好吗了的") == []
    assert bigrams("主播你好吗", stop_pattern(["主播"])) == []
    assert bigrams("买机械键盘", stop_pattern(["机械"])) == ["键盘"]
    t = TopicTracker(BrainTopics(min_count=2))
    for i in range(5):
        t.add("主播主播多少钱", float(i))
    assert t.topic(5.0) == ""


def test_a_flood_keeps_the_window_bounded() -> None:
    t = TopicTracker(BrainTopics())
    for i in range(10_000):
        t.add(f"键盘问题{i % 7}号", i * 0.001)
    assert len(t._window) <= 4096
    assert t.topic(10.0) in ("键盘问题", "键盘")


def brain(**kwargs: object) -> Brain:
    cfg = BrainConfig(cooldown_s=0.0, gap_after_streamer_s=0.0, **kwargs)  # type: ignore[arg-type]
    return Brain(cfg, Moderator.from_config(BrainConfig(sentiment_model=False)))


def test_shell_publishes_the_topic_from_transcripts() -> None:
    b = brain()
    out = b.handle(Transcript(text="今天打黑神话悟空"), 0.0)
    out += b.handle(Transcript(text="黑神话悟空真难"), 10.0)
    out += b.handle(Tick(), 12.0)
    topics = [d.event.topic for d in out if isinstance(d, Emit) and isinstance(d.event, StateChange)]
    assert topics == ["黑神话悟空"]


def test_shell_ignores_a_viewer_after_repeated_blocks() -> None:
    b = brain()
    for i, text in enumerate(["傻逼主播", "主播真是个傻逼"]):
        out = b.handle(Danmaku(text=text, uid="9", uname="杠精"), float(i))
        assert (
            next(d.event.reason for d in out if isinstance(d, Emit) and isinstance(d.event, Filtered))
            == "banned_word"
        )
    out = b.handle(Danmaku(text="你好呀", uid="9", uname="杠精"), 3.0)
    assert [d.event.reason for d in out if isinstance(d, Emit) and isinstance(d.event, Filtered)] == [
        "ignored"
    ]
    assert not [d for d in out if isinstance(d, Speak)]


def test_shell_remembers_turns_and_reset_forgets() -> None:
    b = brain()
    (speak,) = [
        d
        for d in b.handle(Danmaku(text="这游戏叫什么？", uid="1", uname="小明"), 0.0)
        if isinstance(d, Speak)
    ]
    uid = speak.order.utterance_id
    b.handle(ReplySentence(utterance_id=uid, index=0, text="叫黑神话。"), 0.5)
    b.handle(
        UtteranceDone(utterance_id=uid, text="叫黑神话。"), 1.0
    )  # what was said, joined by the reply pipeline
    assert [t.reply for t in b.memory.turns] == ["叫黑神话。"]
    assert b.memory.note("1").last_asked == "这游戏叫什么?"  # normalised by the filters
    b.handle(Control(action="reset"), 2.0)
    assert not b.memory.turns and not b.memory.viewers
