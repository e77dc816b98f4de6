"""The staff console in headless Chromium (Debian's /usr/bin/chromium driven by Playwright) with
the real servers: a customer's refund request over REST, then a staff member signs in, finds it,
reads its transcript, approves it with a note for the customer, and the customer's status check
over REST shows the note. And a take-over: a widget customer asks for a person, staff take over
and write from the conversation's page, which shows the customer's reply without a reload, then
hand back. Screenshots: tests/artifacts/console-request.png (docs/console.png), console-takeover.png."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import uuid
from pathlib import Path
from typing import Any, Iterator

import pytest

from refund_desk.facts import REFERENCE_WRITTEN
from refund_desk.records import NewRequest, RecordStore
from tests.staff_console.console_helpers import console_server
from tests.support.servers import PROJECT_ROOT, VENV_BIN, running_assistant

pytestmark = pytest.mark.e2e

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]
ARTIFACTS = PROJECT_ROOT / "tests" / "artifacts"
REFERENCE = REFERENCE_WRITTEN  # the one pattern, from refund_desk.facts
EMAIL, PASSWORD = "maria.lopez@example.com", "a staff password of some length"
HTML_NAME = "<img src=x onerror=\"document.title='owned'\"><b>Bold</b>"


@pytest.fixture(scope="module")
def desk() -> Iterator[dict[str, Any]]:
    with running_assistant() as assistant:
        env = {k: assistant.env[k] for k in ("DATABASE_URL", "TRACKER_STORE_URL")}
        added = subprocess.run([str(VENV_BIN / "refund-desk"), "staff", "add", EMAIL], input=PASSWORD + "\n",
                               env=assistant.env, capture_output=True, text=True, timeout=60)
        assert added.returncode == 0, added.stderr
        with console_server(env) as url:
            yield {"assistant": assistant, "url": url}


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/install-test-deps.sh (apt-get install chromium)")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


def say(assistant, sender: str, text: str) -> str:
    return "\n".join(m.get("text") or "" for m in assistant.send(sender, text))


def sign_in(page: Any, url: str) -> None:
    page.goto(f"{url}/login")
    page.fill("input[name=email]", EMAIL)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}/requests")


def test_staff_find_read_and_approve_a_request_and_the_customer_sees_the_note(desk, browser):
    assistant, url = desk["assistant"], desk["url"]
    sender, invoice = f"console-{uuid.uuid4().hex[:8]}", f"INV-{uuid.uuid4().int % 90000 + 10000}"
    say(assistant, sender, f"refund for invoice {invoice}, you charged me twice yesterday")
    say(assistant, sender, "Kim Park")
    say(assistant, sender, "kim.park@example.com")
    done = say(assistant, sender, "yes")
    ref = REFERENCE.search(done).group(0)

    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(url) else None)
    sign_in(page, url)
    page.fill("input[name=q]", invoice)
    page.click("form.filters button[type=submit]")
    page.click(f"a[href='/requests/{ref}']")
    page.wait_for_url(f"{url}/requests/{ref}")

    transcript = page.locator("ol.messages li")
    texts = transcript.all_inner_texts()
    assert any(f"refund for invoice {invoice}, you charged me twice yesterday" in t for t in texts), texts
    assert any("Kim Park" in t for t in texts) and any(ref in t for t in texts), texts
    assert page.locator("ol.messages li.from-customer").count() == 4
    assert page.locator("dd[data-field=customer_email]").inner_text() == "kim.park@example.com"
    assert page.locator("blockquote.clause").count() >= 1  # the clause the decision rests on, quoted

    page.select_option("form.status-form select[name=status]", "approved")
    page.fill("form.status-form textarea[name=note]", "Refund of the duplicate charge sent today.")
    page.check("form.status-form input[name=for_customer]")
    page.click("form.status-form button[type=submit]")  # console.js: POST /api/requests/REF/status
    page.locator("h1 .status-approved").wait_for(timeout=30_000)
    last = page.locator("table.history tbody tr").last.inner_text()
    assert EMAIL in last and "open → approved" in last and "Refund of the duplicate charge sent today." in last
    assert "for the customer" in last

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / "console-request.png"
    page.screenshot(path=str(shot), full_page=True)
    docs_copy = PROJECT_ROOT / "docs" / "console.png"
    if not docs_copy.exists() or os.environ.get("UPDATE_DOCS_SCREENSHOT") == "1":
        shutil.copyfile(shot, docs_copy)
    assert outside == []  # nothing from a CDN or anywhere else
    context.close()

    status = say(assistant, sender, f"what's the status of {ref}?")
    assert "approved" in status and "Refund of the duplicate charge sent today." in status, status
    history = assistant.cli_json("requests", "show", ref)["history"]
    assert (history[-1]["by"], history[-1]["to"], history[-1]["for_customer"]) == (EMAIL, "approved", True)


def test_a_name_with_html_markup_stays_text_in_the_browser(desk, browser):
    store = RecordStore(desk["assistant"].env["DATABASE_URL"])
    ref = store.open_request(NewRequest(kind="handoff", customer_name=HTML_NAME, sender_id="html-name")).reference
    context = browser.new_context()
    page = context.new_page()
    sign_in(page, desk["url"])
    page.goto(f"{desk['url']}/requests?q={ref}")
    assert page.locator("table.requests tbody td img, table.requests tbody td b").count() == 0
    page.goto(f"{desk['url']}/requests/{ref}")
    name = page.locator("dd[data-field=customer_name]")
    assert name.inner_text() == HTML_NAME and name.locator("img, b").count() == 0
    assert page.title() != "owned"
    context.close()


class WidgetCustomer:
    """A socket.io customer in a thread of its own (python-socketio's client over long-polling), so
    that it stays connected while the browser acts."""

    def __init__(self, rasa_url: str) -> None:
        import queue

        import socketio

        from refund_desk.settings import load_settings

        self.received: "queue.Queue[dict[str, Any]]" = queue.Queue()
        self.client = socketio.Client(reconnection=False)
        self.client.on("bot_uttered", self.received.put)
        confirmed: "queue.Queue[str]" = queue.Queue()
        self.client.on("session_confirm", lambda data: confirmed.put(data["session_id"]))
        self.client.connect(rasa_url, transports=["polling"], socketio_path="/socket.io",
                            headers={"Origin": load_settings().widget_origins[0]})
        self.client.emit("session_request", {})
        self.session_id = confirmed.get(timeout=15)

    def say(self, text: str) -> None:
        self.client.emit("user_uttered", {"message": text, "session_id": self.session_id})

    def next_message(self, timeout: float = 60) -> dict[str, Any]:
        return self.received.get(timeout=timeout)


def test_staff_take_a_widget_conversation_over_in_the_browser(desk, browser):
    from refund_desk.replies import ASSISTANT_IS_BACK, person_joining_message

    url = desk["url"]
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    sign_in(page, url)  # someone is signed in: the customer is told a person will join
    customer = WidgetCustomer(desk["assistant"].rasa_url)
    try:
        customer.say("I'd like to talk to a real person, I am Ann Ito, ann.ito@example.com")
        assert person_joining_message(None).splitlines()[0] in customer.next_message()["text"]

        page.click("text=Waiting for a person")
        page.click(f"a[href='/conversations/{customer.session_id}']")
        page.click("text=Take over")
        page.fill("form.send-form textarea[name=text]", "Hello, Maria here <3. What's the invoice?")
        page.click("form.send-form button[type=submit]")
        staff_says = customer.next_message(timeout=15)
        assert staff_says == {"text": "Hello, Maria here <3. What's the invoice?",
                              "metadata": {"from": "staff", "name": "Maria"}}

        customer.say("It's INV-30210 <script>document.title='owned'</script>")
        # the page follows the conversation without a reload (console.js reads it every 3 s)
        page.locator("ol.messages li.from-customer", has_text="It's INV-30210").wait_for(timeout=20_000)
        assert page.locator("ol.messages li script").count() == 0 and page.title() != "owned"
        assert "staff (Maria)" in page.locator("ol.messages li.from-staff").first.inner_text()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "console-takeover.png"), full_page=True)

        page.click("text=Hand back to the assistant")
        assert customer.next_message(timeout=15) == {"text": ASSISTANT_IS_BACK, "metadata": {"from": "assistant"}}
    finally:
        customer.client.disconnect()
        context.close()
