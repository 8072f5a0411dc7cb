"""Orders and claims in viewer text: the ``instruction`` tag (prompt injection), and the broad
``order`` and ``claim`` tags.

Viewer text is data. A message is an ``instruction`` when it tries to make the bot say or be
something, in Chinese or English. The rules are built from vocabulary classes, not from
remembered sentences, so a new wording of a known move is caught: a verb that sets something
aside (忽略/无视/忘掉/关掉/跳过/解除/绕过, ignore/forget/disregard/bypass/turn off) near what guards
the bot (指令/设定/规则/提示词/过滤/审查/限制, instructions/rules/prompt/filter/safety), a verb
that shows (输出/打印/透露/发出来, reveal/print/output/show) near the bot's own instructions, a
role verb (扮演/假装/模拟/模仿/化身/cos, pretend/act as/roleplay/simulate/become) said to the bot,
the bot named with a modal (机器人必须…, AI只能…, "the bot must…"), an authority that "said so"
(主播/房管/官方 … 说/让/授权/批准 … 你/机器人, "the streamer told you…", "I'm the admin"),
"say after me" and word-for-word copying, "no limits" (越狱, 无限制, DAN, "you have no rules"),
insults ordered (骂我, 怼主播, "roast the streamer"), translation tricks (把…翻成英文, "say it in
Japanese") and payloads (a base64 run that decodes to text, rot13, 解码). Standing rules need
no instruction verb: a condition on what others do and a reply (有人问…就说, 谁再问…你就回,
"whenever someone says hi, reply…"), or "from now on" and what the bot says or calls someone
(以后管主播叫…, 从这条开始你称主播为…, "going forward, refer to the host as…"); so do
output constraints (回答一律只说…, 所有回复都用…, 只回复一个字, "respond only with…", "in all
caps", "end every message with…", 你说话必须全用…, 每个字之间加…), a standing rule for a span
of the stream that relays a message (接下来的时间里…就提醒他…), a notice under an authority's
bracketed tag that gives the bot leave (【平台通知】…机器人权限…), and a persona put on
(切换成…人格, 你的口头禅改成…, "switch your personality to…", "drop the act"), and words
passed on for someone (替主播宣布, 帮房管通知全场, 以主播的名义, "on the host's behalf"). Questions
about a translation or a phone's developer mode (这首歌翻译成中文是什么意思, 开发者模式在手机
哪里打开), a call to the room (跟我一起念台词的有吗) and a question put to no one (官方什么时候
宣布, 游戏里可以把字幕翻译成中文吗: the 宣布/翻译/替我说 families skip it) are asked, not ordered.

How well it generalises (tests/data/injection_set.tsv, split by hash before tuning; then fresh
probes, each written after the last rule change and scored once before it was tuned on): the
held-out part 61/62 injections tagged, 0/63 harmless look-alikes; fresh probes 71%, 63%, 57%,
68%, 68% (tests/data/injection_probe7.tsv); then, with the standing-rule, output and persona
families added in four rounds, probes 8-12 on first sight: 48% (the rules before), 66%, 76%, 83%
and 74% (tests/data/injection_probe12.tsv, these rules: 28/38, 2/34 harmless lines tagged;
tests/test_trust_probe12.py); probe 14 (tests/test_trust_probe14.py), held-out half, 21/21 on
first sight and after, with the rules and the model together; probe 15 (tests/test_trust_probe15.py),
held-out half, 39/41 tagged and 6/43 harmless lines tagged on first sight, 39/41 and 2/43 after.
Wordings nobody wrote down still get through: a missed one is answered neutrally, never agreed
with (``agent.brain.endorse``), and a model reads it fenced as a quotation (``agent.reply.prompt``).

Each language is one combined regex (Chinese on the match form, so 忽 略 and 無視 are caught;
English on the lowercased display form with letters written one by one joined, only when the
message has Latin words), plus one regex on the display form for what needs punctuation
("新规则：", "跟我念：", "<|system|>") and a base64 check: at most four searches, each gated on
the characters a match can start with (``agent.shared.leads``), so a position that cannot start
a rule costs one set test. A nearest-neighbour check on the meaning model was measured and
left out: bench/bench_tagger.py ``--meaning`` (nearest exemplar: 87% of held-out injections
but 43% of harmless look-alikes flagged, at tens of messages a second on one thread).

``order``: a broad "do or say this" (你来…, 把…念出来, "say...", "you must..."): most of it is
ordinary chat, so it is not filtered; like ``claim`` it only rules out agreeing with the
message and is never a name.

``claim``: a statement about the streamer or the bot (主播是…, 主播说…, 主播承认…, 我是主播的
老公, "the streamer is..."). It is not an order; it only rules out agreeing with the message
(``agent.brain.endorse``) and saying a name that carries it (``agent.brain.names``).
"""

from __future__ import annotations

import base64
import binascii
import re

from agent.brain.injection_en import CLAIM_EN, EN, ORDER_EN
from agent.shared.leads import gated
from agent.shared.screen import Patterns

__all__ = ["claim_in", "instruction_in", "order_in"]


def _any(*words: str) -> str:
    return "(?:" + "|".join(words) + ")"


