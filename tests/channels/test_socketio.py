"""Rasa's socketio channel with `session_persistence: true`, as the website widget uses it.

Guard for Rasa issue 13027: Rasa 3.6 calls `sio.enter_room(...)` without `await`. From
python-socketio 5.10 on that is a coroutine, the socket never joins the session's room and
every bot reply is dropped. We pin python-socketio==5.9.0 (python-engineio==4.12.3); these
tests fail loudly if an upgrade breaks it again.
"""
from __future__ import annotations

import asyncio
import inspect
import json
import re
import uuid
from importlib.metadata import version
from pathlib import Path
from typing import Any, Optional

import pytest
import socketio

from channel_helpers import PROJECT_ROOT, REFUND_STEPS, echo_server
from refund_desk.facts import REFERENCE_WRITTEN

PERSISTENT_SOCKETIO = """
socketio:
  user_message_evt: user_uttered
  bot_message_evt: bot_uttered
  session_persistence: true
"""
REFERENCE = REFERENCE_WRITTEN  # the one pattern, from refund_desk.facts
UPGRADE_HINT = (
    "python-socketio {v}: bot replies over socket.io with session_persistence are lost "
    "(Rasa 3.6 does not await enter_room, Rasa issue 13027). Keep python-socketio==5.9.0 "
    "and python-engineio==4.12.3."
)


def test_enter_room_is_still_synchronous() -> None:
    v = version("python-socketio")
    assert not inspect.iscoroutinefunction(socketio.AsyncServer.enter_room), UPGRADE_HINT.format(v=v)


class Session:
    """A socket.io client speaking the protocol of Rasa's socketio channel (as the widget does)."""

    def __init__(self, url: str, session_id: Optional[str]) -> None:
        self.url = url
        self.session_id = session_id
        self.client = socketio.AsyncClient(reconnection=False)
        self.messages: "asyncio.Queue[dict[str, Any]]" = asyncio.Queue()
        self.confirmed: "asyncio.Future[str]" = asyncio.get_running_loop().create_future()
        self.client.on("bot_uttered", self._on_bot)
        self.client.on("session_confirm", self._on_confirm)

    async def _on_bot(self, data: dict[str, Any]) -> None:
        await self.messages.put(data)

    async def _on_confirm(self, data: Any) -> None:
        if not self.confirmed.done():
            self.confirmed.set_result(data if isinstance(data, str) else data.get("session_id"))

    async def __aenter__(self) -> "Session":
        await self.client.connect(self.url, socketio_path="/socket.io", transports=["websocket"])
        await self.client.emit("session_request", {"session_id": self.session_id})
        self.session_id = await asyncio.wait_for(self.confirmed, 10)
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.client.disconnect()

    async def say(self, text: str, metadata: Optional[dict[str, Any]] = None) -> None:
        await self.client.emit("user_uttered", {"message": text, "session_id": self.session_id,
                                                "metadata": metadata or {}})

    async def replies(self, first_timeout: float = 15.0, settle: float = 2.0) -> list[dict[str, Any]]:
        """The bot's messages for one turn: wait for the first, then until quiet for `settle` s."""
        try:
            got = [await asyncio.wait_for(self.messages.get(), first_timeout)]
        except asyncio.TimeoutError:
            pytest.fail(UPGRADE_HINT.format(v=version("python-socketio")) + " (no bot_uttered arrived)")
        while True:
            try:
                got.append(await asyncio.wait_for(self.messages.get(), settle))
            except asyncio.TimeoutError:
                return got


def received(log: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in log.read_text().splitlines() if line.strip()]


