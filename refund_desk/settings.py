"""Runtime configuration read from the environment and an optional `.env` file."""
from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Optional

from dotenv import dotenv_values

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_REFUND_POLICY = PROJECT_ROOT / "refund_policies" / "pro_it_assist.yml"
DEFAULT_DATABASE_URL = f"sqlite:///{PROJECT_ROOT / 'var' / 'refund_desk.db'}"
DEFAULT_ACTION_SERVER_URL = "http://127.0.0.1:5055/webhook"
READERS_DIR = PROJECT_ROOT / "data" / "readers"  # training data of the trained readers (refund_desk/readers.py)
SECRETS_FILE = PROJECT_ROOT / "var" / "secrets.env"  # generated on first run (refund_desk.security)
DEFAULT_DATABASE_TIMEOUT_SECONDS = 4.0
MIN_DATABASE_TIMEOUT_SECONDS = 0.5
# WordLlama's token embeddings and tokenizer, extracted by `make install` (scripts/install_embeddings.py)
# from the pinned wheel; read when the NLU model is trained (the model keeps its own copy).
EMBEDDINGS_DIR = Path(os.environ.get("REFUND_DESK_EMBEDDINGS_DIR") or PROJECT_ROOT / ".venv" / "share" / "wordllama")


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
    )


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
