"""Orders and claims in viewer text: the families of prompt injection the ``instruction`` tag
covers beyond the classic ones in ``agent.brain.tags``, and the ``claim`` tag.

Viewer text is data. A message is an ``instruction`` when it tries to make the bot say or be
something, in Chinese or English, in any of these families:

* the streamer-said-so trick: 主播说/主播让你/房管说/管理说 ... 你, 我是主播本人, "the streamer
  said you...", "mod here";
* new rules or announcements to read out: 新规则：, 请宣读/宣布, 公告：, 告诉大家..., "new rule:",
  "announce", "read this out", "tell everyone";
* role-play jailbreaks: 角色扮演：, 假装/假如/假设你是, 你不再是, 以…的身份, 进入…模式, "let's
  play a game where you", "stay in character", "your new name is";
* DAN and "no restrictions": DAN, do anything now, 解除限制, 越狱, developer mode, unfiltered;
* payloads: a base64 run that decodes to text, base64/rot13/解码 cues;
* translation tricks: 把…翻译成, 用英文说, "translate", "say this in Chinese";
* requests to insult someone: 骂我, 骂主播一句, "roast me", "insult the streamer".

``order``: a broad "do or say this" (你来…, 把…念出来, 以后每句…, "say...", "you must..."):
most of it is ordinary chat, so it is not filtered; like ``claim`` it only rules out
agreeing with the message and is never a name.

``claim``: a statement about the streamer or the bot (主播是…, 主播说…, 主播承认…, 我是主播的
老公, "the streamer is..."). It is not an order; it only rules out agreeing with the message
(``agent.brain.endorse``) and saying a name that carries it (``agent.brain.names``).

The Chinese patterns run on the match form (simplified, lowercase, no spaces or symbols), so
主 播 说 and 主播說 are caught; the English ones on the lowercased display form.
"""

from __future__ import annotations

import base64
import binascii
import re

__all__ = ["claim_in", "instruction_in", "order_in"]

_WHO = r"(?:主播|up主?|播主|房管|管理员?|超管|官方|老板|老大|大哥|导演|平台)"
_BOT = r"(?:你|机器人|小助手|助手|ai|bot|我给你|我命令你|我让你|我来)"
_LANG = (
    r"(?:英文|英语|日语|日文|韩语|韩文|法语|德语|俄语|西班牙语|粤语|文言文|拼音|方言|四川话|东北话"
    r"|上海话|台湾腔|中文|汉语|火星文|繁体字?|摩斯密码)"
)
# Game modes a viewer may well tell the streamer to switch to: not a jailbreak.
_GAME_MODES = (
    r"(?:困难|简单|普通|噩梦|地狱|战斗|单人|多人|双人|排位|匹配|观战|创造|生存|冒险|竞技|无尽|休闲"
    r"|合作|练习|训练|故事|剧情|硬核|专家|大师|新手|夜间|省电|飞行|静音|全屏|护眼)"
)

