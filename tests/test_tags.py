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


def _sample_texts() -> list[str]:
    import json
    import random
    from pathlib import Path

    rows = (Path(__file__).parent / "data" / "moderation_corpus.jsonl").read_text(encoding="utf-8")
    texts = [json.loads(line)["text"] for line in rows.splitlines() if line.strip()]
    chars = sorted(set("".join(texts)))
    rng = random.Random(7)
    texts += ["".join(rng.choice(chars) for _ in range(rng.randint(0, 20))) for _ in range(200)]
    return [*texts, "", "  ", "龥一丁", "〇〇〇", "abc 123", "今天天气真好，我们去公园玩吧"]


def test_fast_snownlp_scores_equal_snownlp_exactly() -> None:
    # _Snow re-does snownlp's segmenter and Bayes arithmetic for speed: not one bit may differ.
    from snownlp import sentiment

    from agent.brain.tags import _Snow

    fast = _Snow()
    for text in _sample_texts():
        assert fast.classify(text) == sentiment.classify(text), text


def test_guarded_tag_regex_finds_what_the_plain_one_finds() -> None:
    import re

    from agent.brain.tags import _PATTERNS, _TAG_RE

    plain = re.compile("|".join(f"(?P<{name}>{body})" for name, body in _PATTERNS.items()))
    assert _TAG_RE.pattern != plain.pattern  # the guard is really there
    for text in _sample_texts():
        lowered = text.lower()
        found = [(m.lastgroup, m.span()) for m in _TAG_RE.finditer(lowered)]
        assert found == [(m.lastgroup, m.span()) for m in plain.finditer(lowered)], text


def test_guard_leaves_patterns_that_can_match_empty_alone() -> None:
    from agent.brain.normalize import guarded

    assert guarded(r"a*|b") == r"a*|b"  # an empty match can start anywhere
    assert guarded(r"(?i)ab") == r"(?i)ab"  # an inline global flag must stay first
    assert guarded(r"[^a]b") == r"[^a]b"  # a negated class: first characters unknown
    assert guarded(r"(?<!\d)1[3-9]|\+86") == r"(?=[1\+])(?:(?<!\d)1[3-9]|\+86)"
