"""The client's address put into every REST and socket.io message's metadata, for the status
look-up limits (refund_desk.lookup_limits). What a client sends under the same key is dropped."""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict, Optional

from sanic.request import Request

from refund_desk.security import CLIENT_ADDRESS_METADATA, client_address
from refund_desk.settings import load_settings


@lru_cache(maxsize=1)
def forwarded_for_header() -> Optional[str]:
    """FORWARDED_FOR_HEADER, read once per process."""
    return load_settings().forwarded_for_header


def with_client_address(metadata: Any, request: Optional[Request]) -> Dict[str, Any]:
    """The message's metadata (a dict, else empty) with the address the server saw the request come
    from: the peer, or behind a proxy the configured header only."""
    out = dict(metadata) if isinstance(metadata, dict) else {}
    out.pop(CLIENT_ADDRESS_METADATA, None)
    if request is not None:
        address = client_address(request.ip, request.headers, forwarded_for_header())
        if address:
            out[CLIENT_ADDRESS_METADATA] = address
    return out


def socket_request(sio: Any, sid: str, namespace: Optional[str]) -> Optional[Request]:
    """The HTTP request that opened a socket.io connection (python-engineio's Sanic driver keeps it)."""
    try:
        environ = sio.get_environ(sid, namespace=namespace) or {}
    except (KeyError, ValueError):
        return None
    request = environ.get("sanic.request")
    return request if isinstance(request, Request) else None
