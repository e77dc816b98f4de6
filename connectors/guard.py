"""What every channel does with a customer's message before Rasa sees it (Rasa-only, no Sanic).

* Control characters (NUL included) are stripped from the text and the metadata.
* A message longer than MAX_MESSAGE_CHARS is refused politely, before NLU.
* When the action server is down, the customer is asked to send the message again in a moment
  and the message is not processed, so a form picks up where it was once the server is back.
* A turn that produced no reply at all (a fault mid-turn) gets a "please try again" answer.
* A message that looks like ``/intent{...}`` and is not one of our buttons' payloads is read as
  text, and Rasa's logs carry no customer text (connectors/customer_text.py).
* In a conversation staff have taken over, the message is logged for the console and the
  assistant stays silent (connectors/takeover.py): no probe, no "try again".
"""
from __future__ import annotations

import asyncio
import logging
import time
from typing import Any, Awaitable, Callable, Optional

from rasa.core.channels.channel import OutputChannel, UserMessage

from connectors import customer_text, takeover
from connectors.takeover import TAKEN_OVER, TakeoverLookup
from refund_desk.security import (clean_text, clean_value, is_our_command, max_message_chars, reads_as_a_command,
                                  too_long_message)

log = logging.getLogger(__name__)

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]

TRY_AGAIN = ("Sorry, I can't take that in just now because of a technical problem on my side. "
             "Please send it again in a moment: nothing you've told me so far is lost.")
NO_REPLY = ("Sorry, something went wrong on my side and I couldn't answer that. Please send it again "
            "in a moment: nothing you've told me so far is lost.")
ACTION_WAIT_SECONDS = 3.0


class ActionServerProbe:
    """Whether the action server answers /health; a positive answer is trusted for a second."""

    def __init__(self, health_url: Optional[str]) -> None:
        self.health_url = health_url
        self._ok_until = 0.0

    @classmethod
    def from_settings(cls) -> "ActionServerProbe":
        try:
            from refund_desk.settings import load_settings

            settings = load_settings()
        except Exception:  # settings unreadable: do not block conversations on the probe
            return cls(None)
        if not settings.action_server_probe:
            return cls(None)  # e.g. a channel test server with no action server behind it
        url = settings.action_server_url
        base = url.rsplit("/webhook", 1)[0] if url.endswith("/webhook") else url.rstrip("/")
        return cls(f"{base}/health")

    async def _once(self) -> bool:
        import aiohttp

        try:
            timeout = aiohttp.ClientTimeout(total=1.0)
            async with aiohttp.ClientSession(timeout=timeout) as session:
                async with session.get(self.health_url) as resp:
                    return resp.status == 200
        except Exception:
            return False

    async def available(self, wait: float = ACTION_WAIT_SECONDS) -> bool:
        if not self.health_url or time.monotonic() < self._ok_until:
            return True
        deadline = time.monotonic() + wait
        while True:
            if await self._once():
                self._ok_until = time.monotonic() + 1.0
                return True
            if time.monotonic() >= deadline:
                return False
            await asyncio.sleep(0.5)


def _count_replies(output: OutputChannel) -> Callable[[], int]:
    """Counts what the bot sends on this output channel during one turn."""
    count = 0
    original = output.send_response

    async def counting(recipient_id: str, message: dict) -> None:
        nonlocal count
        count += 1
        await original(recipient_id, message)

    output.send_response = counting  # type: ignore[method-assign]
    return lambda: count


def guarded(on_new_message: OnNewMessage, probe: Optional[ActionServerProbe] = None,
            limit: Optional[int] = None, takeovers: Optional[TakeoverLookup] = None) -> OnNewMessage:
    """on_new_message with the checks above in front of it."""
    limit = limit or max_message_chars()
    takeovers = takeovers or TakeoverLookup.from_settings()
    customer_text.install()
    takeover.install()

    async def handle(message: UserMessage) -> None:
        text = message.text
        if text is not None and len(text) > limit * 4:
            cleaned = text  # far too long: no need to clean it to know
        else:
            cleaned = clean_text(text)
        output = message.output_channel
        if cleaned is not None and len(cleaned) > limit:
            log.info("refused a message of %d characters (limit %d)", len(cleaned), limit)
            await output.send_text_message(message.sender_id, too_long_message(limit))
            return
        message.text = cleaned
        message.metadata = clean_value(message.metadata) if message.metadata else message.metadata
        if await takeovers.taken(message.sender_id):
            held = TAKEN_OVER.set(True)
            try:
                with customer_text.typed_as_text(reads_as_a_command(cleaned) and not is_our_command(cleaned)):
                    await on_new_message(message)  # logged for the console; the assistant stays silent
            finally:
                TAKEN_OVER.reset(held)
            return
        if probe is not None and not await probe.available():
            log.warning("action server unreachable: asked the customer to send the message again")
            await output.send_text_message(message.sender_id, TRY_AGAIN)
            return
        replies = _count_replies(output)
        command = is_our_command(cleaned)
        answered = TAKEN_OVER.set(False)
        try:
            with customer_text.typed_as_text(reads_as_a_command(cleaned) and not command):
                await on_new_message(message)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001: the customer must hear something
            log.error("turn failed: %s", type(exc).__name__)
        finally:
            TAKEN_OVER.reset(answered)
        if replies() == 0 and cleaned and not command:
            await output.send_text_message(message.sender_id, NO_REPLY)

    return handle
