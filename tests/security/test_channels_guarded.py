"""Our REST and socket.io channels (credentials.yml) in front of an echo bot: size limit,
control characters, forged channels and socket.io session ids. No model needed."""
from __future__ import annotations

import asyncio
import json
import re
import uuid
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


BAD_BODIES = [
    b"", b"not json", b"[]", b"[1, 2]", b'"hi"', b"42", b"null", b"[" * 50_000 + b"]" * 50_000,
    json.dumps({"sender": "deep", "message": "hi", "metadata": json.loads("{\"a\":" * 40 + "1" + "}" * 40)}).encode(),
    json.dumps({"message": "no sender"}).encode(),
    json.dumps({"sender": "", "message": "blank sender"}).encode(),
    json.dumps({"sender": 7, "message": "number sender"}).encode(),
    json.dumps({"sender": "s" * 129, "message": "long sender"}).encode(),
    json.dumps({"sender": "s" * 10_000, "message": "very long sender"}).encode(),
    json.dumps({"sender": "line\nbreak", "message": "forged sender"}).encode(),
    json.dumps({"sender": "bad-1"}).encode(),
    json.dumps({"sender": "bad-2", "message": ""}).encode(),
    json.dumps({"sender": "bad-3", "message": "   "}).encode(),
    json.dumps({"sender": "bad-4", "message": 12}).encode(),
    json.dumps({"sender": "bad-5", "message": ["hi"]}).encode(),
    json.dumps({"sender": "bad-6", "message": None}).encode(),
]


@pytest.mark.parametrize("raw", BAD_BODIES, ids=range(len(BAD_BODIES)))
def test_every_bad_rest_body_answers_400_with_a_short_json_error(server, raw):
    url, log = server
    before = len(received_texts(log))
    req = urllib.request.Request(f"{url}/webhooks/rest/webhook", data=raw, headers={"Content-Type": "application/json"})
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(req, timeout=30)
    body = json.loads(err.value.read())
    assert err.value.code == 400 and set(body) == {"error"} and 0 < len(body["error"]) < 80
    assert len(received_texts(log)) == before  # nothing reached the bot


def test_rest_strips_control_characters_and_keeps_its_channel_name(server):
    url, log = server
    replies = rest(url, {"sender": "ctl", "message": "Jane\x00 Doe\x1b", "input_channel": "slack",
                         "metadata": {"customer_email": "a\x00@example.com"}})
    assert replies[0]["text"] == "echo: Jane Doe"
    got = [m for m in received_texts(log) if m["sender_id"] == "ctl"][-1]
    assert got["input_channel"] == "rest" and got["metadata"]["customer_email"] == "a@example.com"


WIDGET_ORIGIN = "http://localhost:8080"  # in the default WIDGET_ORIGINS (WEB_PORT 8080)


async def _session(url: str, asked: Any = None, secret: Any = None, origin: Optional[str] = WIDGET_ORIGIN
                   ) -> tuple[socketio.AsyncClient, dict, "asyncio.Queue"]:
    """A connected socket.io client that asked for a session: (client, session_confirm's data, replies)."""
    client = socketio.AsyncClient(reconnection=False)
    client.confirms = asyncio.Queue()  # every session_confirm this client gets
    replies: asyncio.Queue = asyncio.Queue()
    client.on("session_confirm", lambda data: client.confirms.put_nowait(data))
    client.on("bot_uttered", lambda data: replies.put_nowait(data))
    await client.connect(url, transports=["websocket"], socketio_path="/socket.io",
                         headers={"Origin": origin} if origin else {}, wait_timeout=10)
    await client.emit("session_request", {"session_id": asked, "session_secret": secret})
    return client, await asyncio.wait_for(client.confirms.get(), 10), replies


async def _say(client: socketio.AsyncClient, replies: "asyncio.Queue", session_id: str, text: str) -> dict:
    await client.emit("user_uttered", {"message": text, "session_id": session_id})
    return await asyncio.wait_for(replies.get(), 10)


@pytest.mark.parametrize("asked", ["alice", "0123456789ABCDEF0123456789ABCDEF", "12345", None, 42, "e" * 32])
def test_socketio_issues_its_own_session_ids_with_a_secret(server, asked):
    url, _ = server

    async def scenario() -> dict:
        client, confirm, _ = await _session(url, asked)
        await client.disconnect()
        return confirm

    confirm = asyncio.run(scenario())
    assert re.fullmatch(r"[0-9a-f]{32}", confirm["session_id"]) and confirm["session_id"] != asked
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", confirm["session_secret"])


def test_socketio_rejoins_with_the_secret_and_ignores_messages_for_other_sessions(server):
    url, log = server

    async def scenario() -> tuple[dict, dict, str, list]:
        victim, victim_confirm, victim_replies = await _session(url)
        client, confirm, replies = await _session(url)
        mine = await _say(client, replies, confirm["session_id"], "mine")
        # a message for a session this socket does not hold is dropped
        await client.emit("user_uttered", {"message": "impersonating", "session_id": victim_confirm["session_id"]})
        await asyncio.sleep(1.5)
        await client.disconnect()
        # the page is reloaded: the same session, with its id and secret
        again, rejoined, again_replies = await _session(url, confirm["session_id"], confirm["session_secret"])
        await _say(again, again_replies, rejoined["session_id"], "after reload")
        await again.disconnect()
        await victim.disconnect()
        return confirm, rejoined, mine["text"], [victim_replies.get_nowait() for _ in range(victim_replies.qsize())]

    confirm, rejoined, mine, victim_got = asyncio.run(scenario())
    assert mine == "echo: mine"
    assert rejoined == {"session_id": confirm["session_id"]}  # the secret is not sent again
    assert victim_got == []
    texts = received_texts(log)
    assert not [m for m in texts if m["text"] == "impersonating"]
    assert [m["sender_id"] for m in texts if m["text"] in ("mine", "after reload")] == [confirm["session_id"]] * 2


