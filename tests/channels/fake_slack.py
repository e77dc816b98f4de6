"""A local stand-in for the Slack Web API that records what the bot posts.

Point the connector at it with `slack_api_url` / SLACK_API_URL = FakeSlack.api_url.
"""
from __future__ import annotations

import itertools
import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Optional
from urllib.parse import parse_qsl


@dataclass
class ApiCall:
    method: str
    params: dict[str, Any]
    authorization: str
    ts: str

    @property
    def text(self) -> str:
        return str(self.params.get("text") or "")

    @property
    def buttons(self) -> list[dict[str, Any]]:
        return [
            element
            for block in self.params.get("blocks") or []
            if block.get("type") == "actions"
            for element in block.get("elements", [])
            if element.get("type") == "button"
        ]


class FakeSlack:
    """`with FakeSlack() as slack:` serves http://127.0.0.1:<port>/api/<method>."""

    def __init__(self) -> None:
        self.calls: list[ApiCall] = []
        self._lock = threading.Lock()
        self._ts = itertools.count(1)
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode()
                if (self.headers.get("Content-Type") or "").startswith("application/json"):
                    params = json.loads(raw or "{}")
                else:
                    params = dict(parse_qsl(raw))
                    for key in ("blocks", "attachments"):
                        if isinstance(params.get(key), str):
                            params[key] = json.loads(params[key])
                method = self.path.rsplit("/", 1)[-1]
                ts = f"{int(time.time())}.{next(fake._ts):06d}"
                call = ApiCall(method, params, self.headers.get("Authorization", ""), ts)
                with fake._lock:
                    fake.calls.append(call)
                if "as_user" in params:
                    # what tokens of new Slack apps answer
                    answer = {"ok": False, "error": "invalid_arguments"}
                elif method == "chat.postMessage":
                    answer = {"ok": True, "channel": params.get("channel"), "ts": ts,
                              "message": {"text": params.get("text"), "ts": ts}}
                else:
                    answer = {"ok": True}
                body = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.api_url = f"http://127.0.0.1:{self.server.server_port}/api/"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "FakeSlack":
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()

    def posts(self, where: Optional[Callable[[ApiCall], bool]] = None) -> list[ApiCall]:
        with self._lock:
            return [c for c in self.calls if c.method == "chat.postMessage" and (where is None or where(c))]

    def wait_for_posts(self, count: int, where: Optional[Callable[[ApiCall], bool]] = None,
                       timeout: float = 60.0, settle: float = 1.5) -> list[ApiCall]:
        """Wait until at least `count` posts match, then until none arrived for `settle` s."""
        deadline = time.monotonic() + timeout
        while len(self.posts(where)) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"expected {count} chat.postMessage calls, got {self.posts(where)}")
            time.sleep(0.1)
        seen = len(self.posts(where))
        quiet_since = time.monotonic()
        while time.monotonic() - quiet_since < settle:
            time.sleep(0.1)
            now = len(self.posts(where))
            if now != seen:
                seen, quiet_since = now, time.monotonic()
        return self.posts(where)
