"""Take-over end to end (issue 18 §2): the real Rasa and action servers, the staff console on the
same databases, a socket.io customer (as the widget) and a Slack customer (fake Slack Web API).

A customer asks for a person; staff take over through the console's API; the staff message
reaches the customer's own channel; the assistant stays silent on the customer's replies, also
after '/session_start' and a Rasa restart; release; the assistant greets the customer and answers
again. The API's 401 and 403 on the new endpoints.
"""
from __future__ import annotations

import asyncio
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, Optional

import pytest
import requests
import socketio
from fake_slack import ApiCall, FakeSlack
from slack_requests import SlackSender

from channel_helpers import BOT_TOKEN, SIGNING_SECRET
from refund_desk.records import RecordStore
from refund_desk.replies import ASSISTANT_IS_BACK, person_joining_message
from refund_desk.settings import load_settings
from refund_desk.staff import StaffDesk

PASSWORD = "correct horse battery"
STAFF = "dana.obrien@example.com"
WIDGET_ORIGIN = load_settings().widget_origins[0]
PERSON_WILL_JOIN = person_joining_message(None)
QUIET_SECONDS = 5.0  # the assistant answers within a second or two here; silence this long is silence


def credentials(api_url: str) -> str:
    return f"""
rest:
connectors.channels.RefundDeskSocketIOInput:
  user_message_evt: user_uttered
  bot_message_evt: bot_uttered
  session_persistence: true
connectors.slack.RefundDeskSlackInput:
  slack_token: {BOT_TOKEN}
  slack_signing_secret: {SIGNING_SECRET}
  slack_api_url: {api_url}
  use_threads: true
  env_file: /nonexistent/.env
"""


class Customer:
    """A socket.io customer as the widget is one: keeps its session id and secret to rejoin."""

    def __init__(self, url: str, session_id: Optional[str] = None, secret: Optional[str] = None) -> None:
        self.url, self.session_id, self.secret = url, session_id, secret
        self.client = socketio.AsyncClient(reconnection=False)
        self.messages: "asyncio.Queue[dict[str, Any]]" = asyncio.Queue()
        self.confirmed: "asyncio.Future[None]" = asyncio.get_running_loop().create_future()
        self.client.on("bot_uttered", self.messages.put)
        self.client.on("session_confirm", self._confirmed)

    async def _confirmed(self, data: dict[str, Any]) -> None:
        self.session_id = data["session_id"]
        self.secret = data.get("session_secret") or self.secret
        if not self.confirmed.done():
            self.confirmed.set_result(None)

    async def __aenter__(self) -> "Customer":
        await self.client.connect(self.url, socketio_path="/socket.io", transports=["websocket"],
                                  headers={"Origin": WIDGET_ORIGIN})
        await self.client.emit("session_request", {"session_id": self.session_id, "session_secret": self.secret})
        await asyncio.wait_for(self.confirmed, 15)
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.client.disconnect()

    async def say(self, text: str) -> None:
        await self.client.emit("user_uttered", {"message": text, "session_id": self.session_id})

    async def next_message(self, timeout: float = 60.0) -> dict[str, Any]:
        return await asyncio.wait_for(self.messages.get(), timeout)

    async def turn(self, text: str) -> list[dict[str, Any]]:
        """Say something; the messages that come back until quiet for 2 s."""
        await self.say(text)
        got = [await self.next_message()]
        while True:
            try:
                got.append(await self.next_message(2.0))
            except asyncio.TimeoutError:
                return got

    async def silence(self, seconds: float = QUIET_SECONDS) -> list[dict[str, Any]]:
        """What arrives within `seconds` ([] is silence)."""
        got = []
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                got.append(await self.next_message(left))
            except asyncio.TimeoutError:
                break
        return got


