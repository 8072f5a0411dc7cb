"""Questions the streamer answers out loud leave the queue: the bot does not answer them again."""

from __future__ import annotations

import pytest

from agent.brain.answered import answered_by, content_words
from agent.brain.state import BrainState, Emit, Message, StartReply, step
from agent.config import BrainConfig
from agent.events import Danmaku, Filtered, StreamerVoice, Tick, Transcript

HEARD = "这个游戏叫黑神话悟空，我买的豪华版三百多块，显卡是4070，大概十二点下播。"


@pytest.mark.parametrize(
    ("question", "answered"),
    [
        ("主播玩的什么游戏？", True),
        ("这玩的什么游戏呀", True),
        ("显卡是啥", True),
        ("几点下播？", True),
        ("豪华版多少钱", True),
        ("主播吃饭了吗", False),  # nothing of it was said
        ("主播多大了", False),
        ("今天打二郎神吗", False),
        ("什么？", False),  # no content words at all: never counts as answered
    ],
)
def test_a_question_is_answered_when_its_content_words_were_said(question: str, answered: bool) -> None:
    assert answered_by(question, HEARD) is answered


def test_content_words_drop_question_words_particles_and_fillers() -> None:
    assert content_words("主播，这个显卡是什么型号呀？") == ["显卡", "型号"]
    assert content_words("What GPU is that?") == ["gpu"]


def message(text: str, uname: str) -> Message:
    return Message(Danmaku(text=text, uname=uname, uid=uname), text, uname, frozenset({"question"}))


def test_the_streamer_answering_out_loud_drops_the_waiting_questions() -> None:
    cfg = BrainConfig(
        cooldown_s=0.0, gap_after_streamer_s=1.0, user_cooldown_s=0.0, kind_cooldown_s={}, welcome_batch_s=0.0
    )
    state = BrainState()
    actions: list[object] = []
    # The streamer is talking, so the questions wait.
    for now, item in [
        (0.0, StreamerVoice(speaking=True)),
        (1.0, message("主播玩的什么游戏？", "小明")),
        (2.0, message("显卡是啥", "小红")),
        (3.0, message("主播吃饭了吗", "小刚")),
        (5.0, Transcript(text=HEARD)),
        (5.2, StreamerVoice(speaking=False)),
        (7.0, Tick()),  # after the gap: the bot may speak
    ]:
        state, out = step(state, item, now, cfg)
        actions.extend(out)
    dropped = [a.event for a in actions if isinstance(a, Emit) and isinstance(a.event, Filtered)]
    assert [(f.uname, f.reason) for f in dropped] == [
        ("小明", "answered_by_streamer"),
        ("小红", "answered_by_streamer"),
    ]
    started = [a.candidate.message for a in actions if isinstance(a, StartReply)]
    assert [m.name for m in started if m is not None] == ["小刚"]  # only the unanswered one