@pytest.mark.parametrize("secret", [None, "", "wrong", "A" * 43])
def test_a_second_client_with_the_id_but_not_the_secret_gets_a_new_conversation(server, secret):
    url, log = server
    question = f"what is my reference? ({uuid.uuid4().hex[:8]})"

    async def scenario() -> tuple[dict, dict, dict, list]:
        owner, confirm, owner_replies = await _session(url)
        await _say(owner, owner_replies, confirm["session_id"], "INV-20431 is mine")
        thief, stolen, thief_replies = await _session(url, confirm["session_id"], secret)
        got = await _say(thief, thief_replies, stolen["session_id"], question)
        # the thief's socket holds only its new session: the owner's id is refused for it
        await thief.emit("user_uttered", {"message": "as the owner", "session_id": confirm["session_id"]})
        await asyncio.sleep(1.0)
        leaked = [thief_replies.get_nowait() for _ in range(thief_replies.qsize())]
        await thief.disconnect()
        await owner.disconnect()
        return confirm, stolen, got, leaked

    confirm, stolen, got, leaked = asyncio.run(scenario())
    assert stolen["session_id"] != confirm["session_id"] and stolen["session_secret"] != confirm["session_secret"]
    assert got == {"text": f"echo: {question}"} and leaked == []  # nothing of the first conversation
    texts = received_texts(log)
    assert [m["sender_id"] for m in texts if m["text"] == question] == [stolen["session_id"]]
    assert not [m for m in texts if m["text"] == "as the owner"]


@pytest.mark.parametrize("origin", ["https://evil.example", "http://localhost:8081", "null", None])
def test_socketio_refuses_pages_not_in_widget_origins(server, origin):
    url, log = server

    async def connect() -> bool:
        try:
            client, _, _ = await _session(url, origin=origin)
        except socketio.exceptions.ConnectionError:
            return False
        await client.disconnect()
        return True

    assert not asyncio.run(connect())


def test_socketio_accepts_every_widget_origin(server):
    url, _ = server

    async def connect(origin: str) -> str:
        client, confirm, _ = await _session(url, origin=origin)
        await client.disconnect()
        return confirm["session_id"]

    for origin in ("http://localhost:8080", "http://127.0.0.1:8080"):
        assert re.fullmatch(r"[0-9a-f]{32}", asyncio.run(connect(origin)))


def test_an_idle_session_starts_anew():
    # 0.0005 hours: 1.8 s without a message ends a session
    with echo_server(CREDENTIALS, extra_env={"WIDGET_SESSION_IDLE_HOURS": "0.0005"}) as (url, log):
        async def scenario() -> tuple[dict, dict, dict]:
            client, first, _ = await _session(url)
            await client.disconnect()
            await asyncio.sleep(3.0)
            client, second, _ = await _session(url, first["session_id"], first["session_secret"])
            # a socket that stays connected past the idle time: its next message starts a new session
            await asyncio.sleep(3.0)
            await client.emit("user_uttered", {"message": "still there?", "session_id": second["session_id"]})
            third = await asyncio.wait_for(client.confirms.get(), 10)
            await asyncio.sleep(0.5)
            await client.disconnect()
            return first, second, third

        first, second, third = asyncio.run(scenario())
        texts = received_texts(log)
    assert second["session_id"] != first["session_id"] and "session_secret" in second
    assert third["session_id"] not in (first["session_id"], second["session_id"]) and "session_secret" in third
    assert [m["sender_id"] for m in texts if m["text"] == "still there?"] == [third["session_id"]]


def test_sessions_hold_across_server_processes(tmp_path):
    """Two processes (as two Rasa workers) sharing the conversations' database: a session issued by
    one is rejoined on the other with its secret, and not without it."""
    shared = {"TRACKER_STORE_URL": f"sqlite:///{tmp_path / 'conversations.db'}"}
    with echo_server(CREDENTIALS, extra_env=shared) as (one, _), echo_server(CREDENTIALS, extra_env=shared) as (two, _):
        async def scenario() -> tuple[dict, dict, dict]:
            client, first, _ = await _session(one)
            await client.disconnect()
            client, rejoined, _ = await _session(two, first["session_id"], first["session_secret"])
            await client.disconnect()
            client, refused, _ = await _session(two, first["session_id"], None)
            await client.disconnect()
            return first, rejoined, refused

        first, rejoined, refused = asyncio.run(scenario())
    assert rejoined == {"session_id": first["session_id"]}
    assert refused["session_id"] != first["session_id"]


def test_socketio_refuses_long_messages(server):
    url, log = server

    async def scenario() -> dict:
        client, confirm, replies = await _session(url)
        await client.emit("user_uttered", {"message": "z" * 6000, "session_id": confirm["session_id"]})
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
                                 auth={"token": token} if token else None, headers={"Origin": WIDGET_ORIGIN},
                                 wait_timeout=10)
        except socketio.exceptions.ConnectionError:
            return False
        await client.disconnect()
        return True

    with echo_server(creds) as (url, _):
        assert not asyncio.run(connect(url, None))
        assert not asyncio.run(connect(url, jwt.encode({"sub": "c1"}, "another-key-0123456789-0123456789-abcdef", algorithm="HS256")))
        assert asyncio.run(connect(url, jwt.encode({"sub": "c1"}, key, algorithm="HS256")))
