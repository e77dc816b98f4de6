"""Rasa's REST and socket.io channels with Refund Desk's guards (credentials.yml names them).

Both keep Rasa's channel names (``rest``, ``socketio``) and URLs, and pass every message through
``connectors.guard.guarded``: control characters stripped, over-long messages refused before
NLU, a "try again" answer when the action server is down or a turn produced no reply.

REST: the channel is always ``rest`` (a client cannot claim another channel), a sender id in the
form of a website session id is refused (400), and a body far beyond the message limit is
answered with the polite refusal without reaching the bot (413 past 8 MB).

socket.io: session ids are 128-bit random values (32 hex digits) made by the widget; any other
client-supplied ``session_id`` is ignored and a fresh one is issued. A message is accepted only
for a session this socket asked for. With ``jwt_key`` set (signed-in customers), the connection
needs a valid token, as in Rasa's channel.
"""
from __future__ import annotations

import json
import logging
from typing import Any, Dict, Optional, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint, response
from sanic.exceptions import InvalidUsage
from sanic.request import Request

from connectors.client_address import socket_request, with_client_address
from connectors.guard import ActionServerProbe, OnNewMessage, guarded
from refund_desk.security import is_session_id, max_message_chars, new_session_id, too_long_message

log = logging.getLogger(__name__)
MAX_BODY_BYTES = 8 * 1024 * 1024  # beyond this, a plain 413 without reading the body


class RefundDeskRestInput(RestInput):
    @classmethod
    def name(cls) -> Text:
        return "rest"

    def _extract_input_channel(self, req: Request) -> Text:
        return self.name()

    def get_metadata(self, request: Request) -> Optional[Dict[Text, Any]]:
        return with_client_address(super().get_metadata(request), request)

    async def _extract_sender(self, req: Request) -> Optional[Text]:
        sender = await super()._extract_sender(req)
        if is_session_id(sender):
            # the form of a website session id: REST must not reach a widget conversation
            raise InvalidUsage("this sender id is reserved for website chat sessions")
        return sender

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        limit = max_message_chars()
        bp = super().blueprint(guarded(on_new_message, ActionServerProbe.from_settings(), limit))

        @bp.middleware("request")
        async def refuse_huge_bodies(request: Request):  # noqa: ANN202 (Sanic middleware)
            size = len(request.body or b"")
            if request.method != "POST" or size <= limit * 8 + 64 * 1024:
                return None  # the guard reads (and if need be refuses) it
            if size > MAX_BODY_BYTES:
                return response.json({"error": f"message too long (limit {limit} characters)"}, status=413)
            try:
                sender = str((json.loads(request.body) or {}).get("sender") or "default")
            except (ValueError, AttributeError):
                return response.json({"error": "invalid body"}, status=400)
            return response.json([{"recipient_id": sender[:200], "text": too_long_message(limit)}])

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

        async def session_request(sid: Text, data: Optional[Dict]) -> None:
            asked = (data or {}).get("session_id") if isinstance(data, dict) else None
            session_id = asked if is_session_id(asked) else new_session_id()
            if asked and session_id != asked:
                log.info("ignored a malformed session_id; issued a new one")
            for room in list(sio.rooms(sid, namespace=namespace) or []):
                if room != sid:
                    sio.leave_room(sid, room, namespace=namespace)
            sio.enter_room(sid, session_id, namespace=namespace)
            await sio.emit("session_confirm", session_id, room=sid, namespace=namespace)

        async def user_message(sid: Text, data: Any) -> None:
            if not isinstance(data, dict):
                return
            session_id = data.get("session_id")
            if not is_session_id(session_id) or session_id not in (sio.rooms(sid, namespace=namespace) or []):
                log.info("ignored a message for a session this socket did not open")
                return
            metadata = data.get(self.metadata_key) or {}
            if isinstance(metadata, str):
                try:
                    metadata = json.loads(metadata)
                except ValueError:
                    metadata = {}
            metadata = with_client_address(metadata, socket_request(sio, sid, namespace))
            text = data.get("message", "")
            if not isinstance(text, str):
                text = str(text)
            await handle(UserMessage(text, SocketIOOutput(sio, self.bot_message_evt), session_id,
                                     input_channel=self.name(), metadata=metadata))

        # Replace Rasa's handlers for these two events (python-socketio keeps one per event).
        sio.on("session_request", handler=session_request, namespace=namespace)
        sio.on(self.user_message_evt, handler=user_message, namespace=namespace)
        return bp
