"""Slack: our connector (connectors.slack) over real HTTP, against a fake Slack Web API.

Without the `e2e` mark: the connector in a small Sanic app whose "bot" echoes (no model).
With it: the real Rasa + action servers hold whole refund conversations over Slack.
"""
from __future__ import annotations

import json
import time
import urllib.request
from pathlib import Path
from typing import Any, Callable, Iterator, Optional

import pytest
from fake_slack import ApiCall, FakeSlack
from slack_requests import SlackSender, new_ts, sign

from channel_helpers import BOT_TOKEN, PROJECT_ROOT, REFUND_STEPS, SIGNING_SECRET, echo_server
from connectors.slack import (
    DEFAULT_SLACK_API_URL,
    RefundDeskSlackInput,
    SeenEvents,
    slack_mrkdwn,
)
from refund_desk.facts import REFERENCE_WRITTEN

SUPPORT_CHANNEL = "C0SUPPORT"
OTHER_CHANNEL = "C0RANDOM"
REFERENCE = REFERENCE_WRITTEN  # the one pattern, from refund_desk.facts


def slack_credentials(api_url: str, extra: str = "") -> str:
    return f"""
rest:
connectors.slack.RefundDeskSlackInput:
  slack_token: {BOT_TOKEN}
  slack_signing_secret: {SIGNING_SECRET}
  slack_channel: {SUPPORT_CHANNEL}
  slack_api_url: {api_url}
  env_file: /nonexistent/.env
tests.channels.slack_variants.ThreadedSlackInput:
  slack_token: {BOT_TOKEN}
  slack_signing_secret: {SIGNING_SECRET}
  slack_channel: {SUPPORT_CHANNEL}
  slack_api_url: {api_url}
  use_threads: true
  conversation_granularity: thread
  env_file: /nonexistent/.env
{extra}"""


def received(log: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in log.read_text().splitlines() if line.strip()]


def get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=30) as resp:
        return json.loads(resp.read())


# ------------------------------------------------------------------ unit level
def test_name_stays_slack_and_api_url_defaults_to_slack() -> None:
    channel = RefundDeskSlackInput.from_credentials(
        {"slack_token": BOT_TOKEN, "slack_signing_secret": SIGNING_SECRET, "env_file": "/nonexistent"})
    assert channel.name() == "slack" and channel.url_prefix() == "slack"
    assert channel.slack_api_url == DEFAULT_SLACK_API_URL == "https://slack.com/api/"
    out = channel.get_output_channel("C1")
    assert out.name() == "slack"
    assert str(out.client.base_url) == "https://slack.com/api/"


def test_settings_fall_back_to_environment_then_env_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("SLACK_BOT_TOKEN=xoxb-from-file\nSLACK_SIGNING_SECRET=file-secret\n"
                        "SLACK_CHANNEL=C0FILE\nSLACK_API_URL=http://127.0.0.1:9/api\n")
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_CHANNEL", "SLACK_API_URL",
                 "SLACK_USE_THREADS", "SLACK_CONVERSATION_GRANULARITY", "SLACK_PROXY"):
        monkeypatch.delenv(name, raising=False)
    channel = RefundDeskSlackInput.from_credentials({"env_file": str(env_file)})
    assert (channel.slack_token, channel.slack_signing_secret, channel.slack_channel) == (
        "xoxb-from-file", "file-secret", "C0FILE")
    assert channel.slack_api_url == "http://127.0.0.1:9/api/"  # trailing slash added
    monkeypatch.setenv("SLACK_CHANNEL", "C0ENV")
    monkeypatch.setenv("SLACK_USE_THREADS", "true")
    channel = RefundDeskSlackInput.from_credentials({"env_file": str(env_file), "slack_token": "xoxb-explicit",
                                                     "slack_signing_secret": ""})
    assert channel.slack_token == "xoxb-explicit"          # credentials.yml wins
    assert channel.slack_signing_secret == "file-secret"   # empty value: falls back
    assert channel.slack_channel == "C0ENV"                # environment over .env
    assert channel.use_threads is True


