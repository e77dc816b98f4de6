"""Our REST and socket.io channels (credentials.yml) in front of an echo bot: size limit,
control characters, forged channels and socket.io session ids. No model needed."""
from __future__ import annotations

import asyncio
import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Optional

import pytest
import socketio

from tests.channels.channel_helpers import PROJECT_ROOT, echo_server

CREDENTIALS = (PROJECT_ROOT / "credentials.yml").read_text()


@pytest.fixture(scope="module")
def server():
    with echo_server(CREDENTIALS, extra_env={"MAX_MESSAGE_CHARS": "5000"}) as (url, received):
        yield url, received


def received_texts(log: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in log.read_text().splitlines() if line.strip()]


def rest(url: str, body: dict) -> list[dict[str, Any]]:
    req = urllib.request.Request(f"{url}/webhooks/rest/webhook", data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        return json.loads(resp.read())


def test_rest_refuses_long_messages_before_the_bot(server):
    url, log = server
    for size in (5001, 100_000, 1_000_000):
        replies = rest(url, {"sender": f"long-{size}", "message": "x" * size})
        assert len(replies) == 1 and "too long" in replies[0]["text"] and replies[0]["recipient_id"] == f"long-{size}"
    assert not [m for m in received_texts(log) if m["sender_id"].startswith("long-")]
    replies = rest(url, {"sender": "at-limit", "message": "y" * 5000})
    assert replies[0]["text"] == "echo: " + "y" * 5000


def test_rest_cannot_write_into_a_website_session(server):
    url, log = server
    req = urllib.request.Request(f"{url}/webhooks/rest/webhook",
                                 data=json.dumps({"sender": "d" * 32, "message": "hi"}).encode(),
                                 headers={"Content-Type": "application/json"})
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(req, timeout=30)
    assert err.value.code == 400
    assert not [m for m in received_texts(log) if m["sender_id"] == "d" * 32]


def test_rest_strips_control_characters_and_keeps_its_channel_name(server):
    url, log = server
    replies = rest(url, {"sender": "ctl", "message": "Jane\x00 Doe\x1b", "input_channel": "slack",
                         "metadata": {"customer_email": "a\x00@example.com"}})
    assert replies[0]["text"] == "echo: Jane Doe"
    got = [m for m in received_texts(log) if m["sender_id"] == "ctl"][-1]
    assert got["input_channel"] == "rest" and got["metadata"]["customer_email"] == "a@example.com"


async def _session(url: str, asked: Optional[str]) -> tuple[socketio.AsyncClient, str, "asyncio.Queue"]:
    client = socketio.AsyncClient(reconnection=False)
    confirmed: asyncio.Future = asyncio.get_running_loop().create_future()
    replies: asyncio.Queue = asyncio.Queue()
    client.on("session_confirm", lambda data: confirmed.done() or confirmed.set_result(data))
    client.on("bot_uttered", lambda data: replies.put_nowait(data))
    await client.connect(url, transports=["websocket"], socketio_path="/socket.io")
    await client.emit("session_request", {"session_id": asked})
    return client, await asyncio.wait_for(confirmed, 10), replies


@pytest.mark.parametrize("asked", ["alice", "0123456789ABCDEF0123456789ABCDEF", "12345", None, 42])
def test_socketio_replaces_malformed_session_ids(server, asked):
    url, _ = server

    async def scenario() -> str:
        client, given, _ = await _session(url, asked)
        await client.disconnect()
        return given

    given = asyncio.run(scenario())
    assert isinstance(given, str) and len(given) == 32 and given != asked
    int(given, 16)


def test_socketio_keeps_a_widget_made_session_id_and_ignores_messages_for_others(server):
    url, log = server
    own_id, victim_id = "a" * 32, "b" * 32

    async def scenario() -> tuple[str, list, list]:
        victim, _, victim_replies = await _session(url, victim_id)
        client, given, replies = await _session(url, own_id)
        await client.emit("user_uttered", {"message": "mine", "session_id": own_id})
        mine = await asyncio.wait_for(replies.get(), 10)
        # a message for a session this socket did not ask for is dropped
        await client.emit("user_uttered", {"message": "impersonating", "session_id": victim_id})
        await asyncio.sleep(1.5)
        await client.disconnect()
        await victim.disconnect()
        return given, [mine], [victim_replies.get_nowait() for _ in range(victim_replies.qsize())]

    given, mine, victim_got = asyncio.run(scenario())
    assert given == own_id and mine[0]["text"] == "echo: mine"
    assert victim_got == []
    assert not [m for m in received_texts(log) if m["text"] == "impersonating"]


def test_socketio_refuses_long_messages(server):
    url, log = server

    async def scenario() -> dict:
        client, given, replies = await _session(url, "c" * 32)
        await client.emit("user_uttered", {"message": "z" * 6000, "session_id": given})
        reply = await asyncio.wait_for(replies.get(), 10)
        await client.disconnect()
        return reply

    assert "too long" in asyncio.run(scenario())["text"]
    assert not [m for m in received_texts(log) if m["text"].startswith("zzz")]


def test_socketio_with_jwt_key_admits_signed_in_customers_only():
    import jwt  # PyJWT, a Rasa dependency

    key = "test-jwt-key-0123456789-0123456789-abcdef"
    creds = CREDENTIALS.replace("  # jwt_key: ${SOCKETIO_JWT_KEY}", f"  jwt_key: {key}")
    assert f"jwt_key: {key}" in creds

    async def connect(url: str, token: Optional[str]) -> bool:
        client = socketio.AsyncClient(reconnection=False)
        try:
            await client.connect(url, transports=["websocket"], socketio_path="/socket.io",
                                 auth={"token": token} if token else None, wait_timeout=10)
        except socketio.exceptions.ConnectionError:
            return False
        await client.disconnect()
        return True

    with echo_server(creds) as (url, _):
        assert not asyncio.run(connect(url, None))
        assert not asyncio.run(connect(url, jwt.encode({"sub": "c1"}, "another-key-0123456789-0123456789-abcdef", algorithm="HS256")))
        assert asyncio.run(connect(url, jwt.encode({"sub": "c1"}, key, algorithm="HS256")))
