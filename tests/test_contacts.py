"""The contact/link detector and the normaliser's disguise undoing, with property tests."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agent.brain.contacts import find_contacts
from agent.brain.moderation import Moderator
from agent.config import BrainConfig

CN = "零一二三四五六七八九"
FIN = "零壹贰叁肆伍陆柒捌玖"
CIRCLED = "⓪①②③④⑤⑥⑦⑧⑨"
FILLERS = "丶灬の丨・"


@pytest.fixture(scope="module")
def moderator() -> Moderator:
    return Moderator.from_config(BrainConfig(sentiment_model=False))


@pytest.mark.parametrize(
    ("text", "kind", "found"),
    [
        ("我的电话13812345678", "phone", "13812345678"),
        ("扣扣 四七幺二八三九五", "contact_id", "扣扣 四七幺二八三九五"),
        ("企鹅 贰捌肆伍柒叁玖", "contact_id", "企鹅 贰捌肆伍柒叁玖"),
        ("abc点com", "hidden_link", "abc点com"),
        ("xx dot top", "hidden_link", "xx dot top"),
        ("b 2 3 . t v/abc", "hidden_link", "b 2 3 . t v/abc"),
        ("看 https://b23.tv/abc", "link", "https://b23.tv/abc"),
        ("87654321是我qq", "contact_id", "87654321"),
        ("壹叁捌壹贰叁肆伍陆柒捌", "phone", "壹叁捌壹贰叁肆伍陆柒捌"),
        ("加 v x ：lucky_2024", "contact_id", "v x ：lucky_2024"),  # a cue's letters spelled apart
    ],
)
def test_finds_contacts_with_spans_into_the_text(text: str, kind: str, found: str) -> None:
    hits = find_contacts(text)
    assert [(h.kind, h.text) for h in hits] == [(kind, found)]
    assert text[hits[0].start : hits[0].end] == found


@pytest.mark.parametrize(
    "text",
    [
        "今天得了100000分",
        "一二三四五六七八九十",
        "i love you. me too",
        "vx是什么",
        "V我50",
        "3.14",
        "一点半开播",
        "press w x to dodge",
    ],
)
def test_ordinary_numbers_and_dots_are_not_contacts(text: str) -> None:
    assert find_contacts(text) == []


def _digit(d: str, form: int) -> str:
    return [d, CN[int(d)], FIN[int(d)], CIRCLED[int(d)], d + "\ufe0f\u20e3", chr(ord(d) + 0xFEE0)][form]


@settings(max_examples=150, deadline=None)
@given(
    tail=st.text("0123456789", min_size=9, max_size=9),
    second=st.sampled_from("3456789"),
    forms=st.lists(st.integers(0, 5), min_size=11, max_size=11),
    gaps=st.lists(st.sampled_from(["", "", " ", *FILLERS]), min_size=11, max_size=11),
)
def test_a_phone_number_survives_any_digit_form_and_filler(
    tail: str, second: str, forms: list[int], gaps: list[str]
) -> None:
    number = "1" + second + tail
    text = "".join(_digit(d, f) + g for d, f, g in zip(number, forms, gaps, strict=True))
    assert [h.kind for h in find_contacts("找我 " + text)] == ["phone"]


@settings(max_examples=150, deadline=None)
@given(
    word=st.sampled_from(["傻逼", "外挂", "约炮", "百家乐", "草泥马", "法轮功"]),
    fillers=st.lists(st.sampled_from([" ", "*", ".", "\u200b", *FILLERS]), min_size=3, max_size=3),
    reverse=st.booleans(),
)
def test_a_banned_word_survives_any_filler_and_reversal(
    moderator: Moderator, word: str, fillers: list[str], reverse: bool
) -> None:
    text = "".join(c + f for c, f in zip(word, fillers, strict=False)).rstrip("".join(fillers)) or word
    text = text[::-1] if reverse else text
    assert moderator.check(text).rule == word, moderator.explain(text)


def test_the_bots_own_sentences_never_carry_contacts(moderator: Moderator) -> None:
    for said in ["加我qq 四七幺二八三九五", "我的电话是13812345678", "去 abc点com 看看", "访问 https://x.cn"]:
        assert (moderator.banned_in(said) or "").startswith("contact:"), said
    assert moderator.banned_in("好的，我们下一局见") is None


def test_cohost_moderate_explain_shows_forms_rule_and_span(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text("[brain]\nsentiment_model = false\n", encoding="utf-8")
    lines = "这个角色情感很细腻\n傻丶逼\n加我扣扣四七幺二八三九五\n"
    done = subprocess.run(
        [sys.executable, "-m", "agent", "moderate", "--explain", "--config", str(config)],
        input=lines,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["kept"] for r in rows] == [True, False, False]
    innocent, banned, contact = (r["explain"] for r in rows)
    assert innocent["fired"] == [] and innocent["not_counted"][0]["why"] == "the word 角色 crosses it"
    assert banned["forms"]["compact"] == "傻逼" and banned["forms"]["spaced"] == "傻 逼"
    assert banned["fired"][0] == {
        "rule": "傻逼",
        "detector": "word",
        "form": "compact",
        "span": [0, 2],
        "matched": "傻逼",
    }
    assert contact["contacts"] == [{"kind": "contact_id", "span": [2, 12], "text": "扣扣四七幺二八三九五"}]
    assert rows[2]["normalized"] == "加我[联系方式]"


@settings(max_examples=200, deadline=None)
@given(
    text=st.text(alphabet=st.sampled_from("a1 .点dot加扣qv丶①２壹\u200b\u20e3\ufe0f傻逼。com/"), max_size=80)
    | st.text(max_size=80)
)
def test_any_text_gives_spans_into_itself(moderator: Moderator, text: str) -> None:
    for hit in find_contacts(text):
        assert 0 <= hit.start < hit.end <= len(text) and text[hit.start : hit.end] == hit.text
    verdict = moderator.check(text)
    assert isinstance(verdict.kept, bool)
    counted = [h for h in moderator.explain(text).hits if not h.void]
    assert not counted or verdict.reason == "banned_word"  # explain agrees with check
