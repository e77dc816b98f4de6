"""Rasa's side of a staff take-over (the rules are in refund_desk/takeovers.py).

* On every message a guarded channel asks the records database whether staff hold the
  conversation (`TakeoverLookup`) and says so to Rasa's processor for that turn (`TAKEN_OVER`).
  The processor then logs the customer's message (the console reads it from the tracker) and
  neither fills slots nor predicts: Rasa's `ConversationPaused` is added to the tracker when it is
  not paused, `ConversationResumed` once staff released it. The database decides, not the tracker,
  because a new session (an expired one, or '/session_start') un-pauses a tracker, and the pause
  must also outlive a restart.
* What the console writes for a customer is a row in the records database; every Rasa worker
  polls them (`PushDelivery`, every POLL_SECONDS) and delivers those of the conversations it can
  reach: socket.io the sessions whose socket this process holds, Slack any (posted with the bot
  token). A push is claimed before it is sent, so it reaches the customer once.
"""
from __future__ import annotations

import asyncio
import contextvars
import logging
from typing import Any, Awaitable, Callable, Optional

from rasa.core.processor import MessageProcessor
from rasa.shared.core.events import ConversationPaused, ConversationResumed
from rasa.shared.core.trackers import DialogueStateTracker

from refund_desk.records import RecordStore
from refund_desk.takeovers import FROM_STAFF, PendingPush, claim_push, is_taken_over, pending_pushes

log = logging.getLogger(__name__)
POLL_SECONDS = 0.5
LOOKUP_SECONDS = 2.0  # how long a message waits to know whether staff hold its conversation

# True: staff hold this turn's conversation; False: they do not; None: not a guarded channel's turn
# (Rasa's own rule then applies, e.g. for `rasa shell`).
TAKEN_OVER: contextvars.ContextVar[Optional[bool]] = contextvars.ContextVar("taken_over", default=None)

_rasa_should_handle: Any = None  # Rasa's MessageProcessor._should_handle_message, kept by install()
_rasa_extract_slots: Any = None


def _should_handle_message(tracker: DialogueStateTracker) -> bool:
    taken = TAKEN_OVER.get()
    if taken is None:
        return _rasa_should_handle(tracker)
    if taken:
        if not tracker.is_paused():
            tracker.update(ConversationPaused())
        return False
    if tracker.is_paused():
        tracker.update(ConversationResumed())
    return True


async def _run_action_extract_slots(self: MessageProcessor, output_channel: Any,
                                    tracker: DialogueStateTracker) -> DialogueStateTracker:
    if TAKEN_OVER.get():
        return tracker  # staff are talking: nothing the customer says fills a form
    return await _rasa_extract_slots(self, output_channel, tracker)


def install() -> None:
    """Make Rasa's processor follow TAKEN_OVER (idempotent)."""
    global _rasa_should_handle, _rasa_extract_slots
    if _rasa_should_handle is not None:
        return
    _rasa_should_handle = MessageProcessor._should_handle_message
    _rasa_extract_slots = MessageProcessor.run_action_extract_slots
    MessageProcessor._should_handle_message = staticmethod(_should_handle_message)  # type: ignore[method-assign]
    MessageProcessor.run_action_extract_slots = _run_action_extract_slots  # type: ignore[method-assign]


async def _blocking(fn: Callable[..., Any], *args: Any) -> Any:
    return await asyncio.get_running_loop().run_in_executor(None, fn, *args)


class TakeoverLookup:
    """Whether staff hold a conversation, from the records database (off the event loop).

    A database that does not answer within LOOKUP_SECONDS counts as "not taken over" (the
    assistant answers, as before take-overs existed), and while that look-up still hangs the next
    ones do not wait at all: a hung database costs a conversation one time limit, not one per message.
    """

    def __init__(self, store: Optional[RecordStore], time_limit: float = LOOKUP_SECONDS) -> None:
        self.store = store
        self.time_limit = time_limit
        self._hanging: Optional[asyncio.Future] = None

    @classmethod
    def from_settings(cls) -> "TakeoverLookup":
        from refund_desk.settings import load_settings

        return cls(RecordStore(load_settings().database_url))

    async def taken(self, sender_id: str) -> bool:
        if self.store is None or (self._hanging is not None and not self._hanging.done()):
            return False
        looking = asyncio.get_running_loop().run_in_executor(None, is_taken_over, self.store, sender_id)
        try:
            return bool(await asyncio.wait_for(asyncio.shield(looking), self.time_limit))
        except asyncio.TimeoutError:
            self._hanging = looking
            log.warning("the records database did not say in time whether staff hold a conversation")
            return False
        except Exception as exc:  # noqa: BLE001  the database down: the assistant answers as before
            log.warning("could not read whether staff hold a conversation: %s", type(exc).__name__)
            return False


def speaker(push: PendingPush) -> dict[str, Any]:
    """Who wrote a push, as the widget shows it: {"from": "staff", "name": first name} or the assistant."""
    if push.author == FROM_STAFF:
        return {"from": FROM_STAFF, "name": push.author_name}
    return {"from": push.author}


class PushDelivery:
    """Polls the pushes of one channel and delivers those `reaches` says this process can deliver."""

    def __init__(self, store: RecordStore, channel: str, reaches: Callable[[PendingPush], bool],
                 deliver: Callable[[PendingPush], Awaitable[None]], interval: float = POLL_SECONDS) -> None:
        self.store, self.channel, self.reaches, self.deliver, self.interval = store, channel, reaches, deliver, interval
        self._task: Optional[asyncio.Task] = None

    async def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run())

    def listen_on(self, blueprint: Any) -> None:
        """Poll while the server of this Sanic blueprint runs."""

        async def start(*_: Any) -> None:
            await self.start()

        async def stop(*_: Any) -> None:
            await self.stop()

        blueprint.listener("after_server_start")(start)
        blueprint.listener("before_server_stop")(stop)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None

    async def deliver_pending(self) -> int:
        """One round: the pushes this process can deliver, each claimed then sent; how many were sent."""
        sent = 0
        for push in await _blocking(pending_pushes, self.store, self.channel):
            if self.reaches(push) and await _blocking(claim_push, self.store, push.id):
                try:
                    await self.deliver(push)
                    sent += 1
                except Exception as exc:  # noqa: BLE001  one failed post must not stop the others
                    log.error("could not deliver a message from the console over %s: %s", self.channel,
                              type(exc).__name__)
        return sent

    async def _run(self) -> None:
        while True:
            try:
                await self.deliver_pending()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001  the database away for a moment: try again
                log.warning("could not read the console's messages for %s: %s", self.channel, type(exc).__name__)
            await asyncio.sleep(self.interval)
