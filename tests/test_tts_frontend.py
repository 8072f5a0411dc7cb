"""The speech front end: what every voice is given for a line of stream text."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from agent.tts.frontend import prepare, strip_markup
from agent.tts.level import CEILING, finish, limit, speech_dbfs
from agent.tts.lexicon import LexiconError, load, parse
from agent.tts.text import to_say

READ_OUT = [
    # times, dates, years
    ("今天11:30开播", "今天十一点半开播"),
    ("凌晨2:05下播", "凌晨两点零五分下播"),
    ("2024年12月7日晚上8点", "二零二四年十二月七日晚上八点"),
    # money, percentages, decimals, ranges, 99+
    ("谢谢老板的￥30", "谢谢老板的三十元"),
    ("价格1,299元", "价格一千二百九十九元"),
    ("涨了3.5%", "涨了百分之三点五"),
    ("涨了5%-10%", "涨了百分之五到百分之十"),
    ("12.5块", "十二点五块"),
    ("等1-2个小时", "等一到两个小时"),
    ("10~20块", "十到二十块"),
    ("¥9.9包邮", "九点九元包邮"),
    ("99+的弹幕", "九十九加的弹幕"),
    ("1.5k粉丝", "一点五千粉丝"),
    # model numbers digit by digit, quantities as numbers
    ("RTX 4090显卡", "阿尔提艾克斯四零九零显卡"),
    ("显卡是4090，内存64", "显卡是四零九零，内存六十四"),
    ("i7-13700K的CPU", "艾七一三七零零开的西批优"),
    ("房间号21452505", "房间号二一四五二五零五"),
    ("买了3台4K显示器", "买了三台四开显示器"),
    # ordinals, chat numbers, symbols
    ("第3名", "第三名"),
    ("666666", "六六六六六六"),
    ("1+1=2", "一加一等于二"),
    ("小心心x10", "小心心乘十"),
    # letters and abbreviations: lexicon, else spelled
    ("内存64G", "内存六十四吉"),
    ("UP主在B站开播", "阿普主在哔站开播"),
    ("这个OBS设置", "这个欧比艾斯设置"),
    ("打BOSS", "打波斯"),
    ("谢谢SC", "谢谢艾斯西"),
    ("144Hz的屏", "一百四十四赫兹的屏"),
    # markup and links are never spoken
    ("<b>大家好</b>，看 https://b23.tv/abc 哦", "大家好，看哦"),
    ("**加粗** [doge] 好耶", "加粗好耶"),
    ("&lt;script&gt;alert(1)&lt;/script&gt;你好", "你好"),
    ("去www.bilibili.com看", "去看"),
    ("发邮件到abc@qq.com", "发邮件到"),
    ("看[这个](https://x.cn/a)视频", "看这个视频"),
    # English sentences are left to an English voice
    ("Hello everyone, it's 5 pm", "Hello everyone, it's 5 pm"),
]


@pytest.mark.parametrize(("text", "spoken"), READ_OUT)
def test_reads_out_like_a_chinese_streamer(text: str, spoken: str) -> None:
    assert prepare(text) == spoken


def test_to_say_runs_the_front_end_and_drops_what_is_not_speech() -> None:
    assert to_say("<i>😀</i> https://x.com") is None
    assert to_say("ＲＴＸ４０９０！") == "阿尔提艾克斯四零九零！"  # full-width, as input methods type it


def test_markup_removal_keeps_the_words() -> None:
    assert strip_markup("<p>你好<br/>世界</p>").split() == ["你好", "世界"]


def test_a_streamers_lexicon_adds_and_overrides(tmp_path: Path) -> None:
    mine = tmp_path / "lexicon.txt"
    mine.write_text("# mine\nOBS = 奥比斯\nZ = 兹\nGPT = 鸡皮提\n", encoding="utf-8")
    lexicon = load(mine)
    assert prepare("用OBS推流", lexicon) == "用奥比斯推流"
    assert prepare("Z世代和GPT", lexicon) == "兹世代和鸡皮提"
    assert prepare("打BOSS", lexicon) == "打波斯"  # the shipped entries stay
    # ASCII terms are whole words: "ms" is not read inside "teams".
    assert "毫秒" not in prepare("用teams开会", lexicon)


def test_a_broken_lexicon_is_one_line_naming_file_and_line(tmp_path: Path) -> None:
    with pytest.raises(LexiconError, match=r"mine\.txt line 2: 'OBS 欧比艾斯' is not `term = reading`"):
        parse("A = 欸\nOBS 欧比艾斯\n", "mine.txt")
    with pytest.raises(LexiconError, match=r"^tts\.lexicon: no file at .*nowhere\.txt"):
        load(tmp_path / "nowhere.txt")


def test_cohost_say_names_a_missing_lexicon(tmp_path: Path) -> None:
    import subprocess

    config = tmp_path / "config.toml"
    config.write_text(f'[tts]\nengine = "espeak"\nlexicon = "{tmp_path}/nowhere.txt"\n', encoding="utf-8")
    wav = str(tmp_path / "a.wav")
    proc = subprocess.run(
        [sys.executable, "-m", "agent", "say", "你好", "--config", str(config), "--out", wav],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode != 0
    assert "tts.lexicon: no file at" in proc.stderr
    assert "Traceback" not in proc.stderr


# --- the limiter ----------------------------------------------------------------


def _tone(rate: int, seconds: float, amplitude: float) -> np.ndarray:
    t = np.arange(int(rate * seconds)) / rate
    return (amplitude * np.sin(2 * np.pi * 220 * t)).astype(np.float32)


def test_limiter_keeps_peaks_under_the_ceiling_without_flattening_them() -> None:
    loud = _tone(24000, 0.5, 1.6)
    limited = limit(loud)
    assert float(np.max(np.abs(limited))) <= CEILING + 1e-6
    # Not hard-clipped: the number of samples sitting at the ceiling is tiny, unlike np.clip.
    at_ceiling = np.sum(np.abs(limited) >= CEILING - 1e-4)
    clipped = np.sum(np.abs(np.clip(loud, -CEILING, CEILING)) >= CEILING - 1e-4)
    assert at_ceiling < clipped / 10, (at_ceiling, clipped)
    quiet = _tone(24000, 0.5, 0.3)
    assert np.array_equal(limit(quiet), quiet)  # below the ceiling: untouched


def test_every_level_comes_out_at_the_same_speech_level() -> None:
    levels = [speech_dbfs(finish(_tone(22050, 1.0, a), 22050), 22050) for a in (0.05, 0.3, 1.4)]
    assert max(levels) - min(levels) < 1.0, levels
    assert all(float(np.max(np.abs(finish(_tone(24000, 1.0, a), 24000)))) <= CEILING for a in (0.05, 3.0))
    assert len(finish(np.zeros(0, np.float32), 24000)) == 0
    silence = finish(np.zeros(2400, np.float32), 24000)
    assert float(np.max(np.abs(silence))) == 0.0  # silence is not lifted into noise
