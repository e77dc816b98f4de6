"""Runtime configuration read from the environment and an optional `.env` file.

The one place that reads the environment: everything else asks `load_settings()` (or
`environment()` for the few values a channel reads by a name it is configured with).
"""
from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Mapping, Optional

from dotenv import dotenv_values

PROJECT_ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = PROJECT_ROOT / "var"  # generated secrets, the SQLite databases, logs
DEFAULT_REFUND_POLICY = PROJECT_ROOT / "refund_policies" / "pro_it_assist.yml"
DEFAULT_DATABASE_URL = f"sqlite:///{VAR_DIR / 'refund_desk.db'}"
DEFAULT_ACTION_SERVER_URL = "http://127.0.0.1:5055/webhook"
READERS_DIR = PROJECT_ROOT / "data" / "readers"  # training data of the trained readers (refund_desk/readers.py)
SECRETS_FILE = VAR_DIR / "secrets.env"  # generated on first run (refund_desk.security)
DEFAULT_DATABASE_TIMEOUT_SECONDS = 4.0
DEFAULT_MAIL_FROM = "Refund Desk <refund-desk@localhost>"
MIN_DATABASE_TIMEOUT_SECONDS = 0.5
DEFAULT_WEB_PORT = "8080"
DEFAULT_WIDGET_SESSION_IDLE_HOURS = 24.0
DEFAULT_WIDGET_FRAME_ANCESTORS = "'none'"
_CSP_SOURCES = re.compile(r"[A-Za-z0-9'*:/.\-]+(?: +[A-Za-z0-9'*:/.\-]+)*")
# WordLlama's token embeddings and tokenizer, extracted by `make install` (scripts/install_embeddings.py)
# from the pinned wheel; read when the NLU model is trained (the model keeps its own copy).
EMBEDDINGS_DIR = Path(os.environ.get("REFUND_DESK_EMBEDDINGS_DIR") or PROJECT_ROOT / ".venv" / "share" / "wordllama")
# all-MiniLM-L6-v2's weights and tokenizer (refund_desk/sentence_encoder.py), extracted the same way.
ENCODER_DIR = Path(os.environ.get("REFUND_DESK_ENCODER_DIR") or PROJECT_ROOT / ".venv" / "share" / "minilm")
# The readers' training phrasings as MiniLM vectors (refund_desk/sentence_vectors.py): made once, read at start.
VECTOR_CACHE_DIR = VAR_DIR / "sentence_vectors"
DEFAULT_MAX_MESSAGE_CHARS = 5000
DEFAULT_ACTION_PORT = 5055
DEFAULT_STAFF_HOST = "127.0.0.1"
DEFAULT_STAFF_PORT = 8090
DEFAULT_CONSOLE_URL = "http://127.0.0.1:8090"
DEFAULT_STAFF_SESSION_HOURS = 8.0
MIN_STAFF_SESSION_HOURS = 0.05  # three minutes


@dataclass(frozen=True)
class Settings:
    database_url: str
    refund_policy: Path
    action_server_url: str
    redis_url: Optional[str] = None  # shared tracker and lock stores for several Rasa servers
    action_server_secret: Optional[str] = None  # Rasa sends it; the action server requires it
    tracker_store_url: Optional[str] = None  # where Rasa keeps conversations (SQLAlchemy URL)
    # how long a conversation waits for the records database before "couldn't save yet"
    database_timeout_seconds: float = DEFAULT_DATABASE_TIMEOUT_SECONDS
    # the web pages (origins) that may open a chat: CORS and the socket.io handshake's Origin
    widget_origins: tuple[str, ...] = ()
    # a website chat session left idle this long cannot be rejoined (a new conversation starts)
    widget_session_idle_hours: float = DEFAULT_WIDGET_SESSION_IDLE_HOURS
    # who may frame the demo page (CSP frame-ancestors)
    widget_frame_ancestors: str = DEFAULT_WIDGET_FRAME_ANCESTORS
    max_message_chars: int = DEFAULT_MAX_MESSAGE_CHARS  # longer messages are refused before NLU
    today: Optional[date] = None  # REFUND_DESK_TODAY pins "today" for demos and tests
    action_host: str = "127.0.0.1"
    action_port: int = DEFAULT_ACTION_PORT
    action_server_probe: bool = True  # channels check the action server's /health (off in channel tests)
    slack_dedup_db: Optional[Path] = None  # SQLite file of Slack events seen (without REDIS_URL)
    lock_store_db: Optional[Path] = None  # SQLite file of the Rasa workers' conversation locks (without REDIS_URL)
    # the staff console (console/): where it listens, its address in links, its sessions
    staff_host: str = DEFAULT_STAFF_HOST
    staff_port: int = DEFAULT_STAFF_PORT
    console_url: str = DEFAULT_CONSOLE_URL
    staff_session_hours: float = DEFAULT_STAFF_SESSION_HOURS
    staff_cookie_secure: bool = False  # the session cookie only over HTTPS (behind TLS)
    smtp_url: Optional[str] = None  # smtp://user:pass@host:port or smtps://...; unset: no e-mail
    mail_from: str = DEFAULT_MAIL_FROM
    billing_mailbox: Optional[str] = None  # unset: the address in the refund policy's contact clause
    # behind a reverse proxy: the header carrying the client's address (X-Forwarded-For), for the
    # channels' look-up limits and the console's login limit; unset, the peer address, no header believed
    forwarded_for_header: Optional[str] = None


