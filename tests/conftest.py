"""Settings for every test and every server a test starts."""
import os

import pytest

# Rasa's telemetry and crash reports go to outside services: never from tests (nor make run).
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")


@pytest.fixture
def cheap_password_hashing(monkeypatch):
    """Argon2 with light parameters (same algorithm and code path; the default costs about a
    second per hash on this shared machine, and the login-limit tests hash dozens)."""
    from argon2 import PasswordHasher

    from refund_desk import staff
    light = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(staff, "_HASHER", light)
    monkeypatch.setattr(staff, "_UNKNOWN_ACCOUNT_HASH", light.hash("unknown account"))
