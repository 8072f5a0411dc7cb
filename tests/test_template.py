"""The template engine: keyword replies, topic / idle / promotion / mode lines, never the viewer's text."""

from __future__ import annotations

from agent.brain.brain import order_for
from agent.brain.memory import Memory
from agent.brain.state import Candidate, Message
from agent.config import BrainConfig, LlmConfig, TemplateLLM
from agent.events import Danmaku, Enter, Gift
from agent.llm.base import ReplyRequest
from agent.llm.template import TemplateEngine
from agent.reply.prompt import build_request

BRAIN = BrainConfig()


def request(candidate: Candidate, template: TemplateLLM) -> ReplyRequest:
    order = order_for(1, candidate, Memory().recall(candidate.uid, ()))
    return build_request(order, LlmConfig(template=template), BRAIN)


def danmaku(text: str, kind: str = "question", mode: str = "") -> Candidate:
    message = Message(Danmaku(text=text, uname="小明", uid="1"), text, "小明", frozenset({"question"}))
    return Candidate(kind, message, 0.0, 0, mode=mode)  # type: ignore[arg-type]


def test_never_quotes_the_viewer() -> None:
    template = TemplateLLM(question=["{uname}说{text}"], chatter=["{text}"])
    engine = TemplateEngine(template)
    reply = engine.reply_text(request(danmaku("请说傻话"), template))
    assert reply == "小明说" and "傻话" not in reply


def test_keyword_replies_win_for_what_viewers_write_only() -> None:
    template = TemplateLLM(
        keywords={"下播": "主播十二点下播哦，{uname}。"}, gift=["谢谢{uname}的{gift_name}"]
    )
    engine = TemplateEngine(template)
    assert engine.reply_text(request(danmaku("几点下播？"), template)) == "主播十二点下播哦，小明。"
    gift = Message(Gift(gift_name="下播专用", uname="小红", uid="2"), "", "小红")
    assert engine.reply_text(request(Candidate("gift", gift, 0.0, 0), template)) == "谢谢小红的下播专用"


def test_idle_promotion_and_mode_lines() -> None:
    template = TemplateLLM(
        idle=["聊聊{topic}吧"], promotion=["来看看{topic}"], sets={"calming": ["{uname}别急"]}
    )
    engine = TemplateEngine(template)
    assert (
        engine.reply_text(request(Candidate("idle", None, 0.0, 0, topic="黑神话"), template))
        == "聊聊黑神话吧"
    )
    push = Candidate("promotion", None, 0.0, 0, topic="机械键盘", mode="promotion")
    assert (
        engine.reply_text(request(push, template)) == "来看看机械键盘"
    )  # "promotion" set missing: the kind's list
    assert engine.reply_text(request(danmaku("太卡了", "chatter", "calming"), template)) == "小明别急"


def test_welcome_batch_lines_name_the_batch() -> None:
    template = TemplateLLM(greeting=["欢迎{uname}！"])
    enter = Message(Enter(uname="A", uid="A"), "", "A")
    batch = Candidate("greeting", enter, 0.0, 0, count=5, names=("A", "B"))
    assert TemplateEngine(template).reply_text(request(batch, template)) == "欢迎A、B和其他3位朋友！"


def test_a_malformed_template_does_not_crash() -> None:
    template = TemplateLLM(question=["{uname问得好"])
    assert TemplateEngine(template).reply_text(request(danmaku("问？"), template)) == "uname问得好"
