"""Matching questions to knowledge entries (issue 18 item 1): slots keep look-alikes apart
(几点开播 never answers 几点下播), chat's synonyms count as shared words, the tuning sets'
figures hold, and what /api/status shows of the knowledge. Through `cohost ask` and
`cohost knowledge check` where a streamer would use them."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from agent.brain.meaning import MeaningIndex
from agent.config import KnowledgeConfig
from agent.events import RoomInfo
from agent.knowledge.base import Knowledge
from agent.knowledge.entries import DEMO_KNOWLEDGE, Entry, load_files
from agent.knowledge.match import Embed, Matcher
from agent.knowledge.words import objects
from agent.shared.slots import asked, conflict, unasked
from agent.shared.synonyms import tags

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
SET = DATA / "knowledge_set.md"
NEAR = DATA / "knowledge_nearmiss.md"


def cohost(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "agent", *args], capture_output=True, text=True, timeout=300, cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip


@pytest.fixture(scope="module")
def embed() -> Iterator[Embed]:
    index = MeaningIndex()
    index.load()
    yield index.embed


def test_slots_and_synonyms() -> None:
    assert conflict(asked("今晚播到几点"), asked("几点开播"))
    assert conflict(asked("主播多高"), asked("主播多大了 | 今年几岁"))
    assert conflict(asked("when does the stream end"), asked("when do you go live"))
    assert not conflict(asked("什么时候关播"), asked("几点下播"))
    assert not conflict(asked("主播玩的啥"), asked("几点开播"))  # no slot asked: no conflict
    assert tags("关播了") & tags("下播") and tags("bgm") & tags("背景音乐") and tags("麦") & tags("麦克风")
    assert not tags("鼠标") & tags("键盘")


def test_start_and_end_never_answer_each_other(embed: Embed) -> None:
    entries = [Entry(("几点开播", "每天什么时候开播"), "每天晚上八点开播。"),
               Entry(("几点下播", "什么时候下播"), "一般十二点下播。")]  # fmt: skip
    matcher = Matcher(entries, embed)
    for question in (
        "今晚播到几点",
        "主播几点关播",
        "今天几点结束",
        "主播啥时候下线",
        "when does the stream end",
    ):
        found = matcher.match(question)
        assert found is None or found.entry.question == "几点下播", question
    for question in ("主播几点开", "一般几点开始播", "平时几点上线", "what time do you go live"):
        found = matcher.match(question)
        assert found is None or found.entry.question == "几点开播", question
    assert matcher.match("今晚要播到几点呀") is not None  # the old false answer: now the right one


def test_the_tuning_sets_figures_hold(embed: Embed) -> None:
    """What bench/bench_knowledge.py reports on the sets the numbers were chosen on (72 right
    of 91 and 2 false answers in 139 when they were chosen; the rule before: 48 and 1)."""
    entries, _ = load_files([SET])
    matcher = Matcher(entries, embed)
    right = false = answerable = 0
    for name in ("knowledge_tune.json", "knowledge_heldout.json"):
        for row in json.loads((DATA / name).read_text(encoding="utf-8"))["questions"]:
            found = matcher.match(row["q"])
            got = found.entry.question if found is not None else None
            answerable += row["entry"] is not None
            right += got is not None and got == row["entry"]
            false += got is not None and got != row["entry"]
    assert answerable == 91
    assert right >= 70 and false <= 1, (right, false)


def test_a_question_names_what_it_is_about() -> None:
    """The objects an entry must name: nouns, other times, words jieba does not know; not
    question words, the streamer, the kind of answer (牌子) or now (今晚)."""

    def flat(question: str) -> set[str]:
        return {word for word, *_ in objects(question)}

    assert "妈妈" in flat("主播妈妈多大了") and "明天" in flat("明天玩什么游戏")
    assert "下一个" in flat("下一个玩什么游戏") and "以前" in flat("主播以前玩什么游戏")
    assert "大橘" in flat("大橘多大了") and "耳机" in flat("耳机是什么牌子")
    assert flat("主播多大了") == set() and flat("今晚播到几点") == set() and flat("鼠标啥牌子") == {"鼠标"}
    assert flat("主播明天开不开") == {"明天"}  # jieba's guess 开不开 has no noun in it
    # Only the clauses that ask: the week is what the viewer tells (the demo's super chat).
    assert flat("主播二郎神打了多少次了？有没有什么技巧，我卡了一个星期了，求教！") == {"二郎神"}
    assert unasked(asked("键盘多少钱"), asked("用的什么键盘"))
    assert unasked(asked("how much was it"), asked("what mic"))
    assert not unasked(asked("几点抽奖"), asked("抽奖什么时候开"))
    assert not unasked(asked("用的啥键盘"), asked("键盘多少钱"))


def test_near_misses_are_not_answered_and_paraphrases_are(embed: Embed) -> None:
    """knowledge_nearmiss.json, both halves: the same shape as an entry's question about
    another thing or person gets "I don't know" (15 and 16 of 39 answered on the two halves
    before the objects rule, 0 and 1 after), the paraphrases still get their entry (57 of 75
    before, 55 after)."""
    entries, _ = load_files([NEAR])
    rows = json.loads((DATA / "knowledge_nearmiss.json").read_text(encoding="utf-8"))["questions"]
    matcher = Matcher(entries, embed)
    answered: list[str] = []
    right = wrong = 0
    for row in rows:
        found = matcher.match(row["q"])
        got = found.entry.question if found is not None else None
        if row["entry"] is None:
            answered += [row["q"]] if got is not None else []
        else:
            right += got == row["entry"]
            wrong += got is not None and got != row["entry"]
    assert sum(row["entry"] is None for row in rows) == 78 and len(rows) == 153
    # 2 where the figures were taken; 3 on another machine, whose build of the embedding
    # engine rounds differently, one near miss moved over the line.
    assert len(answered) <= 3, answered
    assert right >= 52 and wrong <= 2, (right, wrong)


def test_ask_says_null_to_near_misses_of_each_kind(tmp_path: Path) -> None:
    """Through `cohost ask`, as a streamer tests their file: gear, a relative, a pet, another
    game, another time, the price of something else get "answer": null; the entries' own
    subjects (the streamer as 你, the pet as 主播的猫) get their answer."""
    config = tmp_path / "config.toml"
    config.write_text(f'[knowledge]\nfiles = ["{NEAR.as_posix()}"]\n', encoding="utf-8")
    for question, entry in (  # each answered with the neighbouring entry before the objects rule
        ("主播的耳麦是什么牌子", None),  # gear: the file has a microphone (麦克风), not a headset
        ("主播爸爸多大了", None),  # a relative: the file has the streamer's age
        ("大橘多大了", None),  # the pet (named in the file's answer): not the streamer's age
        ("主播以前玩什么游戏", None),  # another game than this one
        ("演唱会几点开始", None),  # another thing's time
        ("键盘多少钱", None),  # the price of something else than the game
        ("你今年几岁", "主播多大了"),
        ("主播的猫叫啥", "养的什么猫"),
    ):
        result = cohost("ask", "--config", str(config), question, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        row = json.loads(result.stdout)
        assert row["entry"] == entry, (question, result.stdout)
        assert (row["answer"] is None) == (entry is None)


def test_a_name_the_file_gives_stands_for_its_thing(embed: Embed) -> None:
    """黑神话 is the game (这是什么游戏 answers it), so its price is asked of 这游戏多少钱;
    塞尔达, which the file never names, is not."""
    matcher = Matcher(load_files([SET])[0], embed)
    for question in ("黑神话在哪里买", "黑神话多少钱一份"):
        found = matcher.match(question)
        assert found is not None and found.entry.question == "这游戏多少钱", question
    assert matcher.match("塞尔达在哪里买") is None and matcher.match("塞尔达多少钱一份") is None


def test_the_demo_super_chat_is_still_answered(embed: Embed) -> None:
    """A long line names more than it asks about; the demo's super chat gets its entry."""
    matcher = Matcher(load_files([DEMO_KNOWLEDGE])[0], embed)
    found = matcher.match("主播二郎神打了多少次了？有没有什么技巧，我卡了一个星期了，求教！")
    assert found is not None and found.entry.question == "二郎神怎么打"


