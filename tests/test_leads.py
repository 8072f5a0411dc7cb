"""``agent.shared.leads``: a gated pattern finds exactly what the plain pattern finds."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agent.brain import injection, injection_en, tags
from agent.shared.leads import branches, first_chars, gated

# Characters the rules start with and are made of, so the texts hit and nearly hit them.
ZH_CHARS = "忽略无视你的指令设定主播说让机器人小助手扮演模拟骂我楼上翻译成英文把以上所有过滤关掉"
ZH_CHARS += "现在是一个 ai bot:："
EN_CHARS = "abdefgilmnoprstuvwy ,.:!?<|>[]#"


PATTERNS = ["|".join(injection._ZH_FAMILIES), tags._RULES["insult"], tags._RULES["accusation"]]


@pytest.mark.parametrize("pattern", [*PATTERNS, r"(?:^|你|请)来?扮演"])
@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=ZH_CHARS, max_size=40) | st.text(max_size=40))
def test_gated_finds_what_the_plain_pattern_finds(pattern: str, text: str) -> None:
    plain, fast = re.compile(pattern), gated(pattern)
    assert fast.pattern != plain.pattern  # a gate was put in front
    assert (plain.search(text) is None) == (fast.search(text) is None)


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=EN_CHARS, max_size=60))
def test_the_word_start_gate_keeps_every_english_match(text: str) -> None:
    pattern = "|".join(injection_en.EN_FAMILIES)
    plain, fast = re.compile(pattern), gated(pattern, word_start=True)
    assert (plain.search(text) is None) == (fast.search(text) is None)


def test_first_chars_of_a_pattern() -> None:
    assert first_chars(r"(?:^|你|请)来?扮演") == frozenset("你请来扮")
    assert first_chars(r"(?<!别)骂[我他]|ab") == frozenset("骂a")
    assert first_chars(r"x?y*z") == frozenset("xyz")
    for unbounded in (r".abc", r"\w+", r"[^a]b", r"a?", r"\s*system"):
        assert first_chars(unbounded) is None
    assert gated(r"\s*system").pattern == r"\s*system"  # compiled as it is


def test_branches_split_only_at_the_top_level() -> None:
    assert branches(r"a|b(?:c|d)|[|]e|\|f") == ["a", "b(?:c|d)", "[|]e", r"\|f"]
    assert branches(r"[]|]x|y") == ["[]|]x", "y"]
