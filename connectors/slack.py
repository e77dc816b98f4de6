"""Rasa 3.6's Slack channel with its flaws fixed.

Referenced in credentials.yml as ``connectors.slack.RefundDeskSlackInput``. The channel keeps
the name ``slack``: the webhook stays ``/webhooks/slack/webhook`` and tracker events (and so
the records) say ``slack``.

What differs from ``rasa.core.channels.slack.SlackInput``:

* every Slack event is answered once: events are de-duplicated by ``event_id`` (Slack
  retries with any reason, not only ``http_timeout``) and by message (``channel`` + ``ts``:
  a mention in a channel arrives both as ``message`` and as ``app_mention``);
* ``Content-Type: application/json; charset=utf-8`` (and the form type with parameters) is
  understood instead of silently ignored;
* the Web API base URL is configurable (``slack_api_url`` / ``SLACK_API_URL``);
* no ``as_user`` argument, which tokens of new Slack apps reject;
* buttons are Block Kit ``actions`` blocks, text is ``mrkdwn`` with Markdown links converted;
  a clicked message is updated (``chat.update``) to show the choice instead of its buttons;
* the ``url_verification`` challenge is answered as ``{"challenge": ...}``;
* settings fall back to the environment (and the project's ``.env``), and the channel stays
  inert, answering 503, when neither ``SLACK_BOT_TOKEN`` nor ``SLACK_SIGNING_SECRET`` is set;
* what staff write from the console is posted where the customer wrote (channel, and thread when
  ``use_threads``), signed with their first name (connectors/takeover.py).
"""
from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from collections import OrderedDict
from http import HTTPStatus
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, Iterable, List, Optional, Text

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.channels.slack import SlackBot, SlackInput
from rasa.shared.exceptions import InvalidConfigException
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from connectors.dedup import stored_seen_events
from connectors.guard import ActionServerProbe, guarded
from connectors.takeover import PushDelivery
from refund_desk.records import RecordStore
from refund_desk.replies import signed_by_staff
from refund_desk.takeovers import FROM_STAFF, PendingPush
from refund_desk.settings import environment, load_settings

logger = logging.getLogger(__name__)

DEFAULT_SLACK_API_URL = "https://slack.com/api/"

# credentials.yml key -> environment variable used when the key is absent or empty
ENV_FALLBACKS = {
    "slack_token": "SLACK_BOT_TOKEN",
    "slack_signing_secret": "SLACK_SIGNING_SECRET",
    "slack_channel": "SLACK_CHANNEL",
    "slack_api_url": "SLACK_API_URL",
    "use_threads": "SLACK_USE_THREADS",
    "conversation_granularity": "SLACK_CONVERSATION_GRANULARITY",
    "proxy": "SLACK_PROXY",
}

MAX_BUTTONS_PER_BLOCK = 25  # Block Kit limit for an actions block
MAX_BUTTON_TEXT = 75
MAX_BUTTON_VALUE = 2000
MAX_SECTION_TEXT = 3000
# message subtypes that are still a person writing to the bot
USER_MESSAGE_SUBTYPES = {None, "file_share", "thread_broadcast", "me_message"}


def media_type(request: Request) -> str:
    """`application/json; charset=utf-8` -> `application/json`."""
    return (request.headers.get("content-type") or "").split(";", 1)[0].strip().lower()


def _as_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in {"1", "true", "yes", "on"}


def slack_mrkdwn(text: Text) -> Text:
    """Markdown as Rasa responses write it -> Slack mrkdwn: links and bold."""
    text = re.sub(r"\[([^\]\n]+)\]\(((?:https?|mailto):[^\s)]+)\)", r"<\2|\1>", text)
    return re.sub(r"\*\*([^*\n]+)\*\*", r"*\1*", text)


class SeenEvents:
    """Keys seen within `ttl` seconds, at most `max_size` of them (oldest dropped first)."""

    def __init__(self, ttl: float = 3600.0, max_size: int = 10_000) -> None:
        self.ttl = ttl
        self.max_size = max_size
        self._seen: "OrderedDict[str, float]" = OrderedDict()

    def _expire(self, now: float) -> None:
        while self._seen:
            key, seen_at = next(iter(self._seen.items()))
            if now - seen_at <= self.ttl and len(self._seen) <= self.max_size:
                break
            self._seen.popitem(last=False)

    def any_seen(self, keys: Iterable[Optional[str]]) -> bool:
        self._expire(time.monotonic())
        return any(k in self._seen for k in keys if k)

    def add(self, keys: Iterable[Optional[str]]) -> None:
        now = time.monotonic()
        for k in keys:
            if k:
                self._seen[k] = now
                self._seen.move_to_end(k)
        self._expire(now)

    def claim(self, keys: Iterable[Optional[str]]) -> bool:
        """True when none of the keys was seen, and then all are marked seen (one process, one step)."""
        keys = list(keys)
        if self.any_seen(keys):
            return False
        self.add(keys)
        return True