def test_ask_answers_by_slot(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f'[knowledge]\nfiles = ["{SET.as_posix()}"]\n', encoding="utf-8")
    # 主播的麦是啥 is labelled 用的什么麦克风 in knowledge_tune.json: "I don't know" until round 7's
    # subjects (麦 / 麦克风 name the mic).
    for question, entry in (
        ("今晚要播到几点呀", "几点下播"),
        ("主播几点起床", None),
        ("主播的麦是啥", "用的什么麦克风"),
    ):
        result = cohost("ask", "--config", str(config), question, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout)["entry"] == entry, (question, result.stdout)


def test_check_warns_when_two_entries_take_each_others_askers(tmp_path: Path) -> None:
    file = tmp_path / "k.md"
    file.write_text(
        "## 玩的什么游戏\n黑神话。\n## 这是啥游戏啊\n原神。\n## 几点下播\n十二点。\n", encoding="utf-8"
    )
    result = cohost("knowledge", "check", str(file), cwd=tmp_path)
    assert result.returncode == 1
    warned = [line for line in result.stdout.splitlines() if line.startswith("warning:")]
    assert warned and all("游戏" in line for line in warned), result.stdout
    assert "merge them or make the questions differ" in warned[0]


def test_status_report_says_what_is_loaded_and_what_went_wrong(tmp_path: Path) -> None:
    file = tmp_path / "mine.md"
    file.write_text("## 几点开播\n八点。\n## 没有答案的问题\n", encoding="utf-8")
    known = Knowledge.from_config(KnowledgeConfig(files=[str(file)]))
    report = known.report()
    assert (report["state"], report["entries"], report["files"]) == ("words only", 1, ["mine.md"])
    assert report["loaded_at"] is None and len(report["warnings"]) == 1 and report["room_facts"] == {}
    known.load(None)  # the meaning model is unavailable
    report = known.report()
    assert report["loaded_at"] is not None and "words only" in report["error"]
    known.observe(RoomInfo(platform="bilibili", room="1", title="标题\x1b[31m<script>", area="单机游戏"))
    assert known.report()["room_facts"] == {"bilibili": {"title": "标题[31m", "area": "单机游戏"}}
    json.dumps(known.report())  # what /api/status sends


