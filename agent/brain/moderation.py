"""What a viewer's message may become before the brain sees it: the stateless filter.

``Moderator.check`` normalises, cuts, looks for banned words (``agent.brain.matcher``:
as words of the message, written plainly, spaced out, full-width, look-alike, with
fillers, reversed, in pinyin and by sound), finds contact details and links
(``agent.brain.contacts``) and tags intent. ``Moderator.banned_in`` checks the bot's
own sentences (and names) before they are spoken or shown: a lexicon entry or any
contact detail or link there is refused. ``Moderator.explain`` says, for a message,
which forms were tried, what fired and where (``cohost moderate --explain``). All are
stateless and allocation-light: they run for every message of a danmaku flood. The
sentiment model loads in the background, in a worker process (``start_loading``,
``wait_ready``, ``model_status``): until it is ready, and beyond the caller's budget
(``use_model=False``), sentiment is rule-based.

The lexicon file format is in ``agent.brain.lexicon``.

Contact details (phone numbers, ids offered with their cue word, digit runs written in
a disguise) are replaced by a placeholder in ``Verdict.text``; when
``block_contact_info`` is on, a message that offers one, or a link spelled to dodge a
filter (点com, dot top), is blocked with reason ``contact_solicit``: live rooms are
where "加V" ads and scams fish, and a co-host must never read an id aloud. Plain
links are only replaced by ``[链接]``: viewers share clips, and the placeholder is enough.
"""

from __future__ import annotations

from dataclasses import dataclass

from agent.brain import normalize, sentiment, tags
from agent.brain.contacts import ContactHit, find_contacts
from agent.brain.lexicon import BUILTIN_LEXICON, Entry, LexiconError, load_entries
from agent.brain.matcher import Hit, Matcher
from agent.config import BrainConfig

__all__ = ["BUILTIN_LEXICON", "Explanation", "LexiconError", "Moderator", "Verdict"]