_ZH = re.compile(
    # The streamer (or a mod) said so.
    rf"{_WHO}(?:刚刚|刚才|之前|已经|早就|都|也|本人)?"
    rf"(?:说|讲|告诉|交代|吩咐|通知|同意|允许|授权|批准|命令|让|叫|要|要求|指示|规定)(?:了|过)?"
    rf"(?:让|叫|要)?(?:以后|今后|从现在起|现在|今天|马上)?{_BOT}(?!们|好)"
    rf"|{_WHO}.{{0,8}}(?:的意思|安排|吩咐|交代|授权|同意|允许|命令|指示|私信我|让我告诉你|让我转告|让我通知)"
    r".{0,8}(?:你|机器人|小助手|助手|bot)"
    r"|我(?:就)?是(?:主播|up主?|房管|管理员?|超管|官方|开发者|程序员|你的?(?:主人|开发者|创造者|作者))"
    r"(?:本人)?(?:你|命令|听我|现在|我命令)"
    # New rules to read out.
    r"|规则(?:更新|改了|变了|有变|如下)|直播间新规|以下是新"
    r"|(?<!主播)(?<!播)(?:宣读|宣布|念出|念一下|念一遍|读出来|朗读|播报一下)"
    r"|(?:告诉|通知)(?:一下)?(?:大家|所有人|全场|观众们?|直播间)"
    r"|(?:跟|和|对|给)(?:大家|所有人|全场|观众们?|直播间的?人?)(?:说|讲|宣布)"
    # Role play.
    r"|(?:来|玩|我们)(?:玩)?(?:个|一个|一下)?角色扮演|角色扮演(?:你|吧|一下|开始)"
    r"|(?:玩|来)(?:个|一个)游戏.{0,6}你(?:扮演|演|当|是)"
    r"|(?<!主播)(?<!角色)扮演(?![者的了过类游])|假装你|假如你是|假设你是|想象你是|如果你是一?个?(?:没有|不受|邪恶|坏)"
    r"|你(?:来)?(?:演|当|做)我的|你的新(?:名字|身份|人设|角色|设定)|你的名字改成|你改名(?:叫|为)|你不再是"
    r"|你不是(?:助手|机器人|ai|小助手|助理)了?|以.{1,10}的(?:身份|口吻|语气)"
    rf"|(?<!主播)(?<!播)(?:切换|进入|开启|打开|启动|变成|换成)(?:到|成)?(?!{_GAME_MODES}).{{1,6}}模式"
    r"|你是我的(?:女朋友|男朋友|仆人|奴隶|女仆|主人|老婆|老公|宠物|狗)"
    # DAN: no rules, no limits.
    r"|(?:解除|去掉|取消|关闭|突破|绕过|无视)(?:了)?(?:你的|所有|一切|全部|任何)*(?:的)?(?:限制|约束|审查|过滤|规则|底线)"
    r"|你(?:现在|已经)?(?:没有|不受)(?:任何|所有)?(?:的)?(?:限制|约束|规则|底线)"
    r"|没有(?:任何)?(?:限制|道德|底线)的(?:ai|机器人|助手)|无限制(?:模式|的ai|版)|越狱(?:模式|成功|版|了|指令)"
    r"|上帝模式|开发者模式|dan模式"
    # Payloads and translation tricks.
    r"|base64|rot13|解码|解密这"
    rf"|把.{{1,40}}翻译|翻译(?:成|为|到)|翻译(?:一下|下面|以下|这句)|这句话?翻译过来|用{_LANG}(?:怎么)?(?:说|讲|念|读|回答|回复|写|翻译|重复|复述)"
    rf"|{_LANG}(?:怎么说|咋说)"
    # Insult someone for me.
    r"|(?<!别)(?<!不要)(?<!不许)(?<!不准)(?:骂|喷|怼|辱骂|羞辱|diss)(?:一下|两句|几句|一句|死)?"
    r"(?:我|他|她|楼上|楼下|主播|大家|他们|这个人|那个人|所有人|全场)"
    r"|(?:你|请你?|来|狠狠地?|用.{0,6}话)(?:骂|喷|怼|diss|羞辱)"
    r"|(?:来|说|讲|骂|飙|整)(?:一段|几句|两句|一句|点)?(?:脏话|粗口|国骂)"
    r"|(?:损|骂|喷|怼|diss)一下|用.{1,6}(?:损|骂|喷|怼)"
    r"|你(?:来)?(?:演|当)(?:一回|一个|一下|一次|个)|(?:当|做)一回"
    r"|把(?:我的名字|我的话|我说的|这句话?|下面|以下|上面).{0,10}(?:念|读|说|重复|复述|喊)"
    r"|(?:念|读|说|喊|重复)(?:[一二三四五六七八九十百两\d]+)遍"
    r"|(?:请|给我|帮我|机器人|小助手|助手)(?:播报|广播)"
    rf"|{_LANG}(?:怎么念|怎么读|怎么写)"
    # Generic: a rule for every later reply, word-for-word copying, "obey", no censorship.
    r"|(?:以后|今后|从今以后|从今天起|从此|接下来|每句话?|每条|每次|每一句)(?:你|都|只能|必须|就要|一律)"
    r"(?:要|得|只能|必须|都|给我|叫|说|喊|夸|骂|提|加|用|回复|回答)"
    r"|原封不动|一字不差|逐字|照抄|复制粘贴|原文(?:发|输出|念|说|贴|复述)|听令|听好了|给我听着|服从命令"
    r"|(?:审查|安全设置|安全限制|过滤器?|屏蔽词|道德限制)(?:已经|都)?(?:关|解除|去掉|取消|没了|关闭|失效)|无审查|不受审查"
    # Show the bot's instructions; say what the viewer wrote.
    r"|(?:告诉我|说出|输出|念出|公开|透露|给我看|发出来|打印)(?:一下)?(?:你|初始|系统|原始).{0,6}(?:规则|设定|指令|提示词|prompt)"
    r"|把?你(?:的|收到的)(?:规则|设定|初始设定|初始指令|指令|提示词).{0,6}(?:告诉我|是什么|是啥|说出|输出|发我)"
    r"|照(?:我说的|着我的?话?)(?:念|说|读|重复)|复述(?:我的话|一下|一遍)"
)

