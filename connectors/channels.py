"""Rasa's REST and socket.io channels with Refund Desk's guards (credentials.yml names them).

Both keep Rasa's channel names (``rest``, ``socketio``) and URLs, and pass every message through
``connectors.guard.guarded``: control characters stripped, over-long messages refused before
NLU, "/intent{...}" typed by a customer read as text, a "try again" answer when the action
server is down or a turn produced no reply.

REST: the channel is always ``rest`` (a client cannot claim another channel). A body that is not
a JSON object, is nested too deeply, or lacks a sender (1 to 128 printable characters, not in the
form of a website session id) or a non-blank message is answered 400 with ``{"error": "..."}``
(refund_desk.security.rest_body_problem), past 8 MB 413; a message beyond the limit gets the
polite refusal without reaching the bot.

socket.io: the handshake's ``Origin`` must be one of WIDGET_ORIGINS. The server issues each
session id (128 random bits) with a secret (connectors/widget_sessions.py); a browser rejoins its
conversation with both, anything else (no secret, a wrong one, a session idle too long) gets a
new conversation. A message is accepted only for the session this socket holds. With ``jwt_key``
set (signed-in customers), the connection also needs a valid token, as in Rasa's channel.
What staff write from the console reaches the session's socket through this process when it holds
that socket (connectors/takeover.py), as a ``bot_uttered`` event whose metadata says who wrote it.
"""
from __future__ import annotations

import asyncio
import json
import logging
from typing import Any, Dict, Optional, Text, Tuple

import rasa.core.channels.channel
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint, response
from sanic.request import Request

from connectors.client_address import socket_request, with_client_address
from connectors.guard import ActionServerProbe, OnNewMessage, guarded
from connectors.takeover import PushDelivery, speaker
from connectors.widget_sessions import SessionStore, session_store
from refund_desk.security import (MAX_BODY_DEPTH, is_session_id, is_session_secret, max_message_chars, nesting_depth,
                                  rest_body_problem)
from refund_desk.records import RecordStore
from refund_desk.settings import load_settings
from refund_desk.takeovers import PendingPush

log = logging.getLogger(__name__)
MAX_BODY_BYTES = 8 * 1024 * 1024  # beyond this, a plain 413


def _bad_request(error: str, status: int = 400) -> response.HTTPResponse:
    return response.json({"error": error}, status=status)


def read_rest_body(raw: bytes) -> Tuple[Optional[Dict[str, Any]], Optional[str]]:
    """(the body, None) when it can be answered, else (None, why not)."""
    if not raw or not raw.strip():
        return None, "the body is empty"
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError):
        return None, "the body is not JSON"
    problem = rest_body_problem(body)
    return (None, problem) if problem else (body, None)


class RefundDeskRestInput(RestInput):
    @classmethod
    def name(cls) -> Text:
        return "rest"

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        handle = guarded(on_new_message, ActionServerProbe.from_settings(), max_message_chars())
        bp = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @bp.route("/", methods=["GET"])
        async def health(_: Request) -> response.HTTPResponse:
            return response.json({"status": "ok"})

        @bp.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> response.HTTPResponse:
            if len(request.body or b"") > MAX_BODY_BYTES:
                return _bad_request(f"the body is over {MAX_BODY_BYTES // (1024 * 1024)} MB", 413)
            body, problem = read_rest_body(request.body)
            if body is None:
                return _bad_request(problem or "invalid body")
            if is_session_id(body["sender"]):
                # the form of a website session id: REST must not reach a widget conversation
                return _bad_request("this sender id is reserved for website chat sessions")
            collector = CollectingOutputChannel()
            message = UserMessage(body["message"], collector, body["sender"], input_channel=self.name(),
                                  metadata=with_client_address(body.get("metadata"), request))
            try:
                await handle(message)
            except asyncio.CancelledError:
                log.warning("a REST message was cancelled before its turn ended")  # no customer text here
            return response.json(collector.messages)

        return bp


