"""Replies from any OpenAI-compatible chat server (vLLM, Ollama, llama.cpp, `transformers serve`).

Streams ``POST {base_url}/chat/completions`` with ``stream: true`` over httpx and
yields each ``choices[0].delta.content``. The SSE parsing is a pure function
(``parse_sse_line``) so it is tested without a socket; the engine is the thin
shell that owns the HTTP client and turns every way a server can fail into
``EngineUnavailable`` (at load) or ``ReplyFailed`` (mid-reply), each one line.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import AsyncGenerator
from dataclasses import dataclass
from typing import Any

import httpx

from agent.config import OpenAILLM
from agent.llm.base import EngineUnavailable, EngineUnreachable, ReplyFailed, ReplyRequest
from agent.shared.checks import Check, EngineInfo

log = logging.getLogger(__name__)

MAX_ERROR_BODY = 2000


@dataclass(frozen=True, slots=True)
class StreamChunk:
    """One parsed SSE line: text to say, and whether the reply is over."""

    text: str = ""
    done: bool = False


def parse_sse_line(line: str) -> StreamChunk | None:
    """One line of a chat-completions event stream -> its text; None for lines that carry nothing.

    Raises ReplyFailed for an error event or a line that is not the JSON it claims to be.
    """
    line = line.strip()
    if not line.startswith("data:"):
        return None  # blank separators, ": keep-alive" comments, "event:" names
    payload = line[5:].strip()
    if payload == "[DONE]":
        return StreamChunk(done=True)
    try:
        event = json.loads(payload)
    except ValueError:
        raise ReplyFailed(f"the model server sent a malformed stream line: {payload[:80]!r}") from None
    if not isinstance(event, dict):
        raise ReplyFailed(f"the model server sent a malformed stream line: {payload[:80]!r}")
    if "error" in event:
        raise ReplyFailed(f"the model server reported an error: {_error_text(event)}")
    choices = event.get("choices")
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
        return None  # e.g. a final usage-only chunk
    choice = choices[0]
    delta = choice.get("delta")
    content = delta.get("content") if isinstance(delta, dict) else None
    return StreamChunk(
        text=content if isinstance(content, str) else "", done=bool(choice.get("finish_reason"))
    )


class OpenAIEngine:
    """``OpenAIEngine(cfg)``; ``await load()`` checks the server is there, ``stream(request)`` per reply.

    ``transport`` is for tests that want an in-memory server; normally left out.
    After each reply ``last_first_token_s`` is the time from request to first text piece.
    """

    name = "openai"

    def __init__(self, cfg: OpenAILLM, *, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.cfg = cfg
        self.base_url = cfg.base_url.rstrip("/")
        self.model = cfg.model
        self._transport = transport
        self._client: httpx.AsyncClient | None = None
        self.last_first_token_s: float | None = None

    def _new_client(self) -> httpx.AsyncClient:
        headers = {"Accept": "text/event-stream, application/json"}
        key = self.cfg.api_key.get_secret_value()
        if key:
            headers["Authorization"] = f"Bearer {key}"
        return httpx.AsyncClient(
            base_url=self.base_url + "/",
            headers=headers,
            timeout=httpx.Timeout(self.cfg.timeout_s),
            transport=self._transport,
        )

    async def load(self) -> None:
        if self._client is None:
            self._client = self._new_client()
        try:
            response = await self._client.get("models")
        except httpx.TimeoutException:
            raise EngineUnreachable(
                f"the model server at {self.base_url} timed out: it accepted no connection or sent no "
                f"answer within {self.cfg.timeout_s:g} s (llm.openai.timeout_s)"
            ) from None
        except httpx.HTTPError:
            raise EngineUnreachable(
                f"no model server at {self.base_url}: start vLLM/Ollama/`transformers serve` "
                "or fix llm.openai.base_url"
            ) from None
        if response.status_code in (401, 403):
            raise EngineUnavailable(
                f"the model server at {self.base_url} refused the API key (HTTP {response.status_code}): "
                "set llm.openai.api_key"
            )
        listed = _model_ids(response) if response.status_code == 200 else []
        if not self.model:
            if not listed:
                raise EngineUnavailable(
                    f"the model server at {self.base_url} lists no models (HTTP {response.status_code}): "
                    "set llm.openai.model"
                )
            self.model = listed[0]
        elif listed and self.model not in listed:
            # Servers alias and pin models freely; the reply itself will tell if it is wrong.
            log.warning(
                "model %r is not among those %s lists: %s", self.model, self.base_url, ", ".join(listed)
            )
        log.info("model server %s answers; using model %r", self.base_url, self.model)

    async def stream(self, request: ReplyRequest) -> AsyncGenerator[str, None]:
        if not request.messages:
            if request.say_text:
                yield request.say_text
            return
        if self._client is None:
            self._client = self._new_client()
        body: dict[str, Any] = {
            "model": self.model,
            "messages": [{"role": m.role, "content": m.content} for m in request.messages],
            "stream": True,
            "max_tokens": self.cfg.max_tokens,
            "temperature": self.cfg.temperature,
            "top_p": self.cfg.top_p,
        }
        finished = False
        started = time.perf_counter()
        self.last_first_token_s = None
        try:
            async with self._client.stream("POST", "chat/completions", json=body) as response:
                if response.status_code != 200:
                    raw = await response.aread()
                    raise ReplyFailed(
                        f"the model server answered HTTP {response.status_code}: {_error_text_from(raw)}"
                    )
                if response.headers.get("content-type", "").startswith("application/json"):
                    # A server that ignores "stream": the whole reply in one JSON body.
                    text = _whole_reply(await response.aread())
                    if text:
                        yield text
                    return
                async for line in response.aiter_lines():
                    chunk = parse_sse_line(line)
                    if chunk is None:
                        continue
                    if chunk.text:
                        if self.last_first_token_s is None:
                            self.last_first_token_s = time.perf_counter() - started
                        yield chunk.text
                    if chunk.done:
                        finished = True
                        break
        except httpx.TimeoutException:
            raise ReplyFailed(
                f"the model server at {self.base_url} sent nothing for {self.cfg.timeout_s:g} s "
                "(llm.openai.timeout_s)"
            ) from None
        except httpx.HTTPError as exc:
            raise ReplyFailed(f"lost the model server at {self.base_url}: {_one_line(exc)}") from None
        if not finished:
            raise ReplyFailed(f"the model server at {self.base_url} closed the reply before finishing it")

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    def check(self) -> Check:
        """Does the server answer ``GET /models`` within a second? For `cohost doctor`."""
        headers = {"Authorization": f"Bearer {key}"} if (key := self.cfg.api_key.get_secret_value()) else {}
        try:
            response = httpx.get(f"{self.base_url}/models", headers=headers, timeout=1.0)
        except httpx.HTTPError as exc:
            return Check(
                "llm model",
                "warn",
                f"no model server at {self.base_url} ({type(exc).__name__}): template mode until it answers",
                "start vLLM/Ollama/`transformers serve`, or fix llm.openai.base_url",
            )
        if response.status_code in (401, 403):
            refused = f"{self.base_url} refused the API key"
            return Check("llm model", "fail", refused, "set llm.openai.api_key")
        listed = _model_ids(response)
        model = self.model or (listed[0] if listed else "")
        if not model:
            return Check("llm model", "fail", f"{self.base_url} lists no models", "set llm.openai.model")
        return Check("llm model", "ok", f"{self.base_url} answers; model {model}")

    def info(self) -> EngineInfo:
        return EngineInfo(name=self.name, kind="llm", sample_rate=0, model=self.model)


# --- helpers ---------------------------------------------------------------


def _model_ids(response: httpx.Response) -> list[str]:
    try:
        data = response.json().get("data", [])
        return [m["id"] for m in data if isinstance(m, dict) and isinstance(m.get("id"), str)]
    except (ValueError, AttributeError, TypeError):
        return []


def _whole_reply(raw: bytes) -> str:
    try:
        choice = json.loads(raw)["choices"][0]
        content = choice["message"]["content"]
    except (ValueError, KeyError, IndexError, TypeError):
        raise ReplyFailed("the model server answered with JSON that is not a chat completion") from None
    return content if isinstance(content, str) else ""


def _error_text(event: Any) -> str:
    """The human part of an OpenAI-style or FastAPI-style error body."""
    if isinstance(event, dict):
        error = event.get("error", event.get("detail"))
        if isinstance(error, dict):
            error = error.get("message", error)
        if error is not None:
            return _one_line(error)
    return _one_line(event)


def _error_text_from(raw: bytes) -> str:
    text = raw[:MAX_ERROR_BODY].decode("utf-8", "replace")
    try:
        return _error_text(json.loads(text))
    except ValueError:
        return _one_line(text) or "(empty body)"


def _one_line(value: Any) -> str:
    text = " ".join(str(value).split())
    return text[:200]
