"""Real rasa_sdk Trackers and the project's domain for action tests."""
from typing import Any, Optional

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.runtime import runtime
from refund_desk.settings import PROJECT_ROOT as ROOT

ALL_SLOTS = list(yaml.safe_load((ROOT / "domain.yml").read_text())["slots"]) + ["requested_slot"]


@pytest.fixture(scope="session")
def domain() -> dict:
    return yaml.safe_load((ROOT / "domain.yml").read_text())


@pytest.fixture(autouse=True)
def isolated_runtime(tmp_path, monkeypatch):
    """Each test gets its own database and a pinned 'today' (Saturday 2026-11-21)."""
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'records.db'}")
    monkeypatch.setenv("REFUND_DESK_TODAY", "2026-11-21")
    monkeypatch.delenv("REFUND_POLICY", raising=False)
    runtime.cache_clear()
    yield
    runtime.cache_clear()


def make_tracker(text: str = "", intent: str = "inform", slots: Optional[dict[str, Any]] = None,
                 active_loop: Optional[str] = None, latest_action: str = "action_listen",
                 channel: str = "rest", metadata: Optional[dict] = None, sender: str = "customer-1") -> Tracker:
    values = {name: None for name in ALL_SLOTS}
    values.update(slots or {})
    latest_message = {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": [],
                      "metadata": metadata or {}}
    events = [{"event": "user", "text": text, "parse_data": latest_message, "input_channel": channel,
               "metadata": metadata or {}},
              {"event": "action", "name": latest_action}]
    return Tracker(sender, values, latest_message, events, False, None,
                   {"name": active_loop} if active_loop else {}, latest_action)


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


def texts(dispatcher: CollectingDispatcher) -> str:
    return "\n".join(m.get("text") or m.get("response") or "" for m in dispatcher.messages)


def slot_events(events) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def run_action(action, tracker: Tracker, dispatcher: CollectingDispatcher, domain: dict) -> list:
    import asyncio

    return asyncio.run(action.run(dispatcher, tracker, domain))
