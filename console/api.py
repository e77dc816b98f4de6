"""The console's JSON API under /api/ (the session cookie; every POST carries X-CSRF-Token)."""
from __future__ import annotations

from typing import Any

from aiohttp import web

from console.desk import DESK, BadFilter, BadStatusChange, page_number, report_since, request_filter, signed_in
from refund_desk.records import UnknownRequest
from refund_desk.report import current_report
from refund_desk.request_search import search_requests
from refund_desk.takeovers import TakeoverRefused, UnknownConversation


async def session(request: web.Request) -> web.Response:
    me = signed_in(request)
    return web.json_response({"csrf_token": me.csrf_token, "email": me.email,
                              "expires_at": me.expires_at.isoformat(timespec="seconds") + "Z"})


async def requests_list(request: web.Request) -> web.Response:
    desk = request.app[DESK]
    try:
        found = await desk.run(search_requests, desk.store, request_filter(request.query), page_number(request.query))
    except BadFilter as exc:
        return web.json_response({"error": str(exc)}, status=400)
    return web.json_response({"requests": found.records, "total": found.total, "page": found.page,
                              "pages": found.pages})


async def request_detail(request: web.Request) -> web.Response:
    desk = request.app[DESK]
    try:
        detail = await desk.run(desk.request_detail, request.match_info["reference"])
    except UnknownRequest:
        return web.json_response({"error": "no such request"}, status=404)
    return web.json_response(detail)


async def change_status(request: web.Request) -> web.Response:
    """{"status", "note", "for_customer"}: the same use case as `refund-desk requests set-status`."""
    desk = request.app[DESK]
    try:
        body: Any = await request.json()
    except ValueError:
        return web.json_response({"error": "the body must be JSON"}, status=400)
    if not isinstance(body, dict):
        return web.json_response({"error": "the body must be a JSON object"}, status=400)
    reference = request.match_info["reference"]
    try:
        await desk.run(desk.change_status, reference, body.get("status"), signed_in(request).email,
                       body.get("note"), body.get("for_customer") is True)
        detail = await desk.run(desk.request_detail, reference)
    except BadStatusChange as exc:
        return web.json_response({"error": str(exc)}, status=400)
    except UnknownRequest:
        return web.json_response({"error": "no such request"}, status=404)
    return web.json_response(detail)


async def report(request: web.Request) -> web.Response:
    """The report's figures (refund-desk report --json); ?since=YYYY-MM-DD."""
    desk = request.app[DESK]
    try:
        since = report_since(request.query)
    except ValueError:
        return web.json_response({"error": "since must be a date, YYYY-MM-DD"}, status=400)
    return web.json_response(await desk.run(current_report, desk.settings, desk.store, since))


async def handoffs(request: web.Request) -> web.Response:
    """Conversations waiting for a person (or held by one), each with its sender_id."""
    desk = request.app[DESK]
    return web.json_response({"handoffs": await desk.run(desk.handoffs)})


async def conversation(request: web.Request) -> web.Response:
    desk = request.app[DESK]
    try:
        return web.json_response(await desk.run(desk.conversation, request.match_info["sender_id"]))
    except UnknownConversation:
        return web.json_response({"error": "no such conversation"}, status=404)


async def _takeover_step(request: web.Request, step: Any, *args: Any) -> web.Response:
    """A take-over step of the signed-in staff member: 404 for an unknown conversation, 409 when refused."""
    desk = request.app[DESK]
    try:
        done = await desk.run(step, request.match_info["sender_id"], signed_in(request).email, *args)
    except UnknownConversation:
        return web.json_response({"error": "no customer of this conversation asked for a person"}, status=404)
    except TakeoverRefused as exc:
        return web.json_response({"error": str(exc)}, status=409)
    return web.json_response(done)


async def takeover(request: web.Request) -> web.Response:
    return await _takeover_step(request, request.app[DESK].take_over)


async def message(request: web.Request) -> web.Response:
    """{"text": ...}: sent into the customer's own channel."""
    try:
        body: Any = await request.json()
    except ValueError:
        return web.json_response({"error": "the body must be JSON"}, status=400)
    if not isinstance(body, dict) or not isinstance(body.get("text"), str):
        return web.json_response({"error": "the body must be a JSON object with a text"}, status=400)
    return await _takeover_step(request, request.app[DESK].send, body["text"])


async def release(request: web.Request) -> web.Response:
    return await _takeover_step(request, request.app[DESK].release)


def add_routes(app: web.Application) -> None:
    app.router.add_get("/api/session", session)
    app.router.add_get("/api/requests", requests_list)
    app.router.add_get("/api/requests/{reference}", request_detail)
    app.router.add_post("/api/requests/{reference}/status", change_status)
    app.router.add_get("/api/report", report)
    app.router.add_get("/api/handoffs", handoffs)
    app.router.add_get("/api/conversations/{sender_id}", conversation)
    app.router.add_post("/api/conversations/{sender_id}/takeover", takeover)
    app.router.add_post("/api/conversations/{sender_id}/messages", message)
    app.router.add_post("/api/conversations/{sender_id}/release", release)
