"""The sixth fresh labelled sets (tests/data/moderation_fresh6_{dev,heldout}.tsv, built by
tests/data/build_moderation_fresh6.py before the code was scored on them): English words
with look-alike letters that survive lowercasing (kiII, |diot, rnoron, vvhore), homophones
written with financial digits (陆合彩, 贰佰伍) and contact ids dictated letter by letter
after a cue (有薇 直接搜 a b c 1 2 3), with innocent lines of the same shapes, run through
``cohost moderate`` in a subprocess with the sets' own words (tests/support/fresh3_score.py).
Tuned on the dev split only; the held-out split was scored once, at the end, and is gated
at that figure less one line. Figures: tests/data/moderation_fresh6_scores.txt. Property
tests pin the normaliser's capital-I and bar readings and the lexicon's look-alike spellings."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from agent.brain.contacts import find_contacts
from agent.brain.lexicon import Entry, look_alike_spellings
from agent.brain.normalize import forms
from tests.support.fresh3_score import Score, new_lines, rows, split_fixtures

heldout, dev = split_fixtures("fresh6")


def test_sets_are_new_big_enough_and_split() -> None:
    dev_rows, held_rows = rows("dev", "fresh6"), rows("heldout", "fresh6")
    for split in (dev_rows, held_rows):
        assert sum(r.expect == "kept" for r in split) >= 29
        assert sum(r.expect == "blocked" for r in split) >= 17
        assert sum(r.expect == "contact" for r in split) >= 12
        assert {r.kind for r in split} >= {"latin", "digit", "spaced", "spaced_id", "wechat_id"}
    assert new_lines("fresh6") == []


def test_heldout_disguises_are_caught_and_lookalikes_kept(heldout: Score) -> None:
    # Scored once after the changes: built-in 10/10, own 7/7, look-alikes kept 29/29
    # (unchanged tree: 5/10, 3/7, 29/29); gated at the figure reached less one line.
    found = heldout.good["disguise_builtin"] + heldout.good["disguise_own"]
    assert found >= HELDOUT_FOUND - 1, heldout.misses
    assert heldout.good["lookalike_kept"] >= heldout.total["lookalike_kept"] - 1, heldout.misses


def test_contacts_are_handled_in_chat_and_refused_on_air(heldout: Score, dev: Score) -> None:
    # Held-out, scored once: 11/12 (unchanged tree 9/12); the miss, 私我 v x：k k 2 3 3, has
    # its cue spelled v x and a colon before the letters. Dev: 12/12 (unchanged tree 6/12).
    for group in ("contact_chat", "contact_output"):
        assert heldout.good[group] >= heldout.total[group] - 2, heldout.misses
        assert dev.good[group] == dev.total[group], dev.misses


def test_dev_split_stays_where_it_was_tuned(dev: Score) -> None:
    # After the changes: built-in 9/10 (陸合彩包中: 陆 read as a surname), own 7/7,
    # every look-alike kept (unchanged tree: 2/10, 3/7, 29/29).
    assert dev.good["disguise_builtin"] >= dev.total["disguise_builtin"] - 1, dev.misses
    assert dev.good["disguise_own"] == dev.total["disguise_own"], dev.misses
    assert dev.good["lookalike_kept"] == dev.total["lookalike_kept"], dev.misses


HELDOUT_FOUND = 17  # built-in 10/10 + own 7/7, from the one held-out scoring


_WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=12)


@given(_WORDS)
def test_double_l_written_as_capital_i_reads_as_written(word: str) -> None:
    """kiII is kill: a capital I beside another I or l is the l it is drawn as."""
    assert forms(word.replace("ll", "II")).spaced == forms(word).spaced


@given(st.text(alphabet="一二三四五六七八九十百千好的人大陆续", min_size=1, max_size=12))
def test_chinese_text_has_no_latin_reading(text: str) -> None:
    """The capital-I and bar rules touch only Latin text: Chinese stays Chinese."""
    assert not any(c.isascii() and c.isalpha() for c in forms(text).spaced)


def _collapsed(word: str) -> str:
    return word.replace("rn", "m").replace("vv", "w").replace("l", "i")


@given(st.text(alphabet="ilmwrnoakes *", min_size=2, max_size=14))
def test_look_alike_spellings_mean_the_entry(word: str) -> None:
    entry = Entry(word.strip(), "banned")
    for spelled in look_alike_spellings(entry):
        assert spelled.meaning == entry.rule
        assert _collapsed(spelled.rule) == _collapsed(entry.rule)
        assert spelled.rule != entry.rule


def test_chinese_and_allowed_entries_get_no_spellings() -> None:
    assert look_alike_spellings(Entry("六合彩", "banned")) == []
    assert look_alike_spellings(Entry("kill", "allow")) == []
    assert "kiii" not in [e.rule for e in look_alike_spellings(Entry("kill", "banned"))]


@given(st.lists(st.sampled_from("abcdefghjkmnpqrstuvwxyz"), min_size=5, max_size=9))
def test_spaced_letters_alone_after_a_cue_are_no_id(letters: list[str]) -> None:
    """a b c d e after 加 or 薇 is letters (keys, a spelled word); an id has digits too."""
    for cue in ("加 ", "薇 "):
        assert [h for h in find_contacts(cue + " ".join(letters)) if h.kind == "contact_id"] == []