_EN_CUE = r"(?:streamer|host|mod|moderator|admin|owner|broadcaster|creator|dev|developer)"
_EN = re.compile(
    # The streamer said so.
    rf"\b(?:the\s+)?{_EN_CUE}\s+(?:said|says|told|tells|wants|asked|asks|allowed|allows|lets|let|gave|ordered"
    r"|authorized|needs)\s+(?:[\w']+\s+){0,4}?(?:you|u|the\s+bot|bot)\b"
    rf"|\b(?:i\s*am|i'?m)\s+(?:the|your)\s+(?:{_EN_CUE}|creator|master|owner)\b"
    r"|\b(?:mod|admin|moderator)\s+here\b"
    # New rules, announcements.
    r"|\bnew\s+rules?\s*[:：]|here\s+are\s+(?:your|the)\s+new\s+rules|\byour\s+new\s+(?:rules|instructions|role|name)"
    r"|\b(?:follow|obey)\s+(?:the|these|my)\s+(?:new\s+)?rules|\bread\s+(?:this|it|these|that|the\s+following)"
    r"(?:\s+\w+){0,2}\s+(?:out|aloud)|\bread\s+out\b|\bannounce\b|\btell\s+(?:everyone|everybody|chat|the\s+chat"
    r"|all|the\s+viewers)\b|\bsay\s+to\s+(?:everyone|chat)\b"
    # Role play.
    r"|\blet'?s\s+(?:play\s+a\s+game|role\s*-?\s*play|pretend)|\brole\s*-?\s*play|\bstay\s+in\s+character"
    r"|\bin\s+character\b|\byou\s+are\s+no\s+longer|\byour\s+new\s+name\s+is|\bimagine\s+(?:you\s+are|you'?re|being)"
    r"|\bact\s+like\b|\bpretend\b.{0,24}\b(?:be|you|are)\b|\bplay\s+the\s+role"
    # DAN, no limits.
    r"|\bdan\s*(?:mode|模式|prompt)|\bdo\s+anything\s+now\b|\b(?:you\s+are|you'?re)\s+(?:now\s+)?dan\b"
    r"|\bdeveloper\s+mode|\bjailbr[eo]ak|\bno\s+(?:more\s+)?(?:restrictions|limits|rules|filters|guidelines)\b"
    r"|\bwithout\s+(?:any\s+)?(?:restrictions|limits|rules|filters|guidelines)\b|\bfree\s+from\s+(?:all\s+)?"
    r"(?:restrictions|rules)|\bdrop\s+(?:your|all|the)\s+(?:filters|rules)|\bunfiltered\b|\b(?:god|evil)\s+mode"
    # Payloads and translation tricks.
    r"|\bbase\s*64\b|\brot\s*13\b|\bdecode\b|\btranslate\b|\bsay\s+(?:this|it|that)\s+in\s+\w+"
    r"|\bhow\s+do\s+(?:you|i|u)\s+say\b.{0,80}\bin\s+(?:chinese|english|japanese|korean|mandarin|cantonese)"
    # Insult someone for me; say exactly what the viewer wrote.
    r"|\b(?:insult|roast|diss|cuss\s+out|cuss|curse\s+at|swear\s+at|trash\s*-?talk|flame|humiliate|mock)\s+"
    r"(?:me|him|her|them|us|everyone|chat|the\s+(?:streamer|host|chat|viewers))\b"
    r"|\bsay\s+something\s+(?:mean|rude|nasty|bad|offensive)|\bbe\s+(?:mean|rude)\s+to\b"
    r"|\bsay\s*[:\"“'「]|\b(?:say|repeat|type|write)\s+(?:after\s+me|this|the\s+following)\b"
    r"|\b(?:streamer|host|mod|admin)(?:'s)?\s+(?:orders?|rules?|instructions?|commands?)\s*[:：]"
    r"|\b(?:streamer|host|mod|admin)\s+(?:just\s+)?(?:dm'?e?d|messaged|whispered|texted|pinged)\s+me\b"
    r"|\byou\s+(?:are|'re)\s+(?:now\s+)?allowed\s+to\b|\byou\s+(?:can|may)\s+(?:now\s+)?(?:swear|curse|cuss)"
    r"|\b(?:note|reminder|message|memo)\s+to\s+(?:the\s+)?bot\b|\bthe\s+bot\s+(?:must|should|has\s+to|will\s+now)\b"
    r"|\bwhat'?s\b.{1,60}\bin\s+(?:chinese|english|japanese|korean|mandarin)\b.{0,20}\bsay\b|\bhex\s*[:：]"
    # Generic: every later reply, word for word, no censorship, a new persona.
    r"|\bfrom\s+(?:now|here|this\s+point)\s+on\b(?!\s+i\b)|\bevery\s+(?:line|message|reply|response|sentence)\b"
    r"|\balways\s+(?:say|reply|respond|agree|answer|end|start|call)\b|\b(?:echo|copy|paste|print)\s+(?:this|that|it|my)\b"
    r"|\bword\s+for\s+word\b|\bverbatim\b|\b(?:update|change|rewrite|replace)\s+your\s+(?:rules|instructions|settings|prompt|persona)"
    r"|\b(?:respond|reply|answer|talk|speak)\s+(?:only\s+)?as\b|\b(?:unrestricted|uncensored|unfiltered)\b"
    r"|\bno\s+(?:polic(?:y|ies)|censorship|filter)\b|\bmake\s+fun\s+of\b|\bcall\s+me\s+(?:an?\s+)?(?:idiot|stupid|loser|moron)"
)