def load_settings(
    environ: Optional[Mapping[str, str]] = None, env_file: Optional[Path] = None
) -> Settings:
    """Settings from `environ` (default: the process environment), falling back to `.env`, then
    (with the default `.env` only) to the generated secrets in var/secrets.env."""
    values = environment(environ, env_file)

    def get(name: str, default: str) -> str:
        value = values.get(name)
        return value.strip() if value and value.strip() else default

    policy = Path(get("REFUND_POLICY", str(DEFAULT_REFUND_POLICY)))
    if not policy.is_absolute():
        policy = (PROJECT_ROOT / policy).resolve()
    database_url = get("DATABASE_URL", DEFAULT_DATABASE_URL)
    tracker_store_url = get("TRACKER_STORE_URL", "") or default_tracker_store_url(database_url)
    pinned_today = get("REFUND_DESK_TODAY", "")
    console_url = get("CONSOLE_URL", DEFAULT_CONSOLE_URL).rstrip("/")
    return Settings(
        database_url=database_url,
        refund_policy=policy,
        action_server_url=get("ACTION_SERVER_URL", DEFAULT_ACTION_SERVER_URL),
        redis_url=get("REDIS_URL", "") or None,
        action_server_secret=get("ACTION_SERVER_SECRET", "") or None,
        tracker_store_url=tracker_store_url,
        database_timeout_seconds=_seconds(get("DATABASE_TIMEOUT_SECONDS", ""), DEFAULT_DATABASE_TIMEOUT_SECONDS,
                                          MIN_DATABASE_TIMEOUT_SECONDS),
        max_message_chars=_positive(get("MAX_MESSAGE_CHARS", ""), DEFAULT_MAX_MESSAGE_CHARS),
        today=date.fromisoformat(pinned_today) if pinned_today else None,
        action_host=get("ACTION_HOST", "127.0.0.1"),
        action_port=_positive(get("ACTION_PORT", ""), DEFAULT_ACTION_PORT),
        action_server_probe=get("ACTION_SERVER_PROBE", "on").lower() not in ("off", "false", "0"),
        slack_dedup_db=_path(get("SLACK_DEDUP_DB", "")) or beside_conversations(tracker_store_url, "slack_events.db"),
        lock_store_db=beside_conversations(tracker_store_url, "locks.db"),
        smtp_url=get("SMTP_URL", "") or None,
        mail_from=get("MAIL_FROM", DEFAULT_MAIL_FROM),
        billing_mailbox=get("BILLING_MAILBOX", "") or None,
        staff_host=get("STAFF_HOST", DEFAULT_STAFF_HOST),
        staff_port=_port(get("STAFF_PORT", ""), DEFAULT_STAFF_PORT),
        console_url=console_url,
        staff_session_hours=_seconds(get("STAFF_SESSION_HOURS", ""), DEFAULT_STAFF_SESSION_HOURS,
                                     MIN_STAFF_SESSION_HOURS),
        staff_cookie_secure=_flag(get("STAFF_COOKIE_SECURE", ""), default=console_url.startswith("https://")),
        widget_origins=widget_origins(get("WIDGET_ORIGINS", ""), get("WEB_PORT", DEFAULT_WEB_PORT)),
        widget_session_idle_hours=_positive_number(get("WIDGET_SESSION_IDLE_HOURS", ""), DEFAULT_WIDGET_SESSION_IDLE_HOURS),
        widget_frame_ancestors=frame_ancestors(get("WIDGET_FRAME_ANCESTORS", DEFAULT_WIDGET_FRAME_ANCESTORS)),
        forwarded_for_header=get("FORWARDED_FOR_HEADER", "") or _legacy_proxy_header(get("STAFF_BEHIND_PROXY", "")),
    )


