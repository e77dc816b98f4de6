"""Runtime configuration read from the environment and an optional `.env` file."""
from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Optional

from dotenv import dotenv_values

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_REFUND_POLICY = PROJECT_ROOT / "refund_policies" / "pro_it_assist.yml"
DEFAULT_DATABASE_URL = f"sqlite:///{PROJECT_ROOT / 'var' / 'refund_desk.db'}"
DEFAULT_ACTION_SERVER_URL = "http://127.0.0.1:5055/webhook"
SECRETS_FILE = PROJECT_ROOT / "var" / "secrets.env"  # generated on first run (refund_desk.security)
DEFAULT_DATABASE_TIMEOUT_SECONDS = 4.0
MIN_DATABASE_TIMEOUT_SECONDS = 0.5
DEFAULT_WEB_PORT = "8080"
DEFAULT_WIDGET_SESSION_IDLE_HOURS = 24.0
DEFAULT_WIDGET_FRAME_ANCESTORS = "'none'"
_CSP_SOURCES = re.compile(r"[A-Za-z0-9'*:/.\-]+(?: +[A-Za-z0-9'*:/.\-]+)*")


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


def load_settings(
    environ: Optional[Mapping[str, str]] = None, env_file: Optional[Path] = None
) -> Settings:
    """Settings from `environ` (default: the process environment), falling back to `.env`, then
    (with the default `.env` only) to the generated secrets in var/secrets.env."""
    env_path = env_file if env_file is not None else PROJECT_ROOT / ".env"
    values: dict[str, Optional[str]] = {}
    if env_file is None and SECRETS_FILE.exists():
        values.update(dotenv_values(SECRETS_FILE))
    if env_path.exists():
        values.update(dotenv_values(env_path))
    values.update(os.environ if environ is None else environ)

    def get(name: str, default: str) -> str:
        value = values.get(name)
        return value.strip() if value and value.strip() else default

    policy = Path(get("REFUND_POLICY", str(DEFAULT_REFUND_POLICY)))
    if not policy.is_absolute():
        policy = (PROJECT_ROOT / policy).resolve()
    database_url = get("DATABASE_URL", DEFAULT_DATABASE_URL)
    return Settings(
        database_url=database_url,
        refund_policy=policy,
        action_server_url=get("ACTION_SERVER_URL", DEFAULT_ACTION_SERVER_URL),
        redis_url=get("REDIS_URL", "") or None,
        action_server_secret=get("ACTION_SERVER_SECRET", "") or None,
        tracker_store_url=get("TRACKER_STORE_URL", "") or default_tracker_store_url(database_url),
        database_timeout_seconds=_seconds(get("DATABASE_TIMEOUT_SECONDS", ""), DEFAULT_DATABASE_TIMEOUT_SECONDS,
                                          MIN_DATABASE_TIMEOUT_SECONDS),
        widget_origins=widget_origins(get("WIDGET_ORIGINS", ""), get("WEB_PORT", DEFAULT_WEB_PORT)),
        widget_session_idle_hours=_positive(get("WIDGET_SESSION_IDLE_HOURS", ""), DEFAULT_WIDGET_SESSION_IDLE_HOURS),
        widget_frame_ancestors=frame_ancestors(get("WIDGET_FRAME_ANCESTORS", DEFAULT_WIDGET_FRAME_ANCESTORS)),
    )


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


def _positive(text: str, default: float) -> float:
    """A positive finite number from a setting; the default when unset, unreadable or not above 0."""
    try:
        value = float(text) if text else default
    except ValueError:
        return default
    return value if math.isfinite(value) and value > 0 else default


def _seconds(text: str, default: float, minimum: float) -> float:
    """A number of seconds from a setting; the default when unset or unreadable (nan and inf
    included), never below minimum."""
    try:
        seconds = float(text) if text else default
    except ValueError:
        return default
    return max(minimum, seconds) if math.isfinite(seconds) else default


def default_tracker_store_url(database_url: str) -> str:
    """Conversations go to a SQLite file: beside the records when they are in SQLite, else under
    var/. Not on the records' PostgreSQL by default, so that a hung database server stalls only
    the conversations that write a record, not every conversation."""
    if database_url.startswith("sqlite:///") and database_url != "sqlite:///:memory:":
        records = Path(database_url[len("sqlite:///"):])
        return f"sqlite:///{records.with_name('conversations.db')}"
    return f"sqlite:///{PROJECT_ROOT / 'var' / 'conversations.db'}"