def test_quoted_variables_are_substituted_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Rasa leaves `"${VAR}"` (quoted) as it is; a token of that text would be sent to Slack."""
    import rasa.shared.utils.io

    creds = tmp_path / "credentials.yml"
    creds.write_text('connectors.slack.RefundDeskSlackInput:\n  slack_token: "${SLACK_BOT_TOKEN}"\n'
                     '  slack_signing_secret: "${SLACK_SIGNING_SECRET}"\n  slack_channel: "${SLACK_CHANNEL}"\n'
                     '  env_file: /nonexistent\n')
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SIGNING_SECRET)
    monkeypatch.delenv("SLACK_CHANNEL", raising=False)
    settings = rasa.shared.utils.io.read_config_file(str(creds))["connectors.slack.RefundDeskSlackInput"]
    assert settings["slack_token"] == "${SLACK_BOT_TOKEN}"  # what Rasa hands over
    channel = RefundDeskSlackInput.from_credentials(settings)
    assert (channel.slack_token, channel.slack_signing_secret, channel.slack_channel) == (
        BOT_TOKEN, SIGNING_SECRET, None)
    monkeypatch.delenv("SLACK_BOT_TOKEN")
    monkeypatch.delenv("SLACK_SIGNING_SECRET")
    assert RefundDeskSlackInput.from_credentials(settings).enabled is False


def test_inert_without_token_and_secret_but_refuses_half_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"):
        monkeypatch.delenv(name, raising=False)
    assert RefundDeskSlackInput.from_credentials({"env_file": "/nonexistent"}).enabled is False
    from rasa.shared.exceptions import InvalidConfigException
    with pytest.raises(InvalidConfigException, match="signing secret"):
        RefundDeskSlackInput.from_credentials({"env_file": "/nonexistent", "slack_token": BOT_TOKEN})
    with pytest.raises(InvalidConfigException, match="SLACK_BOT_TOKEN"):
        RefundDeskSlackInput.from_credentials({"env_file": "/nonexistent", "slack_signing_secret": "s"})


def test_seen_events_expire_and_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = SeenEvents(ttl=10, max_size=3)
    seen.add(["a", None, "b"])
    assert seen.any_seen(["x", "a"]) and not seen.any_seen(["x", None])
    seen.add(["c", "d"])
    assert not seen.any_seen(["a"]) and seen.any_seen(["d"])  # oldest dropped past max_size
    now = time.monotonic()
    monkeypatch.setattr(time, "monotonic", lambda: now + 11)
    assert not seen.any_seen(["b", "c", "d"])


def test_markdown_links_and_bold_become_slack_mrkdwn() -> None:
    assert slack_mrkdwn("See [our policy](https://example.com/p?a=1) **now**") == (
        "See <https://example.com/p?a=1|our policy> *now*")


# ------------------------------------------------- the connector over real HTTP
@pytest.fixture(scope="module")
def fake_slack() -> Iterator[FakeSlack]:
    with FakeSlack() as slack:
        yield slack


@pytest.fixture(scope="module")
def echo(fake_slack: FakeSlack) -> Iterator[tuple[str, Path]]:
    with echo_server(slack_credentials(fake_slack.api_url)) as server:
        yield server


@pytest.fixture
def slack(echo: tuple[str, Path]) -> SlackSender:
    return SlackSender(f"{echo[0]}/webhooks/slack/webhook", SIGNING_SECRET)


def _in(channel: str) -> Callable[[ApiCall], bool]:
    return lambda call: call.params.get("channel") == channel


def _unique(prefix: str) -> str:
    return f"{prefix}{time.time_ns() % 10**10}"


def test_direct_message_is_answered_once_through_the_configured_api(
    slack: SlackSender, fake_slack: FakeSlack, echo: tuple[str, Path]
) -> None:
    dm, user = _unique("D"), _unique("U")
    reply = slack.say("hello <@U0BOT> there", user, dm, channel_type="im")
    assert reply.status == 200, reply.body
    posts = fake_slack.wait_for_posts(1, _in(dm))
    assert [p.text for p in posts] == ["echo: hello there"]
    assert posts[0].authorization == f"Bearer {BOT_TOKEN}"
    assert "as_user" not in posts[0].params and "thread_ts" not in posts[0].params
    [message] = [m for m in received(echo[1]) if m["metadata"].get("out_channel") == dm]
    assert message["input_channel"] == "slack" and message["sender_id"] == user
    assert message["metadata"]["channel_type"] == "im"


def test_health_and_webhook_path(echo: tuple[str, Path]) -> None:
    assert get_json(f"{echo[0]}/webhooks/slack/") == {"status": "ok"}


def test_json_with_charset_is_understood(slack: SlackSender, fake_slack: FakeSlack) -> None:
    dm, user = _unique("D"), _unique("U")
    envelope = slack.envelope("charset please", user, dm, channel_type="im")
    reply = slack.send_event(envelope, content_type="application/json; charset=utf-8")
    assert reply.status == 200
    assert [p.text for p in fake_slack.wait_for_posts(1, _in(dm))] == ["echo: charset please"]


def test_url_verification_challenge(slack: SlackSender) -> None:
    body = {"token": "t", "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
            "type": "url_verification"}
    reply = slack.send_event(body, content_type="application/json; charset=utf-8")
    assert reply.status == 200
    assert reply.json() == {"challenge": body["challenge"]}


@pytest.mark.parametrize("reason", ["http_error", "connection_failed", "http_timeout"])
def test_retry_is_not_answered_twice(
    reason: str, slack: SlackSender, fake_slack: FakeSlack, echo: tuple[str, Path]
) -> None:
    dm, user = _unique("D"), _unique("U")
    envelope = slack.envelope("only once", user, dm, channel_type="im")
    assert slack.send_event(envelope).status == 200
    fake_slack.wait_for_posts(1, _in(dm))
    for number in (1, 2, 3):
        reply = slack.send_event(envelope, headers={"X-Slack-Retry-Num": str(number),
                                                    "X-Slack-Retry-Reason": reason})
        assert reply.status == 200 and reply.headers.get("x-slack-no-retry") == "1"
    time.sleep(1.5)
    assert len(fake_slack.posts(_in(dm))) == 1
    assert len([m for m in received(echo[1]) if m["metadata"].get("out_channel") == dm]) == 1


def test_retry_of_an_event_never_received_is_answered(slack: SlackSender, fake_slack: FakeSlack) -> None:
    dm, user = _unique("D"), _unique("U")
    envelope = slack.envelope("first delivery lost", user, dm, channel_type="im")
    reply = slack.send_event(envelope, headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_error"})
    assert reply.status == 200
    assert len(fake_slack.wait_for_posts(1, _in(dm))) == 1


def test_mention_arriving_as_message_and_app_mention_is_answered_once(
    slack: SlackSender, fake_slack: FakeSlack, echo: tuple[str, Path]
) -> None:
    user, ts = _unique("U"), new_ts()
    # In a channel that is not SLACK_CHANNEL: the `message` event is skipped, the
    # `app_mention` of the same message must still be answered.
    for event_type in ("message", "app_mention"):
        slack.say("<@U0BOT> help", user, OTHER_CHANNEL, event_type=event_type, ts=ts)
    # In SLACK_CHANNEL both are for the bot: answer once.
    ts2 = new_ts()
    for event_type in ("message", "app_mention"):
        slack.say("<@U0BOT> again", user, SUPPORT_CHANNEL, event_type=event_type, ts=ts2)
    posts = fake_slack.wait_for_posts(2, lambda c: c.text in ("echo: help", "echo: again"), settle=2.0)
    assert sorted(p.text for p in posts) == ["echo: again", "echo: help"]


def test_message_in_other_channel_without_mention_is_ignored(
    slack: SlackSender, fake_slack: FakeSlack, echo: tuple[str, Path]
) -> None:
    channel, user = _unique("C"), _unique("U")
    assert slack.say("just chatting", user, channel).status == 200
    time.sleep(1.5)
    assert fake_slack.posts(_in(channel)) == []


def test_bot_messages_and_edits_are_not_answered(slack: SlackSender, fake_slack: FakeSlack) -> None:
    dm = _unique("D")
    bot_echo = slack.envelope("echo: x", "U0BOT", dm, channel_type="im")
    bot_echo["event"]["bot_id"] = "B0REFUND"
    edit = slack.envelope("edited", "U1", dm, channel_type="im")
    edit["event"]["subtype"] = "message_changed"
    assert slack.send_event(bot_echo).status == 200 and slack.send_event(edit).status == 200
    time.sleep(1.5)
    assert fake_slack.posts(_in(dm)) == []


@pytest.mark.parametrize("case", ["bad signature", "stale timestamp", "no signature", "future timestamp"])
def test_unauthentic_requests_are_rejected(
    case: str, slack: SlackSender, fake_slack: FakeSlack, echo: tuple[str, Path]
) -> None:
    dm, user = _unique("D"), _unique("U")
    body = json.dumps(slack.envelope("let me in", user, dm, channel_type="im")).encode()
    now = int(time.time())
    if case == "bad signature":
        reply = slack.post(body, "application/json", signature=sign("wrong-secret", str(now), body))
    elif case == "no signature":
        reply = slack.post(body, "application/json", signature="")
    else:
        ts = str(now - 6 * 60 if case == "stale timestamp" else now + 6 * 60)
        reply = slack.post(body, "application/json", timestamp=ts, signature=sign(SIGNING_SECRET, ts, body))
    assert reply.status == 401
    time.sleep(1.0)
    assert fake_slack.posts(_in(dm)) == []
    assert not [m for m in received(echo[1]) if m["sender_id"] == user]


def test_buttons_are_blocks_and_a_click_sends_the_payload(
    slack: SlackSender, fake_slack: FakeSlack, echo: tuple[str, Path]
) -> None:
    dm, user = _unique("D"), _unique("U")
    slack.say("buttons", user, dm, channel_type="im")
    [post] = fake_slack.wait_for_posts(1, _in(dm))
    blocks = post.params["blocks"]
    assert blocks[0] == {"type": "section", "text": {"type": "mrkdwn", "text": "Pick one"}}
    assert blocks[1]["type"] == "actions"
    assert [(b["text"]["text"], b["value"]) for b in post.buttons] == [("Yes", "/affirm"), ("No", "/deny")]
    assert len({b["action_id"] for b in post.buttons}) == 2
    assert post.text == "Pick one" and "as_user" not in post.params
    reply = slack.click(post, post.buttons[0], user, content_type="application/x-www-form-urlencoded; charset=utf-8")
    assert reply.status == 200, reply.body
    posts = fake_slack.wait_for_posts(2, _in(dm))
    assert posts[-1].text == "echo: /affirm"
    [update] = [c for c in fake_slack.calls if c.method == "chat.update" and c.params.get("channel") == dm]
    assert update.params["ts"] == post.ts
    assert [b["type"] for b in update.params["blocks"]] == ["section", "context"]  # buttons gone
    assert "Yes" in update.params["blocks"][1]["elements"][0]["text"]
    clicked = [m for m in received(echo[1]) if m["sender_id"] == user]
    assert [m["text"] for m in clicked] == ["buttons", "/affirm"]
    assert clicked[1]["input_channel"] == "slack" and clicked[1]["metadata"]["out_channel"] == dm


def test_threads_when_use_threads_is_on(
    echo: tuple[str, Path], fake_slack: FakeSlack
) -> None:
    threads = SlackSender(f"{echo[0]}/webhooks/slack_threads/webhook", SIGNING_SECRET)
    user, top = _unique("U"), new_ts()
    threads.say("buttons", user, SUPPORT_CHANNEL, ts=top)
    in_thread = lambda c: c.params.get("thread_ts") == top  # noqa: E731
    [post] = fake_slack.wait_for_posts(1, in_thread)
    threads.click(post, post.buttons[1], user)
    fake_slack.wait_for_posts(2, in_thread)
    threads.say("in the thread", user, SUPPORT_CHANNEL, thread_ts=top)
    posts = fake_slack.wait_for_posts(3, in_thread)
    assert [p.text for p in posts] == ["Pick one", "echo: /deny", "echo: in the thread"]
    assert all(p.params["channel"] == SUPPORT_CHANNEL for p in posts)
    senders = {m["sender_id"] for m in received(echo[1]) if m["metadata"].get("thread_id") == top}
    assert senders == {f"{user}_{SUPPORT_CHANNEL}_{top}"}  # conversation_granularity: thread
    # without use_threads, answers go to the channel itself
    plain = SlackSender(f"{echo[0]}/webhooks/slack/webhook", SIGNING_SECRET)
    top2 = new_ts()
    plain.say("not threaded", user, SUPPORT_CHANNEL, ts=top2)
    [post] = fake_slack.wait_for_posts(1, lambda c: c.text == "echo: not threaded")
    assert "thread_ts" not in post.params


def test_channel_stays_off_without_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    env = {"SLACK_BOT_TOKEN": "", "SLACK_SIGNING_SECRET": ""}
    creds = "rest:\nconnectors.slack.RefundDeskSlackInput:\n  env_file: /nonexistent/.env\n"
    with echo_server(creds, extra_env=env) as (url, _):
        assert get_json(f"{url}/webhooks/slack/") == {"status": "disabled"}
        sender = SlackSender(f"{url}/webhooks/slack/webhook", "")
        assert sender.say("hi", "U1", "D1", channel_type="im").status == 503


def test_unset_variable_in_credentials_stops_rasa(tmp_path: Path) -> None:
    """Why the Slack settings are not written as ${VAR} for optional values: Rasa refuses
    to read a credentials file that names an unset variable (see docs/channels.md)."""
    import rasa.shared.utils.io
    from rasa.shared.exceptions import RasaException

    creds = tmp_path / "credentials.yml"
    creds.write_text("connectors.slack.RefundDeskSlackInput:\n  slack_channel: ${REFUND_DESK_UNSET_VARIABLE}\n")
    with pytest.raises(RasaException, match="REFUND_DESK_UNSET_VARIABLE"):
        rasa.shared.utils.io.read_config_file(str(creds))


# ------------------------------------------------------ end to end (real bot)


def pick_button(buttons: list[dict[str, Any]], wanted: str) -> Optional[dict[str, Any]]:
    """The button whose payload or title is `wanted` (Yes for /affirm), loosely."""
    wanted_l = wanted.lower()
    for b in buttons:
        title = (b.get("text", {}).get("text") if isinstance(b.get("text"), dict) else b.get("title")) or ""
        payload = b.get("value") or b.get("payload") or ""
        if wanted_l in (payload.lower(), title.lower()) or wanted_l in payload.lower() or wanted_l in title.lower():
            return b
        if wanted_l == "/affirm" and title.strip().lower() in ("yes", "yes, submit", "confirm"):
            return b
    return None


def refund_steps(invoice: str) -> list[tuple[str, str]]:
    """The refund conversation; each conversation of a server gets its own invoice, since the
    bot answers a second request for the same invoice with the first one's reference."""
    return [(kind, invoice if value == "INV-20431" else value) for kind, value in REFUND_STEPS]


