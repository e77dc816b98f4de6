"""AppendingRedisTrackerStore stores what Rasa's RedisTrackerStore stores, on a real Redis."""
from __future__ import annotations

import asyncio
import json

import pytest
from rasa.core.tracker_store import RedisTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered

from connectors.tracker_store import AppendingRedisTrackerStore, continues
from tests.support.redis import temporary_redis

DOMAIN = Domain.from_yaml("""
version: "3.1"
intents: [greet, request_refund]
slots:
  customer_name:
    type: text
    mappings: [{type: custom}]
""")


def turn(text: str, t: float) -> list:
    return [UserUttered(text, intent={"name": "greet"}, timestamp=t),
            SlotSet("customer_name", text, timestamp=t + 0.1),
            BotUttered(f"you said {text}", timestamp=t + 0.2),
            ActionExecuted("action_listen", timestamp=t + 0.3)]


def session(t: float) -> list:
    return [ActionExecuted("action_session_start", timestamp=t), SessionStarted(timestamp=t + 0.01),
            ActionExecuted("action_listen", timestamp=t + 0.02)]


U1, B2, L3 = ({"event": "user", "timestamp": 1}, {"event": "bot", "timestamp": 2},
              {"event": "action", "timestamp": 3})


@pytest.mark.parametrize("old, new, expected", [
    ([], [U1], True),
    ([U1], [U1, B2], True),
    ([U1], [U1], True),
    ([U1, B2], [U1], False),                                           # the new one is shorter
    ([{**U1, "text": "a"}], [{**U1, "text": "b"}], False),
    ([{"event": "session_started", "timestamp": 0}], [U1], False),     # only the last session
    ([B2], [B2, U1], False),                # a new event earlier than the stored last: Rasa merges
    ([B2], [B2, {**B2, "event": "user"}], False),                      # ... or at the same time
    ([L3, B2], [L3, B2, {**L3, "timestamp": 4}], False),               # stored events out of order
    ([{**U1, "timestamp": None}], [{**U1, "timestamp": None}, B2], False),
])
def test_continues(old, new, expected):
    assert continues(json.dumps({"events": old}), json.dumps({"events": new})) is expected


def test_a_stored_value_that_is_not_json_is_left_to_rasa():
    assert continues(b"\xff\xfe", json.dumps({"events": [U1]})) is False


@pytest.fixture(scope="module")
def stores():
    with temporary_redis() as url:
        port = int(url.rsplit(":", 1)[1].split("/")[0])
        yield (RedisTrackerStore(DOMAIN, host="127.0.0.1", port=port, key_prefix="rasa"),
               AppendingRedisTrackerStore(DOMAIN, host="127.0.0.1", port=port, key_prefix="ours"))


def stored_events(store, sender: str) -> list[dict]:
    events = json.loads(store.red.get(store.key_prefix + sender))["events"]
    return [{k: v for k, v in e.items() if k != "timestamp"} for e in events]


async def play(store, sender: str) -> None:
    """Two sessions, turn by turn as Rasa's processor saves them: retrieve, add a turn, save."""
    t = 1_000.0
    for events in (session(t), turn("hi", t + 1), turn("Jane", t + 2), session(t + 100), turn("again", t + 101),
                   turn("Joe", t + 102)):
        tracker = await store.retrieve(sender) or store.init_tracker(sender)
        for event in events:
            tracker.update(event)
        await store.save(tracker)


def test_both_stores_keep_the_same_conversation_over_two_sessions(stores):
    rasas, ours = stores
    asyncio.run(play(rasas, "c1"))
    asyncio.run(play(ours, "c1"))
    assert stored_events(ours, "c1") == stored_events(rasas, "c1")
    names = [e["event"] for e in stored_events(ours, "c1")]
    assert names.count("session_started") == 2 and names.count("user") == 4  # the first session kept
    assert len(asyncio.run(ours.retrieve("c1")).events) < len(names)         # retrieve: last session only


def test_events_earlier_than_the_stored_last_are_merged_as_rasa_does(stores):
    """Rasa's merge drops a new event equal (timestamp included) to one it already has."""
    rasas, ours = stores
    for store in stores:
        tracker = store.init_tracker("c3")
        for event in [ActionExecuted("action_listen", timestamp=10.0), UserUttered("hi", timestamp=11.0)]:
            tracker.update(event)
        asyncio.run(store.save(tracker))
        for event in [SlotSet("customer_name", "a", timestamp=5.0), SlotSet("customer_name", "a", timestamp=5.0),
                      ActionExecuted("action_listen", timestamp=6.0)]:
            tracker.update(event)
        asyncio.run(store.save(tracker))
    assert stored_events(ours, "c3") == stored_events(rasas, "c3")
    assert [e["event"] for e in stored_events(ours, "c3")].count("slot") == 1


def test_a_save_that_does_not_continue_the_stored_one_is_merged_as_rasa_does(stores):
    rasas, ours = stores
    for store in stores:
        first = store.init_tracker("c2")
        for event in session(5.0) + turn("hi", 6.0):
            first.update(event)
        asyncio.run(store.save(first))
        other = store.init_tracker("c2")  # a tracker that never saw the stored events
        for event in turn("bye", 7.0):
            other.update(event)
        asyncio.run(store.save(other))
    assert stored_events(ours, "c2") == stored_events(rasas, "c2")
    assert [e["event"] for e in stored_events(ours, "c2")].count("user") == 2
