"""The speech front end: reply text as a Mandarin voice should say it, the same for every engine.

Order matters, and each step is a small pure function:

1. markup and links never reach a voice: HTML tags and entities, Markdown, Bilibili
   emote codes (``[doge]``), URLs and e-mail addresses are removed;
2. numbers whose meaning depends on context are written out first: model and
   product numbers digit by digit (RTX 4090 → 四零九零), ``99+`` → 九十九加,
   ``11:30`` → 十一点半, ``666``/``2333`` as chat says them, ``1.5k``/``3w``,
   ranges of percentages, decimals that a date reader would take for a date;
3. everything else numeric (years, dates, times, money, percentages, fractions,
   ordinals, ranges, phone numbers) goes through WeTextProcessing's Chinese text
   normaliser (the ``wetext`` runtime: compiled grammars in the wheel, offline);
4. Latin letters and abbreviations go through the pronunciation lexicon.

Text without any Chinese character (an English voice's sentence) gets only step 1.
"""

from __future__ import annotations

import html
import re
import threading
from typing import Any

from agent.tts.lexicon import Lexicon, load

_CJK = re.compile(r"[\u3400-\u9fff]")
_DIGITS = str.maketrans("0123456789", "零一二三四五六七八九")

# --- 1. markup and links ------------------------------------------------------
_URL = re.compile(
    r"(?:https?://|ftp://|www\.)[^\s\u3000-\u303f\uff00-\uffef\u4e00-\u9fff]*"
    r"|[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"
    r"|(?<![A-Za-z0-9.])[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.(?:com|cn|net|org|tv|io|me|cc|top|xyz|gg|app)"
    r"(?:/[^\s\u3000-\u303f\uff00-\uffef\u4e00-\u9fff]*)?(?![A-Za-z])",
    re.IGNORECASE,
)
_MD_LINK = re.compile(r"!\[[^\]]*\]\([^)]*\)|\[([^\]]+)\]\([^)]*\)")
_TAG = re.compile(r"</?[A-Za-z][^<>]{0,200}>|<!--.*?-->", re.DOTALL)
_CODE = re.compile(r"<(script|style)\b[^>]{0,200}>.*?</\1\s*>", re.DOTALL | re.IGNORECASE)
_BBCODE = re.compile(r"\[/?[A-Za-z]+(?:=[^\]]{0,60})?\]")
_EMOTE = re.compile(r"\[[^\[\]\s]{1,12}\]")  # Bilibili/Douyu emote codes: [doge] [笑哭]
_MD_MARKS = re.compile(r"\*{1,3}|_{2,3}|~~|`+|^\s{0,3}#{1,6}\s+|^\s{0,3}>\s?|^\s{0,3}[-*+]\s+", re.MULTILINE)
_HASHTAG = re.compile(r"#([^#\s]{1,30})#")


def strip_markup(text: str) -> str:
    """Text with links, tags, Markdown and emote codes removed (their words kept where they are words)."""
    text = _MD_LINK.sub(lambda m: m.group(1) or "", text)
    text = _TAG.sub(" ", _CODE.sub(" ", text))
    text = html.unescape(text)
    text = _TAG.sub(" ", _CODE.sub(" ", text))  # entities may have hidden a tag: &lt;b&gt;
    text = _URL.sub(" ", text)
    text = _BBCODE.sub(" ", text)
    text = _EMOTE.sub(" ", text)
    text = _HASHTAG.sub(r"\1", text)
    return _MD_MARKS.sub(" ", text)


# --- 2. numbers that need their context ---------------------------------------
# Latin (with an optional space or hyphen) then 3+ digits, or 4+ digits then a letter: a model.
_MODEL = re.compile(r"(?<=[A-Za-z])([\s-]?)(\d{3,})(?![\d.%])|(?<![\d.])(\d{4,})(?=[A-Za-z])")
# After these words a number is an identifier, read digit by digit.
_ID_AFTER = re.compile(
    r"(?<![A-Za-z])(显卡|型号|编号|房间号?|直播间|号码|尾号|车次|航班|工号|UID|uid|ID|id|QQ|qq|群号?)"
    r"([是为：:\s]{0,2})(\d{3,})"
)
_CHAT_NUMBERS = re.compile(r"(?<![\d.])(6{3,}|8{3,}|23{3,}|233|5{3,}|9{3,})(?![\d.])")
_PLUS = re.compile(r"(\d)\+(?![\d\s]*\d)")
_HALF_HOUR = re.compile(r"(?<![\d:])([01]?\d|2[0-3])[:：]30(?![\d:])")
# 1.5k, 3w, 10W粉丝; an upper-case K stays a letter (4K, 2K screens).
_KILO = re.compile(r"(\d+(?:\.\d+)?)\s?([kwW])(?![A-Za-z])")
_MODEL_HYPHEN = re.compile(r"(?<![A-Za-z0-9])([A-Za-z][A-Za-z0-9]*)-(?=[A-Za-z0-9])")
_PERCENT_RANGE = re.compile(r"(\d+(?:\.\d+)?)%\s?[-~～至到]\s?(\d+(?:\.\d+)?)%")
# A decimal that is not part of a dotted date (2025.1.1), not a day (日/号), not a percentage.
# Money (¥9.9) is left to wetext, which says the unit.
_DECIMAL = re.compile(r"(?<![\d.¥￥$€£])(\d+)\.(\d+)(?![\d.]|\s?[日号%‰])")
_TILDE_RANGE = re.compile(r"(?<=\d)\s?[~～]\s?(?=\d)")
_TIMES = re.compile(r"(?<=[\u3400-\u9fff])\s?[xX×*]\s?(\d+)(?![\d.])")
_SYMBOLS = {"&": "和", "=": "等于", "×": "乘", "~": "，", "～": "，"}


