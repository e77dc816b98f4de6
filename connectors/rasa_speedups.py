"""Per-message costs inside Rasa Open Source 3.6 that do not need to be paid on every call.

RemoteAction._validate_action_result calls `jsonschema.validate(result, schema)` on every
action-server response. jsonschema.validate first checks the schema itself against the JSON
Schema meta-schema, every time: 26 ms per call on this machine (jsonschema 4.17), which was most
of an action-server round trip (the action server itself answers in under 1 ms). The schema is a
constant, so here it is checked once and the validator is reused (0.02 ms per call). Same
checks, same error message.

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

_validator: Optional[Any] = None
KEEPALIVE_SECONDS = 2.0  # below Sanic's keep-alive timeout (5 s) on the action server


def _validate_action_result(self: Any, result: Dict[str, Any]) -> bool:
    from jsonschema import ValidationError
    from jsonschema.validators import validator_for
    from rasa.shared.constants import DOCS_BASE_URL

    global _validator
    if _validator is None:
        schema = self.action_response_format_spec()
        cls = validator_for(schema)
        cls.check_schema(schema)
        _validator = cls(schema)
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
    from rasa.utils.endpoints import EndpointConfig

    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]
    EndpointConfig.request = _request  # type: ignore[method-assign]