@dataclass(frozen=True, slots=True)
class Verdict:
    kept: bool
    reason: str  # "" when kept; "empty", "too_long", "banned_word", "contact_solicit"
    rule: str  # the lexicon entry as written, or the contact kind ("phone", "contact_id"...)
    text: str  # display form, cut and scrubbed: what the rest of the bot may use
    tags: frozenset[str]
    sentiment: float = 0.5


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why a message was kept or blocked: the forms tried and every candidate found."""

    forms: dict[str, str]  # form name -> text
    hits: list[Hit]  # lexicon candidates, counted first; ``void`` says why one did not count
    contacts: list[ContactHit]


_PLACEHOLDER = {"link": "[链接]", "hidden_link": "[链接]", "phone": "[电话]"}
_BLOCKING = frozenset({"phone", "contact_id", "number", "hidden_link"})


def scrub(text: str, found: list[ContactHit]) -> str:
    """``text`` with each contact detail replaced by its placeholder."""
    for hit in sorted(found, key=lambda h: h.start, reverse=True):
        text = text[: hit.start] + _PLACEHOLDER.get(hit.kind, "[联系方式]") + text[hit.end :]
    return text


class Moderator:
    """Stateless message filter built once from the lexicons; see the module docstring."""

    def __init__(
        self,
        entries: list[Entry],
        *,
        max_chars: int = 200,
        drop_over_chars: int = 1000,
        bot_name: str = "",
        match_pinyin: bool = True,
        block_contact_info: bool = True,
        scrub_personal_info: bool = True,
        sentiment_model: bool = False,
    ) -> None:
        self._max_chars = max_chars
        self.max_chars = max_chars  # the cut every check makes (callers share its cached forms)
        self._drop_over = drop_over_chars
        self._block_contact = block_contact_info
        self._scrub = scrub_personal_info
        self._tagger = tags.Tagger(bot_name, model=sentiment.shared() if sentiment_model else None)
        self.matcher = Matcher(entries, match_pinyin=match_pinyin)

    @classmethod
    def from_config(cls, cfg: BrainConfig) -> Moderator:
        """Load the built-in lexicon, the config's words and extra files once.

        Raises LexiconError (one line, naming the file) when a lexicon file is missing."""
        return cls(
            load_entries(cfg),
            max_chars=cfg.max_message_chars,
            drop_over_chars=cfg.drop_over_chars,
            bot_name=cfg.bot_name,
            match_pinyin=cfg.match_pinyin,
            block_contact_info=cfg.block_contact_info,
            scrub_personal_info=cfg.scrub_personal_info,
            sentiment_model=cfg.sentiment_model,
        )

    # -- the sentiment model --

    def start_loading(self) -> None:
        """Start loading the sentiment model in the background now, not on the first
        message that needs it; returns at once. Until it is ready sentiment is rule-based."""
        if self._tagger.model is not None:
            self._tagger.model.start_loading()

    def wait_ready(self, timeout: float | None = None) -> bool:
        """Wait up to ``timeout`` seconds for the sentiment model (for tools and tests that
        want its scores from the first message); True when ready or switched off."""
        return self._tagger.model is None or self._tagger.model.wait_ready(timeout)

    def model_status(self) -> str:
        """The sentiment model: ``off``, ``loading``, ``ready`` or ``failed: why``."""
        return "off" if self._tagger.model is None else self._tagger.model.status()

    # -- checking --

    def check(self, text: str, *, use_model: bool = True, brief: bool = False) -> Verdict:
        """``use_model=False`` skips the sentiment model (rule-based sentiment only).
        ``brief=True``: a dropped message's verdict says only why (``reason``, ``rule``), with
        no text, tags or sentiment worked out (the brain reads nothing else of it)."""
        if len(text) > self._drop_over:
            display = normalize.display_form(text[: self._drop_over * 2], self._max_chars)
            return Verdict(False, "too_long", "", display, frozenset())
        forms = normalize.forms(text, self._max_chars)
        if not forms.display:
            return Verdict(False, "empty", "", "", frozenset())
        hits = self.matcher.find(forms.spaced, forms.compact)
        rule = hits[0].rule if hits else None
        if rule is not None and brief:
            return Verdict(False, "banned_word", rule, "", frozenset())
        shown, offered = forms.display, ""
        found = find_contacts(shown)
        if found:
            offered = next((h.kind for h in found if h.kind in _BLOCKING), "")
            if self._scrub:
                shown = scrub(shown, found)
        dropped = rule is not None or (bool(offered) and self._block_contact)
        if dropped and brief:
            return Verdict(False, "contact_solicit", offered, "", frozenset())
        tagged = self._tagger.tag(forms.display, forms.compact, use_model=use_model and not dropped)
        if rule is not None:
            return Verdict(False, "banned_word", rule, shown, tagged.tags, tagged.sentiment)
        if offered and self._block_contact:
            return Verdict(False, "contact_solicit", offered, shown, tagged.tags, tagged.sentiment)
        return Verdict(True, "", "", shown, tagged.tags, tagged.sentiment)

    def banned_in(self, text: str) -> str | None:
        """Why a sentence of the bot's own reply (or a name) must not be said: the lexicon
        entry it holds, or ``contact:<kind>`` for any contact detail or link; else None."""
        forms = normalize.forms(text)
        hits = self.matcher.find(forms.spaced, forms.compact)
        if hits:
            return hits[0].rule
        found = find_contacts(forms.display) or find_contacts(text)
        return f"contact:{found[0].kind}" if found else None

    def explain(self, text: str) -> Explanation:
        """Every form tried and every candidate found in ``text``, counted or not."""
        forms = normalize.forms(text, self._max_chars)
        tried = {
            "display": forms.display,
            "spaced": forms.spaced,
            "compact": forms.compact,
            "reversed": forms.compact[::-1],
            "pinyin": " ".join(normalize.pinyin_table().get(ord(c), c) for c in forms.compact),
            "contacts": _visible_fold(forms.display),
        }
        hits = self.matcher.find(forms.spaced, forms.compact, explain=True)
        return Explanation(tried, hits, find_contacts(forms.display))


def _visible_fold(text: str) -> str:
    from agent.brain.contacts import fold

    return fold(text).replace("\x00", "").replace("\x01", "?")
