"""Secrets, input limits and the small checks that keep strangers out (no Rasa imports).

* Secrets: the action server's shared secret and the Rasa HTTP API token are generated on first
  run into ``var/secrets.env`` (mode 0600), so ``make run`` needs no set-up. The environment and
  ``.env`` win over that file.
* Input: control characters (including NUL, and the Unicode direction controls that make a name
  print backwards) are stripped from everything a customer types, and messages longer than
  ``MAX_MESSAGE_CHARS`` are refused before they reach NLU.
* Typed commands: a message that looks like ``/intent`` or ``/intent{...}`` is the customer's text,
  except the payloads our own buttons send and the commands the forms handle (OUR_COMMANDS).
* Website chat sessions: the server issues each session id with a secret; rejoining needs both.
* REST bodies: what makes a body answerable (rest_body_problem).
* Files: what Refund Desk writes under ``var/`` (databases, logs, secrets) is its owner's alone:
  folders 0700, files 0600.
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

# C0 and C1 control characters, DEL, the Unicode line/paragraph separators, except tab and
# newline (a customer may paste a multi-line description), and the direction controls (embeddings
# and overrides U+202A-U+202E, isolates U+2066-U+2069, the marks U+200E, U+200F and U+061C), which
# would make a stored name print in another order. Carriage returns become newlines.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069"
                      r"\u200e\u200f\u061c]")
PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600
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
        private_dir(path.parent)
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
    private_dir(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE_MODE)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    os.chmod(path, PRIVATE_FILE_MODE)


def private_dir(path: Path) -> None:
    """A folder, created 0700 if missing; an existing one is left as it is (it may be the
    operator's; var/ itself is tightened on start by tighten_tree)."""
    if not path.is_dir():
        path.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
        _tighten(path, PRIVATE_DIR_MODE)


def private_file(path: Path) -> None:
    """A file only its owner can read, created empty if missing (SQLite then writes into it, and
    gives its journal the same mode), in a private folder."""
    private_dir(path.parent)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, PRIVATE_FILE_MODE))
    _tighten(path, PRIVATE_FILE_MODE)


def tighten_tree(root: Path) -> None:
    """Folders under root (root included) to 0700 and files to 0600: a var/ made by an earlier
    version, or by a looser umask, is made private on start. Symbolic links are not followed."""
    if not root.is_dir() or root.is_symlink():
        return
    _tighten(root, PRIVATE_DIR_MODE)
    for folder, dirs, files in os.walk(root):
        for name in dirs:
            _tighten(Path(folder) / name, PRIVATE_DIR_MODE)
        for name in files:
            _tighten(Path(folder) / name, PRIVATE_FILE_MODE)


def _tighten(path: Path, mode: int) -> None:
    """chmod to `mode` if this user owns it and it is no symbolic link (others' files stay as they are)."""
    try:
        info = path.lstat()
    except FileNotFoundError:
        return
    if os.path.islink(path) or info.st_uid != os.getuid():
        return
    if info.st_mode & 0o777 != mode:
        os.chmod(path, mode)


# ---- The client's address, as the channels put it into each message's metadata ------------------
CLIENT_ADDRESS_METADATA = "client_address"  # the key; a value a client sends itself is overwritten
MAX_ADDRESS_CHARS = 64


def client_address(peer: Optional[str], headers: Mapping[str, str], forwarded_for_header: Optional[str]) -> Optional[str]:
    """Where a request came from: the peer address, or behind a reverse proxy (forwarded_for_header
    set, such as X-Forwarded-For) only that header's last entry, the one the proxy itself added
    (entries before it are whatever the client claimed). Other headers are never believed."""
    if forwarded_for_header:
        raw = next((v for k, v in headers.items() if k.lower() == forwarded_for_header.lower()), "") or ""
        return _address(raw.split(",")[-1])
    return _address(peer)


def _address(text: Optional[str]) -> Optional[str]:
    cleaned = (clean_text(text) or "").strip()[:MAX_ADDRESS_CHARS]
    return cleaned or None
