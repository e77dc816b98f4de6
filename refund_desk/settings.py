"""Runtime configuration read from the environment and an optional `.env` file."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Optional

from dotenv import dotenv_values

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_REFUND_POLICY = PROJECT_ROOT / "refund_policies" / "pro_it_assist.yml"
DEFAULT_DATABASE_URL = f"sqlite:///{PROJECT_ROOT / 'var' / 'refund_desk.db'}"
DEFAULT_ACTION_SERVER_URL = "http://localhost:5055/webhook"


@dataclass(frozen=True)
class Settings:
    database_url: str
    refund_policy: Path
    action_server_url: str
    redis_url: Optional[str] = None  # shared tracker and lock stores for several Rasa servers


def load_settings(
    environ: Optional[Mapping[str, str]] = None, env_file: Optional[Path] = None
) -> Settings:
    """Settings from `environ` (default: the process environment), falling back to `.env`."""
    env_path = env_file if env_file is not None else PROJECT_ROOT / ".env"
    values: dict[str, Optional[str]] = dict(dotenv_values(env_path)) if env_path.exists() else {}
    values.update(os.environ if environ is None else environ)

    def get(name: str, default: str) -> str:
        value = values.get(name)
        return value.strip() if value and value.strip() else default

    policy = Path(get("REFUND_POLICY", str(DEFAULT_REFUND_POLICY)))
    if not policy.is_absolute():
        policy = (PROJECT_ROOT / policy).resolve()
    return Settings(
        database_url=get("DATABASE_URL", DEFAULT_DATABASE_URL),
        refund_policy=policy,
        action_server_url=get("ACTION_SERVER_URL", DEFAULT_ACTION_SERVER_URL),
        redis_url=get("REDIS_URL", "") or None,
    )
