"""The channel rules without servers: REST bodies, typed commands, widget sessions, the settings
behind them, and Rasa's log events with customer text."""
from __future__ import annotations

import json
import logging
import time
import warnings
from pathlib import Path

import pytest
import yaml

from connectors.channels import read_rest_body
from connectors.widget_sessions import SqlSessionStore
from refund_desk import replies
from refund_desk.security import (BUTTON_COMMANDS, MAX_BODY_DEPTH, is_our_command, nesting_depth,
                                  rest_body_problem, secret_digest)
from refund_desk.settings import PROJECT_ROOT, frame_ancestors, load_settings, widget_origins

GOOD = {"sender": "kim-42", "message": "I want a refund"}


@pytest.mark.parametrize("raw, why", [
    (b"", "empty"), (b"   ", "empty"),
    (b"not json", "not JSON"), (b"{\"sender\": ", "not JSON"),
    (b"[]", "object"), (b"\"text\"", "object"), (b"42", "object"), (b"null", "object"),
    (b"[" * 100_000 + b"]" * 100_000, "not JSON"),  # deeper than the JSON reader goes
    (json.dumps({**GOOD, "metadata": {"a": {"b": {"c": {"d": {"e": {"f": {"g": {}}}}}}}}}).encode(), "nested"),
    (json.dumps({"message": "hi"}).encode(), "sender is required"),
    (json.dumps({"sender": None, "message": "hi"}).encode(), "sender is required"),
    (json.dumps({"sender": 42, "message": "hi"}).encode(), "sender must be a string"),
    (json.dumps({"sender": ["a"], "message": "hi"}).encode(), "sender must be a string"),
    (json.dumps({"sender": "", "message": "hi"}).encode(), "printable"),
    (json.dumps({"sender": "   ", "message": "hi"}).encode(), "printable"),
    (json.dumps({"sender": "x" * 129, "message": "hi"}).encode(), "printable"),
    (json.dumps({"sender": "a\nforged log line", "message": "hi"}).encode(), "printable"),
    (json.dumps({"sender": "d" * 32, "message": "hi"}).encode(), "website chat"),
    (json.dumps({"sender": "kim"}).encode(), "message is required"),
    (json.dumps({"sender": "kim", "message": None}).encode(), "message is required"),
    (json.dumps({"sender": "kim", "message": ""}).encode(), "blank"),
    (json.dumps({"sender": "kim", "message": " \n\x00 "}).encode(), "blank"),
    (json.dumps({"sender": "kim", "message": 42}).encode(), "message must be a string"),
    (json.dumps({"sender": "kim", "message": {"text": "hi"}}).encode(), "message must be a string"),
    (json.dumps({**GOOD, "metadata": "page"}).encode(), "metadata must be a JSON object"),
])
def test_bad_rest_bodies_are_refused_with_a_reason(raw, why):
    body, problem = read_rest_body(raw)
    assert body is None and why in problem


@pytest.mark.parametrize("body", [
    GOOD, {**GOOD, "sender": "x" * 128}, {**GOOD, "metadata": {"customer_email": "a@b.example"}},
    {**GOOD, "input_channel": "slack"}, {**GOOD, "message": "x" * 1_000_000},
])
def test_good_rest_bodies_pass(body):
    assert rest_body_problem(body) is None
    assert read_rest_body(json.dumps(body).encode())[0] == body


@pytest.mark.parametrize("value, depth", [("x", 0), ({}, 1), ([], 1), ({"a": [1, {"b": []}]}, 4),
                                          ([[[[[]]]]], 5)])
def test_nesting_depth(value, depth):
    assert nesting_depth(value) == depth


def test_the_depth_limit_leaves_room_for_real_metadata():
    assert nesting_depth({**GOOD, "metadata": {"page": {"utm": {"source": "mail"}}}}) < MAX_BODY_DEPTH


def _slash_payloads(value) -> set[str]:
    found = set()
    if isinstance(value, dict):
        if isinstance(value.get("payload"), str) and value["payload"].startswith("/"):
            found.add(value["payload"])
        for v in value.values():
            found |= _slash_payloads(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            found |= _slash_payloads(v)
    return found


def test_every_intent_payload_of_our_buttons_is_recognised():
    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text())
    ours = _slash_payloads(domain) | _slash_payloads([getattr(replies, n) for n in dir(replies) if n.isupper()])
    assert ours and ours <= BUTTON_COMMANDS, ours - BUTTON_COMMANDS


@pytest.mark.parametrize("text, ours", [
    ("/affirm", True), (" /deny ", True), ("/request_human", True), ("/restart", True), ("/back", True),
    ("/session_start", True),
    ('/inform{"email": "kim@example.com"}', False), ('/affirm{"x": 1}', False), ("/affirm@0.3", False),
    ("/greet", False), ("/nlu_fallback", False), ("/", False), ("affirm", False), ("I want a refund", False),
    (None, False),
])
def test_only_our_payloads_and_commands_are_read_as_intents(text, ours):
    assert is_our_command(text) is ours