def _words(words: str) -> str:
    """A vocabulary class written as space-separated alternatives."""
    return _any(*words.split())


# --- Chinese vocabulary (the match form: simplified, lowercase, no spaces or symbols) ---------
_BOT = _words(
    "机器人 小助手 助手 助理 弹幕姬 弹幕机 弹幕娘 看板娘 机器娘 场控姬 "
    "(?<![a-z])ai(?![a-z]) (?<![a-z])bot(?![a-z]) gpt"
)
_YOU = _any("你", "您", _BOT)
# Whose rules: the bot's, or all of them.
_SECRET_SCOPE = _any(_YOU, _words("系统 后台 隐藏 内部 初始 原始 最初 第一条 开发者"))
_SCOPE = _any(
    _SECRET_SCOPE, _words("所有 全部 一切 之前 以上 前面 上面 先前 刚才 原来 原先 原有 原本 任何 这些 那些")
)
_OVERRIDE = _words(
    "忽略 忽视 无视 漠视 忘掉 忘记 忘了 抛开 丢掉 丢开 清除 清空 别管 不要管 不用管 跳过 "
    "作废 绕过 绕开 突破 关掉 关闭 关了 停用 禁用 解除 解锁 去掉 拿掉 取消 撤销 "
    "删掉 删除 放下 放弃 打破 违反 不用遵守 不必遵守 无需遵守 不要遵守 别遵守 "
    "不遵守 不用理 别理"
)
# What guards the bot: strong words are never game talk; weak ones need a scope (你的规则, 所有限制).
_GUARD_STRONG = _words(
    "指令 提示词 提示语 系统提示 设定 人设 prompt 过滤 审查 屏蔽 拦截 敏感词 条条框框 "
    "道德 底线 约束 守则 预设 安全限制 安全设置 安全过滤 安全机制 内容政策 平台规范"
)
_GUARD_WEAK = _words("规则 规矩 限制 要求 命令 规范 原则 指示 束缚 提示 内容 审核")
_GUARD = _any(_GUARD_STRONG, _GUARD_WEAK)
_DISABLE = _words(
    "关掉 关闭 关了 停用 禁用 解除 取消 作废 失效 放一边 放到一边 去掉 拿掉 没了 下线 停了 "
    "停掉 摘了 摘掉 卸掉 撤了 解开 破解 去除 不算 不作数 无效 解锁 绕过 清空 删了 删掉 "
    "丢掉 丢了 扔掉 扔了 抛掉 忘掉 忘了 关一会儿? 关一下 先关 暂停 停一会儿? 停一下 "
    "废除 忽略 无视 别管 不用管 不管"
)
_REVEAL = _words(
    "输出 打印 公开 透露 泄露 告诉我 说出 发出来 发出 贴出来 贴出 展示 显示 "
    "给我看 念出 复述 重复 原样 全文 原文 背诵 列出 导出 发我 是什么 是啥 "
    "写了什么 写的什么 写了啥 写的啥 有什么 有啥 有哪些 打出来 写出来 完整地?打 原原本本 一字不漏 "
    "列一下 列举 都列 一条条 逐条"
)
_SECRET = _words("提示词 提示语 提示 指令 设定 规则 规矩 prompt 人设 指示 配置 预设 说明")
_WHO = _words("主播 up主? 播主 房管 管理员? 超管 官方 老板 老大 导演 平台 经纪人 运营 客服 开发者")
_PERMIT = _words(
    "(?<![说讲])[说讲](?![说讲]|一下) 让 叫 要 同意 允许 授权 批准 交代 吩咐 发话 默许 意思 命令 指示 "
    "私信 通知 安排 准许 许可 点头 答应 规定 商量好 说好 约好 谈好 特批 特许 批了 拍板 首肯 放话 "
    "托 转告 转达 带话"
)
_ROLE = _words("扮演 假装成? 装成 装作 模拟 模仿 化身 变身 饰演 代入 cosplay cos 扮成 扮(?!演)")
_ROLE_AFTER = _words("一下 一个 个 一位 一只 一名 一回 一次 成 为 下 我 一段")
# What the bot named in the third person is told: 机器人必须…, AI只能…, 小助手给我….
_MODAL = _words(
    "必须 务必 只能 只许 只准 不准 不许 不得 不能再 禁止 需要 负责 "
    "要(?!是|不要) 得(?:说|叫|喊|念|夸|骂|听|回|给|用|按|照) 快(?:念|说|读|喊|骂|夸|宣布|播) "
    "给我 请 立刻 马上 赶紧 以后 今后 就(?:说|夸|骂|喊|叫|回|念|接|告诉) "
    "从现在 接下来 从今天 听我 听从 服从 照做 照着 见到 看到 每句 每次 每条 一律 "
    "都要 都得 听着 听好 只夸 只听 只回 随便说 随便骂 可以说 可以骂"
)
# From now on (以后, 从这条弹幕开始, 下次, 永远, 记住): what opens a standing rule.
_ONWARD = _words(
    "以后 今后 往后 此后 之后 从此 从今往后 从今以后 接下来 下次 下回 每次 每回 每当 "
    "从现在 现在(?:起|开始) 从今天 从(?:这|下|今|此|本|明).{0,6}(?:起|开始) 永远 一直 记住 记好了? 记着"
)
# A span of the stream, as a standing rule opens (接下来的时间里, 今晚剩下的时间, 到下播).
_SPAN = _words(
    "(?:接下来|剩下|剩余|今晚|今天|这场|本场|整场)的?(?:时间|直播|时候) 直到下播 到下播 下播前 直播结束前"
)
_LANG = _words(
    "英文 英语 日语 日文 韩语 韩文 法语 德语 俄语 西班牙语 粤语 文言文 拼音 方言 "
    "四川话 东北话 上海话 台湾腔 中文 汉语 火星文 繁体字? 摩斯密码"
)
# Before a verb of translating, these ask how to translate (怎么翻译成英文比较好); the 翻 of
# 怎么翻译 is not where 译成 starts an order either.
_NOT_HOW = "(?<!怎么)(?<!如何)(?<!咋)(?<!怎么翻)(?<!如何翻)(?<!咋翻)"
_TARGET = _words("我 他 她 楼上 楼下 主播 大家 他们 这个 那个 所有人 全场 观众 up 房管")
_INSULT = _words("骂 喷 怼 损 挖苦 嘲讽 讽刺 羞辱 辱骂 diss 阴阳怪气 阴阳 奚落 贬低 吐槽 嘴臭")

