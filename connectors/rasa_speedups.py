"""Per-message costs inside Rasa Open Source 3.6 that do not need to be paid on every call.

RemoteAction._validate_action_result calls `jsonschema.validate(result, schema)` on every
action-server response. jsonschema.validate first checks the schema itself against the JSON
Schema meta-schema, every time: 26 ms per call on this machine (jsonschema 4.17). The schema is a
constant, so here it is checked once. The check of the events themselves then still took 1.5 ms
for a typical form answer (eight events), because each event is tried against all 23 event
schemas; ActionResultValidator tries only the one its "event" names (0.18 ms). Same verdicts,
same error message.

Event.resolve_by_type walks every subclass of Event for each event it reads, so for every event
of a conversation each time Rasa loads it from the tracker store; the class found for each event
name is remembered here.

EndpointConfig.request opened a new aiohttp ClientSession, so a new TCP connection, for every
action-server call (3.0 ms median per call against 1.3 ms on a kept-alive one, measured on a
loaded machine). Here each endpoint keeps one session per event loop; idle connections are
dropped after 2 s, before the action server's Sanic drops them (5 s), so a reused connection is
not one the server is closing. Same headers, auth, timeout, parameters and errors; no retries.

`install()` is called when connectors.policies is imported, which every Rasa server process
does when it loads the model (the policy is part of the trained graph).
"""
from __future__ import annotations

import asyncio
import ssl
from typing import Any, Dict, Optional

KEEPALIVE_SECONDS = 2.0  # below Sanic's keep-alive timeout (5 s) on the action server


class ActionResultValidator:
    """Rasa's action-response schema, checked with the same verdicts at a fraction of the cost.

    The schema says each event is valid under exactly one of 23 event schemas (`oneOf`), so
    jsonschema validates every event against all 23. Each of the 23 pins "event" to its own
    constant, so an event can only match the one whose constant is its "event" value: checking
    that one (with the common part) gives the same verdict. Only a response that passes this way
    is accepted without the full schema; any other goes through the full schema, and the error
    raised is the one jsonschema.validate (Rasa's call) would raise.
    """

    def __init__(self, schema: Dict[str, Any]) -> None:
        from jsonschema.validators import validator_for

        cls = validator_for(schema)
        cls.check_schema(schema)
        self.full = cls(schema)
        events = schema["properties"]["events"]
        event = events["items"]
        common = {k: v for k, v in event.items() if k != "oneOf"}
        self.outer = cls({**schema, "properties": {**schema["properties"],
                                                   "events": {k: v for k, v in events.items() if k != "items"}}})
        self.by_event = {alternative["properties"]["event"]["const"]: cls({"allOf": [common, alternative]})
                         for alternative in event["oneOf"]}

    def quickly_valid(self, result: Any) -> bool:
        if not self.outer.is_valid(result):
            return False
        for event in result.get("events") or []:
            name = event.get("event") if isinstance(event, dict) else None
            validator = self.by_event.get(name) if isinstance(name, str) else None
            if validator is None or not validator.is_valid(event):
                return False
        return True

    def validate(self, result: Any) -> None:
        """Raises the ValidationError jsonschema.validate raises (its best match), where it does."""
        from jsonschema.exceptions import best_match

        if not self.quickly_valid(result):
            error = best_match(self.full.iter_errors(result))
            if error is not None:
                raise error


_validator: Optional[ActionResultValidator] = None


def _validate_action_result(self: Any, result: Dict[str, Any]) -> bool:
    from jsonschema import ValidationError
    from rasa.shared.constants import DOCS_BASE_URL

    global _validator
    if _validator is None:
        _validator = ActionResultValidator(self.action_response_format_spec())
    try:
        _validator.validate(result)
        return True
    except ValidationError as e:
        e.message += (
            f". Failed to validate Action server response from API, "
            f"make sure your response from the Action endpoint is valid. "
            f"For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions"
        )
        raise e


_event_classes: Dict[str, Any] = {}
_rasa_resolve_by_type: Any = None  # Rasa's Event.resolve_by_type, kept by install()


def _resolve_event_class(type_name: str, default: Optional[Any] = None) -> Optional[Any]:
    """Event.resolve_by_type, remembering each class Rasa's walk over every Event subclass found."""
    found = _event_classes.get(type_name)
    if found is None:
        found = _rasa_resolve_by_type(type_name, default)
        if found is not None and getattr(found, "type_name", None) == type_name:  # not a default
            _event_classes[type_name] = found
    return found


def _shared_session(endpoint: Any) -> Any:
    """The endpoint's session on the running event loop, created on first use."""
    import aiohttp
    from rasa.core.constants import DEFAULT_REQUEST_TIMEOUT

    loop = asyncio.get_running_loop()
    session = getattr(endpoint, "_refund_desk_session", None)
    if session is None or session.closed or getattr(endpoint, "_refund_desk_loop", None) is not loop:
        auth = (aiohttp.BasicAuth(endpoint.basic_auth["username"], endpoint.basic_auth["password"])
                if endpoint.basic_auth else None)
        session = aiohttp.ClientSession(
            headers=endpoint.headers, auth=auth, timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
            connector=aiohttp.TCPConnector(keepalive_timeout=KEEPALIVE_SECONDS))
        endpoint._refund_desk_session, endpoint._refund_desk_loop = session, loop
    return session


async def _request(self: Any, method: str = "post", subpath: Optional[str] = None,
                   content_type: Optional[str] = "application/json", compress: bool = False,
                   **kwargs: Any) -> Optional[Any]:
    """EndpointConfig.request of Rasa 3.6 on the endpoint's kept-alive session."""
    import os

    from aiohttp import ContentTypeError
    from rasa.shared.exceptions import FileNotFoundException
    from rasa.utils.endpoints import ClientResponseError, concat_url

    headers: Dict[str, Any] = {}
    if content_type:
        headers["Content-Type"] = content_type
    if "headers" in kwargs:
        headers.update(kwargs.pop("headers"))
    if self.headers:
        headers.update(self.headers)
    url = concat_url(self.url, subpath)
    sslcontext = None
    if self.cafile:
        try:
            sslcontext = ssl.create_default_context(cafile=self.cafile)
        except FileNotFoundError as e:
            raise FileNotFoundException(f"Failed to find certificate file, "
                                        f"'{os.path.abspath(self.cafile)}' does not exist.") from e
    session = _shared_session(self)
    async with session.request(method, url, headers=headers, params=self.combine_parameters(kwargs),
                               compress=compress, ssl=sslcontext, **kwargs) as response:
        if response.status >= 400:
            raise ClientResponseError(response.status, response.reason, await response.content.read())
        try:
            return await response.json()
        except ContentTypeError:
            return None


def install() -> None:
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.core.events import Event
    from rasa.utils.endpoints import EndpointConfig

    global _rasa_resolve_by_type
    if _rasa_resolve_by_type is None:
        _rasa_resolve_by_type = Event.resolve_by_type
        Event.resolve_by_type = staticmethod(_resolve_event_class)  # type: ignore[method-assign]

    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]
    EndpointConfig.request = _request  # type: ignore[method-assign]
