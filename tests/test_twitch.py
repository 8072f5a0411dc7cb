"""Twitch: IRC parsing without sockets, then the real client against a local misbehaving server."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agent.config import Reconnect, TwitchSource
from agent.events import EVENT_TYPES, Danmaku, Event, Gift, Guard, SourceStatus
from agent.sources.supervisor import SupervisedSource
from agent.sources.twitch import TwitchIrc, TwitchSession
from agent.sources.twitch_irc import ANONYMOUS, IrcMessage, parse_line, unescape_tag_value
from tests.twitch_server import TwitchTestServer, privmsg, usernotice

FAST = Reconnect(initial_s=0.02, max_s=0.1, stale_after_s=5.0)

# --- Sans-I/O parsing -------------------------------------------------------


def test_tag_values_are_unescaped() -> None:
    assert unescape_tag_value(r"a\sb\:c\\d\re\nf") == "a b;c\\d\re\nf"
    assert unescape_tag_value(r"unknown\xescape\\") == "unknownxescape\\"
    assert unescape_tag_value("trailing\\") == "trailing"


def test_parse_line_splits_tags_prefix_command_and_params() -> None:
    msg = parse_line(r"@id=abc;display-name=Big\sFan :fan!fan@fan.tmi.twitch.tv PRIVMSG #chan :hi :) there")
    assert msg == IrcMessage(
        command="PRIVMSG",
        params=("#chan", "hi :) there"),
        prefix="fan!fan@fan.tmi.twitch.tv",
        tags={"id": "abc", "display-name": "Big Fan"},
    )
    assert msg.command == "PRIVMSG"
    assert msg.tags == {"id": "abc", "display-name": "Big Fan"}
    assert msg.nick == "fan"
    assert msg.params == ("#chan", "hi :) there")
    assert msg.trailing == "hi :) there"  # the text after " :", its own colons kept
    assert parse_line("") is None
    assert parse_line(":only.a.prefix") is None


def irc() -> TwitchIrc:
    return TwitchIrc("Cohost_Test")


def test_privmsg_becomes_danmaku_with_twitch_ids() -> None:
    line = privmsg("m-1", "fan", "hello streamer", display_name="Big Fan", user_id="42", subscriber="1")
    (event,) = irc().receive(line + "\r\n")
    assert event == Danmaku(
        platform="twitch", msg_id="m-1", uid="42", uname="Big Fan", text="hello streamer", guard_level=3
    )


def test_action_and_reply_are_read() -> None:
    line = privmsg("m-2", "fan", "\x01ACTION waves\x01", reply_parent_display_name="Streamer")
    (event,) = irc().receive(line)
    assert isinstance(event, Danmaku)
    assert (event.text, event.reply_to) == ("waves", "Streamer")


def test_cheer_becomes_gift_and_keeps_its_words() -> None:
    gift, words = irc().receive(privmsg("c-1", "rich", "Cheer100 what game is next? Cheer50", bits="150"))
    assert isinstance(gift, Gift)
    assert (gift.gift_name, gift.count, gift.paid, gift.msg_id) == ("bits", 150, True, "c-1")
    assert gift.price > 0
    assert isinstance(words, Danmaku)
    assert words.text == "what game is next?"
    # A cheer with nothing but cheermotes is only a gift.
    assert [e.type for e in irc().receive(privmsg("c-2", "rich", "Cheer100", bits="100"))] == ["gift"]


def test_subs_become_guards_by_tier() -> None:
    (sub,) = irc().receive(usernotice("s-1", "sub", "newbie", sub_plan="1000"))
    assert isinstance(sub, Guard)
    assert (sub.level, sub.count, sub.uname) == (3, 1, "Newbie")
    guard, said = irc().receive(
        usernotice("s-2", "resub", "loyal", "12 months!", sub_plan="3000", multimonth_duration="3")
    )
    assert isinstance(guard, Guard)
    assert (guard.level, guard.count) == (1, 3)
    assert isinstance(said, Danmaku)
    assert said.text == "12 months!"


def test_gift_subs_thank_the_gifter_once() -> None:
    (mystery,) = irc().receive(
        usernotice("g-1", "submysterygift", "santa", mass_gift_count="5", sub_plan="1000")
    )
    assert isinstance(mystery, Gift)
    assert (mystery.uname, mystery.gift_name, mystery.count) == ("Santa", "gift sub", 5)
    # The five subgift notices that follow carry the community gift id: already counted.
    follow_up = usernotice("g-2", "subgift", "santa", community_gift_id="77", recipient_display_name="x")
    assert irc().receive(follow_up) == []
    (single,) = irc().receive(usernotice("g-3", "subgift", "santa", recipient_display_name="lucky"))
    assert isinstance(single, Gift)
    assert (single.uname, single.count) == ("Santa", 1)


def test_raid_becomes_a_gift_of_viewers() -> None:
    (raid,) = irc().receive(
        usernotice("r-1", "raid", "bigstreamer", displayName="BigStreamer", viewerCount="250")
    )
    assert isinstance(raid, Gift)
    assert (raid.gift_name, raid.count, raid.uname, raid.paid) == ("raid", 250, "BigStreamer", False)


def test_unhandled_usernotice_kinds_are_ignored() -> None:
    assert irc().receive(usernotice("a-1", "announcement", "mod", "hello all")) == []


def test_ping_reconnect_join_and_auth_notice() -> None:
    proto = irc()
    assert proto.receive("PING :tmi.twitch.tv\r\n") == []
    assert proto.data_to_send() == ["PONG :tmi.twitch.tv"]
    assert proto.data_to_send() == []
    assert not proto.joined
    proto.receive(":someoneelse!x@x JOIN #cohost_test")
    assert not proto.joined
    proto.receive(f":{proto.nick}!{proto.nick}@{proto.nick}.tmi.twitch.tv JOIN #cohost_test")
    assert proto.joined
    proto.receive(":tmi.twitch.tv RECONNECT")
    assert proto.reconnect_requested
    assert proto.auth_error is None
    proto.receive(":tmi.twitch.tv NOTICE * :Login authentication failed")
    assert proto.auth_error is not None
    assert "sources.twitch.oauth_token" in proto.auth_error
    assert "\n" not in proto.auth_error


def test_a_suspended_channel_is_a_config_problem() -> None:
    proto = irc()
    proto.receive(
        "@msg-id=msg_channel_suspended :tmi.twitch.tv NOTICE #cohost_test :This channel does not exist"
    )
    assert proto.auth_error is not None and "sources.twitch.channel" in proto.auth_error
    other = irc()
    other.receive("@msg-id=slow_on :tmi.twitch.tv NOTICE #cohost_test :This room is now in slow mode.")
    assert other.auth_error is None


def test_opening_lines_anonymous_and_with_token() -> None:
    anon = TwitchIrc("#Chan").opening_lines()
    assert anon[0] == "CAP REQ :twitch.tv/tags twitch.tv/commands"
    assert anon[1].startswith("PASS ")
    assert anon[2].startswith("NICK justinfan")
    assert anon[3] == "JOIN #chan"
    for token in ("abc123", "oauth:abc123"):
        lines = TwitchIrc("chan", nick="MyBot", token=token).opening_lines()
        assert lines[1:3] == ["PASS oauth:abc123", "NICK mybot"]


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_arbitrary_text_never_raises(text: str) -> None:
    proto = irc()
    events = proto.receive(text)
    assert all(type(e) in EVENT_TYPES.values() for e in events)


tag_text = st.text(alphabet=st.sampled_from(list("ab=;\\ :sn-0123456789\x01")), max_size=60)


@settings(max_examples=300, deadline=None)
@given(tag_text, tag_text, st.sampled_from(["PRIVMSG", "USERNOTICE", "NOTICE", "PING", "JOIN"]))
def test_arbitrary_tags_and_params_never_raise(tags: str, text: str, command: str) -> None:
    proto = irc()
    for line in (f"@{tags} :u!u@u {command} #cohost_test :{text}", f"@{tags} {command} {text}"):
        proto.receive(line)


# Tags Cohost reads as numbers or names, and values past what int() takes from a string.
NUMERIC_TAGS = [
    "bits",
    "msg-param-multimonth-duration",
    "msg-param-gift-months",
    "msg-param-mass-gift-count",
    "msg-param-viewerCount",
    "tmi-sent-ts",
    "user-id",
]
tag_values = st.one_of(
    st.text(max_size=20),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.integers(min_value=4200, max_value=6000).map(lambda n: "9" * n),
    st.text(alphabet="0123456789", min_size=1, max_size=5000),
)
MSG_IDS = ["sub", "resub", "subgift", "submysterygift", "raid", "bitsbadgetier", "x"]


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(st.sampled_from([*NUMERIC_TAGS, "display-name", "id", "login"]), tag_values, max_size=5),
    st.sampled_from(MSG_IDS),
    st.sampled_from(["PRIVMSG", "USERNOTICE"]),
)
def test_any_tag_values_never_raise_and_cost_only_their_line(
    tags: dict[str, str], msg_id: str, command: str
) -> None:
    proto = irc()
    raw = ";".join(
        f"{k}={v.replace(';', '').replace(' ', '')}" for k, v in {**tags, "msg-id": msg_id}.items()
    )
    frame = f"@{raw} :u!u@u {command} #cohost_test :Cheer100 hi\r\n" + privmsg("id-ok", "alice", "still here")
    events = proto.receive(frame)
    assert any(getattr(e, "msg_id", "") == "id-ok" for e in events)


def test_a_tag_number_over_4300_digits_does_not_raise() -> None:
    """int("9" * 4301) raises ValueError; the frame's other events must still come out."""
    proto = irc()
    huge = "9" * 5000
    frame = privmsg("id-1", "dave", "Cheer100 nice", bits=huge) + "\r\n" + privmsg("id-2", "alice", "hi")
    events = proto.receive(frame)
    assert "id-2" in [getattr(e, "msg_id", "") for e in events]
    assert not [e for e in events if e.type == "gift"]  # a cheer that size is implausible: refused
    assert proto.rejected["gift"] == 1


