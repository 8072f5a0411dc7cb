"""Viewers remembered across streams: the SQLite store (agent/knowledge/viewers.py), what the
brain's memory records into it and never records, !forget, and the welcome back it feeds."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from agent.brain.brain import Brain, Speak
from agent.brain.memory import Turn, storable
from agent.brain.moderation import Moderator
from agent.config import BrainConfig, LlmConfig, ViewersConfig
from agent.events import Danmaku, Enter, Filtered, Gift
from agent.knowledge.viewers import LiveViewers, ViewerStore, open_store, store_path
from agent.llm.template import TemplateEngine
from agent.reply.prompt import build_request
from agent.shared.orders import Asked, Recall, ReplyOrder

DAY = 86400.0


class FakeClock:
    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def store(tmp_path: Path, clock: FakeClock) -> ViewerStore:
    return ViewerStore(tmp_path / "viewers.sqlite3", retention_days=30, max_asked=2, clock=clock)


def _brain(store: ViewerStore) -> Brain:
    cfg = BrainConfig(fold_by_meaning=False, sentiment_model=False)
    brain = Brain(cfg, Moderator.from_config(cfg))
    brain.memory.remember_across(store, brain.moderator.banned_in)
    return brain


def _say(brain: Brain, text: str, now: float, uid: str = "42", uname: str = "阿明") -> list[object]:
    return list(
        brain.handle(Danmaku(platform="bilibili", msg_id=f"{now}", uid=uid, uname=uname, text=text), now)
    )


def test_a_viewer_is_recalled_with_what_they_asked_and_gave(store: ViewerStore, clock: FakeClock) -> None:
    assert store.recall("bilibili", "42") is None
    store.visit("bilibili", "42", "阿明", new_visit=True)
    for text in ("第三关怎么过", "boss在哪", "这把什么武器"):
        clock.now += 60
        store.asked("bilibili", "42", text)
    store.gave("bilibili", "42", "小心心", 3, 0.3)
    past = store.recall("bilibili", "42")
    assert past is not None
    assert (past.name, past.visits) == ("阿明", 1)
    assert past.asked == ("boss在哪", "这把什么武器")  # the last max_asked, oldest first
    assert (past.gifts, past.value) == (3, pytest.approx(0.3))
    assert store.recall("twitch", "42") is None  # keyed by platform and user id


def test_streams_count_as_visits_and_the_next_stream_sees_the_last_question(
    tmp_path: Path, clock: FakeClock
) -> None:
    path = tmp_path / "v.sqlite3"
    first = ViewerStore(path, clock=clock)
    brain = _brain(first)
    _say(brain, "我卡在第三关了 这关怎么过", 10.0)
    first.close()
    clock.now += DAY
    second = ViewerStore(path, clock=clock)  # the next stream: another process, the same file
    brain = _brain(second)
    _say(brain, "主播晚上好", 5.0)
    note = brain.memory.note("42")
    assert note is not None
    assert note.visits == 2
    assert note.earlier == "我卡在第三关了 这关怎么过"
    assert brain.memory.recall("42", ()).earlier == "我卡在第三关了 这关怎么过"
    brain.memory.add(Turn("阿明", "主播晚上好", "欢迎回来", "42"))  # answered: now this stream's
    assert brain.memory.recall("42", ()).earlier == ""


@pytest.mark.parametrize(
    "text",
    [
        "加我微信 abc12345 问我怎么过",  # a contact: dropped by the filter
        "这关怎么过 看 www.example.com",  # a link: scrubbed to [链接] by the filter
        "怎么过 打电话13812345678",
    ],
)
def test_contacts_links_and_dropped_messages_are_never_stored(store: ViewerStore, text: str) -> None:
    brain = _brain(store)
    _say(brain, text, 1.0)
    past = store.recall("bilibili", "42")
    assert past is None or past.asked == ()
    raw = store.path.read_bytes() + Path(f"{store.path}-wal").read_bytes()
    for needle in ("abc12345", "example", "13812345678"):
        assert needle.encode() not in raw


def test_storable_refuses_banned_words_and_placeholders() -> None:
    banned = {"坏词"}

    def banned_in(text: str) -> str | None:
        return next((w for w in banned if w in text), None)

    assert storable("第三关怎么过", banned_in)
    assert not storable("这坏词怎么说", banned_in)
    assert not storable("加我 [联系方式] 教你", banned_in)
    assert not storable("vx: abc_12345", banned_in)
    assert not storable("  ", banned_in)


def test_a_gift_is_remembered_and_a_bad_gift_name_is_not(store: ViewerStore) -> None:
    brain = _brain(store)
    brain.handle(
        Gift(platform="bilibili", uid="42", uname="阿明", gift_name="小心心", count=2, price=0.2), 1.0
    )
    brain.handle(Gift(platform="bilibili", uid="42", uname="阿明", gift_name="加微信abc12345", count=1), 2.0)
    past = store.recall("bilibili", "42")
    assert past is not None and past.gifts == 3
    gifts = store.export()[0]
    assert gifts["gifts"] == 3
    assert b"abc12345" not in store.path.read_bytes() + Path(f"{store.path}-wal").read_bytes()


def test_a_viewer_without_a_user_id_is_not_remembered(store: ViewerStore) -> None:
    brain = _brain(store)
    brain.handle(Danmaku(platform="bilibili", uid="", uname="路人", text="这关怎么过"), 1.0)
    brain.handle(Enter(platform="bilibili", uid="", uname="路人"), 2.0)
    assert store.export() == []


def test_forget_from_the_viewer_deletes_and_stays_forgotten(store: ViewerStore) -> None:
    brain = _brain(store)
    _say(brain, "第三关怎么过", 1.0)
    assert store.recall("bilibili", "42") is not None
    decisions = _say(brain, "!forget", 2.0)
    assert store.recall("bilibili", "42") is None
    filtered = [d.event for d in decisions if isinstance(getattr(d, "event", None), Filtered)]  # type: ignore[attr-defined]
    assert filtered and filtered[0].rule == "forget" and filtered[0].text == ""
    assert brain.memory.note("42") is None
    _say(brain, "那第四关呢怎么过", 3.0)  # still here, still answered, no longer remembered
    assert store.recall("bilibili", "42") is None
    raw = store.path.read_bytes() + Path(f"{store.path}-wal").read_bytes()
    assert "阿明".encode() not in raw  # the opt-out is a salted hash, not the viewer


def test_the_streamer_forgets_by_name_or_id(store: ViewerStore) -> None:
    store.visit("bilibili", "42", "阿明", new_visit=True)
    store.visit("twitch", "7", "sam", new_visit=True)
    assert store.forget_who("阿明") == 1
    assert store.forget_who("7", "bilibili") == 0
    assert store.forget_who("7", "twitch") == 1
    assert store.export() == []
    store.visit("twitch", "7", "sam", new_visit=True)  # the streamer's forget is no opt-out
    assert store.recall("twitch", "7") is not None


def test_retention_deletes_viewers_not_seen_for_too_long(tmp_path: Path, clock: FakeClock) -> None:
    path = tmp_path / "v.sqlite3"
    store = ViewerStore(path, retention_days=30, clock=clock)
    store.visit("bilibili", "old", "老王", new_visit=True)
    store.asked("bilibili", "old", "还记得我吗")
    clock.now += 20 * DAY
    store.visit("bilibili", "new", "小李", new_visit=True)
    store.close()
    clock.now += 15 * DAY  # 35 days after the first, 15 after the second
    reopened = ViewerStore(path, retention_days=30, clock=clock)
    assert reopened.recall("bilibili", "old") is None
    assert reopened.recall("bilibili", "new") is not None
    rows = sqlite3.connect(path).execute("SELECT COUNT(*) FROM asked").fetchone()
    assert rows == (0,)


def test_hostile_text_is_cut_and_cleaned(store: ViewerStore) -> None:
    store.visit("bilibili", "x", "名\x00字\u202e" + "长" * 500, new_visit=True)
    store.asked("bilibili", "x", "\x1b[31m问" + "题" * 10_000)
    past = store.recall("bilibili", "x")
    assert past is not None
    assert past.name.startswith("名字") and len(past.name) <= 32
    assert past.asked[0].startswith("[31m问") and len(past.asked[0]) <= 80


def test_the_welcome_back_line_uses_what_they_asked(tmp_path: Path) -> None:
    event = Danmaku(platform="bilibili", uid="42", uname="阿明", text="主播晚上好")
    order = ReplyOrder(
        1,
        "greeting",
        Asked(event, "阿明", "主播晚上好", frozenset({"greeting"})),
        recall=Recall(earlier="我卡在第三关了"),
    )
    llm = LlmConfig()
    text = TemplateEngine(llm.template).reply_text(build_request(order, llm, BrainConfig()))
    assert "欢迎回来阿明" in text and "我卡在第三关了" in text
    prompt = build_request(order, llm, BrainConfig()).messages[-1].content
    assert "以前的直播里问过" in prompt
    plain = ReplyOrder(2, "greeting", Asked(event, "阿明", "主播晚上好", frozenset({"greeting"})))
    assert "欢迎回来" not in TemplateEngine(llm.template).reply_text(build_request(plain, llm, BrainConfig()))


def test_default_location_is_the_per_user_data_folder(tmp_path: Path) -> None:
    assert store_path(ViewersConfig()).name == "viewers.sqlite3"
    assert store_path(ViewersConfig(file=str(tmp_path / "x.db"))) == tmp_path / "x.db"
    assert not ViewersConfig().remember  # opt-in


def test_memory_cli_lists_exports_and_forgets(tmp_path: Path) -> None:
    path = tmp_path / "viewers.sqlite3"
    store = open_store(ViewersConfig(file=str(path)))
    store.visit("bilibili", "42", "阿明", new_visit=True)
    store.asked("bilibili", "42", "第三关怎么过")
    store.close()
    config = tmp_path / "config.toml"
    config.write_text(f'[viewers]\nfile = "{path.as_posix()}"\n', encoding="utf-8")

    def cohost(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "agent", "memory", *args, "--config", str(config)]
        return subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=tmp_path)

    listed = cohost("list")
    assert listed.returncode == 0, listed.stderr
    assert "bilibili:42" in listed.stdout and "第三关怎么过" in listed.stdout
    exported = cohost("export")
    rows = [json.loads(line) for line in exported.stdout.splitlines()]
    assert rows[0]["uid"] == "42" and rows[0]["asked"] == ["第三关怎么过"]
    assert cohost("forget", "阿明").returncode == 0
    again = cohost("forget", "阿明")
    assert again.returncode == 1 and "no viewer" in again.stderr
    assert cohost("export").stdout == ""


def test_a_broken_file_mid_stream_is_one_warning_not_a_crash(
    store: ViewerStore, caplog: pytest.LogCaptureFixture
) -> None:
    live = LiveViewers(store)
    cfg = BrainConfig(fold_by_meaning=False, sentiment_model=False)
    brain = Brain(cfg, Moderator.from_config(cfg))
    brain.memory.remember_across(live, brain.moderator.banned_in)
    _say(brain, "第三关怎么过", 1.0, uid="1")
    store.close()  # what a vanished or broken database looks like to the next call
    decisions = _say(brain, "这关怎么过啊", 2.0, uid="2")  # no exception: the chat goes on
    assert [d.order.kind for d in decisions if isinstance(d, Speak)] in ([], ["question"])
    _say(brain, "boss在哪", 3.0, uid="3")
    assert live.failed
    warnings = [r for r in caplog.records if "viewer memory off" in r.getMessage()]
    assert len(warnings) == 1
