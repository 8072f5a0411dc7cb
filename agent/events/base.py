"""What every event shares: the lane it travels in and when it arrived."""

from __future__ import annotations

import time
from dataclasses import field
from enum import IntEnum


class Lane(IntEnum):
    CONTROL = 0
    DATA = 1


def _now() -> float:
    return time.perf_counter()


# ``at`` is when the event entered this process (perf_counter seconds): for latency and
# the overlay's chat order only, never compared for equality, never written to a recording.
ARRIVAL: float = field(default_factory=_now, compare=False, repr=False)
