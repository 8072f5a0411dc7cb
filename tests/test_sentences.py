"""SentenceSplitter: where replies are cut, and that streaming never changes the text or the cuts."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agent.reply.sentences import SentenceSplitter, split_sentences


def stream(pieces: list[str], **options: int) -> list[str]:
    splitter = SentenceSplitter(**options)
    out: list[str] = []
    for piece in pieces:
        out.extend(splitter.feed(piece))
    tail = splitter.flush()
    if tail is not None:
        out.append(tail)
    return out


def test_chinese_sentences_split_on_punctuation() -> None:
    text = "欢迎来到直播间！今天我们一起聊聊天吧。有问题随时问我哦？好的；下次见"
    assert split_sentences(text) == [
        "欢迎来到直播间！",
        "今天我们一起聊聊天吧。",
        "有问题随时问我哦？",
        "好的；下次见",
    ]


def test_sentence_is_emitted_as_soon_as_the_next_character_arrives() -> None:
    splitter = SentenceSplitter()
    assert splitter.feed("欢迎来到") == []
    # The "！" could still be followed by "？" or a closing quote: wait one character.
    assert splitter.feed("直播间！") == []
    assert splitter.feed("今") == ["欢迎来到直播间！"]
    assert splitter.flush() == "今"
    assert splitter.flush() is None


def test_runs_of_terminators_and_closing_quotes_stay_with_their_sentence() -> None:
    assert split_sentences("真的吗？！太好了……他说：“我来了。”然后走了。") == [
        "真的吗？！",
        "太好了……",
        "他说：“我来了。”",
        "然后走了。",
    ]
    assert split_sentences("（笑死我了！）下一句话。") == ["（笑死我了！）", "下一句话。"]


def test_straight_quotes_close_only_when_opened() -> None:
    assert split_sentences('He said "go now." Then left.') == ['He said "go now."', "Then left."]
    assert split_sentences('我来了。"新的一句"开始了。') == ["我来了。", '"新的一句"开始了。']


def test_latin_period_needs_a_space_and_skips_decimals_and_abbreviations() -> None:
    text = "Version 3.5 is out. Mr. Smith said hi, e.g. to me. Visit example.com today. J. K. wrote it."
    assert split_sentences(text) == [
        "Version 3.5 is out.",
        "Mr. Smith said hi, e.g. to me.",
        "Visit example.com today.",
        "J. K. wrote it.",
    ]


def test_period_at_the_end_of_the_stream_waits_then_flushes() -> None:
    splitter = SentenceSplitter()
    assert splitter.feed("The price is 3.") == []
    assert splitter.feed("5 dollars. Ok") == ["The price is 3.5 dollars."]
    assert splitter.flush() == "Ok"


def test_newlines_end_sentences_and_whitespace_is_stripped() -> None:
    assert split_sentences("  第一行内容\n\n  第二行内容  \n") == ["第一行内容", "第二行内容"]


def test_very_short_fragments_join_the_next_sentence() -> None:
    assert split_sentences("嗯。好的。我觉得这个主意不错！") == ["嗯。好的。", "我觉得这个主意不错！"]
    assert split_sentences("哈哈！") == ["哈哈！"]  # nothing to join: still said


def test_long_sentence_is_cut_at_a_comma_before_the_limit() -> None:
    first = "今天的直播我们先来看看大家最近推荐的几款游戏"  # 22 characters
    text = first + "，" + "然后再一起聊一聊最近发生的一些有意思的事情" * 3 + "。"
    out = split_sentences(text, max_chars=30)
    assert out[0] == first + "，"
    assert "".join(out) == text
    assert all(len(s) <= 100 for s in out)


def test_long_run_without_any_punctuation_is_cut_at_a_space_or_hard_limit() -> None:
    chinese = "啊" * 250
    out = split_sentences(chinese, max_chars=60, hard_max_chars=100)
    assert out == ["啊" * 100, "啊" * 100, "啊" * 50]
    latin = " ".join(["word"] * 40)  # 199 characters
    out = split_sentences(latin, max_chars=20, hard_max_chars=30)
    assert all(len(s) <= 30 for s in out)
    assert all(not s.startswith("ord") for s in out)  # never inside a word
    assert " ".join(out) == latin


def test_thousands_separator_and_clock_are_not_cut() -> None:
    text = "一共送出了1,000份礼物，晚上12:30开始大家记得来参加哦一定要来呀"
    # The only comma-like marks before the limit sit inside numbers: no cut there.
    assert split_sentences(text, min_chars=3, max_chars=10) == [
        "一共送出了1,000份礼物，",
        "晚上12:30开始大家记得来参加哦一定要来呀",
    ]


def test_reset_drops_buffered_text() -> None:
    splitter = SentenceSplitter()
    splitter.feed("说到一半被打断")
    splitter.reset()
    assert splitter.flush() is None


def test_bad_options_are_refused() -> None:
    with pytest.raises(ValueError):
        SentenceSplitter(min_chars=10, max_chars=5)


# --- properties ------------------------------------------------------------

ALPHABET = "你好欢迎直播间主播今天的。！？；，、：…“”「」（）\n .,!?;:\"'1235abcMr e.g"
texts = st.text(alphabet=ALPHABET, max_size=300)


def chunked(text: str, cuts: list[int]) -> list[str]:
    points = sorted({min(c, len(text)) for c in cuts})
    pieces, last = [], 0
    for p in points:
        pieces.append(text[last:p])
        last = p
    pieces.append(text[last:])
    return pieces


def squash(text: str) -> str:
    return "".join(text.split())


@settings(max_examples=300, deadline=None)
@given(texts, st.lists(st.integers(min_value=0, max_value=300), max_size=40))
def test_output_is_the_input_modulo_whitespace_whatever_the_chunking(text: str, cuts: list[int]) -> None:
    out = stream(chunked(text, cuts), min_chars=3, max_chars=20, hard_max_chars=30)
    assert squash("".join(out)) == squash(text)
    assert all(s and s == s.strip() for s in out)


@settings(max_examples=300, deadline=None)
@given(texts, st.lists(st.integers(min_value=0, max_value=300), max_size=40))
def test_cuts_do_not_depend_on_the_chunking(text: str, cuts: list[int]) -> None:
    whole = stream([text], min_chars=3, max_chars=20, hard_max_chars=30)
    assert stream(chunked(text, cuts), min_chars=3, max_chars=20, hard_max_chars=30) == whole
    one_by_one = stream(list(text), min_chars=3, max_chars=20, hard_max_chars=30)
    assert one_by_one == whole


@settings(max_examples=200, deadline=None)
@given(texts)
def test_no_sentence_runs_past_the_hard_limit(text: str) -> None:
    out = stream(list(text), min_chars=3, max_chars=20, hard_max_chars=30)
    # The flushed tail may carry closers past the limit; every streamed cut respects it.
    assert all(len(s) <= 30 for s in out)