# --- against the local server ----------------------------------------------


SCRIPT = [
    privmsg("id-0", "alice", "first!"),
    privmsg("id-1", "bob", "hello", display_name="Bob\\Builder;x"),
    usernotice("id-2", "sub", "carol", sub_plan="2000"),
    privmsg("id-3", "dave", "Cheer100 nice", bits="100"),
    usernotice("id-4", "raid", "eve", displayName="Eve", viewerCount="12"),
    privmsg("id-5", "frank", "what game?"),
    privmsg("id-6", "grace", "lol"),
    usernotice("id-7", "submysterygift", "heidi", mass_gift_count="3"),
    privmsg("id-8", "ivan", "bye"),
    privmsg("id-9", "judy", "last one"),
]
EXPECTED = {
    ("danmaku", "id-0"),
    ("danmaku", "id-1"),
    ("guard", "id-2"),
    ("gift", "id-3"),
    ("danmaku", "id-3"),
    ("gift", "id-4"),
    ("danmaku", "id-5"),
    ("danmaku", "id-6"),
    ("gift", "id-7"),
    ("danmaku", "id-8"),
    ("danmaku", "id-9"),
}


def session(url: str, **cfg: object) -> TwitchSession:
    return TwitchSession(TwitchSource(channel="cohost_test", ws_url=url, heartbeat_s=0.2, **cfg))


