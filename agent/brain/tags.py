"""Intent tags and sentiment for one chat message, from rules plus snownlp.

Tags tell the state machine what kind of message it holds: ``question``,
``greeting``, ``request``, ``complaint``, ``praise``, ``off_topic`` (viewers talking
to each other or promoting themselves: 互关, 楼上, 来我直播间), ``mention`` (the
bot's name) and ``positive``/``negative`` from the sentiment score.

snownlp's sentiment model was trained on product reviews: on short danmaku it is
slow (~0.3 ms a call) and poorly calibrated (好听好听 scores 0.18). So it runs only
for kept text with Chinese characters and no rule cue (praise or complaint decide
alone: 0.8 / 0.2), its score is pulled toward neutral, and results are cached
because chat repeats itself.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from math import exp, log
from typing import Any

from agent.brain import normalize

__all__ = ["Tagged", "Tagger", "snownlp_score"]

# Latin words inside Chinese text have no \b (both sides are \w), so edges are spelled out.
_L, _R = r"(?<![a-z])", r"(?![a-z])"

_PATTERNS: dict[str, str] = {
    "question": (
        r"[?？]|吗|呢$|怎么|什么|啥|多少|为什么|为啥|几[个点号次岁级天]|哪[里儿个些位]|谁|如何|是不是|有没有"
        r"|会不会|要不要|对不对|好不好|行不行"
        rf"|{_L}(?:how|what|whats|why|when|where|who|which|is it|are you|do you|does it|did you){_R}"
    ),
    "greeting": (
        # 主播好 greets, 主播好厉害 does not: a greeting word ends the clause.
        r"(?:你|您|大家|主播|各位|老师)好(?=[啊呀鸭哇吖呐哦~!！,，.。 ]|$)"
        r"|(?:晚上|早上|下午|中午)好|早安|晚安"
        r"|来了|报道|报到|打卡|hello"
        rf"|{_L}(?:hi|hey|hiya|yo|sup|good (?:morning|evening|afternoon)|greetings){_R}"
    ),
    "request": (
        r"能不能|可不可以|可以.{0,8}[吗么嘛]|请|求|麻烦(?:你|您|主播|帮)|帮我|帮忙|想听|想看|唱一?首|来一?首|点歌"
        rf"|{_L}(?:please|pls|plz|can you|could you|would you){_R}"
    ),
    "complaint": (
        r"垃圾|无聊|退钱|难听|难看|太菜|好菜|真菜|菜鸡|差评|卡了|好卡|太卡|很卡|卡死|卡顿|又卡|掉帧|延迟"
        r"|声音太?小|听不[见到清]|看不[见到清]|没声音|太烂|好烂|真烂|烂透|失望|辣鸡|拉胯|拉跨|下头"
        rf"|{_L}(?:lag|laggy|boring|trash|sucks?|refund|worst|terrible){_R}"
    ),
    "praise": (
        r"厉害|牛(?![肉排奶仔马])|666|好听|好看|漂亮|帅|太强|好强|真强|yyds|绝了|爱了|好棒|真棒|太棒|棒棒"
        r"|优秀|可爱|神仙|天籁|赞|精彩|好厉|awsl|哇塞"
        rf"|{_L}(?:nb|nice|awesome|amazing|pog|poggers|gg|great|love (?:it|this|you)|cool|wow|goat){_R}"
    ),
    "off_topic": r"互关|互粉|回关|关注我|来我直播间|看我主页|我的直播间|求关注|楼上|楼下|前面的|刷屏|广告",
}


# One pass finds every tag; the guards keep it cheap on the (most) positions where none starts.
_TAG_RE = re.compile(
    normalize.guarded("|".join(f"(?P<{name}>{normalize.guarded(body)})" for name, body in _PATTERNS.items()))
)
_TAG_NAMES = tuple(_PATTERNS)


@dataclass(frozen=True, slots=True)
class Tagged:
    tags: frozenset[str]
    sentiment: float


@lru_cache(maxsize=1)
def _classifier() -> Callable[[str], float]:
    """snownlp's Bayes sentiment model, loaded once per process (~1.7 s); ``_Snow``'s
    faster copy of its arithmetic when snownlp's tables look as expected."""
    from snownlp import sentiment

    try:
        return _Snow().classify
    except (AttributeError, ImportError, KeyError, TypeError):  # another snownlp: use it as is
        classify: Callable[[str], float] = sentiment.classify
        return classify


