"""How many status look-ups may fail (or show a request found by invoice and e-mail) before the
assistant stops looking: per conversation, per client address and overall.

The counts live in the records database (refund_desk.records), so that `/restart`, a new sender
id and a server restart do not reset them. Who asked is kept only as a hash: no sender id or
address is stored in clear.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta
from typing import Optional


@dataclass(frozen=True)
class LookupLimit:
    """At most `most` counted look-ups within `window` for one scope."""

    scope: str  # "conversation", "client" or "overall"
    most: int
    window: timedelta


CONVERSATION_LIMIT = LookupLimit("conversation", 5, timedelta(days=1))
CLIENT_LIMIT = LookupLimit("client", 10, timedelta(hours=1))
OVERALL_LIMIT = LookupLimit("overall", 200, timedelta(hours=1))
LOOKUP_LIMITS = (CONVERSATION_LIMIT, CLIENT_LIMIT, OVERALL_LIMIT)
KEEP_COUNTED_FOR = max(limit.window for limit in LOOKUP_LIMITS)  # older counts are deleted


@dataclass(frozen=True)
class Asker:
    """Who looks a request up: the conversation and, when the channel knows it, the client address."""

    sender_id: Optional[str] = None
    client_address: Optional[str] = None

    @property
    def conversation_key(self) -> Optional[str]:
        return hashed("conversation", self.sender_id)

    @property
    def client_key(self) -> Optional[str]:
        return hashed("client", self.client_address)


def hashed(scope: str, value: Optional[str]) -> Optional[str]:
    """A value as the counts keep it: a hash, never the value itself; None for no value."""
    if not value or not value.strip():
        return None
    return hashlib.sha256(f"{scope}\0{value.strip()}".encode("utf-8", "replace")).hexdigest()[:40]


def limit_reached(counts: dict[str, int], limits: tuple[LookupLimit, ...] = LOOKUP_LIMITS) -> Optional[str]:
    """The scope whose limit the counts (this look-up included) exceed, or None."""
    for limit in limits:
        if counts.get(limit.scope, 0) > limit.most:
            return limit.scope
    return None
