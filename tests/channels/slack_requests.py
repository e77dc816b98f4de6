"""Build and send Slack Events API / interactivity requests, signed like Slack signs them."""
from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any, Optional
from urllib.parse import urlencode

from fake_slack import ApiCall

_ids = itertools.count(1)


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """`v0=` + HMAC-SHA256 of `v0:{timestamp}:{body}` with the signing secret."""
    base = f"v0:{timestamp}:".encode() + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def new_ts() -> str:
    return f"{time.time():.6f}"


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: str

    def json(self) -> Any:
        return json.loads(self.body)


class SlackSender:
    def __init__(self, webhook_url: str, signing_secret: str, team: str = "T0REFUND",
                 bot_user: str = "U0BOT") -> None:
        self.webhook_url = webhook_url
        self.secret = signing_secret
        self.team = team
        self.bot_user = bot_user

    def post(self, body: bytes, content_type: str, timestamp: Optional[str] = None,
             signature: Optional[str] = None, headers: Optional[dict[str, str]] = None) -> Reply:
        timestamp = timestamp or str(int(time.time()))
        all_headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": timestamp,
            "X-Slack-Signature": sign(self.secret, timestamp, body) if signature is None else signature,
            **(headers or {}),
        }
        if not all_headers["X-Slack-Signature"]:
            del all_headers["X-Slack-Signature"]
        req = urllib.request.Request(self.webhook_url, data=body, headers=all_headers, method="POST")
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                return Reply(resp.status, {k.lower(): v for k, v in resp.headers.items()}, resp.read().decode())
        except urllib.error.HTTPError as e:
            return Reply(e.code, {k.lower(): v for k, v in e.headers.items()}, e.read().decode())

    def envelope(self, text: str, user: str, channel: str, channel_type: str = "channel",
                 event_type: str = "message", ts: Optional[str] = None,
                 thread_ts: Optional[str] = None, event_id: Optional[str] = None) -> dict[str, Any]:
        ts = ts or new_ts()
        event: dict[str, Any] = {
            "type": event_type, "user": user, "text": text, "ts": ts, "event_ts": ts,
            "channel": channel, "channel_type": channel_type, "team": self.team,
        }
        if thread_ts:
            event["thread_ts"] = thread_ts
        return {
            "token": "deprecated-verification-token", "team_id": self.team, "api_app_id": "A0REFUND",
            "event": event, "type": "event_callback",
            "event_id": event_id or f"Ev{next(_ids):08d}", "event_time": int(time.time()),
            "authorizations": [{"team_id": self.team, "user_id": self.bot_user, "is_bot": True}],
        }

    def send_event(self, envelope: dict[str, Any], content_type: str = "application/json",
                   **kwargs: Any) -> Reply:
        return self.post(json.dumps(envelope).encode(), content_type, **kwargs)

    def say(self, text: str, user: str, channel: str, **kwargs: Any) -> Reply:
        return self.send_event(self.envelope(text, user, channel, **kwargs))

    def click(self, post: ApiCall, button: dict[str, Any], user: str,
              content_type: str = "application/x-www-form-urlencoded", **kwargs: Any) -> Reply:
        """Click `button` of the bot message `post` (as recorded by the fake Slack API)."""
        channel = post.params["channel"]
        message: dict[str, Any] = {"type": "message", "ts": post.ts, "text": post.text,
                                   "blocks": post.params.get("blocks"), "bot_id": "B0REFUND"}
        container: dict[str, Any] = {"type": "message", "message_ts": post.ts, "channel_id": channel,
                                     "is_ephemeral": False}
        if post.params.get("thread_ts"):
            message["thread_ts"] = container["thread_ts"] = post.params["thread_ts"]
        payload = {
            "type": "block_actions", "user": {"id": user, "team_id": self.team},
            "api_app_id": "A0REFUND", "token": "deprecated-verification-token",
            "container": container, "trigger_id": f"{next(_ids)}.trigger", "team": {"id": self.team},
            "channel": {"id": channel}, "message": message,
            "actions": [{**button, "block_id": "rasa_buttons_0", "action_ts": new_ts()}],
        }
        body = urlencode({"payload": json.dumps(payload)}).encode()
        return self.post(body, content_type, **kwargs)
