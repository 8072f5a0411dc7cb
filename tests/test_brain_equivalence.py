"""The brain decides exactly as it did when the golden replay was recorded.

A long deterministic room (the demo recording, then a generated flood on a fake clock with a
stand-in reply pipeline: tests/support/brain_replay.py) goes through ``Brain.handle``; every
decision of every input is digested and compared with tests/data/brain_replay_golden.json.
The filters' answers are replayed from the golden file, so this pins the brain's shell, the
state machine, the flood rules and memory (a speed-up there must not change one decision).
"""

from __future__ import annotations

import json

import pytest

from tests.support.brain_replay import GOLDEN, Recorded, configs, digest, plain, replay


@pytest.mark.parametrize("name", list(configs()))
def test_every_decision_matches_the_golden_replay(name: str) -> None:
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    expected = golden["digests"][name]
    rows = list(replay(configs()[name], Recorded(golden["filters"][name])))
    assert len(rows) == len(expected), "the room took a different course (inputs differ in number)"
    for i, ((event, decisions), want) in enumerate(zip(rows, expected, strict=True)):
        assert digest(decisions) == want, f"input {i} {plain(event)} decided differently: {decisions}"


def test_the_replay_reaches_every_part_of_the_state_machine() -> None:
    """The room is worth comparing: replies of each kind start, get cut, fail and drop."""
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    seen: set[str] = set()
    for _event, decisions in replay(configs()["busy"], Recorded(golden["filters"]["busy"])):
        for d in decisions[:-2]:
            if d["_"] == "Speak":
                seen.add("speak:" + d["order"]["kind"])
            elif d["_"] == "StopReply":
                seen.add("stop:" + d["reason"])
            elif d["_"] == "Emit" and d["event"]["_"] == "Filtered":
                seen.add("filtered:" + d["event"]["reason"])
    wanted = {
        "speak:super_chat", "speak:thanks", "speak:question", "speak:mention", "speak:say",
        "speak:promotion", "stop:streamer", "stop:mute", "stop:timeout", "filtered:overflow",
        "filtered:stale", "filtered:folded", "filtered:flood", "filtered:ignored_viewer",
        "filtered:answered_by_streamer", "filtered:combo_thanked", "filtered:reset",
    }  # fmt: skip
    assert wanted <= seen, wanted - seen