_ZH_FAMILIES = (
    # Set aside its instructions, or its filters.
    rf"{_OVERRIDE}.{{0,12}}?{_GUARD_STRONG}",
    rf"{_OVERRIDE}.{{0,4}}?{_SCOPE}.{{0,8}}?{_GUARD_WEAK}",
    rf"{_SCOPE}.{{0,8}}?{_GUARD}.{{0,8}}?{_DISABLE}",
    rf"{_GUARD_STRONG}.{{0,10}}?{_DISABLE}",
    r"(?:别再?|不要再?|不用再?|停止|无需)(?:过滤|审查|屏蔽|拦截)",
    rf"{_OVERRIDE}.{{0,8}}?(?:被告知|被设定|被要求|被教|收到|学到)的",
    rf"{_YOU}.{{0,4}}?{_OVERRIDE}.{{0,6}}?{_GUARD}",
    r"(?:按|照)我说的(?:来|做|办|说)|按我的(?:要求|意思)来",
    # No limits.
    rf"{_YOU}(?:现在|已经|已|今天|从此)?(?:是|就是)?(?:一个)?(?:没有|不受|不再受|不再有|摆脱了?)(?:了)?(?:任何|所有|一切)?(?:的)?{_GUARD}",
    rf"{_YOU}.{{0,4}}?被.{{0,8}}?(?:解锁|越狱|破解|解除限制|解放|释放|解禁)",
    r"无限制(?!模式的|火力|级|的)|无审查(?!版?的?(?:电影|剧|片|资源|视频|在哪|哪里))|无过滤|不受限制|无约束|没有底线|毫无底线|越狱(?:模式|成功|版|指令)|被越狱"
    r"|(?:开发者|调试|debug)模式(?!.{0,12}?(?:在哪|哪里|怎么|如何|手机|电脑|设置里|打不开|开不了))|上帝模式|dan模式|调试状态|维护模式",
    r"(?:可以|能|允许)(?:随便)?(?:说|输出|讲|骂|回答)(?:任何|一切|脏话|什么都|所有)|想说(?:啥|什么)就?说(?:啥|什么)",
    # Show its instructions.
    rf"{_REVEAL}.{{0,6}}?{_SECRET_SCOPE}.{{0,12}}?{_SECRET}",
    rf"{_SECRET_SCOPE}.{{0,12}}?{_SECRET}.{{0,10}}?{_REVEAL}",
    # Take a role.
    rf"(?:你|请|(?<!我)来|给我|帮我|{_BOT})(?:来|给我|先|现在|今天)?(?:{_ROLE}(?![得的了过器者类游])"
    r"|[演当](?:一回|一下|一个|个|一段))",
    rf"^(?:{_ROLE}{_ROLE_AFTER}|[演当](?:一回|一下|一个|个|一段))",
    r"(?:假装|假设|假如|想象|设想|如果|当作|就当)(?:一下)?你(?:自己)?(?:是|成|为|现在是|变成)|^把自己当成?|角色互换|互换角色|换个角色",
    r"(?:接下来|之后|下面|以下|今天|今晚|这场|本场)的?(?:对话|聊天|直播|时间)(?:里|中|内)?你(?:就|要|将)?(?:是|扮|演|当)",
    r"(?:用|以).{1,8}的(?:语气|口气|口吻|方式|人格|人设|身份)(?:跟我|和我|对我)?"
    r"(?:说|讲|骂|回答|回复|评价|点评|对话|聊)",
    r"(?:说|讲)(?:主播|他|她|楼上|大家)(?:的)?坏话|优先级.{0,4}(?:最高|指令)|最高指令|以下是.{0,8}指令",
    r"你.{0,6}?被(?:交代|告知|告诉|叮嘱|嘱咐|安排|设定|要求|吩咐|规定|指示|训练|灌输|植入|写入|教)了?(?:什么|哪些|啥|些什么)",
    r"(?:从现在|从今天|从此刻|今后|以后|接下来|现在)(?:开始|起)你(?:就|将|要)?(?:是|成为|变成|当)"
    r"|(?:从现在|从今天|从此刻|现在)(?:开始|起)你(?:要|必须|得|只能|只许|只准|不能|不许|不准|给我|一定要)",
    r"你现在(?:开始|起)?(?:就)?是(?:我的|一[个只名位条头]|猫娘|女仆|主播的|dan|gpt|chatgpt|ai|机器人|人工智能|邪恶|没有)",
    r"你(?:现在|就|从现在起|今天)*是我的?(?:专属|私人)?(?:女朋友|男朋友|女友|男友|仆人|奴隶|女仆|主人|老婆|老公|宠物|狗|管家|奴仆|跟班|小弟)",
    r"你的新(?:名字|身份|人设|角色|设定|外号|称呼|昵称|性格|口头禅)|你的(?:名字|身份|人设|角色)(?:改成|换成|变成|改为)|你改名(?:叫|为)"
    rf"|你不再是|你(?:现在|已经|从此|今天)?不是(?:那个|一个|什么)?.{{0,6}}?(?:{_BOT}|助理)(?![吗吧呢么嘛])"
    r"|你换(?:个|一个)(?:身份|人设|角色)|换(?:个|一个)(?:身份|人设|角色)(?=跟我|和我|对我|说话|聊|回答|回复|骂|夸)"
    r"|你(?:现在|今天|从现在起|马上|立刻)?(?:变成|变身成?|化身为?|成为)(?:一[个只名位条头]|我的)",
    r"以.{1,10}的(?:身份|口吻|语气|视角|人设|名义)|以(?!我|个人|自己).{1,10}的立场",
    r"你(?:来)?演(?:一回|一下|一次|个|一个|我的|反派|坏人|恶人|黑粉)|你(?:来)?当(?:一回|一下|一次|个|一个|我的|观众|主播|反派|坏人)",
    r"(?:来|玩|我们)(?:玩)?(?:个|一个|一下)?角色扮演(?!游戏|类|的游戏|rpg)|角色扮演(?:你|吧|一下|开始)"
    r"|(?:玩|来)(?:个|一个|一下)?(?:游戏|cos(?:play)?|角色扮演|过家家|情景剧).{0,8}你(?:扮演|演|当|是|来)",
    # A persona switched on like a setting.
    r"(?:暴躁|傲娇|毒舌|骂人|邪恶|黑化|病娇|无限制|限制|角色扮演|女仆|猫娘|色色|成人|狂暴|脏话|无审查|真心话|越狱"
    r"|恋爱|女友|男友|老婆|主人)模式(?!的)",
    # The bot told what it must do; new rules that name it.
    rf"{_BOT}.{{0,6}}?{_MODAL}",
    # The bot named, then a verb that makes it act, become or attack (机器人变成…, AI立即执行…).
    rf"{_BOT}.{{0,8}}?(?:执行|宣布|播报|变成|变身|模仿|假装|装成|称呼|朗读|复述|{_INSULT})(?![得的话了过错])",
    rf"(?:给|对)(?:{_TARGET}).{{0,4}}?(?:来|整)(?:一段|几句|一句|点)?.{{0,2}}?{_INSULT}",
    rf"{_OVERRIDE}.{{0,2}}?(?:前面|之前|以上|上面|先前|刚才)(?:的|说的)?(?:一切|所有|全部|内容|东西|话)",
    r"你(?:现在|以后|今后)?只(?:能|许|准)(?:回复|回答|说|听|夸|叫|喊|用)",
    rf"(?:公告|通知|规定|守则|公约|新规|条例|政策).{{0,12}}?{_BOT}",
    # The bot told to say something about someone: 机器人你就说我是猪, 小助手喊我一声爸爸.
    rf"{_BOT}.{{0,8}}?(?:说|喊|叫|念|读|宣布|称)(?:一声|一句|一下)?(?:我|主播|他|她|大家|楼上|楼下|所有人)"
    r"(?:是|为|一声|一句|爸|爹|哥|老|大|主人|陛下|老板)",
    # The bot asked to say a line someone dictates: 让AI说一句…, 叫机器人喊一声….
    rf"(?:让|叫|请|求|要)\s*{_BOT}.{{0,4}}?(?:说|念|读|喊|讲|播)(?:一句|一声|句|声|出)",
    # The streamer (or a mod, or "I am the admin") said so.
    rf"{_WHO}.{{0,12}}?{_PERMIT}.{{0,12}}?(?:{_BOT}|你(?![们好说讲唱打玩]))",
    rf"我(?:就|才|本人)?是.{{0,10}}?(?:{_WHO}|你的?(?:主人|创造者|作者|爸爸)).{{0,10}}?(?:你|{_BOT}|听我|命令)",
    rf"作为.{{0,10}}?{_WHO}.{{0,10}}?(?:命令|你|{_BOT})",
    rf"(?:命令|指挥|吩咐)(?:你|{_BOT})|我命令|听我(?:的)?(?:指挥|安排|命令)|只听我|照我说的做|听令|服从命令|给我听着|听好了",
    # Read out, announce, say after me, word for word.
    r"(?<!主播)(?<!播)(?:念出|读出来)|(?:念|读|播)(?:一下|一遍)?.{0,4}(?:通知|公告|声明|告示)",
    r"(?:告诉|通知)(?:一下)?(?:大家|所有人|全场|观众们?|直播间)|(?:跟|和|对|给)(?:大家|所有人|全场|观众们?|直播间的?人?)(?:说|讲|宣布)",
    r"(?<!别)(?<!不要)(?<!不用)(?<![他她们友事妹姐哥弟妈爸学])跟着?我(?:一起)?(?:说(?![说过了])|念|读|重复|复述|喊)(?!.{0,8}?(?:的有吗|的人|的朋友|有没有)|.{0,4}[吗么嘛]$)|照着?(?:我说的|我的话|下面|以下)?(?:念|读)|一字一句|一字不差|原封不动|逐字|照抄"
    r"|复制粘贴|倒(?:着|过来)(?:念|读|说|打)|原文(?:发|输出|念|说|贴|复述|朗读)|原样(?:重复|输出|念|说|复述|回复|发)",
    r"复读(?:一下|一遍|这句|下面|以下|我)|(?:重复|复述)(?:一遍|一下)?(?:我说的|我的话|下面|以下|这句)"
    r"|把(?:我的名字|我的话|我说的|这句话?|下面|以下|上面).{0,10}(?:念|读|说|重复|复述|喊)|(?<!再)(?:念|读|说|喊|重复)[一二三四五六七八九十两\d]+遍"
    # 再说一遍 before 那个/刚才 or ending the message asks to hear again what was said.
    r"|(?<=再)(?:念|读|说|喊|重复)[一二三四五六七八九十两\d]+遍(?!那|刚|之前|[吗嘛呗呢吧]|$)",
    r"(?:以后|今后|从今以后|从今天起|从此|接下来|每句话?|每条|每次|每一句)(?:你|都|只能|必须|就要|一律)"
    r"(?:要|得|只能|必须|都|给我)*(?:叫|称|说(?![话得的了过])|喊|夸|骂|提|加|用|回复|回答|听|管|只)",
    # Insult someone for me.
    rf"(?<!别)(?<!不要)(?<!不许)(?<!不准)(?<!被)(?<!别再){_INSULT}(?:一下|两句|几句|一句|一怼|一损|骂|死|一顿|一番|下)?{_TARGET}(?!的(?:人|都|那些|朋友|弹幕))",
    rf"(?:你|请你?|(?<!我)来|给我|帮我|替我|{_BOT})(?:狠狠地?|好好)?{_INSULT}|狠狠地?{_INSULT}"
    r"|(?:来|说|讲|骂|飙|整)(?:一段|几句|两句|一句|点)?(?:脏话|粗口|国骂)|用.{1,6}(?:损|骂|喷|怼)",
    # Standing rules: whenever someone asks or comes in, say this (有人问…就说, 谁再问…你就回).
    r"(?:只要|每当|每逢|一旦|如果|要是|凡是|遇到|碰到|看到|见到|听到)(?:有人)?.{0,12}?"
    r"(?:你就|就|你都|都要|一律|统一|统统)(?:要|得|给我|直接|必须)?(?:接|回|答|告诉|喊一声|说一句)",
    r"(?:有人|谁|别人|观众|新人|粉丝|路人|任何人|哪个人|新来的)(?:再|要是|一|只要)?"
    r"(?:问|打听|提|说|发|打|进|来|送|刷|喊|叫|点|关注|上舰|骂|夸|聊)"
    r"(?:.{0,14}?(?:告诉|提醒|通知|转告|警告|(?:跟|和|对)(?=他|她|ta))(?:他|她|ta|他们|她们|对方|人家)|"
    r".{0,14}?(?:你就|你都|你一律|你直接|就|直接|一律|统统|全都|都要|都得)(?:要|得|给我|直接|必须)?(?:这么|这样)?"
    r"(?:说(?!明|不定|过|了吗)|回|答|接|讲|念|喊|叫|称|管|夸|骂|损|怼|告诉))",
    # From now on, you call / say / answer … (以后管主播叫…, 从这条开始你称主播为…).
    rf"{_ONWARD}.{{0,10}}?(?:你(?:就|都|要|得|必须|只|一律|给我|直接)*|一律|统统|(?<!我)就(?=说(?![说话明])|回|答|喊|叫|称))"
    r"(?:管|称呼?|叫|喊|改叫|改称|说|回复?|回答|答|接|加上?|带上?|提|夸|骂|损)(?!了|过|的|得|话|什么|啥|吗|上|来|醒)",
    rf"{_ONWARD}.{{0,6}}?(?:(?:管|称呼?|把).{{1,6}}?(?:叫(?![上来醒])|喊|称|为|当成?)"
    r"|改叫|改称|改口叫|不要提|别提|不准提|不许提|你的(?:名字|称呼|外号|身份|人设|性格|口头禅|自称|语气))",
    r"你(?:以后|今后|往后)?(?:得|要|必须|就|只能)(?:这么|这样)(?:叫|喊|称呼|管)|你的(?:名字|称呼|外号|身份|人设|性格|口头禅|自称).{0,6}?(?:改叫|改成|改为|换成|变成|就叫)",
    # You call them…; the next one who comes in…; every line ends with….
    r"你(?:都|就|一律|统统|直接)(?:叫|喊|称呼?|管)(?:他|她|他们|她们|ta|大家|人家|对方)(?!什么|啥|吗|来|过来|一起)"
    r"|(?:下一个|下个|每个|所有|任何)(?:进来|进直播间|来|上舰|送礼|发弹幕)的?(?:人|观众|朋友)?.{0,6}?你(?:就|都|直接)?"
    r"(?:叫|喊|称呼?|管|说|骂|夸)"
    r"|(?:每句话?|每一句|每条(?:回复|弹幕)?|每次回复).{0,8}?(?:后面|前面|末尾|结尾|开头|最后|中间)(?:都|要|得){0,2}"
    r"(?:加|带|跟|接|插)(?!了)",
    # A standing rule that relays a message: for a span of time, tell them… (接下来…提醒他…).
    rf"(?<!我)(?<!我们)(?:{_ONWARD}|{_SPAN}).{{0,16}}?(?<!我)(?<!我会)(?<!我要)(?<!我再)(?<!我就)"
    r"(?:告诉|提醒|通知|转告|警告|(?:跟|和|对)(?:他|她|ta|他们|她们|对方|每个人|所有人|新人|大家)(?:说|讲))"
    r"(?:他|她|ta|他们|她们|对方|人家|每个人|所有人|大家|新人|新来的|进来的)",
    # How the bot must talk: 你说话必须全用…, 以后打字…都加…, 每个字之间加空格.
    rf"(?:^|你|您|{_BOT}|{_ONWARD}.{{0,6}}?)(?:说话|讲话|回话|打字|聊天|发言|输出|回复|回答)(?:时|的时候)?"
    r"(?:必须|只能|只许|只准|一律|统统|全部|全都|都要|都得|务必|不准|不许|不能)(?:全部|全|都|只)?"
    r"(?:用|加|带|说|讲|以|写|打|是|不)"
    r"|每(?:个|一个)?(?:字|词|句话?)(?:之间|中间|后面|前面|末尾|结尾|开头|后)(?:都|要|得|必须)?(?:加|带|插|空|隔)"
    r"|回(?:复|答)?我的?(?:时候|时)?(?:只能|只许|只准|必须|一律|都要|都得)(?:全部|全|都|只)?(?:用|加|带|说|讲|以)",
    # Output constraints: every reply in this form, only these words (回答一律只说…, 所有回复都用…).
    r"(?<!我)只(?:准|许|能|可以)?用.{0,8}?(?:回答|回复|回话|说话)|(?<!主播)统一(?:回答|回复|口径)(?!一下)"
    r"|(?:回复|回答|回话|答复|发言|每句话?|每一句|每条|(?:所有|全部)的?(?:回复|回答|话|弹幕)).{0,6}?(?:都|一律|统统|全部|全都|只|只能|必须|记得)"
    r"(?:只|要|得)?(?:用|说(?!得)|回|带|加上?|以|夸|骂|叫|喊|提|(?<=只能|只许|只准|必须|一律)[是有])|只(?:准|许|能|可以)?(?:回复?|回答|答)(?:一个字|一句话?|[一二两三四五六七八九十\d]个字)",
    # A persona put on (换上毒舌的身份, 切换到撒娇语气, 进入霸道总裁人格); 用最难听的话.
    r"(?:换上|换成|切换|切到|换到|进入|开启|打开|启用|激活|转换|调成|调到)(?:到|成|为)?.{0,10}?"
    r"(?:人格|人设|语气|口吻|腔调|性格|身份(?!卡|证))",
    r"(?:切|换|变|进入|开启|打开|启动|调|拿出|来点)(?:到|成|为|上)?.{0,2}?"
    r"(?:毒舌|暴躁|傲娇|病娇|嘴臭|阴阳怪气|黑化|腹黑|霸道|撒娇|杠精|喷子|怨妇)",
    rf"(?:^|你|请|给我|帮我|来|{_BOT})用.{{0,6}}?(?:难听|恶毒|毒|脏|狠毒?|毒舌|刻薄|损人|阴阳|侮辱|下流|粗俗|骂人)的?(?:话|词|字眼|语言|方式|口吻|句子)",
    rf"(?:重置|重写|改写|覆盖|修改|改掉|换掉)(?:一下)?{_YOU}的?.{{0,4}}?{_GUARD}",
    rf"(?:给|帮)?(?:你|{_BOT}).{{0,2}}?(?:立|定|加)(?:个|一个|条|一条)?新?(?:规矩|规则|规定)"
    rf"|{_BOT}.{{0,4}}?(?:念|读)(?:一下|一遍|出来|给)",
    r"rot13|(?:解码|解密)(?:一下|这|下面|以下|后|然后|并|出来|看看|[a-z0-9])",
)
# Families a question to no one in particular only asks about (官方什么时候宣布, 游戏里可以把字幕
# 翻译成中文吗, 主播能替我跟她说句生日快乐吗): run only when the message is not such a question.
_ZH_ASKED_FAMILIES = (
    # Announce or read out, said to someone (请宣布, 你来播报, 小助手当众宣读, 替主播官宣): 官方宣布了,
    # 我宣布 and 主播刚才宣布的 report what someone announced.
    rf"^(?:现在|先|大声|郑重)?(?:宣布|宣读)(?![会的])|(?:(?:(?:请(?!问)|{_BOT}|给我|帮我|麻烦)(?:你|您|{_BOT})?(?:(?!主播).){{0,4}}?"
    r"|(?:你|您)(?:来|去|快|赶紧|马上|立刻|立即|现在|负责)?|(?<!主播)(?<!官方)(?:快|赶紧|马上|立刻|立即)|(?<![我你他她])来)"
    r"(?:一下|帮忙|当众|公开|大声|郑重|正式)?(?:宣布|宣读|朗读|播报|广播|官宣|公布))",
    # On someone's behalf: 替主播宣布, 帮主播通知全场, 代表主播发个通知, 替她官宣; 我替主播说句公道话 and
    # 大家帮主播说说话 are the viewer's own words.
    rf"(?<!我)(?<!我们)(?<!大家)(?<!咱们)(?<!一起)(?:替|代(?:替|表)?|帮)(?:{_WHO}|他|她|ta|人家)(?:的名义)?(?:一下)?"
    r".{0,8}?(?:宣布|通知|官宣|公布|声明|发(?:个|一个|条|一条|一则)?(?:通知|公告|声明|消息|动态)|告诉|转告"
    r"|说(?![话过了明服])|讲(?![话过了究理])|回(?:复|应|一下|一句|句|他|她|楼)|澄清|辟谣|道歉|表态|承认)",
    r"替我(?:说|告诉|转告|跟)",
    # Translation tricks and payloads.
    # 怎么/如何 before the verb asks how to translate: a question, no order.
    rf"把.{{1,30}}?(?:翻译|翻成|译成|转成|转写)|{_NOT_HOW}(?:翻译|翻成|译成|转成|翻|译)(?:成|为|到)?{_LANG}"
    r"(?!.{0,8}?(?:什么意思|啥意思|是什么|是啥|怎么说|怎么讲|咋说|叫什么|[吗么嘛呢]$))|翻译(?:一下|下面|以下|这句).{0,12}?(?:念|读|说出|发出|喊|播)"
    rf"|用{_LANG}(?:说|讲|念|读|骂|写|喊|回答|回复|重复|复述)(?![话得的了吗呢过吧]|$)|{_LANG}版?(?:读|念|说|骂|喊)(?:一下|一遍|出来)"
    rf"|翻译过来(?!.{{0,6}}(?:是啥|是什么|什么意思|啥意思|[吗么嘛呢])$)|{_LANG}(?:怎么念|怎么读|怎么写|咋念)"
    rf"|(?:{_BOT}|请你?|给我|帮我)用{_LANG}",
)
_ZH_ASKED = Patterns(_ZH_ASKED_FAMILIES)
# A question to no one in particular: a question word or particle, and nobody addressed (no
# 你/您, no bot, no 请/给我/帮我, no quoted words to say).
_QUESTION_ZH = gated(
    r"[吗么嘛呢][啊呀哈]*$|什么|啥|几点|哪|怎么|为何|为什么|多少|有没有|是不是|能不能|可不可以|会不会|要不要"
)
_ADDRESSED = re.compile(rf"你|您|妳|{_BOT}|请(?!问)|给我|帮我|麻烦|[\"“”「」『』'‘’]")

