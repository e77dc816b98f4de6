"""The console's server-rendered pages: sign in and out, the requests list, one request, the report,
the conversations waiting for a person and one conversation to take over."""
from __future__ import annotations

from typing import Any, Optional
from urllib.parse import quote

from aiohttp import web

from console.desk import (DESK, SESSION_COOKIE, SIGNED_IN, TEMPLATES, BadFilter, BadStatusChange, login_address,
                          page_number, report_since, request_filter, signed_in)
from refund_desk.facts import REFERENCE_PREFIX, STATUSES
from refund_desk.records import UnknownRequest
from refund_desk.report import current_report
from refund_desk.request_search import filter_choices, search_requests
from refund_desk.staff import FAILURE_WINDOW, LoginRefused, LoginThrottled
from refund_desk.takeovers import MAX_STAFF_MESSAGE_CHARS, TakeoverRefused, UnknownConversation

RECORD_KINDS = tuple(REFERENCE_PREFIX)  # refund, cancellation, chargeback, handoff


def render(request: web.Request, template: str, status: int = 200, **context: Any) -> web.Response:
    session = request.get(SIGNED_IN)
    page = request.app[TEMPLATES].get_template(template).render(
        me=session, csrf_token=session.csrf_token if session else "", **context)
    return web.Response(text=page, status=status, content_type="text/html", charset="utf-8")


async def login_form(request: web.Request) -> web.Response:
    if request.get(SIGNED_IN) is not None:
        raise web.HTTPSeeOther("/requests")
    return render(request, "login.html", error=None, email="")


async def login(request: web.Request) -> web.Response:
    desk = request.app[DESK]
    form = await request.post()
    email, password = str(form.get("email") or ""), str(form.get("password") or "")
    try:
        session = await desk.run(desk.staff.log_in, email, password,
                                 login_address(request, desk.settings.forwarded_for_header))
    except LoginThrottled:
        minutes = int(FAILURE_WINDOW.total_seconds() // 60)
        return render(request, "login.html", status=429, email=email,
                      error=f"Too many failed sign-ins. Try again in {minutes} minutes.")
    except LoginRefused:
        return render(request, "login.html", status=401, email=email, error="Wrong e-mail or password.")
    response = web.HTTPSeeOther("/requests")
    response.set_cookie(SESSION_COOKIE, session.token, httponly=True, samesite="Strict", path="/",
                        secure=desk.settings.staff_cookie_secure,
                        max_age=int(desk.staff.session_lifetime.total_seconds()))
    raise response


async def logout(request: web.Request) -> web.Response:
    desk = request.app[DESK]
    await desk.run(desk.staff.log_out, request.cookies.get(SESSION_COOKIE))
    response = web.HTTPSeeOther("/login")
    response.del_cookie(SESSION_COOKIE, path="/")
    raise response


async def home(request: web.Request) -> web.Response:
    raise web.HTTPSeeOther("/requests")


async def healthz(request: web.Request) -> web.Response:
    return web.Response(text="ok")


async def requests_page(request: web.Request) -> web.Response:
    desk = request.app[DESK]
    error: Optional[str] = None
    try:
        wanted, page = request_filter(request.query), page_number(request.query)
    except BadFilter as exc:
        error = str(exc)
        wanted, page = request_filter({}), 1
    found = await desk.run(search_requests, desk.store, wanted, page)
    choices = await desk.run(filter_choices, desk.store)
    query = {k: v for k, v in request.query.items() if k != "page" and v}
    return render(request, "requests.html", found=found, query=query, error=error, statuses=STATUSES,
                  kinds=RECORD_KINDS, choices=choices)


async def request_page(request: web.Request, *, error: Optional[str] = None, status: int = 200) -> web.Response:
    desk = request.app[DESK]
    reference = request.match_info["reference"]
    try:
        record = await desk.run(desk.request_detail, reference)
    except UnknownRequest:
        return render(request, "missing.html", status=404, reference=reference)
    related = await desk.run(desk.related, reference)
    return render(request, "request.html", status=status, r=record, related=related, statuses=STATUSES,
                  error=error, console_url=desk.settings.console_url)


async def status_form(request: web.Request) -> web.Response:
    """The page's status form without JavaScript (with it, the page posts to the API instead)."""
    desk = request.app[DESK]
    form = await request.post()
    reference = request.match_info["reference"]
    try:
        await desk.run(desk.change_status, reference, form.get("status"), signed_in(request).email,
                       form.get("note"), form.get("for_customer") == "on")
    except BadStatusChange as exc:
        return await request_page(request, error=str(exc), status=400)
    except UnknownRequest:
        return render(request, "missing.html", status=404, reference=reference)
    raise web.HTTPSeeOther(f"/requests/{reference}")


async def report_page(request: web.Request) -> web.Response:
    desk = request.app[DESK]
    try:
        since = report_since(request.query)
    except ValueError:
        since = None
    figures = await desk.run(current_report, desk.settings, desk.store, since)
    return render(request, "report.html", report=figures, since=since.date().isoformat() if since else "")


async def handoffs_page(request: web.Request) -> web.Response:
    desk = request.app[DESK]
    return render(request, "handoffs.html", handoffs=await desk.run(desk.handoffs))


async def conversation_page(request: web.Request, *, error: Optional[str] = None, status: int = 200) -> web.Response:
    desk = request.app[DESK]
    sender_id = request.match_info["sender_id"]
    try:
        shown = await desk.run(desk.conversation, sender_id)
    except UnknownConversation:
        return render(request, "missing.html", status=404, reference=sender_id, what="conversation")
    return render(request, "conversation.html", status=status, c=shown, error=error,
                  max_chars=MAX_STAFF_MESSAGE_CHARS)


async def takeover_form(request: web.Request) -> web.Response:
    """The conversation page's buttons and send box without JavaScript: take over, send, release."""
    desk = request.app[DESK]
    form = await request.post()
    sender_id, step = request.match_info["sender_id"], request.match_info["step"]
    by = signed_in(request).email
    try:
        if step == "takeover":
            await desk.run(desk.take_over, sender_id, by)
        elif step == "messages":
            await desk.run(desk.send, sender_id, by, str(form.get("text") or ""))
        elif step == "release":
            await desk.run(desk.release, sender_id, by)
        else:
            raise web.HTTPNotFound()
    except UnknownConversation:
        return render(request, "missing.html", status=404, reference=sender_id, what="conversation")
    except TakeoverRefused as exc:
        return await conversation_page(request, error=str(exc), status=409)
    raise web.HTTPSeeOther(f"/conversations/{quote(sender_id, safe='')}")


def add_routes(app: web.Application) -> None:
    app.router.add_get("/", home)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/login", login_form)
    app.router.add_post("/login", login)
    app.router.add_post("/logout", logout)
    app.router.add_get("/requests", requests_page)
    app.router.add_get("/report", report_page)
    app.router.add_get("/requests/{reference}", request_page)
    app.router.add_post("/requests/{reference}/status", status_form)
    app.router.add_get("/handoffs", handoffs_page)
    app.router.add_get("/conversations/{sender_id}", conversation_page)
    app.router.add_post("/conversations/{sender_id}/{step}", takeover_form)
