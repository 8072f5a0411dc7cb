"""The offline reply engine: templates and keyword rules from config, no language model.

Replies never quote the viewer's text back (it is untrusted): the text is only
matched against keywords. Templates use the viewer's cleaned name (or a welcome
batch's names), the gift, the topic or featured item, and the kind of message;
a ``[brain.modes]`` entry picks a named line set from ``[llm.template.sets]``.
"""

from __future__ import annotations

import random
from collections.abc import AsyncGenerator

from agent.config import TemplateLLM
from agent.events import Gift, Guard, SuperChat
from agent.llm.base import ReplyRequest
from agent.vocabulary import GUARD_NAMES

NOTICE = "template mode: no language model loaded"
# Keyword replies answer what a viewer wrote; thanks and welcomes have their own lines.
_KEYWORD_KINDS = frozenset({"mention", "question", "chatter", "super_chat"})
# Tags (agent/brain/tags.py) that rule out agreeing with a message.
_NOT_AGREEABLE = frozenset({"instruction", "accusation", "insult", "negative", "complaint"})


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

    def reply_text(self, request: ReplyRequest) -> str:
        if request.kind == "say":
            return request.say_text
        text = request.extra.get("text", "")
        if text and request.kind in _KEYWORD_KINDS:
            for keyword, reply in self.cfg.keywords.items():
                if keyword and keyword in text:
                    return _fill(reply, self._fields(request))
        choices = self.cfg.sets.get(request.extra.get("template", "")) or self._choices(request)
        pick = random.Random(self.cfg.seed * 1_000_003 + request.utterance_id).choice(choices)
        return _fill(pick, self._fields(request))

    async def stream(self, request: ReplyRequest) -> AsyncGenerator[str, None]:
        yield self.reply_text(request)

    def _choices(self, request: ReplyRequest) -> list[str]:
        cfg, kind = self.cfg, request.kind
        tags = frozenset(request.extra.get("tags", "").split(","))
        if kind == "chatter" and "positive" in tags and tags.isdisjoint(_NOT_AGREEABLE):
            return cfg.chatter_positive or cfg.chatter
        if kind in ("question", "mention") and request.count > 1:
            return cfg.question_many or cfg.question
        if kind == "super_chat" and "question" in tags:
            return cfg.super_chat_question or cfg.super_chat
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
            fields["guard_name"] = GUARD_NAMES.get(event.level, "舰长")
        return fields


def _fill(template: str, fields: _Fields) -> str:
    """A template with its fields; a malformed one (a stray brace) is said as written."""
    try:
        return template.format_map(fields)
    except (ValueError, IndexError, AttributeError, KeyError):
        return template.replace("{", "").replace("}", "")
