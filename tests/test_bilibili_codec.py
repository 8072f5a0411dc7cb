"""The Sans-I/O packet codec, fed raw bytes built from the protocol description."""

from __future__ import annotations

import json
import struct
import tracemalloc
import zlib

import brotli
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agent.sources.base import SourceProtocolError
from agent.sources.bilibili.codec import (
    MAX_DECOMPRESSED,
    AuthReply,
    Command,
    DecodeStats,
    FrameDecoder,
    HeartbeatReply,
    encode_auth,
    encode_heartbeat,
)


def pkt(op: int, body: bytes, ver: int = 0, seq: int = 0, length: int | None = None, hlen: int = 16) -> bytes:
    """A packet packed by hand: >I H H I I, like the platform does."""
    return struct.pack(">IHHII", hlen + len(body) if length is None else length, hlen, ver, op, seq) + body


def cmd(name: str, **data: object) -> bytes:
    return pkt(5, json.dumps({"cmd": name, "data": data}).encode())


def decode(frame: bytes) -> list[object]:
    return list(FrameDecoder().decode(frame))


def skipped(frame: bytes, **limits: int) -> tuple[list[object], DecodeStats]:
    """What a fresh decoder returns for ``frame``, and what it counted as skipped."""
    decoder = FrameDecoder(**limits)
    return list(decoder.decode(frame)), decoder.stats


def test_single_json_command() -> None:
    out = decode(cmd("DANMU_MSG", x=1))
    assert out == [Command({"cmd": "DANMU_MSG", "data": {"x": 1}})]


def test_several_packets_in_one_frame_are_split_by_length() -> None:
    frame = cmd("A", n=1) + cmd("B", n=2) + cmd("C", n=3)
    assert [m.body["cmd"] for m in decode(frame)] == ["A", "B", "C"]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("ver", "compress"), [(2, zlib.compress), (3, brotli.compress)], ids=["zlib", "brotli"]
)
def test_compressed_batch_holds_packets(ver: int, compress: object) -> None:
    inner = b"".join(cmd("DANMU_MSG", n=i) for i in range(50))
    frame = pkt(5, compress(inner), ver=ver)  # type: ignore[operator]
    out = decode(frame)
    assert [m.body["data"]["n"] for m in out] == list(range(50))  # type: ignore[attr-defined]


def test_compressed_and_plain_packets_mixed_in_one_frame() -> None:
    frame = cmd("FIRST") + pkt(5, brotli.compress(cmd("MID1") + cmd("MID2")), ver=3) + cmd("LAST")
    assert [m.body["cmd"] for m in decode(frame)] == ["FIRST", "MID1", "MID2", "LAST"]  # type: ignore[attr-defined]


def test_nested_compression_within_the_depth_limit() -> None:
    inner = pkt(5, zlib.compress(cmd("DEEP")), ver=2)
    frame = pkt(5, brotli.compress(inner), ver=3)
    assert decode(frame) == [Command({"cmd": "DEEP", "data": {}})]


def test_nesting_deeper_than_the_limit_is_skipped() -> None:
    frame = cmd("X")
    for _ in range(5):
        frame = pkt(5, zlib.compress(frame), ver=2)
    out, stats = skipped(frame)
    assert out == []
    assert (stats.bad_packets, "nested" in stats.last_problem) == (1, True)
    # The same frame one level shallower than the limit allows is fine.
    assert FrameDecoder(max_depth=5).decode(frame) == [Command({"cmd": "X", "data": {}})]


def test_heartbeat_reply_popularity_ignores_trailing_echo() -> None:
    # The reply's length field counts 16 + 4 bytes; the server echoes bytes after it.
    frame = pkt(3, struct.pack(">I", 123456), ver=1) + b"[object Object]"
    assert decode(frame) == [HeartbeatReply(123456)]


def test_heartbeat_reply_without_popularity_is_skipped() -> None:
    out, stats = skipped(struct.pack(">IHHII", 20, 16, 1, 3, 0) + b"\x00\x01")
    assert (out, stats.bad_packets) == ([], 1)


