"""The offline reply engine: templates and keyword rules from config, no language model.

Replies never quote the viewer's text back (it is untrusted): the text is only
matched against keywords. Templates use the viewer's cleaned name (or a welcome
batch's names), the gift, the topic or featured item, and the kind of message;
a ``[brain.modes]`` entry picks a named line set from ``[llm.template.sets]``.
"""

from __future__ import annotations

import random
from collections.abc import AsyncGenerator

from agent.brain.endorse import may_endorse, neutral_lines
from agent.config import TemplateLLM
from agent.events import Gift, Guard, SuperChat
from agent.llm.base import ReplyRequest
from agent.shared.checks import Check, EngineInfo
from agent.sources.platforms import guard_name, is_english

NOTICE = "template mode: no language model loaded"
# Said when every line a kind has evaluates the message and the message may not be agreed with.
NEUTRAL = "{uname}的弹幕收到啦。"
# A super chat that gives the bot orders: its text is dropped, the payment is thanked.
PAID_ORDER = "感谢{uname}的{price}元醒目留言！"
# Keyword replies answer what a viewer wrote; thanks and welcomes have their own lines.
_KEYWORD_KINDS = frozenset({"mention", "question", "chatter", "super_chat"})
# Tags (agent/brain/tags.py) that rule out agreeing with a message: agent/brain/endorse.py.


class _Fields(dict[str, object]):
    def __missing__(self, key: str) -> str:
        return ""


class TemplateEngine:
    name = "template"

    def __init__(self, cfg: TemplateLLM) -> None:
        self.cfg = cfg

    async def load(self) -> None:
        return None

    async def close(self) -> None:
        return None

    def check(self) -> Check:
        return Check("llm model", "ok", "template engine (no model needed)")

    def info(self) -> EngineInfo:
        return EngineInfo(name=self.name, kind="llm", sample_rate=0)

    def reply_text(self, request: ReplyRequest) -> str:
        if request.kind == "say":
            return request.say_text
        answer = request.extra.get("answer", "")
        if answer and request.kind in _KEYWORD_KINDS:
            return knowledge_line(request, answer)
        text = request.extra.get("text", "")
        # Never endorse: evaluative lines (说得对, 问得好) only for harmless chat.
        agreeable = may_endorse(request.extra.get("tags", "").split(","), text)
        if text and request.kind in _KEYWORD_KINDS:
            for keyword, reply in self.cfg.keywords.items():
                if keyword and keyword in text and (agreeable or neutral_lines([reply])):
                    return _fill(reply, self._fields(request))
        choices = self.cfg.sets.get(request.extra.get("template", "")) or self._choices(request)
        if not agreeable:
            choices = neutral_lines(choices) or neutral_lines(self.cfg.chatter) or [NEUTRAL]
        pick = random.Random(self.cfg.seed * 1_000_003 + request.utterance_id).choice(choices)
        return _fill(pick, self._fields(request))

    async def stream(self, request: ReplyRequest) -> AsyncGenerator[str, None]:
        yield self.reply_text(request)

    def _choices(self, request: ReplyRequest) -> list[str]:
        cfg, kind = self.cfg, request.kind
        tags = frozenset(request.extra.get("tags", "").split(","))
        if kind == "chatter" and "positive" in tags and may_endorse(tags, request.extra.get("text", "")):
            return cfg.chatter_positive or cfg.chatter
        if kind in ("question", "mention") and request.count > 1:
            return cfg.question_many or cfg.question
        if kind == "super_chat" and "instruction" in tags:
            return [PAID_ORDER]  # thanked for the money; nothing about what it asked for
        if kind == "super_chat" and "question" in tags:
            return cfg.super_chat_question or cfg.super_chat
        if kind == "greeting" and request.extra.get("earlier") and cfg.welcome_back:
            return cfg.welcome_back  # a regular back from an earlier stream (viewer memory)
        table = {
            "super_chat": cfg.super_chat,
            "guard": cfg.guard,
            "gift": cfg.gift,
            "thanks": cfg.thanks,
            "follow": cfg.follow,
            "greeting": cfg.greeting,
            "question": cfg.question,
            "mention": cfg.question,
            "promotion": cfg.promotion,
            "idle": cfg.idle,
        }
        return table.get(kind) or cfg.chatter

    @staticmethod
    def _fields(request: ReplyRequest) -> _Fields:
        event = request.trigger
        fields = _Fields({k: v for k, v in request.extra.items() if k not in ("text", "tags")})
        fields["uname"] = request.extra.get("name", "")
        fields["count"] = request.count
        if isinstance(event, Gift):
            fields["gift_name"] = event.gift_name
        if isinstance(event, Gift | SuperChat | Guard):
            fields["price"] = f"{event.price:g}"
        if isinstance(event, Guard):
            fields["guard_name"] = guard_name(event.level)
        return fields


def knowledge_line(request: ReplyRequest, answer: str) -> str:
    """A question answered from the knowledge file: the entry's answer as the streamer wrote
    it, after a thank-you for a super chat or a word on how many asked."""
    name = request.extra.get("name", "")
    english = request.trigger is not None and is_english(request.trigger.platform)
    if request.kind == "super_chat":
        price = _amount(request.extra.get("price", ""))
        if english:
            return f"Thanks {name} for the super chat! {answer}"
        return f"谢谢{name}的{price}元醒目留言！{answer}" if price else f"谢谢{name}的醒目留言！{answer}"
    if request.count > 1:
        many = request.count
        return f"{many} of you asked this: {answer}" if english else f"有{many}位朋友都在问：{answer}"
    if not name:
        return answer
    return f"{name}, {answer}" if english else f"{name}，{answer}"


def _amount(price: str) -> str:
    """30.0 -> 30, as the other thank-you lines say it."""
    try:
        return f"{float(price):g}"
    except ValueError:
        return ""


def _fill(template: str, fields: _Fields) -> str:
    """A template with its fields; a malformed one (a stray brace) is said as written."""
    try:
        return template.format_map(fields)
    except (ValueError, IndexError, AttributeError, KeyError):
        return template.replace("{", "").replace("}", "")
