"""Viewers remembered across streams: one SQLite file, keyed by platform and user id.

What is kept of a viewer: the name the bot may say (already the safe one), how many
streams they came to, when they were last here, the last few things they asked, and what
they gave (gift name, count, value). Nothing else: never a message a filter dropped, never
text carrying a contact, a link or a banned word (the caller checks with ``storable``),
never a name the brain would not say.

A viewer who types ``!forget`` (or ``！forget``, ``!忘记我``: ``agent.brain.memory``) is
forgotten at once and not remembered again: what stays is a salted hash of their key, so
the opt-out holds without keeping who they are. The streamer has ``cohost memory list / export / forget``.
Rows older than ``retention_days`` are deleted when the file is opened and once an hour.

SQLite in WAL mode, ``synchronous=NORMAL``: a write is a page append without fsync (tens
of microseconds), so the brain's shell can record on its own thread; two ``cohost``
processes may share the file (the second waits up to ``busy_timeout``). sqlite3 is the
standard library's: no server, one file a streamer can copy or delete.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from agent.config import ViewersConfig
from agent.shared.orders import PastViewer

__all__ = ["LiveViewers", "ViewerStore", "open_store", "store_path"]

log = logging.getLogger(__name__)

_PURGE_EVERY_S = 3600.0
_MAX_TEXT = 80
_MAX_NAME = 32
_SCHEMA = """
CREATE TABLE IF NOT EXISTS viewers (
    platform TEXT NOT NULL, uid TEXT NOT NULL, name TEXT NOT NULL,
    visits INTEGER NOT NULL, first_seen REAL NOT NULL, last_seen REAL NOT NULL,
    PRIMARY KEY (platform, uid));