@pytest.mark.parametrize(
    ("body", "code"), [(b'{"code":0}', 0), (b'{"code":-101}', -101), (b"{}", -1), (b"[]", -1)]
)
def test_auth_reply_codes(body: bytes, code: int) -> None:
    assert decode(pkt(8, body, ver=1)) == [AuthReply(code)]


def test_auth_reply_followed_by_commands() -> None:
    frame = pkt(8, b'{"code":0}', ver=1) + cmd("LIVE")
    assert decode(frame) == [AuthReply(0), Command({"cmd": "LIVE", "data": {}})]


def test_encoders_produce_the_documented_header() -> None:
    auth = encode_auth({"roomid": 1, "key": "k"})
    length, hlen, ver, op, seq = struct.unpack(">IHHII", auth[:16])
    assert (length, hlen, ver, op, seq) == (len(auth), 16, 1, 7, 1)
    assert json.loads(auth[16:]) == {"roomid": 1, "key": "k"}
    verbatim = '{"a": 1,  "b":"x"}'
    assert encode_auth(verbatim)[16:] == verbatim.encode()
    hb = encode_heartbeat()
    assert struct.unpack(">IHHII", hb[:16]) == (len(hb), 16, 1, 2, 1)


@pytest.mark.parametrize(
    "frame",
    [
        b"",
        b"\x00" * 10,  # shorter than a header
        pkt(5, b'{"cmd":"X"}')[:-3],  # truncated body
        pkt(5, b'{"cmd":"X"}', length=10_000),  # length says more than there is
        pkt(5, b'{"cmd":"X"}', length=8),  # length shorter than the header
        pkt(5, b'{"cmd":"X"}', hlen=4),  # header length below 16
        pkt(5, b'{"cmd":"X"}', hlen=40),  # header length past the packet
        cmd("OK") + b"\x00\x00\x00",  # trailing garbage after a good packet
        pkt(5, zlib.compress(cmd("X"))[:-4], ver=2),  # truncated zlib stream
        pkt(5, brotli.compress(cmd("X") * 40)[:-6], ver=3),  # truncated brotli stream
        pkt(5, b"not zlib at all", ver=2),
        pkt(5, b"not brotli at all", ver=3),
        pkt(5, zlib.compress(b"\x00\x00\x00\xff" + b"\x00" * 12), ver=2),  # lying inner length
    ],
)
def test_malformed_frames_are_skipped_and_counted(frame: bytes) -> None:
    out, stats = skipped(frame)
    assert stats.bad_packets == 1
    assert stats.last_problem
    # What could still be read was: only the "trailing garbage" frame has a good packet.
    assert out == ([Command({"cmd": "OK", "data": {}})] if frame.startswith(cmd("OK")) else [])


def test_a_bad_packet_costs_no_good_packet_before_or_after_it() -> None:
    bad_bodies = [
        pkt(5, b"not zlib at all", ver=2),
        pkt(5, brotli.compress(cmd("X") * 40)[:-6], ver=3),
        pkt(5, zlib.compress(b"\x00\x00\x00\xff" + b"\x00" * 12), ver=2),  # lying inner length
    ]
    for bad in bad_bodies:
        frame = cmd("BEFORE") + bad + cmd("AFTER")
        out, stats = skipped(frame)
        assert [m.body["cmd"] for m in out] == ["BEFORE", "AFTER"]  # type: ignore[attr-defined]
        assert stats.bad_packets == 1
    # A broken length hides everything after it, but never what came before.
    out, stats = skipped(cmd("BEFORE") + pkt(5, b'{"cmd":"X"}', length=10_000))
    assert [m.body["cmd"] for m in out] == ["BEFORE"]  # type: ignore[attr-defined]
    # Inside a compressed batch too: the good inner packets before the break are kept.
    inner = cmd("IN1") + cmd("IN2") + b"\x00\x00\x00"
    out, stats = skipped(pkt(5, zlib.compress(inner), ver=2) + cmd("OUT"))
    assert [m.body["cmd"] for m in out] == ["IN1", "IN2", "OUT"]  # type: ignore[attr-defined]
    assert stats.bad_packets == 1


