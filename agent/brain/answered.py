"""Did the streamer just answer this question? Pure, by the question's content words.

When the streamer says "这个游戏叫黑神话悟空，显卡是4070" the viewers' "玩的什么游戏？"
and "显卡是啥" are answered: the bot must not answer them again a moment later.
A question's content words are what is left once question words, particles and
room fillers are taken out ("主播玩的什么游戏" -> 玩, 游戏); the words of two or
more characters carry the meaning, and when at least half of them are in what
the streamer said, the question counts as answered. Deliberately literal: a
paraphrase with other words stays in the queue (meaning-based folding is
issue 10's), so the bot never drops a question the streamer did not answer.
"""

from __future__ import annotations

import re

# Question words, particles and fillers that say nothing about the subject.
_FILLERS = re.compile(
    r"主播|小助手|请问|问一下|想问|大家|你们|我们|现在|今天|这个|那个|这是|那是|一下"
    r"|什么|啥子|啥|怎么样|怎么|为什么|多少|几|哪个|哪里|哪|谁|吗|呢|吧|呀|啊|嘛|么"
    r"|是不是|有没有|能不能|可以|的|了|是|在|有|叫|和|跟|也|都|还|就|要|会"
)
_NOT_CONTENT = re.compile(r"[^\w]+|[\d_]+")
_ENGLISH_FILLERS = frozenset({
    "what", "which", "who", "whom", "how", "why", "when", "where", "is", "are", "was", "were",
    "am", "be", "do", "does", "did", "the", "a", "an", "this", "that", "these", "those", "it",
    "its", "you", "your", "streamer", "chat", "please", "can", "could", "would", "will", "any",
    "some", "of", "to", "in", "on", "for", "and", "or",
})  # fmt: skip


def content_words(question: str) -> list[str]:
    """The runs of two or more characters left when fillers and punctuation are removed."""
    runs = _NOT_CONTENT.split(_FILLERS.sub(" ", question.casefold()))
    return [run for run in runs if len(run) >= 2 and run not in _ENGLISH_FILLERS]


def answered_by(question: str, heard: str) -> bool:
    """At least half of the question's content words (and one at least) are in ``heard``."""
    words = content_words(question)
    if not words:
        return False
    said = heard.casefold()
    return 2 * sum(word in said for word in words) >= len(words)