class RefundDeskSlackBot(SlackBot):
    """Output channel: posts through `chat.postMessage` at a configurable API URL."""

    def __init__(
        self,
        token: Text,
        slack_channel: Optional[Text] = None,
        thread_id: Optional[Text] = None,
        proxy: Optional[Text] = None,
        api_url: Text = DEFAULT_SLACK_API_URL,
    ) -> None:
        super().__init__(token, slack_channel, thread_id, proxy)
        self.api_url = api_url
        self.client = AsyncWebClient(token, base_url=api_url, proxy=proxy)

    async def _post_message(self, channel: Text, **kwargs: Any) -> None:
        kwargs.pop("as_user", None)  # rejected by the tokens of new Slack apps
        if self.thread_id:
            kwargs["thread_ts"] = self.thread_id
        try:
            await self.client.chat_postMessage(channel=channel, **kwargs)
        except SlackApiError as e:
            # Raising here would abort the turn before Rasa saves the tracker.
            logger.error(f"Slack refused chat.postMessage to {channel}: {e.response.get('error')}")
        except Exception as e:  # network errors: same reasoning
            logger.error(f"Could not post to Slack channel {channel}: {e}", exc_info=True)

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        recipient = self.slack_channel or recipient_id
        await self._post_message(channel=recipient, text=slack_mrkdwn(text.strip()), mrkdwn=True)

    async def send_image_url(self, recipient_id: Text, image: Text, **kwargs: Any) -> None:
        recipient = self.slack_channel or recipient_id
        block = {"type": "image", "image_url": image, "alt_text": "image"}
        await self._post_message(channel=recipient, text=image, blocks=[block])

    async def send_attachment(  # type: ignore[override]
        self, recipient_id: Text, attachment: Dict[Text, Any], **kwargs: Any
    ) -> None:
        recipient = self.slack_channel or recipient_id
        await self._post_message(channel=recipient, attachments=[attachment])

    async def send_text_with_buttons(
        self, recipient_id: Text, text: Text, buttons: List[Dict[Text, Any]], **kwargs: Any
    ) -> None:
        recipient = self.slack_channel or recipient_id
        text = slack_mrkdwn(text.strip())
        blocks: List[Dict[Text, Any]] = []
        if text:
            blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": text[:MAX_SECTION_TEXT]}})
        elements = [
            {
                "type": "button",
                "action_id": f"rasa_button_{i}",
                "text": {"type": "plain_text", "text": str(b.get("title") or b.get("payload"))[:MAX_BUTTON_TEXT],
                         "emoji": True},
                "value": str(b.get("payload") or b.get("title"))[:MAX_BUTTON_VALUE],
            }
            for i, b in enumerate(buttons)
        ]
        for start in range(0, len(elements), MAX_BUTTONS_PER_BLOCK):
            blocks.append({
                "type": "actions",
                "block_id": f"rasa_buttons_{start // MAX_BUTTONS_PER_BLOCK}",
                "elements": elements[start:start + MAX_BUTTONS_PER_BLOCK],
            })
        # `text` stays as the notification / accessibility fallback of the blocks.
        await self._post_message(channel=recipient, text=text or "Please choose:", blocks=blocks)

    async def send_custom_json(self, recipient_id: Text, json_message: Dict[Text, Any], **kwargs: Any) -> None:
        message = dict(json_message)
        channel = message.pop("channel", None) or self.slack_channel or recipient_id
        await self._post_message(channel=channel, **message)