_TAGS = ("b", "m", "e", "s")  # snownlp's character tags: begin, middle, end, single
_BOS = ("", "BOS")
_LOG_PROB_TABLES = 16384  # character triples whose 64 log-probabilities are kept


class _Snow:
    """snownlp's ``sentiment.classify`` (character-based segmenter + Bayes), re-done to
    run several times faster with the same floating-point operations in the same order,
    so the scores are identical (tests/test_tags.py compares them).

    snownlp spends its time in the segmenter's Viterbi search: 64 ``log_prob`` calls
    per character, each a dozen Python calls deep. Here a character triple's 64
    log-probabilities are computed once with plain dict lookups and kept (model data
    for the characters, bounded), and paths are linked tuples instead of list copies.
    """

    def __init__(self) -> None:
        from snownlp import normal, seg, sentiment

        model = seg.segger.segger
        self._split = seg.re_zh.split
        self._is_zh = seg.re_zh.match
        self._l1, self._l2, self._l3 = model.l1, model.l2, model.l3
        self._uni, self._uni_none, self._uni_total = model.uni.d, model.uni.none, model.uni.total
        self._bi, self._bi_none = model.bi.d, model.bi.none
        self._tri, self._tri_none = model.tri.d, model.tri.none
        self._stop = normal.stop
        bayes = sentiment.classifier.classifier
        self._total = bayes.total
        self._classes = [(name, p.d, p.total, p.none) for name, p in bayes.d.items()]
        self._tables: dict[str, list[float]] = {}

    def classify(self, sent: str) -> float:
        words = [w for w in self._words(sent) if w not in self._stop]
        scores: dict[str, float] = {}
        for name, counts, total, none in self._classes:
            score = log(total) - log(self._total)
            for word in words:
                score += log(float(counts.get(word, none)) / total)
            scores[name] = score
        best, prob = "", 0.0
        for name in scores:
            now = 0.0
            try:
                for other in scores:
                    now += exp(scores[other] - scores[name])
                now = 1 / now
            except OverflowError:
                now = 0
            if now > prob:
                best, prob = name, now
        return prob if best == "pos" else 1 - prob

    def _words(self, sent: str) -> list[str]:
        words: list[str] = []
        for part in self._split(sent):
            part = part.strip()
            if not part:
                continue
            if self._is_zh(part):
                words += self._segment(part)
            else:
                words += [w for w in part.split() if w.strip()]
        return words

    def _segment(self, run: str) -> list[str]:
        words: list[str] = []
        word = ""
        for char, tag in zip(run, self._tag(run), strict=True):
            if tag == "e":
                words.append(word + char)
                word = ""
            elif tag in ("b", "s"):
                if word:
                    words.append(word)
                word = char
            else:
                word += char
        if word:
            words.append(word)
        return words

    def _tag(self, run: str) -> list[str]:
        """snownlp's Viterbi search over (previous tag, tag) states. A state is (a, b) with
        tag indices 0-3 and 4 for "before the text"; ties go the way snownlp's go: the
        first state reached keeps its place, and a later path wins only when strictly better."""
        uni, none = self._uni, self._uni_none
        # A state is (index of its log-probability row, index of its successors' slots,
        # score, path); a path is linked: (last tag, path before it), () at the start.
        now: list[tuple[int, int, float, Any]] = [(96, 20, 0.0, ())]
        for t, char in enumerate(run):
            scores: list[float | None] = [None] * 25  # slot b * 5 + c: the state (b, c)
            paths: list[Any] = [None] * 25
            order: list[int] = []  # slots in the order snownlp's dict would hold them
            if all(uni.get((char, s), none) == 0 for s in _TAGS):
                # An unknown character: every path goes on unscored, the last one per state wins.
                for c in range(4):
                    for _row, slot, p, path in now:
                        if scores[slot + c] is None:
                            order.append(slot + c)
                        scores[slot + c], paths[slot + c] = p, (c, path)
            else:
                table = self._log_probs(run[t - 2] if t >= 2 else "", run[t - 1] if t >= 1 else "", char)
                for c in range(4):
                    for row, slot, p, path in now:
                        p += table[row + c]
                        held = scores[slot + c]
                        if held is None:
                            order.append(slot + c)
                        elif not p > held:
                            continue
                        scores[slot + c], paths[slot + c] = p, (c, path)
            now = [(key * 4, key % 5 * 5, scores[key], paths[key]) for key in order]  # type: ignore[misc]
        path = max(now, key=lambda state: state[2])[3]
        tags: list[str] = []
        while path:
            c, path = path
            tags.append(_TAGS[c])
        tags.reverse()
        return tags

    def _log_probs(self, w1: str, w2: str, w3: str) -> list[float]:
        """snownlp's ``log_prob`` for every tag triple of characters w1 w2 w3 ("" before the
        text), indexed ((a * 5 + b) * 4 + c); the same expression, evaluated the same way."""
        key = f"{len(w1)}{len(w2)}{w1}{w2}{w3}"
        table = self._tables.get(key)
        if table is not None:
            return table
        uni, uni_none, uni_total = self._uni, self._uni_none, self._uni_total
        bi, bi_none, tri, tri_none = self._bi, self._bi_none, self._tri, self._tri_none
        l1, l2, l3 = self._l1, self._l2, self._l3
        firsts = [(w1, s) for s in _TAGS] if w1 else [_BOS]
        seconds = [(w2, s) for s in _TAGS] if w2 else [_BOS]
        table = [-math.inf] * 100
        for a, s1 in enumerate(firsts) if w1 else ((4, _BOS),):
            for b, s2 in enumerate(seconds) if w2 else ((4, _BOS),):
                uni2 = uni.get(s2, uni_none)
                bi12 = bi.get((s1, s2), bi_none)
                for c, tag in enumerate(_TAGS):
                    s3 = (w3, tag)
                    u = l1 * (float(uni.get(s3, uni_none)) / uni_total)
                    v = 0 if uni2 == 0 else float(l2 * bi.get((s2, s3), bi_none)) / uni2
                    w = 0 if bi12 == 0 else float(l3 * tri.get((s1, s2, s3), tri_none)) / bi12
                    table[(a * 5 + b) * 4 + c] = -math.inf if u + v + w == 0 else log(u + v + w)
        if len(self._tables) >= _LOG_PROB_TABLES:
            self._tables.clear()
        self._tables[key] = table
        return table