async def wait_for(predicate: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.01)


async def test_client_survives_drops_and_reconnects_without_losing_or_repeating() -> None:
    got: list[Event] = []
    async with TwitchTestServer(SCRIPT, chunk=2) as server:
        source = SupervisedSource(session(server.url), FAST)
        task = asyncio.create_task(source.run(got.append))
        try:
            await wait_for(lambda: server.done and sum(not isinstance(e, SourceStatus) for e in got) >= 11)
            await asyncio.sleep(0.3)  # long enough for a client heartbeat and any stray repeat
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
    room = [e for e in got if not isinstance(e, SourceStatus)]
    keys = [(e.type, e.msg_id) for e in room]  # type: ignore[union-attr]
    assert len(keys) == len(set(keys)), "an event was published twice"
    assert set(keys) == EXPECTED
    assert server.errors == []
    assert server.connections >= 5
    assert source.duplicates > 0, "the server resent lines; dedupe should have dropped some"
    assert server.client_pings > 0 and server.pongs > 0
    states = [e.state for e in got if isinstance(e, SourceStatus)]
    assert states.count("live") == server.connections
    assert states.count("reconnecting") >= server.connections - 1
    assert states[-1] == "stopped"
    bob = next(e for e in room if e.msg_id == "id-1")  # type: ignore[union-attr]
    assert isinstance(bob, Danmaku)
    assert bob.uname == "Bob\\Builder;x"


