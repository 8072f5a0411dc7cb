"""How well the brain answers a busy room: the shipped demo room (and any --record file)
replayed through the real brain on a fake clock, each reply taking as long to say as a
person would. Prints distinct questions, the share answered, the median wait for a turn
and replies a minute, for the default config and a few cooldown choices.

    .venv/bin/python -m bench.bench_answering [RECORDING.jsonl ...]
"""

from __future__ import annotations

import sys
from pathlib import Path

from agent.config import BrainConfig
from agent.sources.replay import DEMO_RECORDING
from tests.support.room import rehearse

CHOICES: list[tuple[str, dict[str, float | bool]]] = [
    ("defaults", {}),
    ("fold_by_meaning = false (characters only)", {"fold_by_meaning": False}),
    ("thanks_cooldown_s = cooldown_s (before issue 10)", {"thanks_cooldown_s": 8.0}),
    ("cooldown_s = 5", {"cooldown_s": 5.0}),
]


def main(paths: list[str]) -> None:
    recordings = [Path(p) for p in paths] or [DEMO_RECORDING]
    for recording in recordings:
        print(f"{recording.name}:")
        for label, overrides in CHOICES:
            brain = rehearse(recording, BrainConfig(sentiment_model=False, **overrides))
            print(f"  {label:<50} {brain.tally.line()}")


if __name__ == "__main__":
    main(sys.argv[1:])
