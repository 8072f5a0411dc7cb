"""Which waiting question a new one folds into: the same characters (near-duplicates),
or the same meaning once the meaning model has loaded (``brain.fold_by_meaning``).

The brain's shell shows each question or mention to ``see`` before stepping the state
machine (``prepare`` embeds a batch of them beforehand, from a worker thread); the state
machine then calls this object as its pure ``fold(a, b)``: the groups are already
decided, so folding costs a dict lookup inside ``step``.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Hashable

from agent.brain.flood import first_near_duplicate, near_duplicate
from agent.brain.meaning import MeaningIndex, MeaningUnavailable
from agent.config import BrainConfig

log = logging.getLogger(__name__)

# Texts whose meaning group is remembered (the index forgets older ones itself).
_GROUPS = 1024


class Folding:
    def __init__(self, cfg: BrainConfig) -> None:
        self.index = (
            MeaningIndex(cfg.meaning_threshold, per_s=cfg.meaning_per_s) if cfg.fold_by_meaning else None
        )
        self._groups: OrderedDict[str, Hashable] = OrderedDict()
        self._state = "off" if self.index is None else "not loaded"
        self._loader: threading.Thread | None = None

    def start_loading(self) -> None:
        """Load the meaning model in a background thread; until then folding is by characters."""
        if self.index is None or self._state != "not loaded":
            return
        self._state = "loading"
        self._loader = threading.Thread(target=self._load, name="meaning-model", daemon=True)
        self._loader.start()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for a background load to end; True when it has (ready, failed or never started)."""
        if self._loader is not None:
            self._loader.join(timeout)
            return not self._loader.is_alive()
        return True

    def load(self) -> None:
        """Load now, blocking (tools and tests)."""
        self._state = "loading"
        self._load()

    def _load(self) -> None:
        assert self.index is not None
        try:
            self.index.load()
        except MeaningUnavailable as exc:
            self._state = f"failed: {exc}"
            log.warning("%s", exc)
            return
        self._state = "ready"
        log.info("questions fold by meaning (multilingual-e5-small)")

    def status(self) -> str:
        """``off``, ``not loaded``, ``loading``, ``ready`` or ``failed: why``."""
        return self._state

    def prepare(self, texts: list[str]) -> int:
        """Embed a batch of questions ahead of ``see`` (blocking: run it in a worker thread,
        ``await asyncio.to_thread(folding.prepare, texts)``), so that ``see`` on the event loop
        finds them cached and costs no model time. Returns how many were embedded."""
        index = self.index
        return index.prepare(texts) if index is not None and index.ready else 0

    def see(self, text: str, now: float) -> None:
        """A question or mention arrived: find the meaning group it belongs to (if any)."""
        index = self.index
        if index is None or not index.ready or not text or text in self._groups:
            return
        group = index.add(text, text, now)
        if group is not None:
            self._groups[text] = group
            if len(self._groups) > _GROUPS:
                self._groups.popitem(last=False)

    def first(self, waiting: list[str], new: str) -> int | None:
        """The index of the first of ``waiting`` that ``new`` folds into (what calling this
        object on each in turn finds; the characters of all compared at once), or None."""
        found = first_near_duplicate(waiting, new)
        group = self._groups.get(new)  # the meaning model's group, once it has grouped ``new``
        if group is None:
            return found
        before = len(waiting) if found is None else found  # one that means the same, earlier?
        same = (i for i in range(before) if self._groups.get(waiting[i], waiting[i]) == group)
        return next(same, found)

    def __call__(self, waiting: str, new: str) -> bool:
        if near_duplicate(waiting, new):
            return True
        groups = self._groups  # empty until the meaning model has grouped a text
        if not groups:
            return False
        group = groups.get(new)
        return group is not None and groups.get(waiting, waiting) == group