async def test_an_edited_file_is_read_again_while_running(tmp_path: Path, embed: Embed) -> None:
    """The bus stage looks at the file every reload_s: an edit answers without a restart, a
    broken edit keeps the entries there were and says why (what /api/status shows)."""
    from agent.bus import Bus

    file = tmp_path / "k.md"
    file.write_text("## 几点开播\n每天八点开播。\n", encoding="utf-8")
    known = Knowledge.from_config(KnowledgeConfig(files=[str(file)], reload_s=0.05))
    known.load(embed)
    assert known.match("用的什么键盘") is None
    bus = Bus(16)
    stage = asyncio.create_task(known.run(bus.subscribe("knowledge", accepts={"room_info"})))
    try:
        file.write_text(
            "## 几点开播\n每天八点开播。\n## 用的什么键盘 | 键盘是什么牌子\n罗技 G913。\n", encoding="utf-8"
        )
        await _until(lambda: known.report()["entries"] == 2)
        found = known.match("主播键盘啥牌子的")
        assert found is not None and found.entry.answer == "罗技 G913。"
        assert known.report()["reloaded_at"] is not None and known.report()["error"] == ""
        file.write_bytes(b"\xff\xfe not utf-8 at all")
        await _until(lambda: known.report()["error"] != "")
        assert "UTF-8" in known.report()["error"] and known.report()["entries"] == 2
        assert known.match("主播键盘啥牌子的") is not None  # the entries read before still answer
    finally:
        stage.cancel()
        await asyncio.gather(stage, return_exceptions=True)


async def _until(predicate: Callable[[], bool]) -> None:
    for _ in range(2000):
        if predicate():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("never happened")
