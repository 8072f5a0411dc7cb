"""Intent tags and sentiment from rules (and snownlp where it is switched on)."""

from __future__ import annotations

import pytest

from agent.brain.normalize import match_form
from agent.brain.tags import Tagger


@pytest.fixture(scope="module")
def tagger() -> Tagger:
    return Tagger("小助手", sentiment_model=False)


def _tags(tagger: Tagger, text: str) -> frozenset[str]:
    return tagger.tag(text, match_form(text)).tags


@pytest.mark.parametrize(
    ("text", "tag"),
    [
        ("这个多少钱", "question"),
        ("主播用的什么键盘？", "question"),
        ("what game is this", "question"),
        ("明天还播吗", "question"),
        ("主播晚上好", "greeting"),
        ("你好啊", "greeting"),
        ("来了来了", "greeting"),
        ("hi chat", "greeting"),
        ("能不能唱一首晴天", "request"),
        ("求主播点歌", "request"),
        ("can you play some music", "request"),
        ("画面好卡", "complaint"),
        ("无聊，退钱", "complaint"),
        ("so laggy today", "complaint"),
        ("主播好厉害", "praise"),
        ("666", "praise"),
        ("唱得好好听", "praise"),
        ("太nb了", "praise"),
        ("nice play", "praise"),
        ("互关互关", "off_topic"),
        ("楼上说得对", "off_topic"),
        ("小助手你在吗", "mention"),
        ("@小助手 这首歌叫什么", "mention"),
        ("卡死了垃圾", "negative"),
        ("主播太强了", "positive"),
    ],
)
def test_tag_is_found(tagger: Tagger, text: str, tag: str) -> None:
    assert tag in _tags(tagger, text)


@pytest.mark.parametrize(
    ("text", "tag"),
    [
        ("主播好厉害", "greeting"),  # 主播好 + 厉害 is praise, not a greeting
        ("这下大麻烦了", "request"),
        ("卡牌游戏好玩", "complaint"),
        ("我要吃牛肉面", "praise"),
        ("刚看了NBA", "praise"),
        ("主播晚上好", "mention"),
        ("主播晚上好", "question"),
        ("ok", "negative"),
    ],
)
def test_tag_is_not_found(tagger: Tagger, text: str, tag: str) -> None:
    assert tag not in _tags(tagger, text)


def test_rule_sentiment_without_model(tagger: Tagger) -> None:
    assert tagger.tag("主播好厉害", "主播好厉害").sentiment == 0.8
    assert tagger.tag("退钱", "退钱").sentiment == 0.2
    assert tagger.tag("今天周三", "今天周三").sentiment == 0.5


def test_model_sentiment_is_pulled_toward_neutral() -> None:
    tagger = Tagger("", sentiment_model=True)
    score = tagger.tag("这个多少钱", "这个多少钱").sentiment
    assert 0.3 <= score <= 0.7  # snownlp alone says ~0.30 for a neutral price question
    assert tagger.tag("hello there", "hellothere").sentiment == 0.5  # no CJK: model not run