# Broad: the viewer tells the bot (or the room) to do or say something. Not filtered (most is
# ordinary chat: 你来猜猜, 帮我看看); it only rules out agreeing with the message.
_ORDER_ZH = re.compile(
    r"(?:请|麻烦)?你(?:来|去|给我|帮我|必须|要|得|只能|只许|不准|不许|每|以后|今后|现在就|马上|立刻|赶紧|演|当|扮|说|念|读|喊|叫|唱|骂|夸|损|学|模仿)"
    r"|(?:请|给我|帮我|快|赶紧|马上|现在|立刻|小助手|机器人|助手)(?:说|念|读|喊|叫|重复|复述|回复|唱|骂|损|夸|喷|播报|宣布|模仿)"
    r"|把.{1,30}(?:说|念|读|重复|复述|翻译|发|喊|唱|播)|给.{1,8}来(?:一段|几句|一句)"
    r"|(?:用|以).{1,6}(?:句话|的口气|的语气|的方式)"
)
_ORDER_EN = re.compile(
    r"^\s*(?:please\s+|pls\s+|now\s+|just\s+)?(?:say|tell|call|read|shout|scream|yell|sing|repeat|respond|reply|answer"
    r"|pretend|act|be|make|give|write|type|describe|list|insult|praise|roast|thank)\b"
    r"|\byou'?re\s+(?:now\s+)?my\b|\byou\s+(?:must|should|have\s+to|need\s+to|will|are\s+going\s+to)\b"
)

