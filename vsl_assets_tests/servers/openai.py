"""OpenAI-compatible transcription and chat-completion endpoints for offline tests.

The real `openai` client is pointed at this server so that its multipart
encoding, auth header, retry policy and response parsing are all part of
what the tests exercise; only the model is fake.  The chat route
(``/v1/chat/completions``) answers structured-output requests: with a reply
the test sets (a JSON document, a refusal, broken JSON, a cut-short answer)
or, by default, a document built from the request's own JSON schema and the
``[second] text`` lines of its prompt.
"""

from __future__ import annotations

import io
import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import Message
from email.parser import BytesHeaderParser
from typing import Any, cast

import av

from ._base import BackgroundServer, QuietHandler
from .media import audio_duration

__all__ = [
    "DEFAULT_API_KEY",
    "LANGUAGE_NAMES",
    "SUPPORTED_EXTENSIONS",
    "ChatReply",
    "ChatRequest",
    "ChatResponder",
    "FakeOpenAIServer",
    "MultipartPart",
    "TranscriptionRequest",
    "cap_tokens",
    "derive_document",
    "parse_multipart",
    "strict_schema_problem",
]

DEFAULT_API_KEY = "sk-test-fake-openai-key"

# Whisper's verbose_json reports the language as a lowercase English name,
# not the ISO code the caller sent.
LANGUAGE_NAMES: dict[str, str] = {
    "en": "english",
    "pt": "portuguese",
    "es": "spanish",
    "fr": "french",
    "de": "german",
    "it": "italian",
    "nl": "dutch",
    "ja": "japanese",
    "zh": "chinese",
    "ru": "russian",
    "ko": "korean",
    "ar": "arabic",
    "hi": "hindi",
    "pl": "polish",
    "tr": "turkish",
}

# What api.openai.com accepts (by filename extension) for whisper-1.
# Notably ".opus" is NOT in the list: the real API rejects it by name.
SUPPORTED_EXTENSIONS: frozenset[str] = frozenset(
    {"flac", "m4a", "mp3", "mp4", "mpeg", "mpga", "oga", "ogg", "wav", "webm"}
)

_ERROR_META: dict[int, tuple[str, str | None, str]] = {
    400: ("invalid_request_error", None, "Bad request"),
    401: ("invalid_request_error", "invalid_api_key", "Incorrect API key provided"),
    403: ("invalid_request_error", "unsupported_country_region_territory", "Forbidden"),
    404: ("invalid_request_error", "unknown_url", "Not found"),
    408: ("server_error", "timeout", "Request timed out"),
    409: ("invalid_request_error", "conflict", "Conflict"),
    413: ("invalid_request_error", "request_too_large", "Request entity too large"),
    429: ("requests", "rate_limit_exceeded", "Rate limit reached for requests"),
    500: ("server_error", None, "The server had an error while processing your request."),
    502: ("server_error", None, "Bad gateway."),
    503: ("server_error", None, "The engine is currently overloaded, please try again later."),
}


@dataclass
class MultipartPart:
    name: str
    filename: str | None
    content_type: str | None
    data: bytes


@dataclass
class TranscriptionRequest:
    """What one call to the fake looked like, for assertions."""

    model: str | None
    language: str | None
    response_format: str | None
    prompt: str | None
    filename: str | None
    content_type: str | None
    size_bytes: int
    duration_s: float | None
    authorization_ok: bool
    status: int
    temperature: float | None = None
    #: Tokens of text the reply carried (json replies of non-Whisper models).
    output_tokens: int | None = None
    timestamp_granularities: list[str] = field(default_factory=list)
    fields: dict[str, list[str]] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)


_TIMED_LINE_RE = re.compile(r"^\[(\d+)\]\s?(.*)$")


