"""The knowledge the bot answers from: the streamer's files and the live room's facts,
matched to a question (``facts``), the room's facts followed on the bus (``run``).

It loads in the background: the files' phrasings are embedded once the meaning model is
in (the brain's own copy, handed over by ``embedder``; agent/app/assemble.py wires it). Until
then, and where the model is unavailable, content words alone match (``words_only``).
Everything runs on the event loop except the loading thread; ``facts`` is called by the
brain's shell, ``run`` is a bus stage.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from agent.bus import EventQueue
from agent.config import KnowledgeConfig
from agent.events import RoomInfo
from agent.knowledge import words
from agent.knowledge.entries import Entry, KnowledgeError, load_files
from agent.knowledge.match import Embed, Match, Matcher
from agent.knowledge.room import clean, room_entries
from agent.shared.orders import Fact

__all__ = ["Knowledge"]

log = logging.getLogger(__name__)


class Knowledge:
    """Implements agent.shared.orders.Knowing."""

    def __init__(
        self, cfg: KnowledgeConfig, entries: Sequence[Entry] = (), warnings: Sequence[str] = ()
    ) -> None:
        self.cfg = cfg
        self.entries = list(entries)
        self.warnings = list(warnings)  # the files' headings skipped, one line each
        self.room: dict[str, list[Entry]] = {}  # platform -> its room's facts
        self.room_info: dict[str, RoomInfo] = {}  # platform -> what its source last reported
        self.matcher = Matcher(self.entries, None, threshold=cfg.threshold)
        self._state = "words only" if self.entries else "empty"
        self._loader: threading.Thread | None = None
        self._embed: Embed | None = None
        self._lock = threading.Lock()  # one matcher swap or room-facts update at a time
        self._stamps = _stamps(cfg.files)  # the files' (mtime, size) when last read
        self.loaded_at: float | None = None  # wall time the entries were last embedded
        self.reloaded_at: float | None = None  # wall time a changed file was last read again
        self.error = ""  # why matching is by words only, or why a changed file was not taken

    @classmethod
    def from_config(cls, cfg: KnowledgeConfig) -> Knowledge:
        """The configured files read; raises KnowledgeError (one line) when one cannot be."""
        entries, warnings = load_files(cfg.files)
        for warning in warnings:
            log.warning("knowledge: %s", warning)
        if cfg.files:
            log.info("knowledge: %d entries from %s", len(entries), ", ".join(cfg.files))
        return cls(cfg, entries, warnings)

    # -- loading --

    def start_loading(self, embedder: Callable[[], Embed | None]) -> None:
        """Embed the entries in a thread once ``embedder`` (blocking) hands over the model."""
        if self._loader is not None or not (self.entries or self.cfg.room_facts):
            return
        self._state = "loading"
        self._loader = threading.Thread(target=self._load, args=(embedder,), name="knowledge", daemon=True)
        self._loader.start()

    def load(self, embed: Embed | None) -> None:
        """Match by meaning with ``embed`` from now on (blocking: embeds every phrasing)."""
        self._embed = embed
        self._install(Matcher(self._all(), embed, threshold=self.cfg.threshold))
        self._state = "ready" if embed is not None else "words only"
        self.loaded_at = time.time()
        if embed is None:
            self.error = "the meaning model is unavailable: matching by words only"

    def _install(self, matcher: Matcher) -> None:
        with self._lock:
            matcher.replace(self._all())  # room facts that arrived while it was being built
            self.matcher = matcher

    def reload(self) -> bool:
        """Read the files again when one changed since they were read (blocking: embeds the
        new phrasings); True when the entries were replaced. A file that cannot be read or
        lost every entry keeps the entries there were, and says why in ``error``."""
        stamps = _stamps(self.cfg.files)
        if stamps == self._stamps or self._state == "loading":
            return False
        self._stamps = stamps
        try:
            entries, warnings = load_files(self.cfg.files)
        except KnowledgeError as exc:
            self.error = f"not reloaded: {exc}"
            log.warning("knowledge: %s (the entries read before still answer)", exc)
            return False
        if self.entries and not entries:
            self.error = "not reloaded: the files have no entries now (the entries read before still answer)"
            log.warning("knowledge: %s", self.error)
            return False
        for warning in warnings:
            log.warning("knowledge: %s", warning)
        room = [e for facts in self.room.values() for e in facts]
        matcher = Matcher(entries + room, self._embed, threshold=self.cfg.threshold)  # the slow part
        with self._lock:  # the new entries and the matcher that answers from them, together
            self.entries, self.warnings = entries, warnings
            matcher.replace(self._all())
            self.matcher = matcher
        self.reloaded_at, self.error = time.time(), ""
        log.info("knowledge: %d entries reloaded from %s", len(entries), ", ".join(self.cfg.files))
        return True

    def _load(self, embedder: Callable[[], Embed | None]) -> None:
        try:
            words.warm()
            self.load(embedder())
        except Exception as exc:  # the model broke mid-way: words still answer
            log.warning("knowledge: matching by words only (%s)", exc)
            self._state = "words only"
            self.error = f"matching by words only: {exc}"[:200]

    def wait(self, timeout: float | None = None) -> bool:
        if self._loader is not None:
            self._loader.join(timeout)
            return not self._loader.is_alive()
        return True

    def status(self) -> str:
        """``empty``, ``loading``, ``ready`` (by meaning) or ``words only``."""
        return self._state

    def report(self) -> dict[str, Any]:
        """What /api/status shows of the knowledge: its state, how many entries from which
        files, when they were loaded and what went wrong, and the room facts known."""
        return {
            "state": self._state,
            "entries": len(self.entries),
            "files": [Path(f).name for f in self.cfg.files],
            "loaded_at": _when(self.loaded_at),
            "reloaded_at": _when(self.reloaded_at),
            "warnings": self.warnings[:20],
            "error": self.error,
            "room_facts": {
                platform: {"title": clean(info.title), "area": clean(info.area)}
                for platform, info in self.room_info.items()
            },
        }

    # -- the room --

    def observe(self, info: RoomInfo) -> None:
        """A source reported its room's title and game: they answer from now on."""
        if not self.cfg.room_facts:
            return
        self.room_info[info.platform] = info
        entries = room_entries(info)
        if entries == self.room.get(info.platform):
            return
        self.room[info.platform] = entries
        log.info("knowledge: room facts from %s: %s", info.platform, " / ".join(e.answer for e in entries))
        if self._state != "loading":
            with self._lock:
                self.matcher.replace(self._all())

    async def run(self, queue: EventQueue) -> None:
        """The bus stage: follow ``room_info``; look at the files every ``reload_s``."""
        watcher = asyncio.create_task(self._watch()) if self.cfg.files and self.cfg.reload_s > 0 else None
        try:
            while True:
                event = await queue.get()
                if isinstance(event, RoomInfo):
                    self.observe(event)
        finally:
            if watcher is not None:
                watcher.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await watcher

    async def _watch(self) -> None:
        while True:
            await asyncio.sleep(self.cfg.reload_s)
            if _stamps(self.cfg.files) != self._stamps:
                await asyncio.to_thread(self.reload)

    def _all(self) -> list[Entry]:
        # The streamer's own entries first: on a tie their answer wins over the platform's.
        return self.entries + [e for entries in self.room.values() for e in entries]

    # -- asking --

    def match(self, question: str) -> Match | None:
        return self.matcher.match(question)

    def facts(self, question: str) -> tuple[Fact, ...]:
        """The entry that answers ``question`` (``matched``) first, then the room's facts."""
        if self._state == "loading":
            return ()  # the matcher is being replaced: answer as if nothing were known yet
        found = self.matcher.match(question) if question else None
        facts: list[Fact] = []
        if found is not None:
            entry = found.entry
            facts.append(Fact(entry.question, entry.answer, found.score, entry.source, matched=True))
        for entries in self.room.values():
            for entry in entries:
                if found is None or entry is not found.entry:
                    facts.append(Fact(entry.question, entry.answer, 0.0, entry.source))
        return tuple(facts)


def _stamps(files: Sequence[str]) -> tuple[tuple[float, int] | None, ...]:
    """Each file's (mtime, size), None for one that cannot be seen: what a change shows in."""
    out: list[tuple[float, int] | None] = []
    for file in files:
        try:
            stat = os.stat(file)
        except OSError:
            out.append(None)
        else:
            out.append((stat.st_mtime, stat.st_size))
    return tuple(out)


def _when(at: float | None) -> str | None:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(at)) if at else None