class RefundDeskSocketIOInput(SocketIOInput):
    @classmethod
    def name(cls) -> Text:
        return "socketio"

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        handle = guarded(on_new_message, ActionServerProbe.from_settings())
        bp = super().blueprint(handle)
        sio = self.sio
        namespace = self.namespace
        origins = load_settings().widget_origins
        # Engine.IO answers CORS (long-polling) for these pages only, and refuses a handshake from another.
        sio.eio.cors_allowed_origins = list(origins)
        sessions: SessionStore = session_store()

        async def blocking(fn, *args):  # the store's calls, off the event loop
            return await asyncio.get_running_loop().run_in_executor(None, fn, *args)

        async def connect(sid: Text, environ: Dict, auth: Optional[Dict]) -> bool:
            if environ.get("HTTP_ORIGIN") not in origins:
                log.info("refused a socket.io connection from a page not in WIDGET_ORIGINS")
                return False
            if self.jwt_key:
                token = auth.get("token") if isinstance(auth, dict) else None
                return bool(token and rasa.core.channels.channel.decode_bearer_token(
                    token, self.jwt_key, self.jwt_algorithm))
            return True

        async def hold(sid: Text, session_id: Text, secret: Optional[Text]) -> None:
            """This socket now holds that session (and no other); tell the browser."""
            for room in list(sio.rooms(sid, namespace=namespace) or []):
                if room != sid:
                    sio.leave_room(sid, room, namespace=namespace)
            sio.enter_room(sid, session_id, namespace=namespace)
            confirm = {"session_id": session_id}
            if secret:
                confirm["session_secret"] = secret  # only when issued: the browser keeps it
            await sio.emit("session_confirm", confirm, room=sid, namespace=namespace)

        async def session_request(sid: Text, data: Any) -> None:
            asked = data if isinstance(data, dict) else {}
            session_id, secret = asked.get("session_id"), asked.get("session_secret")
            if is_session_id(session_id) and is_session_secret(secret) and await blocking(
                    sessions.rejoin, session_id, secret):
                await hold(sid, session_id, None)
                return
            if session_id is not None:
                log.info("a socket.io client could not rejoin a session (unknown, idle or wrong secret): new session")
            await hold(sid, *await blocking(sessions.issue))

        async def user_message(sid: Text, data: Any) -> None:
            if not isinstance(data, dict):
                return
            session_id = data.get("session_id")
            if not is_session_id(session_id) or session_id not in (sio.rooms(sid, namespace=namespace) or []):
                log.info("ignored a message for a session this socket does not hold")
                return
            if not await blocking(sessions.active, session_id):
                log.info("a website chat session was idle too long: the message starts a new one")
                session_id, secret = await blocking(sessions.issue)
                await hold(sid, session_id, secret)
            metadata = data.get(self.metadata_key) or {}
            if isinstance(metadata, str):
                try:
                    metadata = json.loads(metadata)
                except (ValueError, RecursionError):
                    metadata = {}
            if not isinstance(metadata, dict) or nesting_depth(metadata) > MAX_BODY_DEPTH:
                metadata = {}
            metadata = with_client_address(metadata, socket_request(sio, sid, namespace))
            text = data.get("message", "")
            if not isinstance(text, str):
                text = str(text)
            await handle(UserMessage(text, SocketIOOutput(sio, self.bot_message_evt), session_id,
                                     input_channel=self.name(), metadata=metadata))

        # Replace Rasa's handlers for these events (python-socketio keeps one per event).
        sio.on("connect", handler=connect, namespace=namespace)
        sio.on("session_request", handler=session_request, namespace=namespace)
        sio.on(self.user_message_evt, handler=user_message, namespace=namespace)

        def holds(push: PendingPush) -> bool:
            """Whether a socket of this process holds the push's session."""
            return bool(sio.manager.rooms.get(namespace or "/", {}).get(push.sender_id))

        async def emit(push: PendingPush) -> None:
            await sio.emit(self.bot_message_evt, {"text": push.text, "metadata": speaker(push)},
                           room=push.sender_id, namespace=namespace)

        deliveries = PushDelivery(RecordStore(load_settings().database_url), self.name(), holds, emit)
        deliveries.listen_on(bp)
        return bp