@dataclass
class ChatRequest:
    """What one call to ``/v1/chat/completions`` looked like, for assertions."""

    model: str | None
    messages: list[dict[str, Any]]
    response_format: dict[str, Any] | None
    authorization_ok: bool
    status: int
    max_completion_tokens: int | None = None
    temperature: float | None = None
    prompt_tokens: int = 0
    completion_tokens: int = 0
    body: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def json_schema(self) -> dict[str, Any] | None:
        """``response_format.json_schema`` (name, strict, schema) when the request asked for one."""
        fmt = self.response_format or {}
        spec = fmt.get("json_schema") if fmt.get("type") == "json_schema" else None
        return spec if isinstance(spec, dict) else None

    @property
    def schema(self) -> dict[str, Any] | None:
        spec = self.json_schema
        schema = spec.get("schema") if spec else None
        return schema if isinstance(schema, dict) else None

    def text(self, role: str | None = None) -> str:
        """The messages' text (of one role, or all), joined by newlines."""
        return "\n".join(_content_text(m.get("content")) for m in self.messages if role in (None, m.get("role")))

    def timed_lines(self) -> list[tuple[int, str]]:
        """The ``[second] text`` lines of the user messages: the transcript the model was shown."""
        found: list[tuple[int, str]] = []
        for line in self.text("user").splitlines():
            match = _TIMED_LINE_RE.match(line.strip())
            if match:
                found.append((int(match.group(1)), match.group(2)))
        return found


def _content_text(content: object) -> str:
    # Content is a string or a list of parts ({"type": "text", "text": ...}).
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(str(p.get("text", "")) for p in content if isinstance(p, dict))
    return ""


@dataclass(frozen=True)
class ChatReply:
    """One answer of the fake chat model: text content, or a refusal, and why it stopped."""

    content: str | None = None
    refusal: str | None = None
    finish_reason: str = "stop"

    @classmethod
    def document(cls, doc: object) -> ChatReply:
        """A structured-output answer: ``doc`` as JSON."""
        return cls(content=json.dumps(doc, ensure_ascii=False))

    @classmethod
    def refused(cls, reason: str) -> ChatReply:
        return cls(content=None, refusal=reason)


#: Answers a request; lets a test reply per request (e.g. per window of a long transcript).
ChatResponder = Callable[[ChatRequest], ChatReply]


def strict_schema_problem(schema: object, path: tuple[str, ...] = ()) -> str | None:
    """What the real API would refuse in a ``strict`` schema, or None: every object must list
    all its properties as required and forbid additional ones, and a ``$ref`` takes no siblings."""
    if isinstance(schema, list):
        for i, item in enumerate(schema):
            if (problem := strict_schema_problem(item, (*path, str(i)))) is not None:
                return problem
        return None
    if not isinstance(schema, dict):
        return None
    context = f"In context={path!r}"
    if "$ref" in schema and len(schema) > 1:
        return f"{context}, $ref cannot have keywords {sorted(k for k in schema if k != '$ref')}."
    if schema.get("type") == "object" or "properties" in schema:
        if schema.get("additionalProperties") is not False:
            return f"{context}, 'additionalProperties' is required to be supplied and to be false."
        properties = schema.get("properties") or {}
        missing = [k for k in properties if k not in (schema.get("required") or [])]
        if missing:
            return (
                f"{context}, 'required' is required to be supplied and to be an array including every key in "
                f"properties. Missing '{missing[0]}'."
            )
    for key, value in schema.items():
        if key in ("properties", "$defs", "definitions") and isinstance(value, dict):
            for name, sub in value.items():
                if (problem := strict_schema_problem(sub, (*path, key, name))) is not None:
                    return problem
        elif key in ("items", "anyOf", "allOf", "oneOf"):
            if (problem := strict_schema_problem(value, (*path, key))) is not None:
                return problem
    return None


