"""The console's take-over pages over HTTP, without JavaScript: the waiting list, one conversation
with customer text shown as text, take over / send / release as plain forms with the CSRF token,
and what they leave for the Rasa workers to deliver. (Delivery itself: tests/channels/test_takeover.py.)"""
from __future__ import annotations

import re

import pytest
import requests

from refund_desk.records import RecordStore
from refund_desk.staff import StaffDesk
from refund_desk.takeovers import ask_for_person, conversation_state, pending_pushes
from tests.staff_console.console_helpers import console_databases, console_server, csrf_token, signed_in_client
from tests.staff_console.conversations import conversation_events, sql_tracker_store, store_conversation

PASSWORD = "correct horse battery"
HTML_TEXT = "a person please <img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    work = tmp_path_factory.mktemp("takeover-pages")
    env = console_databases(work)
    store = RecordStore(env["DATABASE_URL"])
    StaffDesk(store).add("ann.lee@example.com", PASSWORD)
    store_conversation(sql_tracker_store(str(work / "conv.db")), "web-ann", conversation_events([
        ("customer", HTML_TEXT, None), ("assistant", "A person from our team will join this chat.", None)]))
    ask_for_person(store, "web-ann", "socketio", {}, "HO-AAAAA-BBBBB")
    ask_for_person(store, "rest-bob", "rest", {}, None)
    with console_server(env) as url:
        yield {"url": url, "store": store}


@pytest.fixture
def ann(desk) -> requests.Session:
    return signed_in_client(desk["url"], "ann.lee@example.com", PASSWORD)


def page_csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_the_waiting_list_links_each_conversation_and_says_which_cannot_be_joined(desk, ann):
    page = ann.get(f"{desk['url']}/handoffs", timeout=30).text
    assert 'href="/conversations/web-ann"' in page and 'href="/conversations/rest-bob"' in page
    assert page.count("can't receive messages") == 1


def test_a_conversation_page_shows_customer_text_as_text(desk, ann):
    page = ann.get(f"{desk['url']}/conversations/web-ann", timeout=30).text
    assert "a person please &lt;img src=x onerror=alert(1)&gt;" in page
    assert "<img src=x" not in page


def test_take_over_send_and_release_as_plain_forms(desk, ann):
    base = f"{desk['url']}/conversations/web-ann"
    token = page_csrf(ann.get(base, timeout=30).text)
    refused = ann.post(f"{base}/takeover", data={}, allow_redirects=False, timeout=30)
    assert refused.status_code == 403 and conversation_state(desk["store"], "web-ann")["state"] == "waiting"

    assert ann.post(f"{base}/takeover", data={"csrf_token": token}, allow_redirects=False,
                    timeout=30).status_code == 303
    sent = ann.post(f"{base}/messages", data={"csrf_token": token, "text": "Hello <b>there</b>"},
                    allow_redirects=False, timeout=30)
    assert sent.status_code == 303
    [push] = pending_pushes(desk["store"], "socketio")
    assert (push.sender_id, push.author_name, push.text) == ("web-ann", "Ann", "Hello <b>there</b>")
    page = ann.get(base, timeout=30).text
    assert "Hello &lt;b&gt;there&lt;/b&gt;" in page and "Hand back to the assistant" in page

    api = ann.get(f"{desk['url']}/api/conversations/web-ann", timeout=30).json()
    assert [line["from"] for line in api["transcript"]] == ["customer", "assistant", "staff"]
    assert api["transcript"][0]["text"] == HTML_TEXT

    assert ann.post(f"{base}/release", data={"csrf_token": token}, allow_redirects=False,
                    timeout=30).status_code == 303
    assert conversation_state(desk["store"], "web-ann")["state"] == "released"
    assert "web-ann" not in ann.get(f"{desk['url']}/handoffs", timeout=30).text


def test_a_rest_conversation_page_says_why_it_cannot_be_taken_over(desk, ann):
    page = ann.get(f"{desk['url']}/conversations/rest-bob", timeout=30).text
    assert "nothing can be sent to them from here" in page and "Take over" not in page
    refused = ann.post(f"{desk['url']}/api/conversations/rest-bob/takeover",
                       headers={"X-CSRF-Token": csrf_token(ann, desk["url"])}, timeout=30)
    assert refused.status_code == 409 and "rest" in refused.json()["error"]


def test_unknown_conversations_are_404(desk, ann):
    assert ann.get(f"{desk['url']}/api/conversations/nobody", timeout=30).status_code == 404
    assert ann.get(f"{desk['url']}/conversations/nobody", timeout=30).status_code == 404
