"""The staff console over HTTP, started as make run starts it (python -m console.server), on its
own SQLite records and a conversation Rasa's SQL tracker store wrote: sessions, 401 and 403, the
login limit, the API's shapes, filters, status changes that reach the customer's status check,
and customer text shown as text."""
from __future__ import annotations

from datetime import datetime

import pytest
import requests

from refund_desk.records import NewRequest, RecordStore, RequestRecord, customer_view
from refund_desk.settings import load_settings
from refund_desk.staff import MAX_FAILURES_PER_ACCOUNT, StaffDesk
from tests.staff_console.console_helpers import console_server, csrf_token, signed_in_client
from tests.staff_console.conversations import conversation_events, sql_tracker_store, store_conversation
from tests.support.servers import listening_addresses

PASSWORD = "correct horse battery"
HTML_NAME = "<b>Zoë</b><script>document.title='owned'</script>"


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    """Records (one with an HTML name and a conversation), two staff accounts, the console."""
    work = tmp_path_factory.mktemp("console")
    env = {"DATABASE_URL": f"sqlite:///{work / 'records.db'}", "TRACKER_STORE_URL": f"sqlite:///{work / 'conv.db'}"}
    store = RecordStore(env["DATABASE_URL"])
    staff = StaffDesk(store)
    staff.add("ann@example.com", PASSWORD)
    staff.add("rate@example.com", PASSWORD)
    refs = {
        "html": store.open_request(NewRequest(
            kind="refund", invoice_number="INV-20431", customer_name=HTML_NAME, customer_email="zoe@example.com",
            eligibility="eligible", refund_policy="Pro IT Assist", channel="rest", sender_id="conv-zoe",
            decision="eligible: within 7 days", policy_clauses=({"id": "refund_window", "text": "Refunds <7 days>."},),
        )).reference,
        "other": store.open_request(NewRequest(
            kind="refund", invoice_number="INV-20431", customer_email="kim@example.com", refund_policy="WebPro",
            channel="slack", sender_id="conv-kim")).reference,
        "cancel": store.open_request(NewRequest(
            kind="cancellation", invoice_number="INV-7", customer_email="zoe@example.com",
            refund_policy="Pro IT Assist", channel="socketio")).reference,
    }
    store_conversation(sql_tracker_store(str(work / "conv.db")), "conv-zoe", conversation_events([
        ("customer", "refund for INV-20431 please <img src=x onerror=alert(1)>", None),
        ("assistant", "Your reference is on its way.", None)]))
    with console_server(env) as url:
        yield {"url": url, "store": store, "refs": refs, "env": env}


@pytest.fixture
def ann(desk) -> requests.Session:
    return signed_in_client(desk["url"], "ann@example.com", PASSWORD)


# ------------------------------------------------------------------ no session, no CSRF
@pytest.mark.parametrize("method, path", [
    ("GET", "/api/session"), ("GET", "/api/requests"), ("GET", "/api/requests/RF-AAAAAA"),
    ("POST", "/api/requests/RF-AAAAAA/status"), ("GET", "/api/anything"), ("GET", "/api/report"),
])
@pytest.mark.parametrize("cookie", [None, "made-up-token"])
def test_every_api_call_without_a_valid_session_is_401(desk, method, path, cookie):
    cookies = {"refund_desk_staff": cookie} if cookie else {}
    response = requests.request(method, desk["url"] + path, cookies=cookies, json={"status": "approved"}, timeout=30)
    assert response.status_code == 401


def test_pages_without_a_session_send_to_the_login(desk):
    for path in ("/", "/requests", f"/requests/{desk['refs']['html']}"):
        response = requests.get(desk["url"] + path, allow_redirects=False, timeout=30)
        assert (response.status_code, response.headers["Location"]) == (303, "/login"), path
    response = requests.post(f"{desk['url']}/requests/{desk['refs']['html']}/status", data={"status": "closed"},
                             allow_redirects=False, timeout=30)
    assert response.status_code == 303
    assert desk["store"].get(desk["refs"]["html"])["status"] == "open"


