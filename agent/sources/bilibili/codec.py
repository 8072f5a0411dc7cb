"""Sans-I/O codec for Bilibili's danmaku packets: bytes in, messages out, no sockets.

A websocket frame is a run of packets, each a 16-byte big-endian header
(``>I H H I I``: packet length, header length, version, operation, sequence)
and a body. Version 2 (zlib) and 3 (brotli) bodies decompress to another run
of packets. Frames come from the network, so every length is checked against
what is really there, decompression is capped per frame (a 1 KiB frame can
otherwise expand to gigabytes), and nesting is capped.

A malformed packet never costs the good ones around it: a bad compressed body
(corrupt, a bomb, nested too deep) is skipped and the packets after it are read;
a broken length ends the run it is in (nothing after it can be found), keeping
everything before it. ``decode`` never raises on content; it counts what it
skipped in ``FrameDecoder.stats`` with the last reason.
"""

from __future__ import annotations

import json
import struct
import zlib
from dataclasses import dataclass
from typing import Any

import brotli

from agent.sources.base import SourceProtocolError
from agent.sources.jsonread import load_object

HEADER = struct.Struct(">IHHII")
HEADER_LEN = HEADER.size  # 16

# Protocol versions (the header's "ver" field).
VER_JSON = 0
VER_INT = 1  # heartbeat / auth bodies
VER_ZLIB = 2
VER_BROTLI = 3

# Operations.
OP_HEARTBEAT = 2
OP_HEARTBEAT_REPLY = 3
OP_COMMAND = 5
OP_AUTH = 7
OP_AUTH_REPLY = 8

# Real frames decompress to a few KiB and never nest more than once.
MAX_DECOMPRESSED = 4 * 1024 * 1024
MAX_DEPTH = 2
MAX_PACKETS = 20_000


@dataclass(frozen=True, slots=True)
class AuthReply:
    """Op 8: the platform's answer to our auth packet; 0 = accepted."""

    code: int


@dataclass(frozen=True, slots=True)
class HeartbeatReply:
    """Op 3: proof the link is alive; ``popularity`` is the room's (legacy) heat number."""

    popularity: int


@dataclass(frozen=True, slots=True)
class Command:
    """Op 5: one JSON command (``{"cmd": "DANMU_MSG", ...}``)."""

    body: dict[str, Any]


Message = AuthReply | HeartbeatReply | Command


@dataclass(slots=True)
class DecodeStats:
    """What the decoder skipped: bad JSON bodies, unknown operations, malformed packets."""

    bad_json: int = 0
    unknown_op: int = 0
    bad_packets: int = 0  # packets (or the rest of a run) skipped as malformed
    last_problem: str = ""


def encode_packet(operation: int, body: bytes, *, version: int = VER_INT, sequence: int = 1) -> bytes:
    """One packet. Clients send version 1, sequence 1."""
    return HEADER.pack(HEADER_LEN + len(body), HEADER_LEN, version, operation, sequence) + body


def encode_auth(body: dict[str, Any] | str | bytes) -> bytes:
    """Op 7. The open platform's ``auth_body`` is a string sent verbatim; the web one a dict."""
    if isinstance(body, dict):
        raw = json.dumps(body, separators=(",", ":")).encode()
    elif isinstance(body, str):
        raw = body.encode()
    else:
        raw = body
    return encode_packet(OP_AUTH, raw)


def encode_heartbeat() -> bytes:
    """Op 2. The web client's body is literally ``[object Object]``; the server ignores it."""
    return encode_packet(OP_HEARTBEAT, b"[object Object]")


class _Budget:
    """Bytes of decompressed output one frame may still produce."""

    __slots__ = ("left",)

    def __init__(self, limit: int) -> None:
        self.left = limit


def _inflate_zlib(body: bytes, budget: _Budget) -> bytes:
    d = zlib.decompressobj()
    try:
        # max_length stops the bomb after budget+1 bytes instead of after it is all in memory.
        out = d.decompress(body, budget.left + 1)
    except zlib.error as exc:
        raise SourceProtocolError(f"bad zlib body: {exc}") from None
    if len(out) > budget.left or d.unconsumed_tail:
        raise SourceProtocolError(f"compressed body expands past {MAX_DECOMPRESSED} bytes")
    if not d.eof:
        raise SourceProtocolError("truncated zlib body")
    budget.left -= len(out)
    return out


