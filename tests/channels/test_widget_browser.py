"""The website widget in headless Chromium (Debian's /usr/bin/chromium driven by Playwright).

Without the `e2e` mark: the demo page against the echo server (our socketio channel from
credentials.yml, no model). With it: a whole refund request against the real Rasa + action
servers, a reload, the record through the CLI, and a screenshot (tests/artifacts/,
docs/widget.png). The session id and its secret live in the page's storage, never in the DOM.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import urlsplit

import pytest

from channel_helpers import PROJECT_ROOT, echo_server
from tests.support.servers import free_port, stop, wait_until_up
from refund_desk.facts import REFERENCE_WRITTEN


CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-dev-shm-usage"]
ARTIFACTS = PROJECT_ROOT / "tests" / "artifacts"
WEB = PROJECT_ROOT / "web"
REFERENCE = REFERENCE_WRITTEN  # the one pattern, from refund_desk.facts
CREDENTIALS = (PROJECT_ROOT / "credentials.yml").read_text()  # our REST and socket.io channels

SHADOW = "document.querySelector('#refund-desk-widget').shadowRoot"


# ---------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def widget_built() -> None:
    if not (WEB / "dist" / "widget.js").exists() or not (WEB / "dist" / "socket.io.min.js").exists():
        if shutil.which("npm") is None:
            pytest.fail("web/dist is not built and npm is missing: run scripts/install-test-deps.sh")
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=WEB, check=True, timeout=600)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/install-test-deps.sh (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("playwright is missing: run scripts/install-test-deps.sh (pip install playwright==1.65.2)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@contextmanager
def demo_server(rasa_url: str, port: int = 0) -> Iterator[str]:
    port = port or free_port()
    logdir = Path(tempfile.mkdtemp(prefix="refund-desk-web-"))
    log = logdir / "serve.log"
    proc = subprocess.Popen([sys.executable, str(WEB / "serve.py"), "--port", str(port), "--rasa-url", rasa_url],
                            stdout=log.open("w"), stderr=subprocess.STDOUT)
    try:
        wait_until_up(f"http://127.0.0.1:{port}/healthz", proc, log, timeout=30)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(proc, timeout=10)
        shutil.rmtree(logdir, ignore_errors=True)


class Widget:
    """The widget on a page, seen the way a person (and a screen reader) finds it."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.outside_requests: list[str] = []
        page.on("request", self._check_request)

    def _check_request(self, request: Any) -> None:
        host = urlsplit(request.url).hostname
        if request.url.startswith(("http", "ws")) and host not in ("127.0.0.1", "localhost"):
            self.outside_requests.append(request.url)

    @property
    def launcher(self) -> Any:
        return self.page.get_by_role("button", name=re.compile("^Open chat"))

    @property
    def input(self) -> Any:
        return self.page.get_by_label("Your message")

    def open(self) -> None:
        if self.input.is_visible():
            return
        self.launcher.click()
        self.input.wait_for(state="visible")

    def bot_messages(self) -> list[str]:
        return self.page.evaluate(f"Array.from({SHADOW}.querySelectorAll('.msg.bot')).map(n => n.innerText)")

    def user_messages(self) -> list[str]:
        return self.page.evaluate(f"Array.from({SHADOW}.querySelectorAll('.msg.user')).map(n => n.innerText)")

    def typing_visible(self) -> bool:
        return self.page.evaluate(f"!!{SHADOW}.querySelector('.typing')")

    def stored(self) -> dict:
        """What the widget keeps in the page's storage."""
        return self.page.evaluate("""() => {
            const key = Object.keys(localStorage).find(k => k.startsWith('refund-desk-widget:') && !k.endsWith(':probe'));
            return key ? JSON.parse(localStorage.getItem(key)) : {};
        }""")

    def session_id(self) -> str:
        return self.stored().get("sessionId")

    def dom_holds(self, value: str) -> bool:
        """Whether the value shows anywhere in the page's DOM (attributes, text, the widget's shadow root)."""
        return self.page.evaluate(f"v => document.documentElement.outerHTML.includes(v) || {SHADOW}.innerHTML.includes(v)",
                                  value)

    def wait_for_bot(self, before: int, timeout: float = 60.0, settle: float = 1.5) -> list[str]:
        """Wait for new bot messages after `before` of them, then until none came for `settle` s."""
        deadline = time.monotonic() + timeout
        while len(self.bot_messages()) <= before:
            if time.monotonic() > deadline:
                raise AssertionError(f"no bot reply; bot said {self.bot_messages()}")
            self.page.wait_for_timeout(100)
        count, quiet = len(self.bot_messages()), time.monotonic()
        while time.monotonic() - quiet < settle:
            self.page.wait_for_timeout(100)
            if len(self.bot_messages()) != count:
                count, quiet = len(self.bot_messages()), time.monotonic()
        return self.bot_messages()

    def type(self, text: str) -> list[str]:
        before = len(self.bot_messages())
        self.input.fill(text)
        self.input.press("Enter")
        return self.wait_for_bot(before)

    def quick_replies(self) -> Any:
        return self.page.get_by_role("group", name="Suggested replies").get_by_role("button")

    def choose(self, wanted: str) -> list[str]:
        """Click the quick reply matching `wanted` (title or payload, loosely); type it if none."""
        buttons = self.quick_replies()
        for i in range(buttons.count()):
            b = buttons.nth(i)
            title, payload = b.inner_text().strip().lower(), (b.get_attribute("data-payload") or "").lower()
            w = wanted.lower()
            if w in title or w in payload or (w == "/affirm" and title in ("yes", "confirm")):
                before = len(self.bot_messages())
                b.click()
                return self.wait_for_bot(before)
        return self.type(wanted)


