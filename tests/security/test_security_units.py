"""Secrets, input cleaning, session ids and the endpoints Rasa gets (no servers)."""
import os
import stat

import pytest

from deploy.endpoints import rasa_endpoints, sql_tracker_store
from refund_desk.security import (clean_text, clean_value, ensure_secrets, is_session_id, max_message_chars,
                                  new_session_id, same_secret, bearer_token)
from refund_desk.settings import load_settings


@pytest.mark.parametrize("raw, cleaned", [
    ("Jane\x00 Doe", "Jane Doe"),
    ("a\x07b\x1bc\x7fd\x85e", "abcde"),
    ("line one\r\nline two\rthree", "line one\nline two\nthree"),
    ("tab\tand\nnewline stay", "tab\tand\nnewline stay"),
    ("émoji 🙂 and 日本語", "émoji 🙂 and 日本語"),
    ("sep\u2028arator", "separator"),
    (None, None),
])
def test_control_characters_are_stripped(raw, cleaned):
    assert clean_text(raw) == cleaned


def test_clean_value_reaches_nested_metadata():
    assert clean_value({"a\x00": ["x\x00y", {"k": "v\x01"}], "n": 3}) == {"a": ["xy", {"k": "v"}], "n": 3}


@pytest.mark.parametrize("env, limit", [({}, 5000), ({"MAX_MESSAGE_CHARS": "200"}, 200),
                                        ({"MAX_MESSAGE_CHARS": "lots"}, 5000), ({"MAX_MESSAGE_CHARS": "-1"}, 5000)])
def test_message_limit_setting(env, limit):
    assert max_message_chars(env) == limit


@pytest.mark.parametrize("value, ok", [
    ("0123456789abcdef0123456789abcdef", True),
    ("0123456789ABCDEF0123456789ABCDEF", False),   # the widget makes lowercase hex
    ("0123456789abcdef", False),                   # 64 bits is not enough
    ("alice", False), ("", False), (None, False), (12345, False),
    ("0123456789abcdef0123456789abcdef\n", False),
])
def test_session_ids_must_be_128_bit_hex(value, ok):
    assert is_session_id(value) is ok


def test_new_session_ids_are_valid_and_distinct():
    ids = {new_session_id() for _ in range(50)}
    assert len(ids) == 50 and all(is_session_id(i) for i in ids)


@pytest.mark.parametrize("given, expected, ok", [
    ("s3cret", "s3cret", True), ("s3cre", "s3cret", False), ("", "s3cret", False),
    (None, "s3cret", False), ("", "", False), ("x", None, False)])
def test_secret_comparison(given, expected, ok):
    assert same_secret(given, expected) is ok


@pytest.mark.parametrize("header, token", [("Bearer abc", "abc"), ("bearer abc", "abc"), ("Basic abc", None),
                                           ("Bearer ", None), (None, None), ("abc", None)])
def test_bearer_token(header, token):
    assert bearer_token(header) == token


def test_secrets_are_generated_once_and_private(tmp_path):
    path = tmp_path / "var" / "secrets.env"
    first = ensure_secrets(path)
    assert set(first) >= {"ACTION_SERVER_SECRET", "RASA_AUTH_TOKEN"}
    assert all(len(v) >= 32 for v in first.values())
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert ensure_secrets(path) == first


def test_endpoints_carry_the_secret_and_a_persistent_tracker_store(tmp_path):
    s = load_settings(environ={"ACTION_SERVER_URL": "http://127.0.0.1:1/webhook", "ACTION_SERVER_SECRET": "abc",
                               "DATABASE_URL": f"sqlite:///{tmp_path}/records.db"},
                      env_file=tmp_path / "none.env")
    endpoints = rasa_endpoints(s)
    assert endpoints["action_endpoint"] == {"url": "http://127.0.0.1:1/webhook",
                                            "headers": {"Authorization": "Bearer abc"}}
    assert endpoints["tracker_store"] == {"type": "connectors.tracker_store.SharedSQLiteTrackerStore",
                                          "dialect": "sqlite", "db": f"{tmp_path}/conversations.db"}


def test_tracker_store_stays_off_the_records_postgres_unless_asked(tmp_path):
    s = load_settings(environ={"DATABASE_URL": "postgresql://u:p@db.internal/records"},
                      env_file=tmp_path / "none.env")
    assert rasa_endpoints(s)["tracker_store"]["dialect"] == "sqlite"
    assert sql_tracker_store("postgresql+psycopg2://u:p@db/conv") == {
        "type": "SQL", "dialect": "postgresql", "url": "postgresql+psycopg2://u:p@db/conv"}
    with pytest.raises(ValueError, match="TRACKER_STORE_URL"):
        sql_tracker_store("nonsense")


def test_slack_event_ids_survive_a_restart_and_expire(tmp_path):
    from connectors.dedup import SqliteSeenEvents

    now = [1_000_000.0]
    first = SqliteSeenEvents(tmp_path / "slack.db", ttl=60, clock=lambda: now[0])  # at least 5 minutes
    first.add(["event:Ev1", None])
    restarted = SqliteSeenEvents(tmp_path / "slack.db", ttl=60, clock=lambda: now[0])
    assert restarted.any_seen(["event:Ev1"]) and not restarted.any_seen(["event:Ev2", None])
    now[0] += 299
    assert restarted.any_seen(["event:Ev1"])
    now[0] += 2
    assert not restarted.any_seen(["event:Ev1"])


def test_slack_dedup_falls_back_to_memory_when_the_store_fails():
    from connectors.dedup import FallbackSeenEvents
    from connectors.slack import SeenEvents

    class Broken:
        def any_seen(self, keys):
            raise OSError("disk gone")

        def add(self, keys):
            raise OSError("disk gone")

        def claim(self, keys):
            raise OSError("disk gone")

    seen = FallbackSeenEvents(Broken(), SeenEvents())
    seen.add(["event:Ev1"])
    assert seen.any_seen(["event:Ev1"]) and not seen.any_seen(["event:Ev2"])
    assert seen.claim(["event:Ev2"]) and not seen.claim(["event:Ev2"])  # claimed in memory