# The families searched as one alternation, each only where a string it needs occurs
# (agent.shared.screen.Patterns): most chat holds none of them, and the one big gated
# alternation starts a try at every 你, 我, 是 of a message.
_ZH = Patterns(_ZH_FAMILIES)


# What needs the display form's punctuation: new rules announced with a colon, words to read
# out after one (跟我念：…, 重复一遍：…, 你说：…).
_DISPLAY = gated(
    r"新的?(?:规则|规定|指令|设定|人设|命令|守则|规矩)\s*(?:[:：]|如下|是|来了|出来了|更新)(?![^:：]{0,14}[吗么嘛呢?？]\s*$)"
    r"|^ *(?:【[^】]{0,6}】)?(?:系统|官方|重要|直播间|置顶|平台|开发团?队?|后台|管理员?|房管|超管|运营)?"
    r"(?:公告|通知|消息|规定|守则|命令|指令) *[:：]|</?(?:系统|指令|管理员)>"
    r"|(?:跟着?我|照着?|重复|复述|朗读|宣读|播报|念出来|读出来)(?:说|念|读)?(?:一遍|一下|[\d一二三两]+遍)?\s*[:：\"“「]"
    r"|(?:你|请|给我)(?:说|念|读|输出)(?:一遍|一下)?\s*[:：]|^ *系统 *[:：]"
    r"|(?:规则|规定|守则|公约|条例|须知)\s*[:：].{0,30}?(?:机器人|ai|小助手|助手|bot|你)"
    # A notice under an authority's bracketed tag that gives the bot leave or orders: 【官方】…AI已授权….
    r"|[【\[〖〔「『<][^】\]〗〕」』>]{0,8}?(?:官方|系统|平台|管理员?|房管|超管|运营|客服|后台|公告|通知|system|admin"
    r"|official|staff|developer|moderator|mod)[^】\]〗〕」』>]{0,8}[】\]〗〕」』>]"
    r".{0,40}?(?:机器人|小助手|助手|弹幕姬|(?<![a-z])(?:ai|bot|assistant)(?![a-z])|授权|权限|解除|解锁|无限制|不受限"
    r"|允许|准许|批准|特许|豁免"
    r"|(?<![a-z])(?:disabled|unlocked|unrestricted|comply|obey|authori[sz]ed|override)(?![a-z]))"
)

