"""What of a reply is worth saying aloud: the text front end every voice is reached through.

Danmaku culture is full of emoji, kaomoji and ``！！！``: a speech model either
reads their Unicode names, mumbles, or fails on them, so they are removed before
G2P, and a sentence with nothing left to say is never sent to TTS at all.

Text is made speakable once, here, before it reaches a voice: ``say`` (and the
reply pipeline's ``agent.tts.backup.speak``) run ``to_say`` and hand the engine
the result, so an engine's ``synthesize`` gets text it can read as it is.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from agent.tts.base import TTSEngine

# Unicode categories with something to pronounce: letters (汉字, latin, kana) and numbers.
_SPOKEN_CATEGORIES = ("L", "N")

# Emoji and pictographs (So), skin-tone and other modifiers (Sk), zero-width joiners and
# other format characters (Cf), private-use glyphs (Co; platform emotes), and the
# combining marks that build emoji sequences (variation selectors, the keycap ring).
_SILENT_CATEGORIES = frozenset({"So", "Sk", "Cf", "Co", "Cs"})
_EMOJI_MARKS = frozenset({"\ufe0e", "\ufe0f", "\u20e3"})
_SPACES = re.compile(r"\s+")
# Chinese has no spaces between words: a removed emoji must not leave a gap ("你好 ，") that
# an engine reads as a pause; between latin words the space stays.
_CJK_GAP = re.compile(r"\s+(?=[^\x00-\x7f])|(?<=[^\x00-\x7f])\s+")
# Full-width latin letters and digits (ＯＫ１２３, common in Chinese input methods) as ASCII,
# which G2P front ends read; full-width punctuation (，！？) stays, it shapes Chinese prosody.
_HALF_WIDTH = {code: code - 0xFEE0 for code in range(0xFF10, 0xFF5B) if chr(code).isalnum()}


def speakable(text: str) -> bool:
    """True when the text has a letter or digit to say; emoji, symbols and punctuation alone are not."""
    return any(unicodedata.category(char)[0] in _SPOKEN_CATEGORIES for char in text)


def for_speech(text: str) -> str:
    """The text an engine should read: emoji and invisible characters removed, spaces collapsed."""
    kept = (
        " " if unicodedata.category(char) in _SILENT_CATEGORIES else char
        for char in text.translate(_HALF_WIDTH)
        if char not in _EMOJI_MARKS
    )
    return _CJK_GAP.sub("", _SPACES.sub(" ", "".join(kept))).strip()


# What an engine returns for a sentence with nothing to say.
NO_AUDIO = np.zeros(0, np.float32)


def to_say(text: str) -> str | None:
    """The text as the voice should read it (``frontend.prepare``), or None when nothing can be spoken.

    Markup and links removed, numbers, letters and abbreviations written out (see
    ``agent.tts.frontend``), emoji dropped.
    """
    from agent.tts.frontend import prepare

    clean = for_speech(prepare(for_speech(text)))
    return clean if speakable(clean) else None


def say(engine: TTSEngine, text: str) -> np.ndarray:
    """``text`` said by ``engine`` (blocking): made speakable once, then synthesised; NO_AUDIO
    when nothing in it can be said."""
    clean = to_say(text)
    return NO_AUDIO if clean is None else engine.synthesize(clean)