def test_a_post_without_the_csrf_token_is_403_and_changes_nothing(desk, ann):
    ref = desk["refs"]["other"]
    other_session = signed_in_client(desk["url"], "ann@example.com", PASSWORD)
    for headers in ({}, {"X-CSRF-Token": ""}, {"X-CSRF-Token": "guessed"},
                    {"X-CSRF-Token": csrf_token(other_session, desk["url"])}):
        response = ann.post(f"{desk['url']}/api/requests/{ref}/status", json={"status": "denied"}, headers=headers,
                            timeout=30)
        assert response.status_code == 403, headers
    response = ann.post(f"{desk['url']}/requests/{ref}/status", data={"status": "denied"}, allow_redirects=False,
                        timeout=30)
    assert response.status_code == 403
    response = ann.post(f"{desk['url']}/logout", allow_redirects=False, timeout=30)
    assert response.status_code == 403
    assert [h["to"] for h in desk["store"].get(ref)["history"]] == ["open"]


# ------------------------------------------------------------------ signing in and out
def test_the_session_cookie_is_httponly_and_samesite_strict(desk):
    response = requests.post(f"{desk['url']}/login", data={"email": "ann@example.com", "password": PASSWORD},
                             allow_redirects=False, timeout=30)
    assert response.status_code == 303
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("refund_desk_staff=") and "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert "Secure" not in cookie  # plain http on loopback; STAFF_COOKIE_SECURE (or an https CONSOLE_URL) adds it
    assert "Max-Age=28800" in cookie  # STAFF_SESSION_HOURS, 8 by default


def test_secure_cookies_follow_the_console_url_or_the_setting():
    assert load_settings({"CONSOLE_URL": "https://desk.example.com"}).staff_cookie_secure is True
    assert load_settings({"CONSOLE_URL": "http://127.0.0.1:8090"}).staff_cookie_secure is False
    assert load_settings({"STAFF_COOKIE_SECURE": "true"}).staff_cookie_secure is True


def test_a_wrong_password_is_refused_without_a_cookie(desk):
    response = requests.post(f"{desk['url']}/login", data={"email": "ann@example.com", "password": "not it at all"},
                             allow_redirects=False, timeout=30)
    assert response.status_code == 401 and "Set-Cookie" not in response.headers
    assert "Wrong e-mail or password" in response.text


def test_failed_logins_are_limited_per_account(desk):
    for n in range(MAX_FAILURES_PER_ACCOUNT):
        response = requests.post(f"{desk['url']}/login", data={"email": "rate@example.com", "password": f"guess {n}"},
                                 allow_redirects=False, timeout=30)
        assert response.status_code == 401
    response = requests.post(f"{desk['url']}/login", data={"email": "rate@example.com", "password": PASSWORD},
                             allow_redirects=False, timeout=30)
    assert response.status_code == 429 and "Set-Cookie" not in response.headers
    assert "Too many failed sign-ins" in response.text


def test_logging_out_ends_the_session(desk):
    client = signed_in_client(desk["url"], "ann@example.com", PASSWORD)
    cookie = client.cookies["refund_desk_staff"]
    token = csrf_token(client, desk["url"])
    response = client.post(f"{desk['url']}/logout", data={"csrf_token": token}, allow_redirects=False, timeout=30)
    assert response.status_code == 303
    kept = requests.get(f"{desk['url']}/api/session", cookies={"refund_desk_staff": cookie}, timeout=30)
    assert kept.status_code == 401  # the old cookie, replayed, is no session any more