async def test_refused_login_publishes_failed_with_the_fix(caplog: pytest.LogCaptureFixture) -> None:
    got: list[Event] = []
    caplog.set_level(logging.ERROR)
    async with TwitchTestServer(token="right") as server:
        source = SupervisedSource(session(server.url, oauth_token="wrong", nick="mybot"), FAST)
        task = asyncio.create_task(source.run(got.append))
        try:
            await wait_for(lambda: any(isinstance(e, SourceStatus) and e.state == "failed" for e in got))
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
    failed = next(e for e in got if isinstance(e, SourceStatus) and e.state == "failed")
    assert "sources.twitch.oauth_token" in failed.detail
    assert not any(isinstance(e, SourceStatus) and e.state == "live" for e in got)
    lines = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert lines and all("\n" not in line for line in lines)
    assert "twitch refused the login" in lines[0]


# --- defects found by real samples (issue 11) ---------------------------------------


@pytest.mark.parametrize("kind", ["anonsubgift", "anonsubmysterygift"])
def test_anonymous_gifts_are_not_credited_to_the_streamer(kind: str) -> None:
    # Twitch sends these under the channel's own login and display-name.
    notice = usernotice("a-1", kind, "cohost_test", mass_gift_count="3", recipient_display_name="lucky")
    (gift,) = irc().receive(notice)
    assert isinstance(gift, Gift)
    assert (gift.uname, gift.uid, gift.paid) == (ANONYMOUS, "", True)
    # Also a plain subgift sent as Twitch's anonymous account.
    (gift,) = irc().receive(usernotice("a-2", "subgift", "ananonymousgifter", recipient_display_name="x"))
    assert (gift.uname, gift.uid) == (ANONYMOUS, "")  # type: ignore[union-attr]


@pytest.mark.parametrize("kind", ["giftpaidupgrade", "anongiftpaidupgrade", "primepaidupgrade"])
def test_paying_on_for_a_gifted_sub_is_a_guard_from_the_viewer(kind: str) -> None:
    (guard,) = irc().receive(usernotice("u-1", kind, "keeper", sender_login="santa", sub_plan="1000"))
    assert isinstance(guard, Guard)
    # The viewer who now pays is thanked, also when the original gift was anonymous.
    assert (guard.uname, guard.level, guard.count) == ("Keeper", 3, 1)
    assert guard.price > 0


def test_a_resub_shared_with_me_keeps_only_its_words() -> None:
    line = usernotice("s-9", "resub", "loyal", "\x01ACTION dances for 12 months\x01", sub_plan="1000")
    guard, said = irc().receive(line)
    assert isinstance(guard, Guard)
    assert isinstance(said, Danmaku)
    assert said.text == "dances for 12 months"


def test_names_and_texts_lose_control_and_bidi_characters() -> None:
    line = privmsg("p-9", "sneaky", "hello\u202e there\x07", display_name="\u202eSneaky\u2066")
    (said,) = irc().receive(line)
    assert isinstance(said, Danmaku)
    # A name's bidi control leaves U+FFFD in its place, so the name guard refuses the name
    # (agent/brain/names.py) instead of saying an un-reversed one; the text just loses it.
    assert (said.uname, said.text) == ("\ufffdSneaky\ufffd", "hello there")


def test_impossible_counts_are_refused_and_counted() -> None:
    client = irc()
    assert client.receive(privmsg("b-1", "liar", "Cheer1", bits="99999999999999999")) == []
    assert client.rejected["gift"] == 1
    # Digits Python's int() takes but Twitch never sends are no count at all.
    assert client.receive(privmsg("b-2", "odd", "Cheer1 hi", bits="\u0663", user_id="7")) == [
        Danmaku(platform="twitch", msg_id="b-2", uid="7", uname="Odd", text="Cheer1 hi")
    ]