def _digit_by_digit(number: str) -> str:
    return number.translate(_DIGITS)


def _decimal(match: re.Match[str]) -> str:
    whole, fraction = match.group(1), match.group(2)
    return f"{_integer(whole)}点{_digit_by_digit(fraction)}"


def _integer(number: str) -> str:
    import cn2an

    reading: str = cn2an.an2cn(number, "low")
    return reading


def numbers_in_context(text: str) -> str:
    """Numbers whose reading depends on what is around them, written out; the rest left for wetext."""
    text = _MODEL_HYPHEN.sub(r"\1 ", text)
    text = _MODEL.sub(lambda m: (m.group(1) or "") + _digit_by_digit(m.group(2) or m.group(3)), text)
    text = _ID_AFTER.sub(lambda m: m.group(1) + m.group(2) + _digit_by_digit(m.group(3)), text)
    text = _CHAT_NUMBERS.sub(lambda m: _digit_by_digit(m.group(1)), text)
    text = _PLUS.sub(r"\1加", text)
    text = _HALF_HOUR.sub(r"\1点半", text)
    text = _PERCENT_RANGE.sub(r"百分之\1到百分之\2", text)
    text = _KILO.sub(lambda m: m.group(1) + ("千" if m.group(2) == "k" else "万"), text)
    text = _TIMES.sub(r"乘\1", text)
    text = _TILDE_RANGE.sub("到", text)
    text = _DECIMAL.sub(_decimal, text)
    return "".join(_SYMBOLS.get(char, char) for char in text)


# --- 3. everything else numeric: WeTextProcessing ------------------------------
_normalizer: Any = None
_normalizer_lock = threading.Lock()


def _wetext(text: str) -> str:
    global _normalizer
    # One normaliser for the process; the main voice and the backup voice may call it at once.
    with _normalizer_lock:
        if _normalizer is None:
            from wetext import Normalizer

            _normalizer = Normalizer(lang="zh", operator="tn")
        result: str = _normalizer.normalize(text)
        return result


def normalize_numbers(text: str) -> str:
    """Years, dates, times, money, percentages, fractions, ordinals and ranges in Chinese words."""
    if not any(char.isdigit() for char in text) and not re.search(r"[%‰￥¥$€£℃]", text):
        return text
    return _wetext(text)


# --- 4. letters: the lexicon --------------------------------------------------
_lexicon: Lexicon | None = None
_lexicon_lock = threading.Lock()


def use_lexicon(path: str | None) -> None:
    """Use the shipped lexicon with the streamer's file on top (raises LexiconError with one line)."""
    global _lexicon
    loaded = load(path)
    with _lexicon_lock:
        _lexicon = loaded


def lexicon() -> Lexicon:
    global _lexicon
    with _lexicon_lock:
        if _lexicon is None:
            _lexicon = load()
        return _lexicon


_SPACE_IN_CJK = re.compile(r"(?<=[^\x00-\x7f])\s+|\s+(?=[^\x00-\x7f])")
_SPACES = re.compile(r"\s+")


def prepare(text: str, lexicon_: Lexicon | None = None) -> str:
    """The whole front end: what a voice should be given for ``text`` (markup-free, read out)."""
    text = strip_markup(text)
    # An English sentence (lower-case words, no Chinese) is left to the voice; "RTX4090！" is not one.
    if not _CJK.search(text) and re.search(r"[a-z]{2,}", text):
        return _SPACES.sub(" ", text).strip()
    text = numbers_in_context(text)
    text = normalize_numbers(text)
    text = (lexicon_ or lexicon()).apply(text)
    return _SPACE_IN_CJK.sub("", _SPACES.sub(" ", text)).strip()