def opened_widget(browser: Any, url: str, width: int, height: int) -> tuple[Any, Any, Widget]:
    """A new browser context on the demo page with the widget open: (context, page, widget)."""
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    widget = Widget(page)
    page.goto(url)
    widget.open()
    return context, page, widget


def echo_log(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


# ------------------------------------------------------------ without model
@pytest.fixture(scope="module")
def echo_demo(widget_built: None) -> Iterator[tuple[str, Path]]:
    port = free_port()
    with echo_server(CREDENTIALS, extra_env={"WIDGET_ORIGINS": f"http://127.0.0.1:{port}"}) as (rasa_url, log):
        with demo_server(rasa_url, port) as demo:
            yield demo, log


def test_widget_chats_keeps_session_and_is_keyboard_accessible(browser: Any, echo_demo: tuple[str, Path]) -> None:
    demo, log = echo_demo
    context = browser.new_context(viewport={"width": 1100, "height": 760})
    page = context.new_page()
    console_errors: list[str] = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    w = Widget(page)
    page.goto(f"{demo}/?email=jane.doe@example.com")

    # keyboard: the launcher is a labelled button; Enter opens the dialog and focuses the input
    w.launcher.focus()
    page.keyboard.press("Enter")
    w.input.wait_for(state="visible")
    assert page.evaluate(f"{SHADOW}.activeElement.id") == "rd-input"
    assert page.get_by_role("dialog", name="Refund Desk").is_visible()
    assert page.get_by_role("button", name="Send message").is_visible()
    assert page.get_by_role("button", name="Close chat").is_visible()

    # Enter sends; the bot's reply is rendered
    assert w.type("hello") == ["Refund Desk said: echo: hello"] or w.bot_messages()[-1].endswith("echo: hello")
    first_session = w.session_id()
    assert re.fullmatch(r"[0-9a-f]{32}", first_session or "")
    first_secret = w.stored().get("sessionSecret")
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", first_secret or "")
    assert not w.dom_holds(first_session) and not w.dom_holds(first_secret)

    # typing indicator while the bot works
    w.input.fill("slow one")
    w.input.press("Enter")
    page.wait_for_timeout(300)
    assert w.typing_visible()
    w.wait_for_bot(1)
    assert not w.typing_visible()

    # links are links (and nothing else is HTML)
    w.type("see [the policy](https://example.com/policy) and <b>this</b>")
    link = page.get_by_role("link", name="the policy")
    assert link.get_attribute("href") == "https://example.com/policy"
    assert link.get_attribute("rel") == "noopener noreferrer"
    assert "<b>this</b>" in w.bot_messages()[-1]

    # quick replies: clicking sends the payload, shows the title, then they go away
    w.type("buttons")
    assert [w.quick_replies().nth(i).inner_text() for i in range(w.quick_replies().count())] == ["Yes", "No"]
    w.choose("/affirm")
    assert w.bot_messages()[-1].endswith("echo: /affirm")
    assert w.user_messages()[-1].endswith("Yes")
    assert w.quick_replies().count() == 0

    # reload: the conversation is still there, and the session goes on
    shown = w.bot_messages()
    page.reload()
    w.open()
    assert w.bot_messages() == shown
    assert w.session_id() == first_session and w.stored().get("sessionSecret") == first_secret
    w.type("after reload")
    entries = echo_log(log)
    mine = [e for e in entries if e["sender_id"] == first_session]
    assert [e["text"] for e in mine] == ["hello", "slow one", "see [the policy](https://example.com/policy) and <b>this</b>",
                                         "buttons", "/affirm", "after reload"]
    assert all(e["input_channel"] == "socketio" for e in mine)
    assert mine[0]["metadata"]["page_url"] == f"{demo}/?email=jane.doe@example.com"
    assert mine[0]["metadata"]["customer_email"] == "jane.doe@example.com"
    assert mine[0]["metadata"]["page_title"].startswith("Pro IT Assist")

    # "New chat" starts a new session with an empty transcript
    assert not w.launcher.is_visible()
    page.get_by_role("button", name="Start a new conversation").click()
    assert w.bot_messages() == [] and w.user_messages() == []
    w.type("fresh start")
    second_session = w.session_id()
    assert second_session and second_session != first_session
    assert [e["sender_id"] for e in echo_log(log) if e["text"] == "fresh start"] == [second_session]

    # Escape closes and gives focus back to the launcher
    page.keyboard.press("Escape")
    assert not w.input.is_visible()
    assert page.evaluate(f"{SHADOW}.activeElement && {SHADOW}.activeElement.className") == "launcher"

    assert w.outside_requests == [], "the page loaded something from outside"
    assert not [e for e in console_errors if "Content Security Policy" in e or "socket" in e.lower()], console_errors
    context.close()


def test_widget_fills_a_phone_screen(browser: Any, echo_demo: tuple[str, Path]) -> None:
    demo, _ = echo_demo
    context = browser.new_context(viewport={"width": 375, "height": 667}, device_scale_factor=2,
                                  is_mobile=True, has_touch=True)
    page = context.new_page()
    w = Widget(page)
    page.goto(demo)
    launcher = w.launcher.bounding_box()
    assert launcher["x"] + launcher["width"] <= 375 and launcher["y"] + launcher["height"] <= 667
    w.launcher.tap()
    w.input.wait_for(state="visible")
    panel = page.get_by_role("dialog", name="Refund Desk").bounding_box()
    assert (panel["x"], panel["y"], panel["width"], panel["height"]) == (0, 0, 375, 667)
    w.type("hello from a phone")
    font_size = page.evaluate(f"getComputedStyle({SHADOW}.querySelector('#rd-input')).fontSize")
    assert font_size == "16px"  # smaller makes iOS zoom in on focus
    send = page.get_by_role("button", name="Send message").bounding_box()
    assert send["x"] + send["width"] <= 375 and send["height"] >= 40  # reachable, big enough to tap
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "widget-phone-echo.png"))
    context.close()


