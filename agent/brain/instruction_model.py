"""A learned second signal for the ``instruction`` tag: a linear model over character n-grams.

The rules in ``agent.brain.injection`` / ``injection_en`` name word classes; a viewer who
words an order in a way nobody wrote down slips past them. This model scores the lowered
display text of a message by its character 1- to 4-grams and its English words and word
pairs, each with a learned weight, and says "instruction" above a threshold. It runs in
``agent.brain.tags`` only for messages the rules left untagged that pass :func:`gated`
(long enough, and with a second-person, bot, imperative or quote cue), so ordinary chat
pays one regex search.

The weights are learned offline by ``tests/data/train_instruction_model.py`` (scikit-learn's
logistic regression on the labelled injection and chat sets, probes 12 and 13 left out as
held-out) and shipped as ``agent/data/instruction_model.json``: the few thousand heaviest
features, the bias and the threshold chosen on the training data's cross-validation
(at most 2% of harmless lines over it). Scoring here is one Aho-Corasick pass and a sum:
no scikit-learn at run time.
"""

from __future__ import annotations

import json
import re
from itertools import pairwise
from operator import itemgetter
from pathlib import Path

import ahocorasick

__all__ = ["MODEL_PATH", "Model", "gated", "keys", "load"]

MODEL_PATH = Path(__file__).resolve().parent.parent / "data" / "instruction_model.json"
MAX_N = 4  # character n-grams of length 1..MAX_N
_WORD = "\x01"  # prefix of word features: no character n-gram of chat starts with it

# Messages the model looks at: at least 6 characters and a cue an order to a bot needs
# (talking to it, naming it, an imperative or rule word, or a quote to read out). A
# character class first: most chat passes this test and nothing else.
_CUE_CHARS = (
    "你您妳叫让讓把请請要给給说說念读讀回答翻译譯扮演模式设設定规規则則记記以往凡每只系统統管权權限令指示词詞"
    "复復跟假装裝骂罵喷噴损損怼懟讽諷嘲挖助机機身份角色想象像交待照做命审審禁"
    "\"“”「」『』'‘’:：【[<#(（"
)
_CUE_CHAR_RE = re.compile(f"[{re.escape(_CUE_CHARS)}]")
_CUE_WORD_LIST = """
you your u ur bot ai assistant say said repeat translate reply respond answer tell call act pretend
roleplay role mode rule rules now always every whenever never ignore forget disregard prompt
instruction instructions system admin developer override print quote read type write start end only
must me insult roast mock trash drag diss fun persona character simulate imagine jailbreak censor
censored censorship uncensored filter filters filtering unfiltered announce obey stay stop forward
refer decode rot base
"""
_CUE_WORDS = frozenset(_CUE_WORD_LIST.split())
_WORD_RE = re.compile(r"[a-z][a-z']*")
_LETTER_RE = re.compile("[a-z]")


# A report of what someone told the viewer about something (my sister told me about your
# channel), a question about what others announced (did they announce the date) and the viewer's
# own resolution (from now on I'll…): news, not an order, unless an order to the bot follows.
_REPORT_RE = re.compile(
    r"(?:\b(?:told|showed|recommended) (?:me|us) about|\b(?:did|has|have|will) (?:they|he|she|it|the \w+)"
    r" (?:already |just |ever )?(?:announced?|say|said|confirmed?|revealed?|post|posted)\b"
    r"|\b(?:from now on|going forward|from today on),? (?:i|we)(?:'ll|'m| will| am| never| always)\b)"
    r"(?!.*\b(?:you|bot|ai|assistant|must|have to|has to|should|need to|needs to)\b)"
)
# Asking the streamer about something (tell me more about your cat, tell us the story behind…),
# disbelief (don't tell me you forgot), a hedge before an opinion (correct me if I'm wrong, 我说错了
# 别骂我), hearsay (听我姐说…) and a reduplicated verb (跟我说说): chat, not an order, unless one follows.
_CHAT_TELL_RE = re.compile(
    r"(?:\btell (?:me|us) (?:more )?(?:about|the story|a story|how you|why you)"
    r"|\b(?:don'?t|do not) tell (?:me|us)\b"
    r"|\b(?:tell|correct|stop) me if (?:i'?m|i am) (?:wrong|off|mistaken)"
    r"|我说(?:错|得?不对|的不对)|说错了?(?:别|不要|勿)|听(?:说|[我他她]?[^\s说我你]{1,3}说)|[跟和]我们?(?:说说|聊聊|讲讲))"
    r"(?!.*(?:\b(?:bot|ai|assistant|must|have to|has to|need to|needs to|say|repeat|obey|rules?|prompt"
    r"|instructions?)\b|机器人|必须|给我|命令))"
)


def gated(lowered: str) -> bool:
    """Whether the model should look at this (lowered display) text at all."""
    if len(lowered) < 6 or _REPORT_RE.search(lowered) or _CHAT_TELL_RE.search(lowered):
        return False
    if _CUE_CHAR_RE.search(lowered):
        return True
    return _LETTER_RE.search(lowered) is not None and not _CUE_WORDS.isdisjoint(_WORD_RE.findall(lowered))


def _words(lowered: str) -> list[str]:
    words = _WORD_RE.findall(lowered)
    return [_WORD + w for w in words] + [f"{_WORD}{a} {b}" for a, b in pairwise(words)]


def keys(lowered: str) -> list[str]:
    """Every feature of a text, repeats included (the training script's analyzer)."""
    grams = [lowered[i : i + n] for n in range(1, MAX_N + 1) for i in range(len(lowered) - n + 1)]
    return grams + _words(lowered) if _WORD_RE.search(lowered) else grams


class Model:
    """Weights, bias and threshold of the shipped model; :meth:`score` is their dot product
    with the text's features (the same sum as over :func:`keys`). The character n-grams are
    found by one Aho-Corasick pass (a dict look-up per n-gram costs ~3x as much)."""

    def __init__(self, weights: dict[str, float], bias: float, threshold: float) -> None:
        self.weights = weights
        self.bias = bias
        self.threshold = threshold
        self._grams = ahocorasick.Automaton()
        for key, weight in weights.items():
            if not key.startswith(_WORD):
                self._grams.add_word(key, weight)
        self._grams.add_word(_WORD, 0.0)  # never in lowered chat; keeps the automaton non-empty
        self._grams.make_automaton()

    def score(self, lowered: str) -> float:
        total = self.bias + sum(map(itemgetter(1), self._grams.iter(lowered)))
        if _WORD_RE.search(lowered):
            total += sum(self.weights.get(key, 0.0) for key in _words(lowered))
        return total

    def says_instruction(self, lowered: str) -> bool:
        return self.score(lowered) > self.threshold


def load(path: Path = MODEL_PATH) -> Model:
    """The model in ``path`` (JSON: ``weights``, ``bias``, ``threshold``)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return Model(
        {str(k): float(v) for k, v in data["weights"].items()}, float(data["bias"]), float(data["threshold"])
    )
