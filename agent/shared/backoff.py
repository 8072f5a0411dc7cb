"""The one reconnect delay: what every link (platform sources, OBS, the mic) waits between attempts.

A small explicit class rather than a retry library's wait strategy (no such library is
a dependency, and tenacity's would not fit): tenacity models "retry a call until it
succeeds", but a live link succeeds (goes live) and fails again later, so the attempt
count must reset when it is live again and an auth refusal must jump straight to the
cap. That is a dozen lines here, testable with a seeded random.
"""

from __future__ import annotations

import random


class Backoff:
    """Delays between attempts: initial_s doubling up to max_s, each scaled by 0.5..1.

    Scaling down ("equal jitter") keeps many clients from reconnecting in step
    after a platform outage while never waiting longer than the nominal delay.
    """

    def __init__(self, initial_s: float, max_s: float, rng: random.Random | None = None) -> None:
        self.initial_s = initial_s
        self.max_s = max_s
        self.attempt = 0
        self._rng = rng or random.Random()

    def _jitter(self, nominal: float) -> float:
        return nominal * self._rng.uniform(0.5, 1.0)

    def next_delay(self) -> float:
        nominal = min(self.max_s, self.initial_s * 2.0 ** min(self.attempt, 62))
        self.attempt += 1
        return self._jitter(nominal)

    def max_delay(self) -> float:
        """After an auth refusal: retrying fast cannot help and may get the client banned."""
        self.attempt += 1
        return self._jitter(self.max_s)

    def reset(self) -> None:
        self.attempt = 0