def _inflate_brotli(body: bytes, budget: _Budget) -> bytes:
    d = brotli.Decompressor()
    try:
        # output_buffer_limit: brotli stops growing the output at the limit (brotli >= 1.2).
        out = d.process(body, output_buffer_limit=budget.left + 1)
        if len(out) > budget.left or not d.can_accept_more_data():
            raise SourceProtocolError(f"compressed body expands past {MAX_DECOMPRESSED} bytes")
        if not d.is_finished():
            raise SourceProtocolError("truncated brotli body")
    except brotli.error as exc:
        raise SourceProtocolError(f"bad brotli body: {exc}") from None
    budget.left -= len(out)
    return out


class _TooMany(Exception):
    """The packet cap was reached: stop reading this frame."""


class FrameDecoder:
    """Turns websocket frames into messages; keeps counters of what it skipped.

    ``max_decompressed`` bounds the bytes all compressed bodies of one frame may
    expand to; ``max_depth`` how often a decompressed body may itself hold compressed packets.
    """

    def __init__(
        self,
        *,
        max_decompressed: int = MAX_DECOMPRESSED,
        max_depth: int = MAX_DEPTH,
        max_packets: int = MAX_PACKETS,
    ) -> None:
        self.max_decompressed = max_decompressed
        self.max_depth = max_depth
        self.max_packets = max_packets
        self.stats = DecodeStats()

    def decode(self, frame: bytes) -> list[Message]:
        """The messages in one websocket frame; malformed parts are skipped and counted.

        Raises SourceProtocolError only for a frame that is not bytes at all.
        """
        if not isinstance(frame, bytes | bytearray | memoryview):
            raise SourceProtocolError(f"expected a binary frame, got {type(frame).__name__}")
        out: list[Message] = []
        if not frame:
            self._skip("empty frame")
            return out
        try:
            self._walk(bytes(frame), 0, _Budget(self.max_decompressed), out)
        except _TooMany:
            self._skip(f"more than {self.max_packets} packets in one frame; the rest dropped")
        return out

    def _skip(self, problem: str) -> None:
        self.stats.bad_packets += 1
        self.stats.last_problem = problem

    def _walk(self, data: bytes, depth: int, budget: _Budget, out: list[Message]) -> None:
        offset = 0
        end = len(data)
        while offset < end:
            if end - offset < HEADER_LEN:
                return self._skip(f"truncated header: {end - offset} bytes at offset {offset}")
            length, header_len, version, op, _seq = HEADER.unpack_from(data, offset)
            if op == OP_HEARTBEAT_REPLY:
                # The reply's length field may leave out bytes echoed after the popularity,
                # so read the 4 bytes after the header and ignore the rest of the frame.
                start = offset + max(header_len, HEADER_LEN)
                if end - start < 4:
                    return self._skip("heartbeat reply without popularity")
                out.append(HeartbeatReply(int.from_bytes(data[start : start + 4], "big")))
                return None
            if header_len < HEADER_LEN or length < header_len or length > end - offset:
                return self._skip(
                    f"bad packet lengths: packet {length}, header {header_len}, {end - offset} bytes left"
                )
            body = data[offset + header_len : offset + length]
            offset += length
            if len(out) >= self.max_packets:
                raise _TooMany
            if op == OP_COMMAND:
                if version in (VER_ZLIB, VER_BROTLI):
                    self._inflated(body, version, depth, budget, out)
                    continue
                command = self._json(body)
                if command is not None:
                    out.append(Command(command))
            elif op == OP_AUTH_REPLY:
                reply = self._json(body)
                code = reply.get("code") if reply is not None else None
                # A non-int code is a broken reply: treat it as refused, never as accepted.
                out.append(AuthReply(code if isinstance(code, int) and not isinstance(code, bool) else -1))
            else:
                self.stats.unknown_op += 1
        return None

    def _inflated(self, body: bytes, version: int, depth: int, budget: _Budget, out: list[Message]) -> None:
        """The packets of one compressed body, appended to ``out``; a bad body is skipped."""
        if depth >= self.max_depth:
            return self._skip(f"compressed packets nested deeper than {self.max_depth}")
        inflate = _inflate_zlib if version == VER_ZLIB else _inflate_brotli
        try:
            inner = inflate(body, budget)
        except SourceProtocolError as exc:
            return self._skip(str(exc))
        if not inner:
            return self._skip("empty compressed body")
        self._walk(inner, depth + 1, budget, out)
        return None

    def _json(self, body: bytes) -> dict[str, Any] | None:
        value = load_object(body)
        if value is None:
            self.stats.bad_json += 1
        return value
