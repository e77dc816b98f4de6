"""Worker counts for `make run`: the environment wins; Rasa gets one per core unless conversations
are kept in memory."""
import pytest

from deploy.workers import shares_conversations, worker_counts
from refund_desk.settings import load_settings


@pytest.mark.parametrize("env, shared, cores, mem_gb, expected", [
    ({}, False, 2, 24, (1, 2)),                       # conversations in memory: one Rasa worker
    ({}, True, 2, 24, (2, 2)),                        # shared (SQLite or Redis): one per core
    ({}, True, 8, 4, (1, 8)),                         # memory caps Rasa workers (model per worker)
    ({}, True, 8, 12, (5, 8)),
    ({"SANIC_WORKERS": "3"}, True, 2, 24, (3, 2)),    # explicit wins
    ({"ACTION_SERVER_SANIC_WORKERS": "1"}, False, 4, 24, (1, 1)),
    ({"SANIC_WORKERS": "1"}, False, 2, 24, (1, 2)),
    ({"SANIC_WORKERS": " "}, False, 2, 24, (1, 2)),   # blank means unset
])
def test_worker_counts(env, shared, cores, mem_gb, expected):
    assert worker_counts(env, shared, cores, mem_gb) == expected


@pytest.mark.parametrize("env, message", [
    ({"SANIC_WORKERS": "2"}, "needs conversations shared"),
    ({"SANIC_WORKERS": "two"}, "whole number"),
    ({"ACTION_SERVER_SANIC_WORKERS": "0"}, "at least 1"),
])
def test_impossible_worker_counts_are_refused(env, message):
    with pytest.raises(ValueError, match=message):
        worker_counts(env, False, 2, 24)


@pytest.mark.parametrize("env, shared", [
    ({}, True),                                                   # the default: SQLite under var/
    ({"TRACKER_STORE_URL": "postgresql://u:p@db/conv"}, True),
    ({"REDIS_URL": "redis://127.0.0.1:6379/0"}, True),
    ({"TRACKER_STORE_URL": "sqlite:///:memory:"}, False),         # each worker its own conversations
])
def test_which_settings_share_conversations_between_workers(tmp_path, env, shared):
    assert shares_conversations(load_settings(environ=env, env_file=tmp_path / "none.env")) is shared