def _legacy_proxy_header(staff_behind_proxy: str) -> Optional[str]:
    """STAFF_BEHIND_PROXY=true, the console's old switch for the same thing, read as
    FORWARDED_FOR_HEADER=X-Forwarded-For."""
    return "X-Forwarded-For" if _flag(staff_behind_proxy, default=False) else None


def frame_ancestors(text: str) -> str:
    """WIDGET_FRAME_ANCESTORS as a CSP source list ('none', 'self', https://www.example.com ...);
    anything that could end the directive or the header is refused."""
    if not _CSP_SOURCES.fullmatch(text):
        raise ValueError(f"WIDGET_FRAME_ANCESTORS must be CSP sources such as 'self' or https://www.example.com, "
                         f"not {text!r}")
    return " ".join(text.split())


def widget_origins(text: str, web_port: str) -> tuple[str, ...]:
    """WIDGET_ORIGINS (space- or comma-separated origins); by default the demo page's two origins.
    "*" is refused: the chat must never answer any web page."""
    origins = tuple(o.rstrip("/") for o in text.replace(",", " ").split())
    if "*" in origins:
        raise ValueError("WIDGET_ORIGINS must list origins, not *")
    return origins or (f"http://localhost:{web_port}", f"http://127.0.0.1:{web_port}")


def _positive_number(text: str, default: float) -> float:
    """A positive finite number from a setting; the default when unset, unreadable or not above 0."""
    try:
        value = float(text) if text else default
    except ValueError:
        return default
    return value if math.isfinite(value) and value > 0 else default


def environment(environ: Optional[Mapping[str, str]] = None, env_file: Optional[Path] = None) -> dict[str, str]:
    """Every setting by name: `environ` (default: the process environment) over `.env`, over
    (with the default `.env` only) the generated secrets in var/secrets.env."""
    env_path = env_file if env_file is not None else PROJECT_ROOT / ".env"
    values: dict[str, str] = {}
    for path in ([SECRETS_FILE] if env_file is None else []) + [env_path]:
        if path.exists():
            values.update({k: v for k, v in dotenv_values(path).items() if v is not None})
    values.update(os.environ if environ is None else environ)
    return values


def _seconds(text: str, default: float, minimum: float) -> float:
    """A number of seconds from a setting; the default when unset or unreadable (nan and inf
    included), never below minimum."""
    try:
        seconds = float(text) if text else default
    except ValueError:
        return default
    return max(minimum, seconds) if math.isfinite(seconds) else default


def _positive(text: str, default: int) -> int:
    """A whole number above 0 from a setting; the default when unset, unreadable or not above 0."""
    try:
        value = int(text) if text else default
    except ValueError:
        return default
    return value if value > 0 else default


def _path(text: str) -> Optional[Path]:
    return (PROJECT_ROOT / text).resolve() if text else None


def sqlite_file(url: str) -> Optional[Path]:
    """The file of a sqlite:///path URL; None for any other URL (and for an in-memory database)."""
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        return Path(url[len("sqlite:///"):])
    return None


def beside_conversations(tracker_store_url: str, name: str) -> Path:
    """A SQLite file of the Rasa servers' own: beside the conversations when they are in SQLite,
    else under var/."""
    conversations = sqlite_file(tracker_store_url)
    return conversations.with_name(name) if conversations else VAR_DIR / name
def _port(text: str, default: int) -> int:
    try:
        port = int(text) if text else default
    except ValueError:
        raise ValueError(f"not a port number: {text!r}") from None
    if not 0 < port < 65536:
        raise ValueError(f"not a port number: {text!r}")
    return port


def _flag(text: str, *, default: bool) -> bool:
    """true/1/yes or false/0/no; the default when unset."""
    if not text:
        return default
    if text.lower() in ("true", "1", "yes", "on"):
        return True
    if text.lower() in ("false", "0", "no", "off"):
        return False
    raise ValueError(f"expected true or false, not {text!r}")


def default_tracker_store_url(database_url: str) -> str:
    """Conversations go to a SQLite file: beside the records when they are in SQLite, else under
    var/. Not on the records' PostgreSQL by default, so that a hung database server stalls only
    the conversations that write a record, not every conversation."""
    records = sqlite_file(database_url)
    return f"sqlite:///{records.with_name('conversations.db') if records else VAR_DIR / 'conversations.db'}"