def test_widget_shows_who_writes_when_a_person_takes_over(browser: Any, echo_demo: tuple[str, Path]) -> None:
    """Staff take the widget's conversation over as the console does (refund_desk.takeovers on the
    server's records database); the server's delivery loop pushes their message to this page."""
    from refund_desk.records import RecordStore
    from refund_desk.replies import ASSISTANT_IS_BACK
    from refund_desk.takeovers import ask_for_person, release, send_staff_message, take_over

    demo, log = echo_demo
    store = RecordStore(f"sqlite:///{log.parent / 'records.db'}")  # the echo server's DATABASE_URL
    context, page, w = opened_widget(browser, demo, 1100, 760)
    w.type("a person please")
    sender, staff = w.session_id(), "dana.obrien@example.com"
    ask_for_person(store, sender, "socketio", {}, None)
    take_over(store, sender, staff)
    before = len(w.bot_messages())
    send_staff_message(store, sender, staff, "Hi, I'm <b>Dana</b>, looking at it now.")
    staff_bubble = w.wait_for_bot(before, timeout=15)[-1]
    assert staff_bubble.startswith("Dana (from our team)\n") and "Dana said:" in staff_bubble  # seen and heard
    assert staff_bubble.endswith("Hi, I'm <b>Dana</b>, looking at it now.")
    assert page.evaluate(f"{SHADOW}.querySelector('.msg.bot:last-of-type b')") is None  # shown as text
    before = len(w.bot_messages())
    release(store, sender, staff, ASSISTANT_IS_BACK)
    greeting = w.wait_for_bot(before, timeout=15)[-1]
    assert greeting.startswith("Assistant\n") and greeting.endswith(ASSISTANT_IS_BACK)
    labels = page.evaluate(f"Array.from({SHADOW}.querySelectorAll('.msg.bot')).map(n => n.dataset.speaker || '')")
    assert labels[-2:] == ["Dana (from our team)", "Assistant"] and labels[0] == ""  # no label before a person
    page.reload()  # the widget keeps who wrote what
    w.open()
    assert w.bot_messages()[-2].startswith("Dana (from our team)\n")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "widget-takeover-echo.png"))
    context.close()


