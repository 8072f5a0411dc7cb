"""While the sentiment worker loads, the brain's thread never waits for it."""

from __future__ import annotations

import functools
import threading
import time

from agent.brain.sentiment import SentimentModel

# A load that does not end while the test runs (the worker is closed at the end).
_NEVER_LOADS = functools.partial(time.sleep, 3600)


def test_score_answers_at_once_while_another_thread_waits_for_the_load() -> None:
    model = SentimentModel(load=_NEVER_LOADS)
    waiter = threading.Thread(target=model.wait_ready, args=(3600,), daemon=True)
    waiter.start()
    try:
        # The old wait held the model's lock for its whole timeout: this call then waited too.
        assert model.score("主播好厉害") is None
        assert model.state == "loading"
        assert waiter.is_alive()  # still waiting for the load, and we were not held up by it
    finally:
        model.close()
    waiter.join(timeout=60)  # a bounded join, not a timing assumption: close ends the wait
    assert not waiter.is_alive()
    assert model.state == "failed"
