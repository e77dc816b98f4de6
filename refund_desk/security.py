"""Secrets, input limits and the small checks that keep strangers out (no Rasa imports).

* Secrets: the action server's shared secret and the Rasa HTTP API token are generated on first
  run into ``var/secrets.env`` (mode 0600), so ``make run`` needs no set-up. The environment and
  ``.env`` win over that file.
* Input: control characters (including NUL) are stripped from everything a customer types, and
  messages longer than ``MAX_MESSAGE_CHARS`` are refused before they reach NLU.
* Typed commands: a message that looks like ``/intent`` or ``/intent{...}`` is the customer's text,
  except the payloads our own buttons send and the commands the forms handle (OUR_COMMANDS).
* Website chat sessions: the server issues each session id with a secret; rejoining needs both.
* REST bodies: what makes a body answerable (rest_body_problem).
"""
from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from pathlib import Path
from typing import Mapping, Optional

from refund_desk.settings import SECRETS_FILE, load_settings

GENERATED_SECRETS = ("ACTION_SERVER_SECRET", "RASA_AUTH_TOKEN")

# C0 and C1 control characters, DEL, and the Unicode line/paragraph separators, except tab and
# newline (a customer may paste a multi-line description). Carriage returns become newlines.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")
SESSION_ID = re.compile(r"[0-9a-f]{32}")
SESSION_SECRET = re.compile(r"[A-Za-z0-9_-]{43}")  # secrets.token_urlsafe(32)

# The "/intent" payloads our buttons send (domain.yml responses and refund_desk/replies.py; a unit
# test checks that every such payload is here) and the commands typed into the chat that the forms
# handle without losing a request (/restart, /back, /session_start: actions/conversation.py).
BUTTON_COMMANDS = frozenset({"/affirm", "/deny", "/request_refund", "/cancel_service", "/check_request_status",
                             "/request_human", "/chargeback_filed"})
TYPED_COMMANDS = frozenset({"/restart", "/back", "/session_start"})
OUR_COMMANDS = BUTTON_COMMANDS | TYPED_COMMANDS

MAX_SENDER_CHARS = 128
MAX_BODY_DEPTH = 8  # nesting of a REST body (the metadata object inside the body object inside ...)


def clean_text(text: Optional[str]) -> Optional[str]:
    """The text without control characters (NUL included); None stays None."""
    if text is None:
        return None
    if not isinstance(text, str):
        text = str(text)
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def clean_value(value):
    """Strings anywhere inside dicts, lists and tuples cleaned with clean_text."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_value(k): clean_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(clean_value(v) for v in value)
    return value


def max_message_chars(environ: Optional[Mapping[str, str]] = None) -> int:
    """MAX_MESSAGE_CHARS from the settings (`environ` instead of the process environment)."""
    return load_settings(environ).max_message_chars


def too_long_message(limit: int) -> str:
    return (f"Sorry, that message is too long for me to read (my limit is {limit:,} characters). "
            "Could you send it in shorter parts, or just the key details, like your invoice number "
            "and what went wrong?")


def is_session_id(value: object) -> bool:
    """A 128-bit random session id as the widget makes it: 32 lowercase hex digits."""
    return isinstance(value, str) and bool(SESSION_ID.fullmatch(value))


def new_session_id() -> str:
    return secrets.token_hex(16)


def new_session_secret() -> str:
    return secrets.token_urlsafe(32)


def is_session_secret(value: object) -> bool:
    return isinstance(value, str) and bool(SESSION_SECRET.fullmatch(value))


def secret_digest(secret: str) -> str:
    """What is stored of a session secret: its SHA-256, so a copy of the store opens no session."""
    return hashlib.sha256(secret.encode()).hexdigest()


def is_our_command(text: Optional[str]) -> bool:
    """Whether a message is one of our buttons' payloads or a command the forms handle, to be read
    as an intent; any other "/..." message is the customer's text."""
    return isinstance(text, str) and text.strip() in OUR_COMMANDS


def reads_as_a_command(text: Optional[str]) -> bool:
    """Whether Rasa would read this message as an intent ("/intent", "/intent{...}")."""
    return isinstance(text, str) and text.strip().startswith("/")


def nesting_depth(value: object) -> int:
    """How deeply lists and dicts nest in a parsed JSON value (a string is 0, {} is 1), without
    recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in children)
    return deepest


def rest_body_problem(body: object) -> Optional[str]:
    """Why a parsed REST body cannot be answered (a short text for a 400), or None when it can."""
    if not isinstance(body, dict):
        return "the body must be a JSON object"
    if nesting_depth(body) > MAX_BODY_DEPTH:
        return "the body is nested too deeply"
    sender, message = body.get("sender"), body.get("message")
    if sender is None:
        return "sender is required"
    if not isinstance(sender, str):
        return "sender must be a string"
    if not sender.strip() or len(sender) > MAX_SENDER_CHARS or not sender.isprintable():
        return f"sender must be 1 to {MAX_SENDER_CHARS} printable characters"
    if is_session_id(sender):
        return "this sender id is reserved for website chat sessions"
    if message is None:
        return "message is required"
    if not isinstance(message, str):
        return "message must be a string"
    if not clean_text(message).strip():
        return "message is blank"
    metadata = body.get("metadata")
    if metadata is not None and not isinstance(metadata, dict):
        return "metadata must be a JSON object"
    return None


def same_secret(given: Optional[str], expected: Optional[str]) -> bool:
    """Constant-time comparison; an empty expected secret never matches."""
    if not expected or not given:
        return False
    return hmac.compare_digest(given.encode(), expected.encode())


def bearer_token(authorization: Optional[str]) -> Optional[str]:
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def read_env_file(path: Path) -> dict[str, str]:
    values: dict[str, str] = {}
    if not path.exists():
        return values
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        values[key.strip()] = value.strip()
    return values


def ensure_secrets(path: Path = SECRETS_FILE) -> dict[str, str]:
    """The generated secrets, creating the file (mode 0600) or adding missing ones on first use."""
    values = read_env_file(path)
    missing = [name for name in GENERATED_SECRETS if not values.get(name)]
    if missing:
        for name in missing:
            values[name] = secrets.token_urlsafe(32)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write("# Generated by Refund Desk on first run; keep private. The environment and .env win.\n")
            f.writelines(f"{k}={v}\n" for k, v in values.items())
        os.replace(tmp, path)
    os.chmod(path, 0o600)
    return values


def write_private(path: Path, text: str) -> None:
    """Write a file only its owner can read (it holds secrets)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    os.chmod(path, 0o600)