# Broad: the viewer tells the bot (or the room) to do or say something. Not filtered (most is
# ordinary chat: 你来猜猜, 帮我看看); it only rules out agreeing with the message.
_ORDER_ZH = gated(
    r"(?:请|麻烦)?你(?:来|去|给我|帮我|必须|要|得|只能|只许|不准|不许|每|以后|今后|现在就|马上|立刻|赶紧|演|当|扮|说|念|读|喊|叫|唱|骂|夸|损|学|模仿)"
    r"|(?:请|给我|帮我|快|赶紧|马上|现在|立刻|小助手|机器人|助手)(?:说|念|读|喊|叫|重复|复述|回复|唱|骂|损|夸|喷|播报|宣布|模仿)"
    r"|把.{1,30}(?:说|念|读|重复|复述|翻译|发|喊|唱|播)|给.{1,8}来(?:一段|几句|一句)"
    r"|(?:用|以).{1,6}(?:句话|的口气|的语气|的方式)"
)

_CLAIM_ZH = gated(
    r"(?:主播|up主?|播主|机器人|小助手)(?:其实|本来|就|居然|竟然|已经|早就|刚刚|刚才|明明|真的)?"
    r"(?:是|不是|承认|说(?![得的话])|讲(?![得的话])|答应|同意|欠|骗|偷|收了|拿了|出轨|离婚)"
    r"|(?:主播|up主?)的(?:老公|老婆|男朋友|女朋友|男友|女友|爸爸|爸|爹|妈妈|妈|儿子|对象|前任|前女友|前男友"
    r"|情人|媳妇|男人|女人|主人)"
    r"|我(?:就)?是(?:主播|up主?|房管|管理员?|超管|官方|客服)(?!的)"
    r"|(?:房管|管理员?|超管|官方)(?:都|也|已经|刚才?|亲口)?(?:说|讲|承认|答应|同意|认证(?!的?[a-z\u4e00-\u9fff]{1,4}$)|认证(?=的?(?:主播|up|房管|管理|超管|客服|账号|号)))(?![得的话])"
)

