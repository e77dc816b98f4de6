"""Conversations written by Rasa's own tracker stores (SQL and Redis), as the Rasa server stores
them, for the console's transcript reader to read back."""
from __future__ import annotations

import asyncio
from typing import Any, Optional

from rasa.core.tracker_store import SQLTrackerStore, TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

T0 = 1_764_980_000.0  # 2025-12-06T00:13:20Z


def conversation_events(lines: list[tuple[str, str, Optional[dict[str, Any]]]]) -> list[Event]:
    """A session start, then ("customer"|"assistant", text, metadata) lines a second apart, with the
    action events between them that carry no text."""
    events: list[Event] = [ActionExecuted("action_session_start", timestamp=T0), SessionStarted(timestamp=T0),
                           ActionExecuted("action_listen", timestamp=T0)]
    for n, (speaker, text, metadata) in enumerate(lines, start=1):
        if speaker == "customer":
            events.append(UserUttered(text, intent={"name": "request_refund", "confidence": 0.9},
                                      timestamp=T0 + n, metadata=metadata or {}))
        else:
            events.append(ActionExecuted("utter_x", timestamp=T0 + n - 0.5))
            events.append(BotUttered(text, data={"buttons": [{"title": "Yes", "payload": "/affirm"}]},
                                     metadata=metadata or {}, timestamp=T0 + n))
    return events


def store_conversation(store: TrackerStore, sender: str, events: list[Event]) -> None:
    """Saved turn by turn as Rasa's processor does (retrieve, add, save)."""
    async def play() -> None:
        for event in events:
            tracker = await store.retrieve(sender) or DialogueStateTracker(sender, store.domain.slots)
            tracker.update(event)
            await store.save(tracker)
    asyncio.run(play())


def sql_tracker_store(path: str) -> SQLTrackerStore:
    return SQLTrackerStore(Domain.empty(), dialect="sqlite", db=path)
