"""A scripted OpenAI-compatible server on a real socket whose behaviour a test switches mid-run:
"ok" (lists a model, streams a reply), "500", "hang" (accepts, reads, never answers), or
"trickle" (streams one character every TRICKLE_S, never a sentence, until the client leaves)."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Literal

Mode = Literal["ok", "500", "hang", "trickle"]

REPLY = ["好的，", "谢谢你的问题。"]
TRICKLE_S = 0.2


@dataclass
class ModelServer:
    mode: Mode = "ok"
    url: str = ""
    requests: list[str] = field(default_factory=list)  # "GET /v1/models", "POST /v1/chat/completions"

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError, asyncio.IncompleteReadError):
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.split(b"\r\n")
            length = next(
                (int(x.split(b":")[1]) for x in lines if x.lower().startswith(b"content-length")), 0
            )
            await reader.readexactly(length)
            method, path = lines[0].decode().split(" ")[:2]
            self.requests.append(f"{method} {path}")
            if self.mode == "hang":
                await asyncio.sleep(3600)
            elif self.mode == "500":
                body = b'{"error": {"message": "CUDA out of memory"}}'
                writer.write(_head("500 Internal Server Error", "application/json", len(body)) + body)
            elif self.mode == "trickle" and not path.endswith("/models"):
                writer.write(_head("200 OK", "text/event-stream"))
                while True:  # until the client hangs up (a write then fails)
                    piece = {"choices": [{"delta": {"content": "嗯"}, "finish_reason": None}]}
                    writer.write(f"data: {json.dumps(piece)}\n\n".encode())
                    await writer.drain()
                    await asyncio.sleep(TRICKLE_S)
            elif path.endswith("/models"):
                body = json.dumps({"data": [{"id": "tiny"}]}).encode()
                writer.write(_head("200 OK", "application/json", len(body)) + body)
            else:
                pieces = [{"choices": [{"delta": {"content": p}, "finish_reason": None}]} for p in REPLY]
                events = [*pieces, {"choices": [{"delta": {}, "finish_reason": "stop"}]}]
                body = b"".join(f"data: {json.dumps(e)}\n\n".encode() for e in events) + b"data: [DONE]\n\n"
                writer.write(_head("200 OK", "text/event-stream") + body)
            await writer.drain()
            writer.close()


def _head(status: str, content_type: str, length: int | None = None) -> bytes:
    lines = [f"HTTP/1.1 {status}", f"content-type: {content_type}", "connection: close"]
    if length is not None:
        lines.append(f"content-length: {length}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


@contextlib.asynccontextmanager
async def model_server(mode: Mode = "ok") -> AsyncIterator[ModelServer]:
    state = ModelServer(mode)
    handlers: set[asyncio.Task[None]] = set()

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        handlers.add(task)
        try:
            await state._serve(reader, writer)
        finally:
            handlers.discard(task)

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    state.url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/v1"
    try:
        yield state
    finally:
        for task in list(handlers):
            task.cancel()
        server.close()
        await server.wait_closed()
