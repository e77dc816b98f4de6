"""The staff console's settings (refund_desk/settings.py): defaults that keep it on loopback, and
what each value becomes."""
from __future__ import annotations

from pathlib import Path

import pytest

from refund_desk.settings import load_settings


def settings(**values: str):
    return load_settings(values, env_file=Path("/nonexistent/.env"))  # the environment given, nothing else


def test_defaults_keep_the_console_on_loopback():
    s = settings()
    assert (s.staff_host, s.staff_port, s.console_url, s.staff_session_hours, s.staff_cookie_secure) == (
        "127.0.0.1", 8090, "http://127.0.0.1:8090", 8.0, False)


@pytest.mark.parametrize("values, field, expected", [
    ({"STAFF_PORT": "9000"}, "staff_port", 9000),
    ({"STAFF_HOST": " 10.0.0.5 "}, "staff_host", "10.0.0.5"),
    ({"CONSOLE_URL": "https://desk.example.com/"}, "console_url", "https://desk.example.com"),
    ({"CONSOLE_URL": "https://desk.example.com"}, "staff_cookie_secure", True),
    ({"CONSOLE_URL": "https://desk.example.com", "STAFF_COOKIE_SECURE": "false"}, "staff_cookie_secure", False),
    ({"STAFF_COOKIE_SECURE": "yes"}, "staff_cookie_secure", True),
    ({"STAFF_SESSION_HOURS": "0.5"}, "staff_session_hours", 0.5),
    ({"STAFF_SESSION_HOURS": "0"}, "staff_session_hours", 0.05),     # never below three minutes
    ({"STAFF_SESSION_HOURS": "nan"}, "staff_session_hours", 8.0),    # unreadable: the default
    ({"STAFF_SESSION_HOURS": "soon"}, "staff_session_hours", 8.0),
    ({}, "forwarded_for_header", None),
    ({"STAFF_BEHIND_PROXY": "true"}, "forwarded_for_header", "X-Forwarded-For"),  # the old name of the switch
    ({"FORWARDED_FOR_HEADER": "X-Real-IP", "STAFF_BEHIND_PROXY": "true"}, "forwarded_for_header", "X-Real-IP"),
])
def test_console_settings(values, field, expected):
    assert getattr(settings(**values), field) == expected


@pytest.mark.parametrize("values", [{"STAFF_PORT": "0"}, {"STAFF_PORT": "70000"}, {"STAFF_PORT": "http"},
                                    {"STAFF_COOKIE_SECURE": "maybe"}])
def test_values_that_cannot_be_meant_stop_the_start(values):
    with pytest.raises(ValueError):
        settings(**values)


@pytest.mark.parametrize("header, headers, expected", [
    (None, {}, "10.1.1.1"),
    (None, {"X-Forwarded-For": "203.0.113.9"}, "10.1.1.1"),  # not trusted unless behind a proxy
    ("X-Forwarded-For", {"X-Forwarded-For": "203.0.113.9"}, "203.0.113.9"),
    ("X-Forwarded-For", {"X-Forwarded-For": "1.2.3.4, 203.0.113.9"}, "203.0.113.9"),  # the client's own claim ignored
    ("X-Forwarded-For", {}, "unknown"),  # behind a proxy that sent no header: one shared bucket, not the proxy's peer
    ("X-Real-IP", {"X-Forwarded-For": "203.0.113.9", "X-Real-IP": "198.51.100.7"}, "198.51.100.7"),
])
def test_the_login_limits_address(header, headers, expected):
    from aiohttp.test_utils import make_mocked_request

    from console.desk import login_address
    request = make_mocked_request("POST", "/login", headers=headers)
    request._transport_peername = ("10.1.1.1", 40000)
    assert login_address(request, header) == expected
