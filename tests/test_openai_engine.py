"""OpenAIEngine against a real `transformers serve` of the tiny GLM, and scripted servers for each failure."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from agent.config import OpenAILLM
from agent.llm.base import ChatMessage, EngineUnavailable, ReplyFailed, ReplyRequest
from agent.llm.openai_engine import OpenAIEngine, StreamChunk, parse_sse_line
from agent.reply.sentences import SentenceSplitter
from tests.tiny_glm import DEFAULT_REPLY, DEFAULT_SYSTEM, build_tiny_glm

# The `transformers` console script, run with this interpreter.
SERVE = [sys.executable, "-m", "transformers.cli.transformers", "serve"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def ask(text: str = "你好") -> ReplyRequest:
    messages = (ChatMessage("system", DEFAULT_SYSTEM), ChatMessage("user", text))
    return ReplyRequest(utterance_id=1, kind="question", trigger=None, messages=messages)


async def collect(engine: OpenAIEngine, request: ReplyRequest | None = None) -> list[str]:
    return [piece async for piece in engine.stream(request or ask())]


# --- a real OpenAI-compatible server: `transformers serve` ----------------------


@pytest.fixture(scope="session")
def served_glm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """(base_url, model) of `transformers serve` pinned to a tiny GLM folder, offline, on a free port."""
    model = build_tiny_glm(tmp_path_factory.mktemp("served_glm4"), kind="glm4")
    home = tmp_path_factory.mktemp("hf_home")
    (home / "hub").mkdir()  # its /v1/models scans the cache and fails with 500 when there is none
    port = free_port()
    env = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "HF_HOME": str(home),
        "TRANSFORMERS_NO_ADVISORY_WARNINGS": "1",
    }
    log = tmp_path_factory.mktemp("serve_log") / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*SERVE, str(model), "--host", "127.0.0.1", "--port", str(port), "--device", "cpu"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base_url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 90
        while True:
            if process.poll() is not None:
                pytest.fail(
                    f"transformers serve exited with {process.returncode}:\n{log.read_text()[-3000:]}"
                )
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                    break
            if time.monotonic() > deadline:
                pytest.fail(f"transformers serve did not start in 90 s:\n{log.read_text()[-3000:]}")
            time.sleep(0.2)
        yield base_url, str(model)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.mark.slow
async def test_real_server_streams_pieces_that_split_into_sentences(served_glm: tuple[str, str]) -> None:
    base_url, model = served_glm
    engine = OpenAIEngine(OpenAILLM(base_url=base_url, model=model, temperature=0))
    await engine.load()
    try:
        pieces = await collect(engine)
    finally:
        await engine.close()
    assert len(pieces) >= 10  # streamed token by token, not one block
    assert "".join(pieces) == DEFAULT_REPLY
    assert engine.last_first_token_s is not None and engine.last_first_token_s > 0
    splitter = SentenceSplitter()
    sentences = [s for p in pieces for s in splitter.feed(p)]
    assert [*sentences, splitter.flush()] == [
        "欢迎来到直播间！",
        "今天我们一起聊聊天吧。",
        "有问题随时问我哦？",
    ]


@pytest.mark.slow
async def test_real_server_rejecting_the_model_name_is_a_reply_failure(served_glm: tuple[str, str]) -> None:
    base_url, _ = served_glm
    engine = OpenAIEngine(OpenAILLM(base_url=base_url, model="some/other-model"))
    await engine.load()  # the server answers; the name is only checked by the reply
    try:
        with pytest.raises(ReplyFailed) as info:
            await collect(engine)
    finally:
        await engine.close()
    assert "HTTP 400" in str(info.value) and "\n" not in str(info.value)


@pytest.mark.slow
async def test_real_server_without_a_configured_model(served_glm: tuple[str, str]) -> None:
    # Whether `transformers serve` lists the folder it is pinned to changed between its
    # releases: the engine uses the first listed model, or says to set one when none is listed.
    base_url, _ = served_glm
    listed = [m["id"] for m in httpx.get(f"{base_url}/models", timeout=10).json()["data"]]
    engine = OpenAIEngine(OpenAILLM(base_url=base_url))
    try:
        if listed:
            await engine.load()
            assert engine.model == listed[0]
        else:
            with pytest.raises(EngineUnavailable, match=r"set llm\.openai\.model"):
                await engine.load()
    finally:
        await engine.close()


# --- nothing listening ------------------------------------------------------------


async def test_no_server_at_load_says_what_to_start() -> None:
    url = f"http://127.0.0.1:{free_port()}/v1"
    engine = OpenAIEngine(OpenAILLM(base_url=url, model="m"))
    with pytest.raises(EngineUnavailable) as info:
        await engine.load()
    await engine.close()
    assert str(info.value) == (
        f"no model server at {url}: start vLLM/Ollama/`transformers serve` or fix llm.openai.base_url"
    )


async def test_server_gone_mid_session_is_a_reply_failure() -> None:
    url = f"http://127.0.0.1:{free_port()}/v1"
    engine = OpenAIEngine(OpenAILLM(base_url=url, model="m"))
    with pytest.raises(ReplyFailed, match="lost the model server"):
        await collect(engine)
    await engine.close()


# --- scripted servers: real sockets, one canned answer each ------------------------

Handler = Callable[[bytes, asyncio.StreamWriter], Awaitable[None]]


@contextlib.asynccontextmanager
async def scripted_server(handler: Handler) -> AsyncIterator[tuple[str, list[bytes]]]:
    """A one-route HTTP server: ``handler(request_bytes, writer)`` writes the whole answer."""
    seen: list[bytes] = []

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        length = next(
            (
                int(line.split(b":")[1])
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-length")
            ),
            0,
        )
        request = head + await reader.readexactly(length)
        seen.append(request)
        with contextlib.suppress(ConnectionError):
            await handler(request, writer)
            writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}/v1", seen
    finally:
        server.close()
        await server.wait_closed()


def http_head(status: str, content_type: str, length: int | None = None) -> bytes:
    lines = [f"HTTP/1.1 {status}", f"content-type: {content_type}", "connection: close"]
    if length is not None:
        lines.append(f"content-length: {length}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def sse(*events: object) -> bytes:
    return b"".join(
        f"data: {e if isinstance(e, str) else json.dumps(e, ensure_ascii=False)}\n\n".encode() for e in events
    )


def delta(text: str, finish: str | None = None) -> dict[str, object]:
    return {"choices": [{"index": 0, "delta": {"content": text}, "finish_reason": finish}]}


async def test_sse_stream_with_done_marker_and_auth_header() -> None:
    async def answer(request: bytes, writer: asyncio.StreamWriter) -> None:
        if request.startswith(b"GET /v1/models"):
            body = json.dumps({"object": "list", "data": [{"id": "glm-4"}]}).encode()
            writer.write(http_head("200 OK", "application/json", len(body)) + body)
            return
        writer.write(http_head("200 OK", "text/event-stream"))
        writer.write(b": keep-alive\n\n" + sse({"choices": [{"delta": {"role": "assistant"}}]}))
        for text in ["你好", "呀！", "今天", "过得怎么样？"]:
            writer.write(sse(delta(text)))
            await writer.drain()
        writer.write(sse(delta("", "stop"), "[DONE]"))

    async with scripted_server(answer) as (url, seen):
        engine = OpenAIEngine(OpenAILLM(base_url=url, api_key="sk-test"))  # type: ignore[arg-type]
        await engine.load()
        assert engine.model == "glm-4"  # the first model the server lists
        pieces = await collect(engine)
        await engine.close()
    assert pieces == ["你好", "呀！", "今天", "过得怎么样？"]
    request = json.loads(seen[-1].split(b"\r\n\r\n", 1)[1])
    assert request["stream"] is True and request["model"] == "glm-4"
    assert request["messages"][1] == {"role": "user", "content": "你好"}
    assert b"authorization: Bearer sk-test" in seen[-1].lower().replace(b"bearer", b"Bearer")


async def test_http_error_carries_the_servers_reason() -> None:
    async def answer(request: bytes, writer: asyncio.StreamWriter) -> None:
        body = json.dumps({"error": {"message": "CUDA out of memory.\nTried to allocate 2 GiB"}}).encode()
        writer.write(http_head("500 Internal Server Error", "application/json", len(body)) + body)

    async with scripted_server(answer) as (url, _):
        engine = OpenAIEngine(OpenAILLM(base_url=url, model="m"))
        with pytest.raises(ReplyFailed) as info:
            await collect(engine)
        await engine.close()
    assert (
        str(info.value) == "the model server answered HTTP 500: CUDA out of memory. Tried to allocate 2 GiB"
    )


async def test_stream_cut_off_mid_reply_fails_after_the_pieces_already_sent() -> None:
    async def answer(request: bytes, writer: asyncio.StreamWriter) -> None:
        writer.write(http_head("200 OK", "text/event-stream") + sse(delta("说到"), delta("一半")))

    async with scripted_server(answer) as (url, _):
        engine = OpenAIEngine(OpenAILLM(base_url=url, model="m"))
        pieces: list[str] = []
        with pytest.raises(ReplyFailed, match="closed the reply before finishing"):
            async for piece in engine.stream(ask()):
                pieces.append(piece)
        await engine.close()
    assert pieces == ["说到", "一半"]


async def test_silent_server_times_out_with_the_key_to_change() -> None:
    async def answer(request: bytes, writer: asyncio.StreamWriter) -> None:
        writer.write(http_head("200 OK", "text/event-stream") + sse(delta("嗯")))
        await writer.drain()
        await asyncio.sleep(5)

    async with scripted_server(answer) as (url, _):
        engine = OpenAIEngine(OpenAILLM(base_url=url, model="m", timeout_s=0.3))
        with pytest.raises(ReplyFailed, match=r"sent nothing for 0.3 s \(llm.openai.timeout_s\)"):
            await collect(engine)
        await engine.close()


async def test_error_event_inside_the_stream() -> None:
    async def answer(request: bytes, writer: asyncio.StreamWriter) -> None:
        writer.write(
            http_head("200 OK", "text/event-stream") + sse(delta("好"), {"error": {"message": "overloaded"}})
        )

    async with scripted_server(answer) as (url, _):
        engine = OpenAIEngine(OpenAILLM(base_url=url, model="m"))
        with pytest.raises(ReplyFailed, match="reported an error: overloaded"):
            await collect(engine)
        await engine.close()


async def test_server_that_ignores_stream_true_still_works() -> None:
    async def answer(request: bytes, writer: asyncio.StreamWriter) -> None:
        body = json.dumps({"choices": [{"message": {"role": "assistant", "content": "整段回复。"}}]}).encode()
        writer.write(http_head("200 OK", "application/json", len(body)) + body)

    async with scripted_server(answer) as (url, _):
        engine = OpenAIEngine(OpenAILLM(base_url=url, model="m"))
        assert await collect(engine) == ["整段回复。"]
        await engine.close()


async def test_refused_api_key_at_load() -> None:
    async def answer(request: bytes, writer: asyncio.StreamWriter) -> None:
        writer.write(http_head("401 Unauthorized", "application/json", 2) + b"{}")

    async with scripted_server(answer) as (url, _):
        engine = OpenAIEngine(OpenAILLM(base_url=url, model="m"))
        with pytest.raises(EngineUnavailable, match=r"set llm\.openai\.api_key"):
            await engine.load()
        await engine.close()


async def test_say_text_without_messages_is_spoken_verbatim() -> None:
    engine = OpenAIEngine(OpenAILLM(base_url="http://127.0.0.1:9/v1", model="m"))
    request = ReplyRequest(utterance_id=2, kind="say", trigger=None, say_text="大家好")
    assert await collect(engine, request) == ["大家好"]
    await engine.close()


# --- the pure SSE line parser -------------------------------------------------------


def test_parse_sse_line() -> None:
    assert parse_sse_line("") is None
    assert parse_sse_line(": ping") is None
    assert parse_sse_line("event: message") is None
    assert parse_sse_line("data: [DONE]") == StreamChunk(done=True)
    assert parse_sse_line('data: {"choices":[{"delta":{"content":"嗨"}}]}') == StreamChunk(text="嗨")
    assert parse_sse_line('data:{"choices":[{"delta":{},"finish_reason":"length"}]}') == StreamChunk(
        done=True
    )
    assert parse_sse_line('data: {"choices":[],"usage":{"total_tokens":3}}') is None
    with pytest.raises(ReplyFailed, match="malformed"):
        parse_sse_line("data: {not json")


@given(st.text(max_size=200))
def test_parse_sse_line_never_fails_with_anything_but_reply_failed(line: str) -> None:
    for candidate in (line, "data: " + line, 'data: {"choices": [' + line + "]}"):
        with contextlib.suppress(ReplyFailed):
            chunk = parse_sse_line(candidate)
            assert chunk is None or isinstance(chunk.text, str)
