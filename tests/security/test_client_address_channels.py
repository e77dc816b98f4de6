"""Our REST and socket.io channels put the client's address into each message's metadata (for the
status look-up limits), over real HTTP and websockets in front of an echo bot: the peer address by
default, only the configured header's last entry behind a proxy, never what the client wrote there."""
from __future__ import annotations

import asyncio
import json
import urllib.request
from pathlib import Path
from typing import Any

import pytest
import socketio

from tests.channels.channel_helpers import PROJECT_ROOT, echo_server

CREDENTIALS = (PROJECT_ROOT / "credentials.yml").read_text()
FORGED = {"client_address": "10.9.9.9", "page_url": "http://localhost:8080/"}


def received(log: Path, text: str) -> dict[str, Any]:
    for line in log.read_text().splitlines():
        message = json.loads(line)
        if message["text"] == text:
            return message
    raise AssertionError(f"{text!r} never reached the bot")


def rest(url: str, text: str, headers: dict[str, str]) -> None:
    body = {"sender": "address-test", "message": text, "metadata": FORGED}
    req = urllib.request.Request(f"{url}/webhooks/rest/webhook", data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json", **headers})
    with urllib.request.urlopen(req, timeout=30) as resp:
        assert resp.status == 200


def over_socketio(url: str, text: str, headers: dict[str, str]) -> None:
    async def say() -> None:
        client, confirmed, replied = socketio.AsyncClient(reconnection=False), asyncio.Event(), asyncio.Event()
        session: dict[str, Any] = {}

        @client.on("session_confirm")
        def on_confirm(data: Any) -> None:
            session["id"] = data.get("session_id") if isinstance(data, dict) else data
            confirmed.set()

        client.on("bot_uttered", lambda _data: replied.set())
        await client.connect(url, headers=headers, transports=["websocket"], socketio_path="/socket.io")
        await client.emit("session_request", {"session_id": None})
        await asyncio.wait_for(confirmed.wait(), 10)
        await client.emit("user_uttered", {"message": text, "session_id": session["id"], "metadata": FORGED})
        await asyncio.wait_for(replied.wait(), 10)
        await client.disconnect()

    asyncio.run(say())


@pytest.fixture(scope="module")
def direct():
    with echo_server(CREDENTIALS) as server:
        yield server


@pytest.fixture(scope="module")
def behind_proxy():
    with echo_server(CREDENTIALS, extra_env={"FORWARDED_FOR_HEADER": "X-Forwarded-For"}) as server:
        yield server


@pytest.mark.parametrize("send", [rest, over_socketio])
def test_the_peer_address_and_no_header_by_default(direct, send):
    url, log = direct
    send(url, f"hello from the peer by {send.__name__}", {"X-Forwarded-For": "10.8.8.8"})
    metadata = received(log, f"hello from the peer by {send.__name__}")["metadata"]
    assert metadata["client_address"] == "127.0.0.1" and metadata["page_url"] == FORGED["page_url"]


@pytest.mark.parametrize("send", [rest, over_socketio])
def test_behind_a_proxy_the_configured_headers_last_entry(behind_proxy, send):
    url, log = behind_proxy
    send(url, f"hello through the proxy by {send.__name__}", {"X-Forwarded-For": "6.6.6.6, 198.51.100.23"})
    assert received(log, f"hello through the proxy by {send.__name__}")["metadata"]["client_address"] == "198.51.100.23"
