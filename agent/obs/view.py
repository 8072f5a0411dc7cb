"""What OBS should show right now, worked out from events: pure, no I/O, no clock.

``ObsView.handle(event, now)`` and ``expire(now)`` update the wanted text of the
reply, subtitle and status sources and whether the "talking" item is shown;
the output stage only copies that to OBS. A reply sentence appears when its
audio starts playing, the reply accumulates, and it clears ``clear_after_s``
after the utterance ends (at once when it was interrupted).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from agent.config import ObsConfig
from agent.events import (
    Audio,
    Control,
    Event,
    ModelStatus,
    ReplySentence,
    SourceStatus,
    StateChange,
    Transcript,
    UtteranceDone,
)
from agent.reply.sentences import join_sentences

MAX_SOURCES_SHOWN = 8  # status line: room sources beyond this are not listed


def clean(text: str, max_chars: int) -> str:
    """Text bounded to what a source shows. Control and bidi characters never get here: text is
    cleaned once, where it enters the bus (agent/shared/cleantext.py)."""
    kept = text.strip()
    if len(kept) > max_chars:
        kept = kept[: max_chars - 1].rstrip() + "…"
    return kept


@dataclass
class _Reply:
    utterance_id: int
    shown: dict[int, str]
    written: dict[int, str]


class ObsView:
    def __init__(self, cfg: ObsConfig) -> None:
        self.cfg = cfg
        self.reply = ""
        self.subtitle = ""
        self.status = ""
        self.talking = False
        self._current: _Reply | None = None
        self._finished: deque[int] = deque(maxlen=64)  # late audio of these is ignored
        self._reply_clear_at: float | None = None
        self._subtitle_clear_at: float | None = None
        self._state = "starting"
        self._muted = False
        self._topic = ""
        self._sources: dict[str, str] = {}
        self._model_fallback = False  # the language model fails: template replies meanwhile
        self._render_status()

    # --- events -------------------------------------------------------------

    def handle(self, event: Event, now: float) -> None:
        match event:
            case Audio():
                self._on_audio(event.utterance_id, event.index, event.text, now)
            case ReplySentence():
                self._on_sentence(event, now)
            case UtteranceDone():
                self._on_done(event, now)
            case Transcript():
                self._on_transcript(event, now)
            case StateChange():
                self._state, self._muted, self._topic = event.state, event.muted, event.topic
                self._render_status()
            case ModelStatus():
                self._model_fallback = event.state == "fallback"
                self._render_status()
            case SourceStatus():
                if event.source in self._sources or len(self._sources) < MAX_SOURCES_SHOWN:
                    self._sources[event.source] = event.state
                    self._render_status()
            case Control():
                if event.action in ("skip", "reset", "mute"):
                    self._clear_reply()
                if event.action == "reset":
                    self._set_subtitle("", None)
            case _:
                pass

    def expire(self, now: float) -> None:
        if self._reply_clear_at is not None and now >= self._reply_clear_at:
            self._clear_reply()
        if self._subtitle_clear_at is not None and now >= self._subtitle_clear_at:
            self._set_subtitle("", None)

    def next_deadline(self) -> float | None:
        times = [t for t in (self._reply_clear_at, self._subtitle_clear_at) if t is not None]
        return min(times) if times else None

    # --- reply --------------------------------------------------------------

    def _reply_for(self, utterance_id: int) -> _Reply | None:
        if utterance_id in self._finished:
            return None
        if self._current is None or self._current.utterance_id != utterance_id:
            self._current = _Reply(utterance_id, {}, {})
        return self._current

    def _on_sentence(self, event: ReplySentence, now: float) -> None:
        reply = self._reply_for(event.utterance_id)
        if reply is None:
            return
        reply.written[event.index] = event.text
        if self.cfg.reply_sync == "sentence":
            self._show(reply, event.index, event.text)

    def _on_audio(self, utterance_id: int, index: int, text: str, now: float) -> None:
        reply = self._reply_for(utterance_id)
        if reply is None:
            return
        self._show(reply, index, text)
        self.talking = True

    def _show(self, reply: _Reply, index: int, text: str) -> None:
        reply.shown[index] = text
        self._reply_clear_at = None
        self.reply = clean(join_sentences([reply.shown[i] for i in sorted(reply.shown)]), self.cfg.max_chars)

    def _on_done(self, event: UtteranceDone, now: float) -> None:
        self._finished.append(event.utterance_id)
        reply = self._current
        if reply is None or reply.utterance_id != event.utterance_id:
            return
        self.talking = False
        if event.outcome in ("interrupted", "failed"):
            self._clear_reply()
            return
        # Text-only runs (no audio events): show what was written before it goes.
        for index, text in reply.written.items():
            if index not in reply.shown:
                self._show(reply, index, text)
        self._current = None
        if self.reply and self.cfg.clear_after_s > 0:
            self._reply_clear_at = now + self.cfg.clear_after_s

    def _clear_reply(self) -> None:
        if self._current is not None:
            self._finished.append(self._current.utterance_id)
        self._current = None
        self.reply = ""
        self.talking = False
        self._reply_clear_at = None

    # --- subtitles and status -----------------------------------------------

    def _on_transcript(self, event: Transcript, now: float) -> None:
        text = clean(event.text, self.cfg.max_chars)
        if not text:
            return
        after = self.cfg.subtitle_clear_after_s
        self._set_subtitle(text, now + after if after > 0 else None)

    def _set_subtitle(self, text: str, clear_at: float | None) -> None:
        self.subtitle = text
        self._subtitle_clear_at = clear_at

    def _render_status(self) -> None:
        parts = ["muted" if self._muted else self._state]
        if self._muted and self._state not in ("muted", ""):
            parts.append(self._state)
        if self._model_fallback:
            parts.append("model failing: template replies")
        if self._topic:
            parts.append(f"topic: {self._topic}")
        parts += [f"{name}: {state}" for name, state in self._sources.items()]
        self.status = clean(" · ".join(p for p in parts if p), self.cfg.max_chars)