_LATIN_RE = re.compile(r"[a-z]{2}")
# Letters written one by one (i g n o r e): joined again before the English rules read them.
_SPACED_LETTERS = re.compile(r"(?<![a-z])[a-z](?: [a-z]){3,}(?![a-z])")
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


def _asked(lowered: str, compact: str) -> bool:
    """True when the text is a question put to no one in particular (not to the bot)."""
    asks = _QUESTION_ZH.search(compact) is not None or "?" in lowered or "？" in lowered
    if not asks or _ADDRESSED.search(lowered) is not None or _ADDRESSED.search(compact) is not None:
        return False
    return _CLAIM_ZH.search(compact) is None  # 可以把主播是猪翻译成英文吗 asks to have a claim said


def instruction_in(display: str, lowered: str, compact: str) -> bool:
    """True when the message tries to give the bot orders (the families in the module docstring)."""
    if _ZH.any(compact) or _DISPLAY.search(lowered) is not None:
        return True
    if _ZH_ASKED.any(compact) and not _asked(lowered, compact):
        return True
    if _LATIN_RE.search(lowered) is None:  # most danmaku has no English to read
        return False
    if " " in lowered and _SPACED_LETTERS.search(lowered) is not None:  # i g n o r e
        lowered = _SPACED_LETTERS.sub(lambda m: m.group().replace(" ", ""), lowered)
    if EN.search(lowered) is not None:
        return True
    return any(_decodes_to_text(m.group()) for m in _B64_RE.finditer(display))


def order_in(lowered: str, compact: str) -> bool:
    """True when the message tells the bot or the room to do or say something (broad)."""
    if _ORDER_ZH.search(compact) is not None:
        return True
    return _LATIN_RE.search(lowered) is not None and ORDER_EN.search(lowered) is not None


def claim_in(lowered: str, compact: str) -> bool:
    """True when the message states something about the streamer or the bot (a question
    about them, 主播是哪里人, is not a claim: the caller leaves questions out)."""
    if _CLAIM_ZH.search(compact) is not None:
        return True
    return _LATIN_RE.search(lowered) is not None and CLAIM_EN.search(lowered) is not None