def slack_refund_conversation(
    sender: SlackSender, fake: FakeSlack, user: str, channel: str, channel_type: str,
    where: Callable[[ApiCall], bool], invoice: str,
) -> list[ApiCall]:
    """Hold the refund conversation over Slack; returns every bot post in it."""
    for kind, value in refund_steps(invoice):
        before = len(fake.posts(where))
        button = None
        if kind == "choose":
            recent = [p for p in fake.posts(where) if p.buttons]
            button = pick_button(recent[-1].buttons, value) if recent else None
        if button is not None:
            reply = sender.click(recent[-1], button, user)
        else:
            reply = sender.say(value, user, channel, channel_type=channel_type)
        assert reply.status == 200, reply.body
        fake.wait_for_posts(before + 1, where, timeout=90, settle=2.0)
    return fake.posts(where)


def all_text(post: ApiCall) -> str:
    texts = [post.text]
    for block in post.params.get("blocks") or []:
        if block.get("type") == "section":
            texts.append(block["text"]["text"])
    return "\n".join(texts)


@pytest.fixture(scope="module")
def assistant(fake_slack: FakeSlack, tmp_path_factory: pytest.TempPathFactory):
    from tests.support.servers import running_assistant

    creds = tmp_path_factory.mktemp("slack-e2e") / "credentials.yml"
    creds.write_text(slack_credentials(fake_slack.api_url))
    with running_assistant(credentials=creds) as a:
        yield a


