"""The console's app factory: routes from pages.py and api.py, and the middlewares every request
goes through (security headers, the staff session, the CSRF check on every POST)."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Awaitable, Callable, Optional

import jinja2
from aiohttp import web

from console import api, pages
from console.desk import CSRF_HEADER, DESK, SESSION_COOKIE, SIGNED_IN, TEMPLATES, ConsoleDesk
from refund_desk.records import RecordStoreUnavailable
from refund_desk.settings import Settings, load_settings
from refund_desk.staff import csrf_matches

PUBLIC_PATHS = ("/login", "/healthz")
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")  # every other method needs the CSRF token
HERE = Path(__file__).resolve().parent
CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                           "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        response = exc
        _add_security_headers(request, response)
        raise
    _add_security_headers(request, response)
    return response


def _add_security_headers(request: web.Request, response: web.StreamResponse) -> None:
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if not request.path.startswith("/static/"):
        response.headers.setdefault("Cache-Control", "no-store")


@web.middleware
async def database_down(request: web.Request, handler: Any) -> web.StreamResponse:
    """The records database unreachable: a plain 503, not a stack trace."""
    try:
        return await handler(request)
    except RecordStoreUnavailable:
        if request.path.startswith("/api/"):
            return web.json_response({"error": "the records database is unavailable"}, status=503)
        return web.Response(text="The records database is unavailable; try again shortly.", status=503)


@web.middleware
async def staff_session(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every page but the login needs a live session (the API answers 401, pages send to /login);
    every POST (any unsafe method) with a session needs its CSRF token (the API: in X-CSRF-Token; forms: csrf_token)."""
    desk = request.app[DESK]
    token = request.cookies.get(SESSION_COOKIE)
    session = await desk.run(desk.staff.session, token) if token else None
    request[SIGNED_IN] = session
    is_api = request.path.startswith("/api/")
    if session is None and request.path not in PUBLIC_PATHS and not request.path.startswith("/static/"):
        if is_api:
            return web.json_response({"error": "not signed in"}, status=401)
        raise web.HTTPSeeOther("/login")
    if request.method not in SAFE_METHODS and session is not None and request.path not in PUBLIC_PATHS:
        given = request.headers.get(CSRF_HEADER)
        if given is None and not is_api:
            given = (await request.post()).get("csrf_token")
        if not csrf_matches(session, given if isinstance(given, str) else None):
            if is_api:
                return web.json_response({"error": "missing or wrong CSRF token"}, status=403)
            raise web.HTTPForbidden(text="missing or wrong CSRF token: reload the page and try again")
    return await handler(request)


def templates() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True,
                              undefined=jinja2.StrictUndefined)


def create_app(settings: Optional[Settings] = None, desk: Optional[ConsoleDesk] = None) -> web.Application:
    """The console app; `desk` may be given to share a store (tests), else built from the settings."""
    app = web.Application(middlewares=[security_headers, database_down, staff_session], client_max_size=64 * 1024)
    app[DESK] = desk or ConsoleDesk.from_settings(settings or load_settings())
    app[TEMPLATES] = templates()
    pages.add_routes(app)
    api.add_routes(app)
    app.router.add_static("/static/", HERE / "static", follow_symlinks=False)
    return app