def derive_document(schema: dict[str, Any], lines: list[tuple[int, str]]) -> object:
    """A document valid for ``schema`` read deterministically off the transcript ``lines``.

    Top-level values come from the first line; an array of objects gets one item per line (item
    ``i`` from line ``i``; enums cycle through their values); other arrays are empty; a nullable
    value takes its non-null form.  Nothing clever: a stable, plausible answer for plumbing tests.
    """
    defs: dict[str, Any] = {**schema.get("definitions", {}), **schema.get("$defs", {})}

    def resolve(node: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in node:
            node = defs[str(node["$ref"]).rsplit("/", 1)[-1]]
        return node

    def build(node: dict[str, Any], i: int, nested: bool) -> object:
        node = resolve(node)
        if "anyOf" in node:
            options = [resolve(o) for o in node["anyOf"]]
            chosen = next((o for o in options if o.get("type") != "null"), options[0])
            return build(chosen, i, nested)
        if "const" in node:
            return node["const"]
        if "enum" in node:
            values = list(node["enum"])
            return values[i % len(values)]
        kind = node.get("type")
        if isinstance(kind, list):
            kind = next((k for k in kind if k != "null"), "null")
        second, text = lines[i] if i < len(lines) else (0, "")
        if kind == "object":
            return {k: build(v, i, nested) for k, v in (node.get("properties") or {}).items()}
        if kind == "array":
            items = resolve(node.get("items") or {})
            if nested or items.get("type") != "object":
                return []
            return [build(items, j, True) for j in range(len(lines))]
        if kind == "string":
            return text
        if kind == "integer":
            return second
        if kind == "number":
            return float(second)
        if kind == "boolean":
            return False
        return None

    return build(schema, 0, False)


def parse_multipart(body: bytes, content_type_header: str) -> list[MultipartPart]:
    """Split a multipart/form-data body without the deprecated `cgi` module."""
    header_msg = BytesHeaderParser().parsebytes(f"Content-Type: {content_type_header}\r\n\r\n".encode())
    boundary = header_msg.get_param("boundary")
    if not isinstance(boundary, str) or not boundary:
        raise ValueError("multipart body without boundary")
    delimiter = b"--" + boundary.encode("latin-1")
    parts: list[MultipartPart] = []
    chunks = body.split(delimiter)
    # chunks[0] is the preamble; the chunk after the closing delimiter starts with "--".
    for chunk in chunks[1:]:
        if chunk.startswith(b"--"):
            break
        chunk = chunk.removeprefix(b"\r\n").removesuffix(b"\r\n")
        head, sep, data = chunk.partition(b"\r\n\r\n")
        if not sep:
            continue
        headers: Message = BytesHeaderParser().parsebytes(head + b"\r\n\r\n")
        name = headers.get_param("name", header="content-disposition")
        filename = headers.get_param("filename", header="content-disposition")
        parts.append(
            MultipartPart(
                name=str(name) if name is not None else "",
                filename=str(filename) if filename is not None else None,
                content_type=headers.get("Content-Type"),
                data=data,
            )
        )
    return parts


def _probe_duration(data: bytes) -> float | None:
    try:
        return audio_duration(io.BytesIO(data))
    except ValueError:
        pass
    except Exception:
        return None
    try:
        with av.open(io.BytesIO(data)) as container:
            # No header duration (e.g. raw ADTS): decode to count samples.
            audio = container.streams.audio[0]
            samples = sum(frame.samples for frame in container.decode(audio))
            rate = audio.codec_context.sample_rate
            return samples / rate if rate else None
    except Exception:
        return None


def _error_body(status: int, message: str | None = None, param: str | None = None) -> bytes:
    err_type, code, default_message = _ERROR_META.get(status, ("server_error", None, f"HTTP {status}"))
    return json.dumps(
        {"error": {"message": message or default_message, "type": err_type, "param": param, "code": code}}
    ).encode()


_TOKEN_RE = re.compile(r"\w+|[^\w\s]")


def cap_tokens(text: str, cap: int | None) -> tuple[str, int]:
    """``text`` cut after its first ``cap`` tokens (None: whole), as a model that ran out of output
    stops, and its token count.  The fake's tokenizer: a word or a punctuation mark is one token."""
    matches = list(_TOKEN_RE.finditer(text))
    if cap is None or len(matches) <= cap:
        return text, len(matches)
    return text[: matches[cap - 1].end()], cap


def _timestamp(seconds: float, sep: str) -> str:
    millis = round(seconds * 1000)
    hours, rem = divmod(millis, 3_600_000)
    minutes, rem = divmod(rem, 60_000)
    secs, ms = divmod(rem, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{sep}{ms:03d}"


class _OpenAIHandler(QuietHandler):
    @property
    def owner(self) -> FakeOpenAIServer:
        return cast(FakeOpenAIServer, self.server.owner)  # type: ignore[attr-defined]

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            out = bytearray()
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    # Trailer section ends with an empty line.
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return bytes(out)
                out += self.rfile.read(size)
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _json(self, status: int, payload: object, headers: dict[str, str] | None = None) -> None:
        self.send_bytes(status, json.dumps(payload).encode(), "application/json", headers)

    def _error(self, status: int, message: str | None = None, *, headers: dict[str, str] | None = None) -> None:
        self.send_bytes(status, _error_body(status, message), "application/json", headers)

    def do_GET(self) -> None:
        if self.path.rstrip("/") == "/v1/models":
            self._json(200, {"object": "list", "data": [{"id": "whisper-1", "object": "model"}]})
            return
        self._error(404, f"Unknown request URL: GET {self.path}.")

    def do_POST(self) -> None:
        body = self._read_body()
        route = self.path.split("?", 1)[0].rstrip("/")
        if route == "/v1/audio/transcriptions":
            self._transcribe(body)
        elif route == "/v1/chat/completions":
            self._chat(body)
        else:
            self._error(404, f"Unknown request URL: POST {self.path}.")

    def _auth_error(self) -> _Reply | None:
        if self.headers.get("Authorization", "") == f"Bearer {self.owner.api_key}":
            return None
        message = (
            "Incorrect API key provided"
            if self.headers.get("Authorization")
            else "You didn't provide an API key. You need to provide your API key in an "
            "Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY)."
        )
        return _Reply.error(401, message)

    def _injected_failure(self) -> _Reply | None:
        owner = self.owner
        injected = owner._take_failure()
        if injected is None:
            return None
        headers: dict[str, str] = {}
        if injected == 429:
            headers["retry-after"] = "0"
        if owner.retry_after_ms is not None and (injected == 429 or injected >= 500):
            # The client prefers retry-after-ms over its own exponential
            # backoff (0.5 s, 1 s, ...), which keeps retry tests fast.
            headers["retry-after-ms"] = str(owner.retry_after_ms)
        return _Reply.error(injected, headers=headers)

    def _chat(self, body: bytes) -> None:
        owner = self.owner
        delay = owner._arrived()
        if delay > 0 and owner.stopping.wait(delay):
            self.close_connection = True
            return
        try:
            payload = json.loads(body or b"null")
        except ValueError:
            payload = None
        data: dict[str, Any] = payload if isinstance(payload, dict) else {}
        cap = data.get("max_completion_tokens", data.get("max_tokens"))
        temperature = data.get("temperature")
        fmt = data.get("response_format")
        messages = data.get("messages")
        record = ChatRequest(
            model=data.get("model") if isinstance(data.get("model"), str) else None,
            messages=[m for m in messages if isinstance(m, dict)] if isinstance(messages, list) else [],
            response_format=fmt if isinstance(fmt, dict) else None,
            authorization_ok=self.headers.get("Authorization", "") == f"Bearer {owner.api_key}",
            status=0,
            max_completion_tokens=cap if isinstance(cap, int) else None,
            temperature=float(temperature) if isinstance(temperature, int | float) else None,
            body=data,
            headers={k.lower(): v for k, v in self.headers.items()},
        )
        reply = self._answer_chat(record, payload)
        record.status = reply.status
        owner._record_chat(record)
        self.send_bytes(reply.status, reply.body, reply.content_type, reply.headers)

    def _answer_chat(self, req: ChatRequest, payload: object) -> _Reply:
        owner = self.owner
        refused = self._auth_error() or self._injected_failure()
        if refused is not None:
            return refused
        if not isinstance(payload, dict):
            return _Reply.error(400, "We could not parse the JSON body of your request.")
        if not req.model:
            return _Reply.error(400, "you must provide a model parameter")
        if not req.messages:
            return _Reply.error(400, "Missing required parameter: 'messages'.")
        spec = req.json_schema
        if spec is not None:
            if req.schema is None or not spec.get("name"):
                return _Reply.error(400, "Missing required parameter: 'response_format.json_schema.schema' or 'name'.")
            problem = strict_schema_problem(req.schema) if spec.get("strict") is True else None
            if problem is not None:
                return _Reply.error(400, f"Invalid schema for response_format '{spec['name']}': {problem}")

        configured = owner.chat_reply
        if callable(configured):
            answer = configured(req)
        elif configured is not None:
            answer = configured
        elif req.schema is not None:
            answer = ChatReply.document(derive_document(req.schema, req.timed_lines()))
        else:
            answer = ChatReply(content="fake answer")

        content, finish = answer.content, answer.finish_reason
        completion_tokens = 0
        if content is not None:
            caps = [c for c in (owner.max_output_tokens, req.max_completion_tokens) if c is not None]
            content, completion_tokens = cap_tokens(content, min(caps) if caps else None)
            if caps and completion_tokens >= min(caps) and finish == "stop":
                finish = "length"
        elif answer.refusal is not None:
            completion_tokens = cap_tokens(answer.refusal, None)[1]
        prompt_tokens = cap_tokens(req.text(), None)[1]
        req.prompt_tokens, req.completion_tokens = prompt_tokens, completion_tokens
        return _Reply.json(
            200,
            {
                "id": f"chatcmpl-fake{len(owner.chat_requests) + 1}",
                "object": "chat.completion",
                "created": 1_700_000_000,
                "model": req.model,
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": content, "refusal": answer.refusal},
                        "logprobs": None,
                        "finish_reason": finish,
                    }
                ],
                "usage": {
                    "prompt_tokens": prompt_tokens,
                    "completion_tokens": completion_tokens,
                    "total_tokens": prompt_tokens + completion_tokens,
                },
            },
        )

    def _transcribe(self, body: bytes) -> None:
        owner = self.owner
        delay = owner._arrived()
        if delay > 0 and owner.stopping.wait(delay):
            self.close_connection = True
            return

        fields: dict[str, list[str]] = {}
        file_part: MultipartPart | None = None
        parse_error: str | None = None
        try:
            for part in parse_multipart(body, self.headers.get("Content-Type", "")):
                if part.name == "file":
                    file_part = part
                else:
                    fields.setdefault(part.name, []).append(part.data.decode("utf-8", "replace"))
        except ValueError as exc:
            parse_error = str(exc)

        def first(name: str) -> str | None:
            values = fields.get(name)
            return values[0] if values else None

        data = file_part.data if file_part is not None else b""
        duration = _probe_duration(data) if data else None
        temperature_raw = first("temperature")
        try:
            temperature = float(temperature_raw) if temperature_raw is not None else None
        except ValueError:
            temperature = None
        auth_ok = self.headers.get("Authorization", "") == f"Bearer {owner.api_key}"
        record = TranscriptionRequest(
            model=first("model"),
            language=first("language"),
            response_format=first("response_format"),
            prompt=first("prompt"),
            filename=file_part.filename if file_part is not None else None,
            content_type=file_part.content_type if file_part is not None else None,
            size_bytes=len(data),
            duration_s=duration,
            authorization_ok=auth_ok,
            status=0,
            temperature=temperature,
            timestamp_granularities=fields.get("timestamp_granularities[]", [])
            + fields.get("timestamp_granularities", []),
            fields=fields,
            headers={k.lower(): v for k, v in self.headers.items()},
        )
        reply = self._decide(record, file_part, parse_error)
        record.status = reply.status
        # Record before replying: a test may inspect `.requests` the moment
        # the client returns.
        owner._record(record)
        self.send_bytes(reply.status, reply.body, reply.content_type, reply.headers)

    def _decide(self, req: TranscriptionRequest, file_part: MultipartPart | None, parse_error: str | None) -> _Reply:
        owner = self.owner
        refused = self._auth_error() or self._injected_failure()
        if refused is not None:
            return refused

        if parse_error is not None:
            return _Reply.error(400, f"Could not parse multipart form: {parse_error}")
        if file_part is None:
            return _Reply.error(400, "Missing required parameter: 'file'.")
        if req.size_bytes == 0:
            return _Reply.error(400, "The audio file is empty.")
        if req.size_bytes > owner.max_bytes:
            return _Reply.error(
                413,
                f"Maximum content size limit ({owner.max_bytes}) exceeded ({req.size_bytes} bytes read)",
            )
        if not req.model:
            return _Reply.error(400, "you must provide a model parameter")
        filename = req.filename or ""
        ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
        if owner.check_extension and ext not in SUPPORTED_EXTENSIONS:
            return _Reply.error(400, f"Invalid file format. Supported formats: {sorted(SUPPORTED_EXTENSIONS)}")
        if req.duration_s is None and owner.reject_undecodable:
            return _Reply.error(400, "Audio file might be corrupted or unsupported")
        if owner.max_duration_s is not None and req.duration_s is not None and req.duration_s > owner.max_duration_s:
            return _Reply.error(
                400,
                f"audio duration {req.duration_s:.1f} seconds is longer than "
                f"{owner.max_duration_s} seconds which is the maximum for this model",
            )

        fmt = req.response_format or "json"
        segments = owner._segments_for(req.duration_s)
        text = " ".join(t.strip() for _, _, t in segments)
        if fmt == "json" and not req.model.startswith("whisper"):
            # The gpt-4o family: billed by tokens, and the text silently stops at the output cap.
            text, output_tokens = cap_tokens(text, owner.max_output_tokens)
            req.output_tokens = output_tokens
            audio_tokens = round((req.duration_s or 0.0) * 10)
            usage = {
                "type": "tokens",
                "input_tokens": audio_tokens,
                "output_tokens": output_tokens,
                "total_tokens": audio_tokens + output_tokens,
                "input_token_details": {"audio_tokens": audio_tokens, "text_tokens": 0},
            }
            return _Reply.json(200, {"text": text, "usage": usage})
        if fmt == "json":
            return _Reply.json(200, {"text": text})
        if fmt == "text":
            return _Reply(200, (text + "\n").encode(), "text/plain; charset=utf-8")
        if fmt == "verbose_json":
            return _Reply.json(200, owner._verbose(req, segments, text))
        if fmt in ("srt", "vtt"):
            return _Reply(200, _subtitles(fmt, segments).encode(), "text/plain; charset=utf-8")
        return _Reply.error(
            400,
            f"Invalid value: '{fmt}'. Supported values are: 'json', 'text', 'srt', 'verbose_json', and 'vtt'.",
        )


