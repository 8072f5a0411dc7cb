"""How well the bot answers the room: distinct questions asked and answered, how long
they waited for a turn, replies a minute (stream time). Shown in the demo's summary,
``/api/status`` and ``bench/bench_answering.py``."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from statistics import median

# Reply kinds that answer what a viewer asked (a paid super chat is a question too).
ASKED = frozenset({"question", "mention", "super_chat"})


@dataclass(slots=True)
class Tally:
    asked: int = 0  # distinct questions and mentions (paraphrases folded into one count once)
    answered: int = 0
    replies: int = 0
    waits: list[float] = field(default_factory=list)  # stream seconds from asking to the reply starting
    first: float = math.inf
    last: float = -math.inf

    def seen(self, now: float) -> None:
        self.first = min(self.first, now)
        self.last = max(self.last, now)

    def question(self) -> None:
        self.asked += 1

    def reply(self, kind: str, waited: float, *, resumed: bool = False) -> None:
        if resumed:
            return  # said again after the streamer cut it off: counted when it first started
        self.replies += 1
        if kind in ASKED:
            self.answered += 1
            self.waits.append(max(0.0, waited))

    def summary(self) -> dict[str, float]:
        minutes = (self.last - self.first) / 60.0 if self.last > self.first else 0.0
        return {
            "questions": self.asked,
            "answered": self.answered,
            "answered_share": round(self.answered / self.asked, 3) if self.asked else 0.0,
            "median_wait_s": round(median(self.waits), 1) if self.waits else 0.0,
            "replies_per_min": round(self.replies / minutes, 2) if minutes > 0 else 0.0,
        }

    def line(self) -> str:
        """One line for a person, e.g. "questions: 7 distinct, 5 answered (71%), median wait 6.2 s; ..."."""
        s = self.summary()
        return (
            f"questions: {s['questions']:g} distinct, {s['answered']:g} answered "
            f"({s['answered_share']:.0%}), median wait {s['median_wait_s']:g} s; "
            f"{s['replies_per_min']:g} replies/min"
        )