# ------------------------------------------------------------------ the API
def test_one_request_has_its_fields_history_and_transcript(desk, ann):
    ref = desk["refs"]["html"]
    body = ann.get(f"{desk['url']}/api/requests/{ref}", timeout=30).json()
    assert body["reference"] == ref and body["customer_name"] == HTML_NAME and body["kind"] == "refund"
    assert body["policy_clauses"] == [{"id": "refund_window", "text": "Refunds <7 days>."}]
    assert body["history"][0] == {"from": None, "to": "open", "by": "assistant", "at": body["created_at"],
                                  "note": "opened", "for_customer": False}
    assert [(t["from"], t["text"]) for t in body["transcript"]] == [
        ("customer", "refund for INV-20431 please <img src=x onerror=alert(1)>"),
        ("assistant", "Your reference is on its way.")]
    assert all(t["at"].endswith("Z") for t in body["transcript"])
    assert ann.get(f"{desk['url']}/api/requests/RF-NONONO", timeout=30).status_code == 404


@pytest.mark.parametrize("query, expected", [
    ("", {"html", "other", "cancel"}),
    ("?kind=refund", {"html", "other"}),
    ("?q=inv-20431", {"html", "other"}),
    ("?q=ZOE@EXAMPLE", {"html", "cancel"}),
    ("?q=<b>", {"html"}),
    ("?q=%25", set()),  # a LIKE wildcard is searched for as itself
    ("?status=approved&kind=cancellation", set()),
    ("?channel=slack", {"other"}),
    ("?policy=Pro IT Assist&kind=cancellation", {"cancel"}),
    ("?from=2000-01-01&to=2999-12-31", {"html", "other", "cancel"}),
    ("?to=2000-01-01", set()),
])
def test_the_requests_list_filters(desk, ann, query, expected):
    body = ann.get(f"{desk['url']}/api/requests{query}", timeout=30).json()
    names = {name for name, ref in desk["refs"].items() if ref in {r["reference"] for r in body["requests"]}}
    assert names == expected and body["total"] == len(expected)


def test_the_requests_list_is_newest_first_and_paged(desk, ann):
    store = desk["store"]
    extra = [store.open_request(NewRequest(kind="handoff", sender_id=f"page-{n}", channel="pagetest")).reference
             for n in range(27)]
    with store.transaction() as session:  # distinct creation times, one a minute
        for n, ref in enumerate(extra):
            session.query(RequestRecord).filter_by(reference=ref).update({"created_at": datetime(2026, 1, 1, 0, n)})
        session.commit()
    first = ann.get(f"{desk['url']}/api/requests?channel=pagetest", timeout=30).json()
    second = ann.get(f"{desk['url']}/api/requests?channel=pagetest&page=2", timeout=30).json()
    assert (first["total"], first["pages"], len(first["requests"]), len(second["requests"])) == (27, 2, 25, 2)
    assert [r["reference"] for r in first["requests"] + second["requests"]] == extra[::-1]
    assert ann.get(f"{desk['url']}/api/requests?from=yesterday", timeout=30).status_code == 400


def test_a_status_change_is_audited_and_only_a_note_for_the_customer_reaches_them(desk, ann):
    ref, url = desk["refs"]["cancel"], desk["url"]
    headers = {"X-CSRF-Token": csrf_token(ann, url)}
    response = ann.post(f"{url}/api/requests/{ref}/status", headers=headers, timeout=30,
                        json={"status": "in_review", "note": "checking the bank statement", "for_customer": False})
    assert response.status_code == 200 and response.json()["status"] == "in_review"
    assert customer_view(desk["store"].get(ref))["customer_note"] is None
    response = ann.post(f"{url}/api/requests/{ref}/status", headers=headers, timeout=30,
                        json={"status": "approved", "note": "Cancelled, nothing to pay.", "for_customer": True})
    history = response.json()["history"]
    assert [(h["from"], h["to"], h["by"], h["note"], h["for_customer"]) for h in history[1:]] == [
        ("open", "in_review", "ann@example.com", "checking the bank statement", False),
        ("in_review", "approved", "ann@example.com", "Cancelled, nothing to pay.", True)]
    assert customer_view(desk["store"].get(ref))["customer_note"] == "Cancelled, nothing to pay."
    for bad in ({"status": "done"}, {"status": "closed", "note": 5}, ["closed"]):
        assert ann.post(f"{url}/api/requests/{ref}/status", headers=headers, json=bad, timeout=30).status_code == 400
    assert ann.post(f"{url}/api/requests/RF-NONONO/status", headers=headers, json={"status": "closed"},
                    timeout=30).status_code == 404
    assert len(desk["store"].get(ref)["history"]) == 3