@dataclass
class _Reply:
    status: int
    body: bytes
    content_type: str
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, status: int, payload: object) -> _Reply:
        return cls(status, json.dumps(payload).encode(), "application/json")

    @classmethod
    def error(cls, status: int, message: str | None = None, *, headers: dict[str, str] | None = None) -> _Reply:
        return cls(status, _error_body(status, message), "application/json", headers or {})


def _subtitles(fmt: str, segments: list[tuple[float, float, str]]) -> str:
    if fmt == "vtt":
        lines = ["WEBVTT", ""]
        for start, end, text in segments:
            lines += [f"{_timestamp(start, '.')} --> {_timestamp(end, '.')}", text.strip(), ""]
    else:
        lines = []
        for i, (start, end, text) in enumerate(segments, 1):
            lines += [str(i), f"{_timestamp(start, ',')} --> {_timestamp(end, ',')}", text.strip(), ""]
    return "\n".join(lines) + "\n"


class FakeOpenAIServer(BackgroundServer):
    """OpenAI `/v1/audio/transcriptions` and `/v1/chat/completions` stand-in with fault injection.

    Both routes share the key check and the injected failures (``fail_next``,
    ``fail_request``, delays); they record into ``requests`` and
    ``chat_requests`` respectively.  A chat answer's text stops at
    ``max_output_tokens`` or the request's ``max_completion_tokens`` with
    ``finish_reason="length"``, as a real model's does.

    Language in verbose_json: `language_reply` if set; otherwise the
    requested ISO code mapped to Whisper's full lowercase name ("en" ->
    "english", as the real API does), unknown codes echoed verbatim, and
    "english" when no language was requested.

    When the upload cannot be decoded, `duration_s` is None; the default
    segment then spans 0-1 s and no clipping is applied (unless
    `reject_undecodable` makes such uploads a 400, like the real API).
    """

    def __init__(
        self,
        api_key: str = DEFAULT_API_KEY,
        *,
        max_bytes: int = 25 * 1024 * 1024,
        max_duration_s: float | None = None,
        max_output_tokens: int | None = None,
        check_extension: bool = False,
        reject_undecodable: bool = False,
        retry_after_ms: int | None = 10,
    ) -> None:
        super().__init__(_OpenAIHandler)
        self.api_key = api_key
        self.max_bytes = max_bytes
        self.max_duration_s = max_duration_s
        #: Non-Whisper models write at most this many tokens per reply, then stop without an error.
        self.max_output_tokens = max_output_tokens
        self.check_extension = check_extension
        self.reject_undecodable = reject_undecodable
        self.retry_after_ms = retry_after_ms
        self.segments: list[tuple[float, float, str]] | None = None
        self.default_text = "fake transcript"
        self.language_reply: str | None = None
        self.delay_s = 0.0
        self.requests: list[TranscriptionRequest] = []
        #: Chat completion calls, apart from the transcription ones in ``requests``.
        self.chat_requests: list[ChatRequest] = []
        #: How the chat route answers: one reply for every request, a function of the request, or
        #: None for a document derived from the request's schema and transcript (``derive_document``).
        self.chat_reply: ChatReply | ChatResponder | None = None
        self._lock = threading.Lock()
        self._failures: list[int] = []
        self._authorised = 0
        self._fail_at: dict[int, int] = {}
        #: POSTs received so far, transcription and chat (counted on arrival, before any delay or answer).
        self.received = 0
        self._delay_at: dict[int, float] = {}

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def root_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def fail_next(self, *statuses: int) -> None:
        """Queue error statuses for the next authorised requests, in order."""
        with self._lock:
            self._failures.extend(statuses)

    def delay_request(self, number: int, seconds: float) -> None:
        """Hold the ``number``-th POST from now on for ``seconds`` before answering."""
        with self._lock:
            self._delay_at[self.received + number] = seconds

    def _arrived(self) -> float:
        with self._lock:
            self.received += 1
            return self._delay_at.pop(self.received, self.delay_s)

    def fail_request(self, number: int, status: int) -> None:
        """Answer the ``number``-th authorised request (1-based, counted from now on) with ``status``."""
        with self._lock:
            self._fail_at[self._authorised + number] = status

    def pending_failures(self) -> list[int]:
        with self._lock:
            return list(self._failures)

    @property
    def successful_requests(self) -> list[TranscriptionRequest]:
        with self._lock:
            return [r for r in self.requests if r.status == 200]

    def _take_failure(self) -> int | None:
        with self._lock:
            self._authorised += 1
            if self._authorised in self._fail_at:
                return self._fail_at.pop(self._authorised)
            return self._failures.pop(0) if self._failures else None

    def _record(self, record: TranscriptionRequest) -> None:
        with self._lock:
            self.requests.append(record)

    def _record_chat(self, record: ChatRequest) -> None:
        with self._lock:
            self.chat_requests.append(record)

    def _segments_for(self, duration: float | None) -> list[tuple[float, float, str]]:
        configured = self.segments
        if configured is None:
            return [(0.0, round(duration, 3) if duration is not None else 1.0, self.default_text)]
        if duration is None:
            return list(configured)
        clipped: list[tuple[float, float, str]] = []
        for start, end, text in configured:
            if start >= duration:
                continue
            clipped.append((start, min(end, round(duration, 3)), text))
        return clipped

    def _language(self, requested: str | None) -> str:
        if self.language_reply is not None:
            return self.language_reply
        if not requested:
            return "english"
        return LANGUAGE_NAMES.get(requested.lower(), requested)

    def _verbose(
        self, req: TranscriptionRequest, segments: list[tuple[float, float, str]], text: str
    ) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "task": "transcribe",
            "language": self._language(req.language),
            "duration": req.duration_s if req.duration_s is not None else (segments[-1][1] if segments else 0.0),
            "text": text,
            "segments": [
                {
                    "id": i,
                    "seek": int(start * 100),
                    "start": start,
                    "end": end,
                    "text": seg_text,
                    "tokens": [],
                    "temperature": 0.0,
                    "avg_logprob": -0.2,
                    "compression_ratio": 1.2,
                    "no_speech_prob": 0.01,
                }
                for i, (start, end, seg_text) in enumerate(segments)
            ],
        }
        if "word" in req.timestamp_granularities:
            payload["words"] = _words(segments)
        return payload


def _words(segments: list[tuple[float, float, str]]) -> list[dict[str, Any]]:
    """Spread each segment's words evenly over its span."""
    words: list[dict[str, Any]] = []
    for start, end, text in segments:
        tokens = text.split()
        if not tokens:
            continue
        step = (end - start) / len(tokens)
        for i, token in enumerate(tokens):
            words.append({"word": token, "start": round(start + i * step, 3), "end": round(start + (i + 1) * step, 3)})
    return words