def test_demo_page_serves_only_local_assets(echo_demo: tuple[str, Path]) -> None:
    import urllib.request

    demo, _ = echo_demo
    with urllib.request.urlopen(demo + "/") as resp:
        page = resp.read().decode()
        csp = resp.headers["Content-Security-Policy"]
    assert re.findall(r'<script src="([^"]+)"', page) == ["/widget/widget.js"]
    assert "default-src 'self'" in csp and "font-src 'none'" in csp
    with urllib.request.urlopen(demo + "/widget/socket.io.min.js") as resp:
        assert b"Socket.IO v4.8.4" in resp.read(300)
    widget = (WEB / "dist" / "widget.js").read_text()
    assert not re.search(r"https?://(?!example\.com|assist\.example\.com|www\.w3\.org)", widget), "external URL in widget"


# ------------------------------------------------------------ end to end
@pytest.mark.e2e
def test_e2e_refund_request_in_the_browser(browser: Any, widget_built: None, tmp_path: Path) -> None:
    from tests.support.servers import running_assistant

    port = free_port()
    with running_assistant(extra_env={"WIDGET_ORIGINS": f"http://127.0.0.1:{port}"}) as a, \
            demo_server(a.rasa_url, port) as demo:
        context, page, w = opened_widget(browser, demo, 1200, 900)
        w.type("I want a refund")
        w.type("INV-20431")
        w.type("yesterday")
        assert w.quick_replies().count() > 0, "the bot offered no reasons to click"
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "widget-reason-buttons.png"))
        w.choose("I was charged twice")

        # reload in the middle: everything said so far is still shown, the session goes on
        shown = w.bot_messages()
        session = w.session_id()
        page.reload()
        w.open()
        assert w.bot_messages() == shown and w.session_id() == session

        w.type("Jane Doe")
        w.type("jane.doe@example.com")
        assert w.quick_replies().count() > 0, "the bot offered no Yes/No to confirm"
        w.choose("/affirm")
        found = REFERENCE.findall("\n".join(w.bot_messages()))
        assert found, w.bot_messages()

        page.reload()
        w.open()
        assert REFERENCE.findall("\n".join(w.bot_messages()))[-1] == found[-1]
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        # Show the end of the conversation: the summary the user confirmed at the top (desktop),
        # the confirmation and the outcome (phone).
        def scroll_to_last_user_message(offset: int) -> None:
            page.evaluate(f"""() => {{
                const log = {SHADOW}.querySelector('.log');
                const nodes = Array.from(log.querySelectorAll('.msg'));
                const target = nodes[nodes.map(n => n.dataset.from).lastIndexOf('user') + {offset}];
                if (target) log.scrollTop = target.offsetTop - log.offsetTop - 8;
            }}""")
            page.wait_for_timeout(200)

        scroll_to_last_user_message(-1)
        shot = ARTIFACTS / "widget-refund.png"
        page.screenshot(path=str(shot))
        page.set_viewport_size({"width": 390, "height": 844})
        scroll_to_last_user_message(0)
        page.screenshot(path=str(ARTIFACTS / "widget-refund-phone.png"))
        docs_copy = PROJECT_ROOT / "docs" / "widget.png"
        if not docs_copy.exists() or os.environ.get("UPDATE_DOCS_SCREENSHOT") == "1":
            docs_copy.parent.mkdir(exist_ok=True)
            shutil.copyfile(shot, docs_copy)
        assert w.outside_requests == []

        records = [r for r in a.cli_json("requests", "list") if r.get("reference") == found[-1]]
        assert records, f"no record {found[-1]}"
        assert records[0]["channel"] == "socketio"
        assert records[0]["sender_id"] == session
        assert records[0]["invoice_number"] == "INV-20431"
        context.close()