class RefundDeskSlackInput(SlackInput):
    """Slack input channel: Events API and interactivity on `/webhooks/slack/webhook`."""

    @classmethod
    def name(cls) -> Text:
        return "slack"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        credentials = dict(credentials or {})
        env_file = credentials.get("env_file")
        env = environment(env_file=Path(env_file) if env_file else None)  # the environment over .env

        def setting(key: str, default: Any = None) -> Any:
            value = credentials.get(key)
            if isinstance(value, str) and "${" in value:
                # Rasa substitutes ${VAR} only in unquoted YAML values: do it for quoted ones
                # too (from the environment or .env; an unset variable counts as empty).
                value = re.sub(r"\$\{(\w+)\}", lambda m: env.get(m.group(1), ""), value)
            if value is None or (isinstance(value, str) and not value.strip()):
                value = env.get(ENV_FALLBACKS.get(key, ""), "")
            if isinstance(value, str):
                value = value.strip()
            return default if value in (None, "") else value

        return cls(
            slack_token=setting("slack_token", ""),
            slack_channel=setting("slack_channel"),
            proxy=setting("proxy"),
            slack_retry_reason_header=credentials.get("slack_retry_reason_header", "x-slack-retry-reason"),
            slack_retry_number_header=credentials.get("slack_retry_number_header", "x-slack-retry-num"),
            errors_ignore_retry=credentials.get("errors_ignore_retry"),
            use_threads=_as_bool(setting("use_threads", False)),
            slack_signing_secret=setting("slack_signing_secret", ""),
            conversation_granularity=setting("conversation_granularity", "sender"),
            slack_api_url=setting("slack_api_url", DEFAULT_SLACK_API_URL),
        )

    def __init__(
        self,
        slack_token: Text,
        slack_channel: Optional[Text] = None,
        proxy: Optional[Text] = None,
        slack_retry_reason_header: Optional[Text] = None,
        slack_retry_number_header: Optional[Text] = None,
        errors_ignore_retry: Optional[List[Text]] = None,
        use_threads: Optional[bool] = False,
        slack_signing_secret: Text = "",
        conversation_granularity: Optional[Text] = "sender",
        slack_api_url: Text = DEFAULT_SLACK_API_URL,
    ) -> None:
        self.enabled = bool(slack_token or slack_signing_secret)
        self.slack_api_url = slack_api_url.rstrip("/") + "/"
        # kept across restarts (database or Redis), memory as the fallback: connectors/dedup.py
        self.seen_events = stored_seen_events(SeenEvents()) if self.enabled else SeenEvents()
        if conversation_granularity not in ("sender", "channel", "thread"):
            raise InvalidConfigException(
                f"Slack conversation_granularity must be sender, channel or thread, "
                f"not {conversation_granularity!r}."
            )
        if self.enabled and not slack_token:
            raise InvalidConfigException(
                "The Slack channel has a signing secret but no bot token: set SLACK_BOT_TOKEN "
                "(xoxb-...) or unset SLACK_SIGNING_SECRET to leave Slack off."
            )
        super().__init__(
            slack_token,
            slack_channel,
            proxy,
            slack_retry_reason_header or "x-slack-retry-reason",
            slack_retry_number_header or "x-slack-retry-num",
            errors_ignore_retry,
            use_threads,
            slack_signing_secret,
            conversation_granularity,
        )
        if self.enabled:
            logger.info(f"Slack channel on, posting through {self.slack_api_url}")
        else:
            logger.info("Slack channel off: SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET are not set.")

    def _validate_credentials(self) -> None:
        if self.enabled:
            super()._validate_credentials()  # a token without a signing secret is refused

    # ---------------------------------------------------------------- parsing
    @staticmethod
    def _event_metadata(slack_event: Dict[Text, Any]) -> Dict[Text, Any]:
        event = slack_event.get("event") or {}
        users: List[Text] = []
        if slack_event.get("authed_users"):
            users = list(slack_event["authed_users"])
        elif slack_event.get("authorizations"):
            user_id = slack_event["authorizations"][0].get("user_id")
            if user_id:
                users.append(user_id)
        return {
            "out_channel": event.get("channel"),
            "thread_id": event.get("thread_ts", event.get("ts")),
            "users": users,
            "channel_type": event.get("channel_type"),
            "team_id": slack_event.get("team_id"),
            "event_id": slack_event.get("event_id"),
        }

    @staticmethod
    def _interactive_metadata(payload: Dict[Text, Any]) -> Dict[Text, Any]:
        message = payload.get("message") or {}
        container = payload.get("container") or {}
        user_id = (payload.get("user") or {}).get("id")
        return {
            "out_channel": (payload.get("channel") or {}).get("id") or container.get("channel_id"),
            "thread_id": message.get("thread_ts") or container.get("thread_ts") or message.get("ts"),
            "users": [user_id] if user_id else [],
            "team_id": (payload.get("team") or {}).get("id"),
        }

    @staticmethod
    def _form_payload(request: Request) -> Optional[Dict[Text, Any]]:
        try:
            return json.loads(request.form.get("payload") or "")
        except (TypeError, ValueError):
            return None

    def get_metadata(self, request: Request) -> Dict[Text, Any]:
        kind = media_type(request)
        if kind == "application/json":
            try:
                return self._event_metadata(json.loads(request.body or b"{}"))
            except ValueError:
                return {}
        if kind == "application/x-www-form-urlencoded":
            payload = self._form_payload(request)
            return self._interactive_metadata(payload) if payload else {}
        return {}

    # ------------------------------------------------------------- handling
    def _duplicate(self, request: Request, keys: Iterable[Optional[str]], claim: bool = False) -> Optional[HTTPResponse]:
        """A "no retry" answer when an event was handled already; with `claim`, the event is marked
        handled in the same step (of two workers given it at once, one goes on)."""
        if (self.seen_events.claim(keys) if claim else not self.seen_events.any_seen(keys)):
            return None
        logger.info(
            f"Ignoring a Slack event already handled (retry #{request.headers.get(self.retry_num_header)}, "
            f"reason {request.headers.get(self.retry_reason_header)})."
        )
        return response.text("", status=HTTPStatus.OK, headers={"X-Slack-No-Retry": "1"})

    async def process_message(
        self,
        request: Request,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        text: Text,
        sender_id: Optional[Text],
        metadata: Optional[Dict],
    ) -> Any:
        """Hand the message to Rasa in the background: Slack wants its answer within 3 s.

        Unlike Rasa's, retries are not judged here by their reason: duplicates were
        already dropped by id, and an event seen for the first time is processed.
        """
        metadata = metadata or {}
        thread_id = metadata.get("thread_id") if self.use_threads else None
        user_msg = UserMessage(
            text,
            self.get_output_channel(metadata.get("out_channel"), thread_id),
            sender_id,
            input_channel=self.name(),
            metadata=metadata,
        )
        task: asyncio.Task = asyncio.create_task(on_new_message(user_msg))
        self._background_tasks.add(task)
        task.add_done_callback(self._background_tasks.discard)
        task.add_done_callback(_log_failure)
        return response.text("")

    async def handle_event(
        self, request: Request, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> HTTPResponse:
        try:
            output = json.loads(request.body or b"{}")
        except ValueError:
            return response.text("Malformed JSON.", status=HTTPStatus.BAD_REQUEST)
        if not isinstance(output, dict):
            return response.text("Malformed event.", status=HTTPStatus.BAD_REQUEST)

        if output.get("type") == "url_verification" or "challenge" in output:
            return response.json({"challenge": output.get("challenge")})

        metadata = self._event_metadata(output)
        event = output.get("event") or {}
        message_key = (
            f"message:{event.get('channel')}:{event.get('ts')}" if event.get("channel") and event.get("ts") else None
        )
        event_key = f"event:{output['event_id']}" if output.get("event_id") else None
        duplicate = self._duplicate(request, [event_key, message_key])
        if duplicate is not None:
            return duplicate

        if not self._is_user_message(output) or event.get("subtype") not in USER_MESSAGE_SUBTYPES:
            return response.text("Not a user message: skipped.")
        if not self._is_supported_channel(output, metadata):
            logger.info(f"Slack message in channel {metadata.get('out_channel')} is not for the bot: skipped.")
            return response.text("Channel not supported.")
        # Claimed only now: a `message` event skipped above must not hide the
        # `app_mention` event of the same message.
        duplicate = self._duplicate(request, [event_key, message_key], claim=True)
        if duplicate is not None:
            return duplicate

        sender_id = event.get("user", "")
        conversation_id = self._get_conversation_id(sender_id, metadata["out_channel"], metadata["thread_id"])
        return await self.process_message(
            request,
            on_new_message,
            text=self._sanitize_user_message(event.get("text", ""), metadata["users"]),
            sender_id=conversation_id,
            metadata=metadata,
        )

    async def handle_interaction(
        self, request: Request, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> HTTPResponse:
        payload = self._form_payload(request)
        if not payload:
            return response.text("Missing payload.", status=HTTPStatus.BAD_REQUEST)
        if not self._is_interactive_message(payload):
            return response.text("Interaction not supported: skipped.")
        action = payload["actions"][0]
        user_id = (payload.get("user") or {}).get("id")
        key = f"action:{user_id}:{action.get('action_ts') or payload.get('trigger_id')}"
        duplicate = self._duplicate(request, [key], claim=True)
        if duplicate is not None:
            return duplicate
        text = self._get_interactive_response(action)
        if text is None:
            return response.text("Link button clicked.")  # link buttons carry no value
        metadata = self._interactive_metadata(payload)
        conversation_id = self._get_conversation_id(user_id, metadata["out_channel"], metadata["thread_id"])
        if action.get("type") == "button":
            self._spawn(self._mark_answered(payload, action))
        return await self.process_message(request, on_new_message, text, conversation_id, metadata)

    def _spawn(self, coroutine: Awaitable[Any]) -> None:
        task: asyncio.Task = asyncio.ensure_future(coroutine)
        self._background_tasks.add(task)
        task.add_done_callback(self._background_tasks.discard)

    async def _mark_answered(self, payload: Dict[Text, Any], action: Dict[Text, Any]) -> None:
        """Replace the clicked message's buttons by the choice, so it cannot be sent twice."""
        message = payload.get("message") or {}
        channel = (payload.get("channel") or {}).get("id") or (payload.get("container") or {}).get("channel_id")
        if not channel or not message.get("ts"):
            return
        chosen = (action.get("text") or {}).get("text") or action.get("value") or ""
        blocks = [b for b in message.get("blocks") or [] if b.get("type") != "actions"]
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": f"You chose: *{chosen}*"}]})
        client = AsyncWebClient(self.slack_token, base_url=self.slack_api_url, proxy=self.proxy)
        try:
            await client.chat_update(channel=channel, ts=message["ts"], text=message.get("text") or chosen,
                                     blocks=blocks)
        except Exception as e:  # cosmetic: never let it disturb the conversation
            logger.warning(f"Could not update the Slack message after a click: {e}")

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        # control characters stripped, over-long messages refused before NLU (connectors/guard.py)
        on_new_message = guarded(on_new_message, ActionServerProbe.from_settings())
        slack_webhook = Blueprint(f"{self.url_prefix()}_webhook", __name__)

        @slack_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok" if self.enabled else "disabled"})

        @slack_webhook.route("/webhook", methods=["GET", "POST"])
        async def webhook(request: Request) -> HTTPResponse:
            if not self.enabled:
                return response.text(
                    "The Slack channel is off: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET.",
                    status=HTTPStatus.SERVICE_UNAVAILABLE,
                )
            if not self.is_request_from_slack_authentic(request):
                logger.warning("Rejected a Slack request with a bad signature or a stale timestamp.")
                return response.text(
                    "Message is not properly signed with a valid X-Slack-Signature header",
                    status=HTTPStatus.UNAUTHORIZED,
                )
            kind = media_type(request)
            if kind == "application/json":
                return await self.handle_event(request, on_new_message)
            if kind == "application/x-www-form-urlencoded":
                return await self.handle_interaction(request, on_new_message)
            return response.text(f"Unsupported content type {kind!r}.", status=HTTPStatus.UNSUPPORTED_MEDIA_TYPE)

        if self.enabled:
            deliveries = PushDelivery(RecordStore(load_settings().database_url), self.name(), lambda _: True,
                                      self.post_push)
            deliveries.listen_on(slack_webhook)
        return slack_webhook

    async def post_push(self, push: PendingPush) -> None:
        """A message from the console, posted where the customer wrote (their thread with use_threads)."""
        thread_id = push.address.get("thread_id") if self.use_threads else None
        output = self.get_output_channel(push.address.get("out_channel"), thread_id)
        text = signed_by_staff(push.author_name, push.text) if push.author == FROM_STAFF else push.text
        await output.send_text_message(push.sender_id, text)

    def get_output_channel(
        self, channel: Optional[Text] = None, thread_id: Optional[Text] = None
    ) -> OutputChannel:
        channel = channel or self.slack_channel
        return RefundDeskSlackBot(self.slack_token, channel, thread_id, self.proxy, self.slack_api_url)


def _log_failure(task: "asyncio.Task") -> None:
    if not task.cancelled() and task.exception() is not None:
        logger.error("Handling a Slack message failed", exc_info=task.exception())


__all__ = ["RefundDeskSlackInput", "RefundDeskSlackBot", "SeenEvents", "media_type", "slack_mrkdwn"]
