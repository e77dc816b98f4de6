"""What the actions share: settings, the active refund policy (its answers index built at start-up) and the record store."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from refund_desk import policy_answers
from refund_desk.outbox import record_store
from refund_desk.records import RecordStore
from refund_desk.refund_policy import RefundPolicy
from refund_desk.refund_policy_loader import load_refund_policy
from refund_desk.settings import Settings, load_settings


@dataclass(frozen=True)
class Runtime:
    settings: Settings
    policy: RefundPolicy
    store: RecordStore


@lru_cache(maxsize=1)
def runtime() -> Runtime:
    """Built once per process; the database engine itself is created on first use."""
    settings = load_settings()
    policy = load_refund_policy(settings.refund_policy)
    policy_answers.prepare(policy)
    return Runtime(settings, policy, record_store(settings, policy))


def today() -> date:
    """Today's date; REFUND_DESK_TODAY (YYYY-MM-DD) pins it for demos and reproducible tests."""
    return runtime().settings.today or date.today()