def test_the_status_form_works_without_javascript(desk, ann):
    ref, url = desk["refs"]["other"], desk["url"]
    page = ann.get(f"{url}/requests/{ref}", timeout=30).text
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    response = ann.post(f"{url}/requests/{ref}/status", allow_redirects=False, timeout=30,
                        data={"csrf_token": token, "status": "denied", "note": "outside the window"})
    assert (response.status_code, response.headers["Location"]) == (303, f"/requests/{ref}")
    last = desk["store"].get(ref)["history"][-1]
    assert (last["to"], last["by"], last["note"], last["for_customer"]) == ("denied", "ann@example.com",
                                                                             "outside the window", False)


# ------------------------------------------------------------------ pages
def test_customer_text_is_shown_as_text_on_every_page(desk, ann):
    ref, url = desk["refs"]["html"], desk["url"]
    for page in (ann.get(f"{url}/requests", timeout=30).text, ann.get(f"{url}/requests/{ref}", timeout=30).text):
        assert "<b>Zoë</b>" not in page and "<script>document" not in page
        assert "&lt;b&gt;Zoë&lt;/b&gt;&lt;script&gt;document.title=&#39;owned&#39;&lt;/script&gt;" in page
    detail = ann.get(f"{url}/requests/{ref}", timeout=30)
    assert "<img src=x" not in detail.text and "&lt;img src=x onerror=alert(1)&gt;" in detail.text
    assert "Refunds &lt;7 days&gt;." in detail.text
    assert "script-src 'self'" in detail.headers["Content-Security-Policy"]
    assert detail.headers["X-Frame-Options"] == "DENY" and detail.headers["Cache-Control"] == "no-store"


def test_a_request_page_shows_related_requests(desk, ann):
    page = ann.get(f"{desk['url']}/requests/{desk['refs']['html']}", timeout=30).text
    related = page.split('class="related"')[1].split("</ul>")[0]
    assert desk["refs"]["other"] in related and "same invoice" in related
    assert desk["refs"]["cancel"] in related and "same customer" in related


def test_the_console_listens_on_loopback_by_default(desk):
    port = int(desk["url"].rsplit(":", 1)[1])  # started without --host: STAFF_HOST's default
    assert listening_addresses(port) == {"127.0.0.1"}


def test_the_report_counts_the_stored_conversation_and_records(desk, ann):
    body = ann.get(f"{desk['url']}/api/report", timeout=30).json()
    records = desk["store"].list()  # the three above, and those other tests of this module opened
    assert body["conversations"] == 1 and body["requests_opened"] == len(records)  # one stored conversation
    assert body["resolved_by_assistant"] == 1  # conv-zoe opened a request and asked for nobody
    assert body["requests_by_kind"]["cancellation"] == sum(r["kind"] == "cancellation" for r in records)
    assert {"rest", "slack", "socketio"} <= set(body["per_channel"])
    assert ann.get(f"{desk['url']}/api/report?since=2999-01-01", timeout=30).json()["requests_opened"] == 0
    assert ann.get(f"{desk['url']}/api/report?since=soon", timeout=30).status_code == 400
    page = ann.get(f"{desk['url']}/report", timeout=30)
    assert page.status_code == 200 and "Resolved by the assistant" in page.text and "per" not in page.url