CREATE TABLE IF NOT EXISTS asked (
    platform TEXT NOT NULL, uid TEXT NOT NULL, at REAL NOT NULL, text TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS asked_by ON asked (platform, uid, at);
CREATE TABLE IF NOT EXISTS gave (
    platform TEXT NOT NULL, uid TEXT NOT NULL, at REAL NOT NULL,
    gift TEXT NOT NULL, count INTEGER NOT NULL, value REAL NOT NULL);
CREATE INDEX IF NOT EXISTS gave_by ON gave (platform, uid, at);
CREATE TABLE IF NOT EXISTS opted_out (key TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
_CONTROL_RE = re.compile("[\x00-\x1f\x7f\u200b-\u200f\u2028-\u202e\ud800-\udfff]")


def _clean(text: str, limit: int) -> str:
    return _CONTROL_RE.sub("", text).strip()[:limit]


class ViewerStore:
    """One SQLite file of viewers; thread-safe (one connection, one lock)."""

    def __init__(
        self,
        path: Path | str,
        *,
        retention_days: float = 90.0,
        max_asked: int = 3,
        clock: Callable[[], float] = time.time,
        busy_timeout_s: float = 10.0,
    ) -> None:
        self.path = Path(path).expanduser()
        self._clock = clock
        self.retention_s = retention_days * 86400.0
        self.max_asked = max_asked
        self._lock = threading.Lock()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(
            self.path, timeout=busy_timeout_s, check_same_thread=False, isolation_level=None
        )
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        # Forgotten means gone from the file: deleted rows are overwritten, not left in free pages.
        self._db.execute("PRAGMA secure_delete=ON")
        self._db.executescript(_SCHEMA)
        self._salt = self._meta_salt()
        self._purged_at = 0.0
        self.purge()

    # -- reading --

    def recall(self, platform: str, uid: str) -> PastViewer | None:
        """The viewer's past, or None for someone new (or forgotten)."""
        with self._lock:
            row = self._db.execute(
                "SELECT name, visits, last_seen FROM viewers WHERE platform=? AND uid=?", (platform, uid)
            ).fetchone()
            if row is None:
                return None
            asked = self._db.execute(
                "SELECT text FROM asked WHERE platform=? AND uid=? ORDER BY at DESC LIMIT ?",
                (platform, uid, self.max_asked),
            ).fetchall()
            gifts, value = self._db.execute(
                "SELECT COALESCE(SUM(count), 0), COALESCE(SUM(value), 0) FROM gave"
                " WHERE platform=? AND uid=?",
                (platform, uid),
            ).fetchone()
        return PastViewer(
            row[0], row[1], row[2], tuple(t for (t,) in reversed(asked)), int(gifts), float(value)
        )

    def viewers(self, limit: int = 100) -> list[dict[str, Any]]:
        """The most recently seen viewers, newest first (``cohost memory list``)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT platform, uid FROM viewers ORDER BY last_seen DESC LIMIT ?", (limit,)
            ).fetchall()
        return [self._row(platform, uid) for platform, uid in rows]

    def export(self) -> list[dict[str, Any]]:
        """Everything remembered, one dict a viewer (``cohost memory export``)."""
        return self.viewers(limit=-1)

    def _row(self, platform: str, uid: str) -> dict[str, Any]:
        past = self.recall(platform, uid)
        assert past is not None
        return {
            "platform": platform,
            "uid": uid,
            "name": past.name,
            "visits": past.visits,
            "last_seen": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(past.last_seen)),
            "asked": list(past.asked),
            "gifts": past.gifts,
            "value": past.value,
        }

    # -- writing --

    def visit(self, platform: str, uid: str, name: str, *, new_visit: bool) -> None:
        """The viewer is here; ``new_visit`` counts one more stream (their first sighting in
        this process)."""
        if not uid or self.opted_out(platform, uid):
            return
        at = self._clock()
        with self._lock:
            self._db.execute(
                "INSERT INTO viewers VALUES (?, ?, ?, 1, ?, ?) ON CONFLICT (platform, uid) DO UPDATE SET"
                " name=excluded.name, last_seen=excluded.last_seen, visits=visits+?",
                (platform, uid, _clean(name, _MAX_NAME), at, at, int(new_visit)),
            )
        if at - self._purged_at >= _PURGE_EVERY_S:
            self.purge()

    def asked(self, platform: str, uid: str, text: str) -> None:
        """Something the viewer asked; the caller has checked it with ``storable``."""
        text = _clean(text, _MAX_TEXT)
        if not uid or not text or self.opted_out(platform, uid):
            return
        with self._lock:
            self._db.execute("INSERT INTO asked VALUES (?, ?, ?, ?)", (platform, uid, self._clock(), text))
            self._db.execute(
                "DELETE FROM asked WHERE platform=? AND uid=? AND rowid NOT IN (SELECT rowid FROM asked"
                " WHERE platform=? AND uid=? ORDER BY at DESC LIMIT ?)",
                (platform, uid, platform, uid, self.max_asked),
            )

    def gave(self, platform: str, uid: str, gift: str, count: int, value: float) -> None:
        if not uid or self.opted_out(platform, uid):
            return
        with self._lock:
            self._db.execute(
                "INSERT INTO gave VALUES (?, ?, ?, ?, ?, ?)",
                (platform, uid, self._clock(), _clean(gift, _MAX_NAME), max(0, count), max(0.0, value)),
            )

    # -- forgetting --

    def forget(self, platform: str, uid: str, *, opt_out: bool = True) -> bool:
        """Delete everything about the viewer; True when there was something. ``opt_out``:
        never remember them again (a viewer's ``!forget``)."""
        with self._lock:
            found = self._delete("platform=? AND uid=?", (platform, uid))
            if opt_out:
                self._db.execute("INSERT OR IGNORE INTO opted_out VALUES (?)", (self._key(platform, uid),))
            self._checkpoint()
        return found

    def forget_who(self, who: str, platform: str = "") -> int:
        """The streamer's ``cohost memory forget``: delete every viewer whose user id or
        remembered name is ``who`` (on ``platform`` when given); returns how many."""
        with self._lock:
            rows = self._db.execute(
                "SELECT platform, uid FROM viewers WHERE (uid=? OR name=?) AND (?='' OR platform=?)",
                (who, who, platform, platform),
            ).fetchall()
            for found_platform, uid in rows:
                self._delete("platform=? AND uid=?", (found_platform, uid))
            self._checkpoint()
        return len(rows)

    def opted_out(self, platform: str, uid: str) -> bool:
        with self._lock:
            row = self._db.execute("SELECT 1 FROM opted_out WHERE key=?", (self._key(platform, uid),))
            return row.fetchone() is not None

    def purge(self) -> int:
        """Delete what is older than the retention limit; returns how many viewers went."""
        now = self._clock()
        cutoff = now - self.retention_s
        with self._lock:
            gone = self._db.execute("DELETE FROM viewers WHERE last_seen < ?", (cutoff,)).rowcount
            self._db.execute("DELETE FROM asked WHERE at < ?", (cutoff,))
            self._db.execute("DELETE FROM gave WHERE at < ?", (cutoff,))
            if gone:
                self._checkpoint()
        self._purged_at = now
        return int(gone)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _checkpoint(self) -> None:
        """Fold the write-ahead log into the file and empty it: the old page images of what
        was just deleted go with it (another process still reading keeps them until it ends)."""
        self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def _delete(self, where: str, args: tuple[str, ...]) -> bool:
        found = self._db.execute(f"DELETE FROM viewers WHERE {where}", args).rowcount > 0
        for table in ("asked", "gave"):
            found |= self._db.execute(f"DELETE FROM {table} WHERE {where}", args).rowcount > 0
        return found

    def _key(self, platform: str, uid: str) -> str:
        return hashlib.sha256(f"{self._salt}\x00{platform}\x00{uid}".encode()).hexdigest()

    def _meta_salt(self) -> str:
        row = self._db.execute("SELECT value FROM meta WHERE name='salt'").fetchone()
        if row is not None:
            return str(row[0])
        salt = secrets.token_hex(16)
        self._db.execute("INSERT OR IGNORE INTO meta VALUES ('salt', ?)", (salt,))
        return str(self._db.execute("SELECT value FROM meta WHERE name='salt'").fetchone()[0])


def store_path(cfg: ViewersConfig) -> Path:
    """``[viewers] file``, or viewers.sqlite3 in the per-user data folder."""
    if cfg.file:
        return Path(cfg.file).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("cohost", appauthor=False)) / "viewers.sqlite3"


def open_store(cfg: ViewersConfig, *, busy_timeout_s: float = 10.0) -> ViewerStore:
    """The store ``cfg`` names; OSError / sqlite3.Error when the file cannot be opened."""
    return ViewerStore(
        store_path(cfg),
        retention_days=cfg.retention_days,
        max_asked=cfg.max_asked,
        busy_timeout_s=busy_timeout_s,
    )


class LiveViewers:
    """The store as the brain's shell uses it during a stream: a database error (disk full,
    the file deleted or locked for long) is one warning and viewer memory off for the rest
    of the stream, never an exception in the middle of the chat."""

    def __init__(self, store: ViewerStore) -> None:
        self.store = store
        self.failed = ""

    def recall(self, platform: str, uid: str) -> PastViewer | None:
        return self._safe(lambda: self.store.recall(platform, uid), None)

    def visit(self, platform: str, uid: str, name: str, *, new_visit: bool) -> None:
        self._safe(lambda: self.store.visit(platform, uid, name, new_visit=new_visit), None)

    def asked(self, platform: str, uid: str, text: str) -> None:
        self._safe(lambda: self.store.asked(platform, uid, text), None)

    def gave(self, platform: str, uid: str, gift: str, count: int, value: float) -> None:
        self._safe(lambda: self.store.gave(platform, uid, gift, count, value), None)

    def forget(self, platform: str, uid: str, *, opt_out: bool = True) -> bool:
        return bool(self._safe(lambda: self.store.forget(platform, uid, opt_out=opt_out), False))

    def _safe(self, call: Callable[[], Any], default: Any) -> Any:
        if self.failed:
            return default
        try:
            return call()
        except (sqlite3.Error, OSError) as exc:
            self.failed = str(exc)
            log.warning(
                "viewer memory off for this stream: %s (%s); check viewers.file, then restart",
                exc,
                self.store.path,
            )
            return default
