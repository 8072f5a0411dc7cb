"""snownlp's sentiment model, loaded in the background in a worker process of its own.

snownlp reads its 40 MB segmentation model with one ``marshal.loads`` that holds the
GIL for ~2 s and then keeps ~300 MB. Loaded in this process, even from a thread, it
would freeze the event loop (every chat message, the audio, the overlay) for those
seconds at start-up. So the model lives in one daemon worker process, started on first
use or by ``start_loading()``; until the worker has said it is ready, ``score`` returns
None and the tagger falls back to its rules. The worker ends with this process (it is
a daemon: quitting never waits for a load). Scores are cached: chat repeats itself.

Ctrl-C in a terminal reaches every process of the foreground group, the worker included:
the worker ignores SIGINT (it is started with SIGINT blocked, and ignores it from its
first line), so only the parent decides how to stop and then closes the worker.

The caller keeps the rate down (the brain's ``sentiment_per_s`` budget): one score is a
round trip to the worker plus snownlp's ~1.3 ms.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Literal

__all__ = ["SentimentModel", "shared"]

log = logging.getLogger(__name__)

ModelState = Literal["off", "loading", "ready", "failed"]
# One short message takes snownlp ~1.3 ms; a worker this late is stuck, not busy.
ANSWER_TIMEOUT_S = 5.0
_CACHE_SIZE = 16384
_FIX = "sentiment is rule-based from now on (brain.sentiment_model = false skips the model)"


def _load() -> None:
    """In the worker: import snownlp, which loads its models."""
    from snownlp import sentiment  # noqa: F401


def _serve(conn: Connection, load: Callable[[], object]) -> None:
    """The worker: load, say so, then answer one text at a time until the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops it (see the module docstring)
    try:
        load()
        from snownlp import sentiment
    except BaseException as exc:  # the parent logs it; the worker has nothing left to do
        conn.send(("failed", f"{type(exc).__name__}: {exc}"))
        return
    conn.send(("ready", ""))
    while True:
        try:
            text = conn.recv()
        except EOFError:
            return
        try:
            conn.send(("score", float(sentiment.classify(text))))
        except Exception as exc:  # one odd text must not end the worker
            conn.send(("error", f"{type(exc).__name__}: {exc}"))


class SentimentModel:
    """snownlp in a worker process: ``score`` is None until it is ready (see module docstring)."""

    def __init__(self, load: Callable[[], object] = _load) -> None:
        """``load`` runs first in the worker (a module-level function: it is pickled)."""
        self._load = load
        self._lock = threading.Lock()  # one request/answer on the pipe at a time
        self._conn: Connection | None = None
        self._process: BaseProcess | None = None
        self._state: ModelState = "off"
        self._detail = ""
        self._cached = lru_cache(maxsize=_CACHE_SIZE)(self._ask)

    def start_loading(self) -> None:
        """Start the worker and its model load, once; returns at once."""
        with self._lock:
            if self._state != "off":
                return
            self._state = "loading"
            # spawn everywhere: a fork of a process running threads and an event loop is unsafe.
            context = multiprocessing.get_context("spawn")
            self._conn, theirs = context.Pipe()
            self._process = context.Process(
                target=_serve, args=(theirs, self._load), name="cohost-sentiment", daemon=True
            )
            with _sigint_blocked():
                self._process.start()
            theirs.close()

    def wait_ready(self, timeout: float | None = None) -> bool:
        """Start loading if needed and wait up to ``timeout`` seconds; True once ready.

        The wait holds no lock: meanwhile ``score`` (the brain's thread) answers None at once
        and the tagger uses its rules, instead of stalling every message until the load ends."""
        self.start_loading()
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            with self._lock:
                self._settle(0)
                conn = self._conn
                if self._state != "loading" or conn is None:
                    break
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                break
            # Until the worker's word (or its end) is there to read; closed meanwhile: the next
            # look says so.
            with contextlib.suppress(OSError, EOFError, ValueError):
                conn.poll(left)
        return self._state == "ready"

    @property
    def state(self) -> ModelState:
        with self._lock:
            self._settle(0)
        return self._state

    def status(self) -> str:
        """``off``, ``loading``, ``ready`` or ``failed: why``, for status pages and logs."""
        state = self.state
        return f"{state}: {self._detail}" if self._detail else state

    def score(self, text: str) -> float | None:
        """snownlp's positive probability for ``text``, or None while the model is not
        ready (the first call starts loading it) or when it could not score this text."""
        if self.state != "ready":
            if self._state == "off":
                self.start_loading()
            return None
        return self._cached(text)

    def clear_cache(self) -> None:
        self._cached.cache_clear()

    def close(self) -> None:
        """Stop the worker now; the model is then off for good."""
        with self._lock:
            self._fail("closed", quiet=True)

    def _ask(self, text: str) -> float | None:
        with self._lock:
            if self._state != "ready" or self._conn is None:
                return None
            try:
                self._conn.send(text)
                if not self._conn.poll(ANSWER_TIMEOUT_S):
                    self._fail(f"the sentiment worker did not answer within {ANSWER_TIMEOUT_S:g} s")
                    return None
                kind, value = self._conn.recv()
            except (OSError, EOFError) as exc:
                self._fail(f"the sentiment worker stopped ({type(exc).__name__})")
                return None
        if kind == "score":
            return float(value)
        log.debug("sentiment model could not score %r: %s", text[:40], value)
        return None

    def _settle(self, timeout: float | None) -> None:
        """While loading: take the worker's "ready"/"failed" word if it comes within ``timeout``."""
        if self._state != "loading" or self._conn is None:
            return
        try:
            if not self._conn.poll(timeout):
                return
            kind, detail = self._conn.recv()
        except (OSError, EOFError):  # the worker died before it could say why (killed, out of memory)
            kind, detail = "failed", "the worker process ended"
        if kind == "ready":
            self._state = "ready"
            log.info("sentiment model (snownlp) ready")
        else:
            self._fail(f"the sentiment model did not load ({detail})")

    def _fail(self, why: str, *, quiet: bool = False) -> None:
        """Called with the lock held: stop the worker, once, with one log line."""
        if self._state == "failed":
            return
        self._state, self._detail = "failed", why
        if not quiet:
            log.warning("%s: %s", why, _FIX)
        if self._conn is not None:
            self._conn.close()
        if self._process is not None and self._process.is_alive():
            self._process.terminate()


@contextmanager
def _sigint_blocked() -> Iterator[None]:
    """Block SIGINT in this thread while it starts a process: the child inherits the mask, so a
    Ctrl-C during its start-up (before ``_serve`` ignores SIGINT) cannot print a traceback."""
    if not hasattr(signal, "pthread_sigmask"):  # Windows: _serve's SIG_IGN is all there is
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


@lru_cache(maxsize=1)
def shared() -> SentimentModel:
    """The process's one snownlp worker (its model is global in snownlp anyway)."""
    return SentimentModel()
