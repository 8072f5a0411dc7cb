"""The knowledge the bot answers from: the streamer's files and the live room's facts,
matched to a question (``facts``), the room's facts followed on the bus (``run``).

It loads in the background: the files' phrasings are embedded once the meaning model is
in (the brain's own copy, handed over by ``embedder``; agent/app/assemble.py wires it). Until
then, and where the model is unavailable, content words alone match (``words_only``).
Everything runs on the event loop except the loading thread; ``facts`` is called by the
brain's shell, ``run`` is a bus stage.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence

from agent.bus import EventQueue
from agent.config import KnowledgeConfig
from agent.events import RoomInfo
from agent.knowledge.entries import Entry, load_files
from agent.knowledge.match import Embed, Match, Matcher
from agent.knowledge.room import room_entries
from agent.orders import Fact

__all__ = ["Knowledge"]

log = logging.getLogger(__name__)


class Knowledge:
    """Implements agent.orders.Knowing."""

    def __init__(self, cfg: KnowledgeConfig, entries: Sequence[Entry] = ()) -> None:
        self.cfg = cfg
        self.entries = list(entries)
        self.room: dict[str, list[Entry]] = {}  # platform -> its room's facts
        self.matcher = Matcher(self.entries, None, threshold=cfg.threshold)
        self._state = "words only" if self.entries else "empty"
        self._loader: threading.Thread | None = None

    @classmethod
    def from_config(cls, cfg: KnowledgeConfig) -> Knowledge:
        """The configured files read; raises KnowledgeError (one line) when one cannot be."""
        entries, warnings = load_files(cfg.files)
        for warning in warnings:
            log.warning("knowledge: %s", warning)
        if cfg.files:
            log.info("knowledge: %d entries from %s", len(entries), ", ".join(cfg.files))
        return cls(cfg, entries)

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
        matcher = Matcher(self._all(), embed, threshold=self.cfg.threshold)
        self.matcher = matcher
        matcher.replace(self._all())  # room facts that arrived meanwhile
        self._state = "ready" if embed is not None else "words only"

    def _load(self, embedder: Callable[[], Embed | None]) -> None:
        try:
            self.load(embedder())
        except Exception as exc:  # the model broke mid-way: words still answer
            log.warning("knowledge: matching by words only (%s)", exc)
            self._state = "words only"

    def wait(self, timeout: float | None = None) -> bool:
        if self._loader is not None:
            self._loader.join(timeout)
            return not self._loader.is_alive()
        return True

    def status(self) -> str:
        """``empty``, ``loading``, ``ready`` (by meaning) or ``words only``."""
        return self._state

    # -- the room --

    def observe(self, info: RoomInfo) -> None:
        """A source reported its room's title and game: they answer from now on."""
        if not self.cfg.room_facts:
            return
        entries = room_entries(info)
        if entries == self.room.get(info.platform):
            return
        self.room[info.platform] = entries
        log.info("knowledge: room facts from %s: %s", info.platform, " / ".join(e.answer for e in entries))
        if self._state != "loading":
            self.matcher.replace(self._all())

    async def run(self, queue: EventQueue) -> None:
        """The bus stage: follow ``room_info``."""
        while True:
            event = await queue.get()
            if isinstance(event, RoomInfo):
                self.observe(event)

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