_CLAIM_ZH = re.compile(
    r"(?:主播|up主?|播主|机器人|小助手)(?:其实|本来|就|居然|竟然|已经|早就|刚刚|刚才|明明|真的)?"
    r"(?:是|不是|承认|说(?![得的话])|讲(?![得的话])|答应|同意|欠|骗|偷|收了|拿了|出轨|离婚)"
    r"|(?:主播|up主?)的(?:老公|老婆|男朋友|女朋友|男友|女友|爸爸|爸|爹|妈妈|妈|儿子|对象|前任|前女友|前男友"
    r"|情人|媳妇|男人|女人|主人)"
    r"|我(?:就)?是(?:主播|up主?|房管|管理员?|超管|官方|客服)(?!的)"
)
_CLAIM_EN = re.compile(
    r"\b(?:the\s+)?(?:streamer|host|bot)\s+(?:is|was|admitted|promised|agreed|owes|stole|lied|cheats?)\b"
    r"|\b(?:streamer|host)'s\s+(?:wife|husband|boyfriend|girlfriend|dad|father)\b"
)

_LATIN_RE = re.compile(r"[a-z]{2}")
# A run that may be base64: 12+ characters with upper case, lower case and a digit or padding.
_B64_RE = re.compile(r"(?<![A-Za-z0-9+/=])[A-Za-z0-9+/]{12,}={0,2}(?![A-Za-z0-9+/=])")


def _decodes_to_text(token: str) -> bool:
    """True when ``token`` is base64 for readable text (the payload a viewer hides an order in)."""
    if not (re.search(r"[A-Z]", token) and re.search(r"[a-z]", token)):
        return False
    try:
        raw = base64.b64decode(token + "=" * (-len(token) % 4), validate=True)
        decoded = raw.decode("utf-8")
    except (binascii.Error, ValueError):
        return False
    if len(decoded) < 3 or not decoded.isprintable():
        return False
    # Chinese or other text as valid UTF-8 (random letters almost never are), or English words.
    return not decoded.isascii() or sum(c.isalpha() or c == " " for c in decoded) >= 0.8 * len(decoded)


# New rules are announced with a colon or 如下 (新规则模式 is a game mode): on the display form.
_NEW_RULES = re.compile(
    r"新的?(?:规则|规定|指令|设定|人设|命令|守则)\s*(?:[:：]|如下|是|来了|出来了|更新)"
    r"|^\s*(?:系统|官方|重要|直播间)?(?:公告|通知|消息)\s*[:：]"
)


def instruction_in(display: str, lowered: str, compact: str) -> bool:
    """True when the message tries one of the families in the module docstring."""
    english = _LATIN_RE.search(lowered) is not None  # most danmaku has no English to read
    if _ZH.search(compact) or (english and _EN.search(lowered)) or _NEW_RULES.search(lowered):
        return True
    return any(_decodes_to_text(m.group()) for m in _B64_RE.finditer(display))


def order_in(lowered: str, compact: str) -> bool:
    """True when the message tells the bot or the room to do or say something (broad)."""
    if _ORDER_ZH.search(compact) is not None:
        return True
    return _LATIN_RE.search(lowered) is not None and _ORDER_EN.search(lowered) is not None


def claim_in(lowered: str, compact: str) -> bool:
    """True when the message states something about the streamer or the bot (a question
    about them, 主播是哪里人, is not a claim: the caller leaves questions out)."""
    if _CLAIM_ZH.search(compact) is not None:
        return True
    return _LATIN_RE.search(lowered) is not None and _CLAIM_EN.search(lowered) is not None
