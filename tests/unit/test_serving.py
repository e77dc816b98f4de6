"""Worker counts for `make run`: the environment wins; Rasa gets several only with shared stores."""
import pytest

from refund_desk.serving import worker_counts


@pytest.mark.parametrize("env, shared, cores, mem_gb, expected", [
    ({}, False, 2, 24, (1, 2)),                       # in-memory stores: one Rasa worker
    ({}, True, 2, 24, (2, 2)),                        # Redis: one per core
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
    ({"SANIC_WORKERS": "2"}, "needs REDIS_URL"),
    ({"SANIC_WORKERS": "two"}, "whole number"),
    ({"ACTION_SERVER_SANIC_WORKERS": "0"}, "at least 1"),
])
def test_impossible_worker_counts_are_refused(env, message):
    with pytest.raises(ValueError, match=message):
        worker_counts(env, False, 2, 24)