def tracker_user_texts(assistant, sender_id: str) -> list[str]:
    tracker = get_json(assistant.api_url(f"/conversations/{sender_id}/tracker"))
    return [e.get("text") for e in tracker.get("events", []) if e.get("event") == "user"]


def record_for(assistant, reference: str) -> dict[str, Any]:
    records = assistant.cli_json("requests", "list")
    records = records.get("requests", records) if isinstance(records, dict) else records
    matching = [r for r in records if r.get("reference") == reference]
    assert matching, f"no record {reference} in {records}"
    return matching[0]


@pytest.mark.e2e
@pytest.mark.parametrize("where_,invoice", [("channel", "INV-20431"), ("dm", "INV-20432")])
def test_e2e_refund_conversation_over_slack(where_: str, invoice: str, assistant, fake_slack: FakeSlack) -> None:
    sender = SlackSender(f"{assistant.rasa_url}/webhooks/slack/webhook", SIGNING_SECRET)
    user = _unique("U")
    if where_ == "channel":
        channel, channel_type = SUPPORT_CHANNEL, "channel"
    else:
        channel, channel_type = _unique("D"), "im"
    earlier = {id(c) for c in fake_slack.posts()}
    where = lambda c: c.params.get("channel") == channel and id(c) not in earlier  # noqa: E731
    posts = slack_refund_conversation(sender, fake_slack, user, channel, channel_type, where, invoice)
    assert all("as_user" not in p.params for p in posts)
    assert any(p.buttons for p in posts), "the bot never offered buttons"
    clicked = [c for c in fake_slack.calls if c.method == "chat.update" and c.params.get("channel") == channel
               and any(c.params["ts"] == p.ts for p in posts)]
    assert len(clicked) == 2, "the reason and the confirmation were not both clicked"
    found = REFERENCE.findall(all_text(posts[-1])) or REFERENCE.findall("\n".join(all_text(p) for p in posts))
    assert found, [all_text(p) for p in posts]
    record = record_for(assistant, found[-1])
    assert record["channel"] == "slack"
    assert record["sender_id"] == user  # conversation_granularity: sender
    assert record["invoice_number"] == invoice