def test_typed_intents_are_read_as_text_and_never_logged(caplog):
    from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader
    from rasa.shared.nlu.training_data.message import Message

    from connectors import customer_text

    customer_text.install()
    typed = '/inform{"email": "kim.secret@example.com"}\nFAKE log line'
    with caplog.at_level(logging.DEBUG), warnings.catch_warnings(record=True) as warned:
        warnings.simplefilter("always")
        with customer_text.typed_as_text():
            kept = YAMLStoryReader.unpack_regex_message(Message({"text": typed}))
    assert kept.get("intent") is None and kept.get("text") == typed
    assert "kim.secret" not in caplog.text and not [w for w in warned if "kim.secret" in str(w.message)]
    # outside a customer's turn (our own payloads, Rasa's tests) Rasa's reading is unchanged
    assert YAMLStoryReader.unpack_regex_message(Message({"text": "/affirm"})).get("intent")["name"] == "affirm"


def test_rasa_log_events_lose_their_customer_text():
    from connectors.customer_text import REDACTED, redact_customer_text

    event = {"event": "processor.message.parse", "parse_data_text": "kim.secret@example.com",
             "parse_data_intent": {"name": "inform"}, "user_text": "x\ny", "rasa_events": ["SlotSet(email)"],
             "action_name": "action_listen"}
    assert redact_customer_text(None, "debug", dict(event)) == {
        **event, "parse_data_text": REDACTED, "user_text": REDACTED, "rasa_events": REDACTED}


def test_log_redaction_is_first_in_structlog_chain():
    import structlog

    from connectors import customer_text

    customer_text.install()
    customer_text.install()
    processors = structlog.get_config()["processors"]
    assert processors[0] is customer_text.redact_customer_text
    assert processors.count(customer_text.redact_customer_text) == 1


@pytest.mark.parametrize("text, port, origins", [
    ("", "8080", ("http://localhost:8080", "http://127.0.0.1:8080")),
    ("", "9000", ("http://localhost:9000", "http://127.0.0.1:9000")),
    ("https://www.example.com, https://support.example.com/", "8080",
     ("https://www.example.com", "https://support.example.com")),
])
def test_widget_origins(text, port, origins):
    assert widget_origins(text, port) == origins


def test_widget_origins_never_star():
    with pytest.raises(ValueError):
        widget_origins("https://a.example *", "8080")


@pytest.mark.parametrize("text, ok", [("'none'", True), ("'self' https://www.example.com", True),
                                      ("'self'; script-src *", False), ("'self'\r\nX-Evil: 1", False), ("", False)])
def test_frame_ancestors_are_csp_sources_only(text, ok):
    if ok:
        assert frame_ancestors(text) == text
    else:
        with pytest.raises(ValueError):
            frame_ancestors(text)


@pytest.mark.parametrize("raw, hours", [("", 24.0), ("0.5", 0.5), ("0", 24.0), ("-3", 24.0), ("nan", 24.0),
                                        ("inf", 24.0), ("soon", 24.0)])
def test_session_idle_hours_setting(raw, hours, tmp_path):
    env = {"WIDGET_SESSION_IDLE_HOURS": raw} if raw else {}
    assert load_settings(env, env_file=tmp_path / "none.env").widget_session_idle_hours == hours


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def test_sql_session_store_binds_ids_to_secrets_and_expires_idle_sessions(tmp_path: Path):
    clock = Clock()
    url = f"sqlite:///{tmp_path / 'conversations.db'}"
    store = SqlSessionStore(url, idle_seconds=3600, clock=clock)
    other_process = SqlSessionStore(url, idle_seconds=3600, clock=clock)
    session_id, secret = store.issue()
    assert other_process.rejoin(session_id, secret)
    assert not other_process.rejoin(session_id, "x" * 43)
    assert not store.rejoin("0" * 32, secret)
    clock.now += 3000  # still live, and rejoining moves the idle clock on
    assert store.rejoin(session_id, secret) and store.active(session_id)
    clock.now += 3000
    assert store.active(session_id)
    clock.now += 3601  # idle too long: neither the secret nor a message opens it again
    assert not store.active(session_id)
    assert not store.rejoin(session_id, secret)


def test_only_the_secrets_digest_is_stored(tmp_path: Path):
    store = SqlSessionStore(f"sqlite:///{tmp_path / 'c.db'}", idle_seconds=60)
    _, secret = store.issue()
    with store.engine.connect() as conn:
        rows = conn.exec_driver_sql("select secret_digest from widget_sessions").fetchall()
    assert [r[0] for r in rows] == [secret_digest(secret)]


def test_redis_session_store_binds_ids_to_secrets_and_expires():
    from connectors.widget_sessions import RedisSessionStore
    from tests.support.redis import temporary_redis

    with temporary_redis() as url:
        store = RedisSessionStore(url, idle_seconds=1.0)
        session_id, secret = store.issue()
        assert store.rejoin(session_id, secret) and not store.rejoin(session_id, "y" * 43)
        assert store.active(session_id)
        store.client.pexpire(f"refunddesk:widget-session:{session_id}", 1)  # as if idle for the full time
        time.sleep(0.05)
        assert not store.active(session_id) and not store.rejoin(session_id, secret)