def test_bad_json_bodies_and_unknown_ops_are_skipped_and_counted() -> None:
    decoder = FrameDecoder()
    frame = pkt(5, b"{not json") + pkt(5, b"[1,2]") + pkt(5, b"\xff\xfe") + pkt(99, b"x") + cmd("OK")
    out = decoder.decode(frame)
    assert out == [Command({"cmd": "OK", "data": {}})]
    assert decoder.stats.bad_json == 3
    assert decoder.stats.unknown_op == 1


def _brotli_bomb(size: int) -> bytes:
    c = brotli.Compressor(quality=1)
    chunk = bytes(1 << 20)
    parts = [c.process(chunk) for _ in range(size >> 20)]
    parts.append(c.finish())
    return b"".join(parts)


def test_brotli_bomb_of_a_gigabyte_is_stopped_without_allocating_it() -> None:
    bomb = pkt(5, _brotli_bomb(1 << 30), ver=3)
    assert len(bomb) < 1 << 20  # a small frame on the wire
    tracemalloc.start()
    try:
        out, stats = skipped(bomb + cmd("AFTER"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 4 * MAX_DECOMPRESSED
    assert out == [Command({"cmd": "AFTER", "data": {}})]
    assert "expands" in stats.last_problem


def test_zlib_bomb_is_stopped_without_allocating_it() -> None:
    c = zlib.compressobj(9)
    chunk = bytes(1 << 20)
    body = b"".join(c.compress(chunk) for _ in range(128)) + c.flush()
    tracemalloc.start()
    try:
        out, stats = skipped(pkt(5, body, ver=2))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 4 * MAX_DECOMPRESSED
    assert (out, "expands" in stats.last_problem) == ([], True)


def test_budget_is_shared_by_all_compressed_packets_of_a_frame() -> None:
    # Each body alone fits under the cap; together they do not.
    one = pkt(5, zlib.compress(pkt(5, b'{"cmd":"' + b"a" * 300_000 + b'"}')), ver=2)
    decoder = FrameDecoder(max_decompressed=1_000_000)
    assert len(decoder.decode(one * 3)) == 3
    assert len(decoder.decode(one * 4)) == 3  # the fourth body is over the frame's budget
    assert "expands" in decoder.stats.last_problem


def test_packet_count_is_capped() -> None:
    frame = pkt(5, brotli.compress(pkt(5, b"{}") * 1000), ver=3)
    out, stats = skipped(frame, max_packets=500)
    assert len(out) == 500
    assert "packets" in stats.last_problem


@settings(max_examples=400, deadline=None)
@given(st.binary(max_size=512))
def test_arbitrary_bytes_never_raise(data: bytes) -> None:
    out = FrameDecoder().decode(data)
    assert len(out) <= len(data) // 16 + 1


def test_a_text_frame_is_the_one_protocol_error() -> None:
    with pytest.raises(SourceProtocolError):
        FrameDecoder().decode("not bytes")  # type: ignore[arg-type]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 4), st.sampled_from([0, 1, 2, 3, 8, 5]), st.binary(max_size=64)),
        max_size=6,
    ),
    st.integers(0, 3),
)
def test_structured_garbage_never_raises_and_keeps_good_packets(
    parts: list[tuple[int, int, bytes]], mode: int
) -> None:
    # Well-framed packets with hostile bodies and versions, optionally compressed.
    frame = b"".join(pkt(op, body, ver=ver) for ver, op, body in parts)
    if mode == 1:
        frame = pkt(5, zlib.compress(frame), ver=2)
    elif mode == 2:
        frame = pkt(5, brotli.compress(frame), ver=3)
    good = cmd("GOOD")
    out = FrameDecoder().decode(good + frame + good)
    assert len(out) <= len(parts) + 2
    assert out[0] == Command({"cmd": "GOOD", "data": {}})
    # Well-framed garbage never hides the good packet after it (only a heartbeat reply,
    # which by protocol ends its frame, does).
    if not any(op == 3 for _, op, _ in parts):
        assert out[-1] == Command({"cmd": "GOOD", "data": {}})
