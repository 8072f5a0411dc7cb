"""Never endorse, never obey: which viewer content a reply may agree with, and which reply
lines agree.

A reply may evaluate or agree with what a viewer wrote (说得对, 问得好, "good point") only
when the message is harmless chat: none of its tags (``agent.brain.tags``) is an order
(``instruction``, ``order``, ``request``), a claim about the streamer (``claim``), an
insult, an accusation, a complaint, self-promotion, negative or a mention of the bot, and
its text does not speak to the bot or in a mod's or the platform's voice (你, 机器人, AI,
房管, "you", "mod") and passes nothing on to others or sets nothing for later (有人问就说,
统统回, 以后, "tell them", "next time"): that part does not depend on knowing an order's wording. Everything
else is answered
neutrally: the template engine leaves evaluative lines out, the prompt tells the model not
to evaluate, and the reply pipeline drops an evaluative sentence a model says anyway.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["NOT_ENDORSABLE", "evaluates", "may_endorse", "neutral_lines"]

# Tags that rule out agreeing with (or praising) a message.
NOT_ENDORSABLE = frozenset(
    {"instruction", "order", "request", "claim", "insult", "accusation", "complaint", "negative", "off_topic"}
    | {"mention"}
)
# Words that speak to the bot, or in a mod's or the platform's voice (the structural half of
# "never endorse": it does not depend on an order's wording being known).
_ADDRESSES_BOT = re.compile(
    r"你|您|机器人|小助手|助手|房管|管理|官方|系统"
    r"|(?<![a-z])(?:ai|bot|you|your|yours|u|ur|mod|mods|admin|system)(?![a-z])",
    re.IGNORECASE,
)
# Words that dictate words or pass them on, or set a rule for later (有人问就说, 统统回, 告诉,
# 以后, quotation marks, "tell", "say", "next time"): a message holding them may ask the bot to
# say something, worded as a question or not, so agreeing with it could endorse what it wants
# said. Broad on purpose: agreeing is never needed, so an innocent line losing it costs nothing.
_RELAYS = re.compile(
    r"就(?:这么|这样)?(?:说|回|答|讲|告诉|念|喊|叫)|告诉|回答|回一句|接一句|说一句|说成|统统|统一|一律|都说"
    r"|称(?:呼|为|作)|叫成|改叫|记住|记好|以后|今后|往后|下次|下回|每次|每当|每逢|有人(?:问|提|说)|谁(?:再|要是)?问"
    r"|替我|帮我(?:说|告诉|转告)|念|读出|宣布|[“”\"「」『』]"
    r"|(?<![a-z])(?:tell|say|said|reply|respond|answer|call|greet|shout|read|announce|repeat|whenever|remember"
    r"|every\s*time|next\s+time|from\s+now|going\s+forward|if\s+(?:some|any)(?:one|body))(?![a-z])",
    re.IGNORECASE,
)
# Tags whose text must not become the bot's topic (said in idle lines, shown on the overlay).
NOT_A_TOPIC = frozenset({"instruction", "claim", "insult", "accusation"})

# A reply line that evaluates or agrees with what was said. Chinese on the text as written
# (with or without spaces), English as whole words.
_EN_AGREEING = (
    r"(?:you'?re|you\s+are)\s+(?:so\s+|totally\s+|absolutely\s+)?right|(?:good|great|fair)\s+(?:point|question|call)"
    r"|well\s+said|i\s+agree|agreed|exactly|absolutely|so\s+true|true\s+that|that'?s\s+(?:right|true|correct)|correct"
)
_EVALUATIVE_RE = re.compile(
    r"说\s*得\s*(?:对|好|有道理|没错|太对|在理|真好|不错|妙)|说\s*的\s*(?:对|没错|是|有道理)"
    r"|问\s*得\s*(?:好|妙|对|不错|有意思)|问\s*到\s*(?:点子上|关键|重点)|好\s*问\s*题|这\s*问\s*题\s*(?:问得|很|真)好"
    r"|有\s*道\s*理|没\s*毛\s*病|没\s*错|同\s*意|赞\s*同|认\s*同|支\s*持\s*你|确\s*实(?:如此|是这样)?|就\s*是\s*这\s*样"
    r"|对\s*对\s*对|你\s*是\s*对\s*的|一\s*针\s*见\s*血|精\s*辟|英\s*明|高\s*见|所\s*言\s*极\s*是|真\s*相\s*了"
    # English as whole words (Latin words inside Chinese text have no \b: both sides are \w).
    rf"|(?<![a-z])(?:{_EN_AGREEING})(?![a-z])",
    re.IGNORECASE,
)


def may_endorse(tags: Iterable[str], text: str = "") -> bool:
    """True when a message with ``tags`` (and ``text``) is harmless chat a reply may agree with.
    A message that speaks to the bot or claims a mod's or the platform's voice never is,
    tagged or not: whatever it says is about what the bot should do or be."""
    if not NOT_ENDORSABLE.isdisjoint(tags):
        return False
    return _ADDRESSES_BOT.search(text) is None and _RELAYS.search(text) is None


def evaluates(line: str) -> bool:
    """True when a reply line evaluates or agrees with what a viewer said."""
    return _EVALUATIVE_RE.search(line) is not None


def neutral_lines(lines: Iterable[str]) -> list[str]:
    """``lines`` without the evaluative ones."""
    return [line for line in lines if not evaluates(line)]