@lru_cache(maxsize=16384)
def snownlp_score(text: str) -> float:
    """snownlp's raw positive probability for ``text`` (cached: chat repeats itself)."""
    try:
        return float(_classifier()(text))
    except Exception:  # a third-party model must not take the chat down on odd input
        return 0.5


class Tagger:
    def __init__(self, bot_name: str = "", *, sentiment_model: bool = False) -> None:
        self._name = normalize.match_form(bot_name) if bot_name.strip() else ""
        self._model = sentiment_model
        if sentiment_model:
            _classifier()  # pay the load at startup, not on the first message of a live show

    def tag(self, display: str, compact: str, *, use_model: bool = True) -> Tagged:
        """Tags and sentiment; ``use_model=False`` skips snownlp (for messages being dropped)."""
        found = {m.lastgroup for m in _TAG_RE.finditer(display.lower()) if m.lastgroup}
        if self._name and self._name in compact:
            found.add("mention")
        score = self._sentiment(display, found, use_model)
        if score < 0.3 or "complaint" in found:
            found.add("negative")
        elif score > 0.7 or "praise" in found:
            found.add("positive")
        return Tagged(frozenset(found), score)

    def _sentiment(self, display: str, found: set[str], use_model: bool) -> float:
        praise, complaint = "praise" in found, "complaint" in found
        if praise != complaint:  # a rule cue decides; the model would only be overridden
            return 0.8 if praise else 0.2
        if use_model and self._model and normalize.has_cjk(display):
            # Shrink toward neutral: the model is sure of itself on text unlike its training data.
            return round(0.5 + (snownlp_score(display) - 0.5) * 0.6, 3)
        return 0.5