def test_persistent_session_gets_replies_across_reconnects() -> None:
    session_id = uuid.uuid4().hex

    async def scenario(url: str) -> tuple[list, list]:
        async with Session(url, session_id) as first:
            assert first.session_id == session_id
            await first.say("hello", {"page_url": "http://localhost:8080/", "customer_email": "a@b.example"})
            one = await first.replies(settle=0.5)
        async with Session(url, session_id) as second:  # the page was reloaded
            await second.say("buttons")
            two = await second.replies(settle=0.5)
        return one, two

    with echo_server(PERSISTENT_SOCKETIO) as (url, log):
        one, two = asyncio.run(scenario(url))
        messages = received(log)
    assert one == [{"text": "echo: hello"}]
    assert two == [{"text": "Pick one", "quick_replies": [
        {"content_type": "text", "title": "Yes", "payload": "/affirm"},
        {"content_type": "text", "title": "No", "payload": "/deny"}]}]
    assert [(m["text"], m["sender_id"], m["input_channel"]) for m in messages] == [
        ("hello", session_id, "socketio"), ("buttons", session_id, "socketio")]
    assert messages[0]["metadata"] == {"page_url": "http://localhost:8080/", "customer_email": "a@b.example"}


def test_server_assigns_a_session_when_the_client_has_none() -> None:
    async def scenario(url: str) -> Optional[str]:
        async with Session(url, None) as s:
            await s.say("hi")
            await s.replies(settle=0.3)
            return s.session_id

    with echo_server(PERSISTENT_SOCKETIO) as (url, log):
        assigned = asyncio.run(scenario(url))
        messages = received(log)
    assert assigned and re.fullmatch(r"[0-9a-f]{32}", assigned)
    assert messages[0]["sender_id"] == assigned


def test_project_credentials_keep_session_persistence() -> None:
    import rasa.shared.utils.io

    path = PROJECT_ROOT / "credentials.yml"
    if not path.exists():
        pytest.skip("no credentials.yml yet")
    config = rasa.shared.utils.io.read_config_file(str(path))
    names = [n for n in config if n == "socketio" or n.endswith("SocketIOInput")]
    assert names, "the website widget needs the socketio channel"
    settings = config[names[0]] or {}
    assert settings.get("session_persistence") is True
    assert settings.get("user_message_evt", "user_uttered") == "user_uttered"
    assert settings.get("bot_message_evt", "bot_uttered") == "bot_uttered"


# ------------------------------------------------------------ end to end


def choose(replies: list[dict[str, Any]], wanted: str) -> str:
    """The payload of the quick reply matching `wanted` (loosely), else `wanted` typed."""
    buttons = [b for m in replies for b in m.get("quick_replies") or m.get("buttons") or []]
    for b in buttons:
        title, payload = str(b.get("title", "")).lower(), str(b.get("payload", "")).lower()
        if wanted.lower() in (title, payload) or wanted.lower() in payload or wanted.lower() in title:
            return b["payload"]
        if wanted == "/affirm" and title in ("yes", "confirm"):
            return b["payload"]
    return wanted


@pytest.mark.e2e
def test_e2e_refund_over_socketio_with_a_reload_in_the_middle(tmp_path: Path) -> None:
    from tests.support.servers import running_assistant

    creds = tmp_path / "credentials.yml"
    creds.write_text("rest:\n" + PERSISTENT_SOCKETIO)
    session_id = uuid.uuid4().hex
    metadata = {"page_url": "http://localhost:8080/billing", "customer_email": "jane.doe@example.com"}

    async def conversation(url: str) -> list[dict[str, Any]]:
        transcript: list[dict[str, Any]] = []
        last: list[dict[str, Any]] = []
        steps = iter(REFUND_STEPS)
        for part in (3, len(REFUND_STEPS) - 3):  # reconnect ("reload") after three turns
            async with Session(url, session_id) as s:
                for _ in range(part):
                    kind, value = next(steps)
                    await s.say(choose(last, value) if kind == "choose" else value, metadata)
                    last = await s.replies(first_timeout=60)
                    transcript += last
        return transcript

    with running_assistant(credentials=creds) as a:
        url = a.rasa_url
        transcript = asyncio.run(conversation(url))
        texts = "\n".join(m.get("text", "") for m in transcript)
        found = REFERENCE.findall(texts)
        assert found, texts
        records = [r for r in a.cli_json("requests", "list") if r.get("reference") == found[-1]]
    assert records, f"no record {found[-1]}"
    assert records[0]["channel"] == "socketio"
    assert records[0]["sender_id"] == session_id