class Console:
    """The console's JSON API as a signed-in staff member."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.http = requests.Session()
        signed = self.http.post(f"{url}/login", data={"email": STAFF, "password": PASSWORD}, allow_redirects=False,
                                timeout=30)
        assert signed.status_code == 303, signed.text[:300]
        self.csrf = self.http.get(f"{url}/api/session", timeout=30).json()["csrf_token"]

    def get(self, path: str) -> Any:
        response = self.http.get(f"{self.url}{path}", timeout=30)
        assert response.status_code == 200, (path, response.status_code, response.text[:300])
        return response.json()

    def post(self, path: str, body: Optional[dict[str, Any]] = None, status: int = 200) -> Any:
        response = self.http.post(f"{self.url}{path}", json=body or {}, headers={"X-CSRF-Token": self.csrf},
                                  timeout=30)
        assert response.status_code == status, (path, response.status_code, response.text[:300])
        return response.json()

    def waiting(self) -> dict[str, dict[str, Any]]:
        return {h["sender_id"]: h for h in self.get("/api/handoffs")["handoffs"]}

    def transcript(self, sender_id: str) -> list[dict[str, Any]]:
        return self.get(f"/api/conversations/{sender_id}")["transcript"]

    def wait_for_customer_line(self, sender_id: str, text: str, timeout: float = 60.0) -> list[dict[str, Any]]:
        """The transcript once the customer's `text` is in it (the server has taken the message in).
        From a coroutine, call it through `asyncio.to_thread` (the socket.io client sends meanwhile)."""
        deadline = time.monotonic() + timeout
        while True:
            lines = self.transcript(sender_id)
            if any(line["from"] == "customer" and line["text"] == text for line in lines):
                return lines
            assert time.monotonic() < deadline, f"{text!r} never reached the console: {lines}"
            time.sleep(0.5)


@pytest.fixture(scope="module")
def fake_slack() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        yield fake


@contextmanager
def assistant_and_console(api_url: str, workdir: Path, workers: int = 1) -> Iterator[dict[str, Any]]:
    """Rasa (`workers` Sanic workers) and the action server, the console on the same databases, a
    staff member signed in."""
    from tests.staff_console.console_helpers import console_server
    from tests.support.servers import running_assistant

    creds = workdir / "credentials.yml"
    creds.write_text(credentials(api_url))
    # two workers load the model at once: on a busy 2-core machine that takes longer than one
    with running_assistant(credentials=creds, extra_env={"SANIC_WORKERS": str(workers)},
                           start_timeout=240 * workers) as assistant:
        env = {name: assistant.env[name] for name in ("DATABASE_URL", "TRACKER_STORE_URL")}
        StaffDesk(RecordStore(env["DATABASE_URL"])).add(STAFF, PASSWORD)
        with console_server(env) as url:
            yield {"assistant": assistant, "console": Console(url), "url": url}


@pytest.fixture(scope="module")
def desk(fake_slack: FakeSlack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    with assistant_and_console(fake_slack.api_url, tmp_path_factory.mktemp("takeover")) as shared:
        yield shared


def texts(messages: list[dict[str, Any]]) -> str:
    return "\n".join(str(m.get("text") or "") for m in messages)


@pytest.mark.e2e
def test_takeover_over_the_website_widget(desk: dict[str, Any]) -> None:
    assistant, console = desk["assistant"], desk["console"]

    async def before_restart() -> tuple[str, str]:
        async with Customer(assistant.rasa_url) as customer:
            asked = await customer.turn("I want to talk to a person, I am Ann Ito, ann.ito@example.com")
            assert PERSON_WILL_JOIN.splitlines()[0] in texts(asked)
            sender = customer.session_id
            assert console.waiting()[sender]["channel"] == "socketio"

            taken = console.post(f"/api/conversations/{sender}/takeover")
            assert taken["state"] == "taken" and taken["taken_by"] == STAFF
            console.post(f"/api/conversations/{sender}/messages", {"text": "Hello, Dana here. How can I help?"})
            staff_says = await customer.next_message(timeout=15)
            assert staff_says["text"] == "Hello, Dana here. How can I help?"
            assert staff_says["metadata"] == {"from": "staff", "name": "Dana"}

            await customer.say("I was charged twice for INV-20431 <b>please</b>")
            assert await customer.silence() == []
            lines = await asyncio.to_thread(console.wait_for_customer_line, sender,
                                            "I was charged twice for INV-20431 <b>please</b>")
            assert [line["from"] for line in lines[-2:]] == ["staff", "customer"]

            await customer.say("/session_start")  # a new session un-pauses Rasa's tracker, not our take-over
            await asyncio.to_thread(console.wait_for_customer_line, sender, "/session_start")
            await customer.say("hello? I want a refund")
            assert await customer.silence() == []
            await asyncio.to_thread(console.wait_for_customer_line, sender, "hello? I want a refund")
            return sender, customer.secret

    sender, secret = asyncio.run(before_restart())
    assistant.restart_rasa()

    async def after_restart() -> None:
        async with Customer(assistant.rasa_url, sender, secret) as customer:
            assert customer.session_id == sender  # the same conversation after the restart
            await customer.say("are you still there?")
            assert await customer.silence() == []
            await asyncio.to_thread(console.wait_for_customer_line, sender, "are you still there?")

            console.post(f"/api/conversations/{sender}/messages", {"text": "Yes. I'm handing you back now."})
            assert (await customer.next_message(timeout=15))["metadata"]["from"] == "staff"
            console.post(f"/api/conversations/{sender}/release")
            greeting = await customer.next_message(timeout=15)
            assert greeting["text"] == ASSISTANT_IS_BACK and greeting["metadata"] == {"from": "assistant"}
            assert sender not in console.waiting()

            answered = await customer.turn("I want a refund")
            assert answered and all((m.get("metadata") or {}).get("from") != "staff" for m in answered)

    asyncio.run(after_restart())
    froms = [line["from"] for line in console.transcript(sender)]
    assert froms.count("staff") == 2 and froms[-1] == "assistant"


@pytest.mark.e2e
def test_takeover_over_slack_posts_in_the_customers_thread(desk: dict[str, Any], fake_slack: FakeSlack) -> None:
    assistant, console = desk["assistant"], desk["console"]
    slack = SlackSender(f"{assistant.rasa_url}/webhooks/slack/webhook", SIGNING_SECRET)
    user, dm = f"U{int(time.time() * 1000)}", f"D{int(time.time() * 1000)}"
    in_dm = lambda call: call.params.get("channel") == dm  # noqa: E731

    asked = slack.envelope("can I speak to a human please, I am Ann Ito, ann.ito@example.com", user, dm, channel_type="im")
    assert slack.send_event(asked).status == 200
    [joining] = fake_slack.wait_for_posts(1, in_dm, timeout=90, settle=2.0)
    assert PERSON_WILL_JOIN.splitlines()[0] in joining.text
    assert user in console.waiting()  # conversation_granularity sender: the Slack user is the conversation

    console.post(f"/api/conversations/{user}/takeover")
    console.post(f"/api/conversations/{user}/messages", {"text": "Hi, Dana from billing here."})
    posts = fake_slack.wait_for_posts(2, in_dm, timeout=15, settle=0.5)
    staff_post: ApiCall = posts[-1]
    assert "Hi, Dana from billing here." in staff_post.text and "Dana" in staff_post.text.split(":")[0]
    assert staff_post.params.get("thread_ts") == asked["event"]["ts"]  # the thread the customer used

    assert slack.say("it's about INV-55501", user, dm, channel_type="im").status == 200
    console.wait_for_customer_line(user, "it's about INV-55501")
    time.sleep(QUIET_SECONDS)
    assert len(fake_slack.posts(in_dm)) == 2  # the assistant stayed silent

    console.post(f"/api/conversations/{user}/release")
    greeting = fake_slack.wait_for_posts(3, in_dm, timeout=15, settle=0.5)[-1]
    assert greeting.text == ASSISTANT_IS_BACK
    assert slack.say("I want a refund", user, dm, channel_type="im").status == 200
    fake_slack.wait_for_posts(4, in_dm, timeout=60, settle=1.0)  # the assistant answers again


@pytest.mark.e2e
def test_rest_customers_get_the_contact_and_cannot_be_taken_over(desk: dict[str, Any]) -> None:
    assistant, console = desk["assistant"], desk["console"]
    replies = assistant.send("rest-takeover-1", "I want to talk to a person, I am Ann Ito, ann.ito@example.com")
    assert PERSON_WILL_JOIN.splitlines()[0] not in texts(replies)
    listed = console.waiting()["rest-takeover-1"]
    assert listed["can_receive_messages"] is False and "rest" in listed["why_not"]
    refused = console.post("/api/conversations/rest-takeover-1/takeover", status=409)
    assert "rest" in refused["error"]


@pytest.mark.e2e
@pytest.mark.parametrize("method, path", [
    ("GET", "/api/handoffs"), ("GET", "/api/conversations/x"), ("POST", "/api/conversations/x/takeover"),
    ("POST", "/api/conversations/x/messages"), ("POST", "/api/conversations/x/release")])
def test_the_new_endpoints_need_a_session_and_posts_the_csrf_token(desk: dict[str, Any], method: str,
                                                                     path: str) -> None:
    anonymous = requests.request(method, f"{desk['url']}{path}", json={"text": "hi"}, timeout=30)
    assert anonymous.status_code == 401
    if method == "POST":
        without_csrf = desk["console"].http.post(f"{desk['url']}{path}", json={"text": "hi"}, timeout=30)
        assert without_csrf.status_code == 403


@pytest.mark.e2e
def test_with_two_rasa_workers_each_customer_gets_their_staff_message_once(
        fake_slack: FakeSlack, tmp_path_factory: pytest.TempPathFactory) -> None:
    """`make run` starts two Rasa workers; a socket stays on the worker that accepted it, and the
    console writes to neither: the worker holding each customer's socket delivers its messages."""
    with assistant_and_console(fake_slack.api_url, tmp_path_factory.mktemp("two-workers"), workers=2) as shared:
        assistant, console = shared["assistant"], shared["console"]

        async def scenario() -> None:
            customers = [Customer(assistant.rasa_url) for _ in range(6)]
            for customer in customers:
                await customer.__aenter__()
            try:
                for customer in customers:
                    assert PERSON_WILL_JOIN.splitlines()[0] in texts(await customer.turn("a real person please, I am Ann Ito, ann.ito@example.com"))
                for n, customer in enumerate(customers):
                    path = f"/api/conversations/{customer.session_id}"
                    await asyncio.to_thread(console.post, f"{path}/takeover")
                    await asyncio.to_thread(console.post, f"{path}/messages", {"text": f"Only for customer {n}"})
                for n, customer in enumerate(customers):
                    assert (await customer.next_message(timeout=15))["text"] == f"Only for customer {n}"
                assert [await customer.silence(1.0) for customer in customers] == [[]] * len(customers)  # once
            finally:
                for customer in customers:
                    await customer.__aexit__()

        asyncio.run(scenario())
