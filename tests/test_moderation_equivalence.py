"""The filters' speed-ups change no outcome: each shortcut against the plain way it replaces,
on every labelled set in tests/data and deterministic disguises of them.

* ``screen.Patterns`` (the instruction families of ``agent.brain.injection`` and the tag
  rules of ``agent.brain.tags``, each searched only where a string it needs occurs) says
  what the one big alternation and the per-tag regexes say;
* ``contacts``: the cue gates before and after a digit run give the same contacts as the
  full searches they skip;
* ``screen.caseless`` (a translate table and an ASCII shortcut) equals the per-character
  rule for every code point;
* names are screened with the patterns ``Patterns`` holds (a pattern hidden inside one
  must not drop out of ``names.screened_rules``), and ``Screen.quiet`` (one Aho-Corasick
  pass) is quiet exactly when none of its strings occurs and no pattern that needs none fires.

The whole moderator against the last commit's (every verdict, tag, hit and name risk) is
``bench/moderation_equivalence.py``: its recording is megabytes, too big to check in.
"""

from __future__ import annotations

import re

import pytest

from agent.brain import contacts, injection, names, normalize, tags
from agent.shared import screen
from agent.shared.screen import Patterns
from tests.support.moderation_texts import labelled_texts, variants


@pytest.fixture(scope="module")
def texts() -> list[str]:
    labelled = labelled_texts()
    assert len(labelled) > 3000  # the sets are there
    return labelled + variants(labelled, 6000)


def test_instruction_families_match_as_one_alternation(texts: list[str]) -> None:
    whole = re.compile("|".join(injection._ZH_FAMILIES))
    fired = 0
    for text in texts:
        for form in (normalize.forms(text, 200).compact, text):
            expected = whole.search(form) is not None
            assert injection._ZH.any(form) is expected, form
            fired += expected
    assert fired > 100  # the sets hold many instructions: the comparison saw both answers


def test_tag_rules_match_as_before(texts: list[str]) -> None:
    rules = {tag: re.compile(rule) for tag, rule in tags._RULES.items()}
    seen: set[str] = set()
    for text in texts:
        lowered = normalize.forms(text, 200).display.lower()
        expected = {tag for tag, rule in rules.items() if rule.search(lowered)}
        assert {tags._RULE_TAGS[i] for i in tags._RULE_PATTERNS.which(lowered)} == expected, lowered
        seen |= expected
    assert seen == set(tags._RULES)  # every rule fired somewhere


def test_patterns_with_a_pattern_that_needs_nothing() -> None:
    patterns = Patterns([r"\d{3}", r"主播(?:是|不是)猪", r"[a-z]+ing\b"])
    assert patterns.which("1234 主播是猪 running") == {0, 1, 2}
    assert patterns.which("主播不是狗") == set()
    assert patterns.any("no 12 here, x9y") is False
    assert patterns.any("a 987") is True  # \d{3} needs no string: always searched


def test_contact_gates_skip_only_what_cannot_match(texts: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    gated = [contacts.find_contacts(normalize.forms(t, 200).display) for t in texts]
    monkeypatch.setattr(contacts, "_CUE_STARTS", None)  # None: the full searches run
    monkeypatch.setattr(contacts, "_CUE_AFTER_STARTS", None)
    monkeypatch.setattr(contacts, "_ID_AFTER_CUE_RE", re.compile(contacts._ID_AFTER_CUE_RE.pattern))
    plain = [contacts.find_contacts(normalize.forms(t, 200).display) for t in texts]
    assert gated == plain
    assert sum(1 for hits in plain if any(h.kind == "contact_id" for h in hits)) > 50


def test_caseless_equals_the_rule_for_every_code_point() -> None:
    def rule(text: str) -> str:
        return "".join(screen._SAME.get(c.lower()[:1] or c, c.lower()[:1] or c) for c in text)

    every = "".join(chr(cp) for cp in range(0x110000) if not 0xD800 <= cp < 0xE000)
    assert screen.caseless(every) == rule(every)
    assert screen.caseless("İSTANBUL ſtraße K") == rule("İSTANBUL ſtraße K") == "istanbul straße k"


def test_names_are_screened_with_every_instruction_family() -> None:
    rules = names.screened_rules()
    assert rules is not None
    held = {p.pattern for p in rules[0]}
    assert {p.pattern for p in injection._ZH.patterns} <= held


def test_name_screen_is_quiet_exactly_when_no_needed_string_occurs(texts: list[str]) -> None:
    guard = names.word_screen()
    assert guard is not None
    strings = sorted(guard.strings)
    quiet = 0
    for text in texts[:4000]:
        found = normalize.forms(text)
        batch = [text, found.display, found.spaced, found.compact, screen.caseless(text)]
        joined = "\x00".join(dict.fromkeys(batch))
        expected = not any(s in joined for s in strings) and not any(
            p.search(t) for p in guard.always for t in batch
        )
        assert guard.quiet(batch) is expected, text
        quiet += expected
    assert 0 < quiet < 4000
