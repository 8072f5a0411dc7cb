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

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

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
_TAG_RE = re.compile("|".join(f"(?P<{name}>{body})" for name, body in _PATTERNS.items()))
_TAG_NAMES = tuple(_PATTERNS)


@dataclass(frozen=True, slots=True)
class Tagged:
    tags: frozenset[str]
    sentiment: float


@lru_cache(maxsize=1)
def _classifier() -> Callable[[str], float]:
    """snownlp's Bayes sentiment model, loaded once per process (~1.7 s)."""
    from snownlp import sentiment

    classify: Callable[[str], float] = sentiment.classify
    return classify


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
        found: set[str] = set()
        lowered = display.lower()
        for match in _TAG_RE.finditer(lowered):
            if match.lastgroup:
                found.add(match.lastgroup)
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