@pytest.mark.e2e
def test_e2e_retry_gets_no_second_answer(assistant, fake_slack: FakeSlack) -> None:
    sender = SlackSender(f"{assistant.rasa_url}/webhooks/slack/webhook", SIGNING_SECRET)
    dm, user = _unique("D"), _unique("U")
    envelope = sender.envelope("I want a refund", user, dm, channel_type="im")
    assert sender.send_event(envelope).status == 200
    first = fake_slack.wait_for_posts(1, _in(dm), timeout=90, settle=2.0)
    reply = sender.send_event(envelope, headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_error"})
    assert reply.status == 200 and reply.headers.get("x-slack-no-retry") == "1"
    time.sleep(4)
    assert len(fake_slack.posts(_in(dm))) == len(first)
    assert tracker_user_texts(assistant, user) == ["I want a refund"]


@pytest.mark.e2e
@pytest.mark.parametrize("case", ["bad signature", "stale timestamp"])
def test_e2e_unauthentic_request_makes_no_turn(case: str, assistant, fake_slack: FakeSlack) -> None:
    sender = SlackSender(f"{assistant.rasa_url}/webhooks/slack/webhook", SIGNING_SECRET)
    dm, user = _unique("D"), _unique("U")
    body = json.dumps(sender.envelope("I want a refund", user, dm, channel_type="im")).encode()
    if case == "bad signature":
        ts = str(int(time.time()))
        reply = sender.post(body, "application/json", timestamp=ts, signature=sign("not-the-secret", ts, body))
    else:
        ts = str(int(time.time()) - 600)
        reply = sender.post(body, "application/json", timestamp=ts, signature=sign(SIGNING_SECRET, ts, body))
    assert reply.status == 401
    time.sleep(3)
    assert fake_slack.posts(_in(dm)) == []
    assert tracker_user_texts(assistant, user) == []
    assert all(r.get("sender_id") != user for r in assistant.cli_json("requests", "list"))


@pytest.mark.e2e
def test_e2e_url_verification(assistant) -> None:
    sender = SlackSender(f"{assistant.rasa_url}/webhooks/slack/webhook", SIGNING_SECRET)
    reply = sender.send_event({"token": "t", "challenge": "abc123", "type": "url_verification"})
    assert reply.status == 200 and reply.json() == {"challenge": "abc123"}


@pytest.mark.e2e
def test_e2e_refund_conversation_in_a_thread(assistant, fake_slack: FakeSlack) -> None:
    threads = SlackSender(f"{assistant.rasa_url}/webhooks/slack_threads/webhook", SIGNING_SECRET)
    user, top = _unique("U"), new_ts()
    in_thread = lambda c: c.params.get("thread_ts") == top  # noqa: E731
    first, *rest = refund_steps("INV-20433")
    assert threads.say(first[1], user, SUPPORT_CHANNEL, ts=top).status == 200
    fake_slack.wait_for_posts(1, in_thread, timeout=90, settle=2.0)
    for kind, value in rest:
        before = len(fake_slack.posts(in_thread))
        recent = [p for p in fake_slack.posts(in_thread) if p.buttons]
        button = pick_button(recent[-1].buttons, value) if kind == "choose" and recent else None
        if button is not None:
            reply = threads.click(recent[-1], button, user)
        else:
            reply = threads.say(value, user, SUPPORT_CHANNEL, thread_ts=top)
        assert reply.status == 200
        fake_slack.wait_for_posts(before + 1, in_thread, timeout=90, settle=2.0)
    posts = fake_slack.posts(in_thread)
    found = REFERENCE.findall("\n".join(all_text(p) for p in posts))
    assert found, [all_text(p) for p in posts]
    record = record_for(assistant, found[-1])
    assert record["channel"] == "slack"
    assert record["sender_id"] == f"{user}_{SUPPORT_CHANNEL}_{top}"
    assert record["invoice_number"] == "INV-20433"


def test_proposed_slack_credentials_file_loads(monkeypatch: pytest.MonkeyPatch) -> None:
    """credentials.slack.yml (appended by scripts/run.sh when SLACK_* are set), if present."""
    path = PROJECT_ROOT / "credentials.slack.yml"
    if not path.exists():
        pytest.skip("no credentials.slack.yml in the project yet")
    import rasa.shared.utils.io
    from rasa.core.run import _create_single_channel

    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SIGNING_SECRET)
    monkeypatch.delenv("SLACK_CHANNEL", raising=False)
    monkeypatch.delenv("SLACK_API_URL", raising=False)
    config = rasa.shared.utils.io.read_config_file(str(path))
    [(name, settings)] = [(k, v) for k, v in config.items() if "slack" in k.lower()]
    channel = _create_single_channel(name, settings)
    assert channel.name() == "slack" and channel.enabled
    assert channel.slack_token == BOT_TOKEN and channel.slack_signing_secret == SIGNING_SECRET
