"""Staff accounts, sessions, CSRF and the failed-login limit (refund_desk/staff.py), and the
`refund-desk staff` commands: real SQLite databases, a clock the tests move."""
from __future__ import annotations

import io
import logging
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from refund_desk import cli
from refund_desk.records import RecordStore
from refund_desk.staff import (FAILURE_WINDOW, MAX_FAILURES_PER_ACCOUNT, MAX_FAILURES_PER_ADDRESS, LoginFailure,
                               LoginRefused, LoginThrottled, StaffDesk, StaffError, StaffMember, StaffSession,
                               csrf_matches)

PASSWORD = "correct horse battery"


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 1, 9, 0, 0)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


@pytest.fixture(autouse=True)
def _light_hashing(cheap_password_hashing):
    """Every test here but the one on the stored hash's parameters."""


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(tmp_path) -> RecordStore:
    return RecordStore(f"sqlite:///{tmp_path / 'records.db'}")


@pytest.fixture
def desk(store, clock) -> StaffDesk:
    desk = StaffDesk(store, session_hours=8, clock=clock)
    desk.add("Ann@Example.com", PASSWORD)
    return desk


def rows(store, model):
    with store.transaction() as session:
        return list(session.execute(select(model)).scalars())


# ------------------------------------------------------------------ accounts
def test_an_account_keeps_an_argon2_hash_never_the_password(desk, store, monkeypatch):
    [member] = rows(store, StaffMember)
    assert member.email == "ann@example.com"
    assert member.password_hash.startswith("$argon2id$") and PASSWORD not in member.password_hash
    monkeypatch.undo()  # the real parameters: argon2-cffi's defaults (RFC 9106's low-memory choice)
    from refund_desk import staff
    desk.add("bob@example.com", PASSWORD)
    bob = [m for m in rows(store, StaffMember) if m.email == "bob@example.com"][0]
    assert bob.password_hash.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert staff._HASHER.verify(bob.password_hash, PASSWORD)
    assert [a["email"] for a in desk.list()] == ["ann@example.com", "bob@example.com"]
    assert desk.list()[0]["created_at"] == "2026-12-01T09:00:00Z"


@pytest.mark.parametrize("email, password, problem", [
    ("ann@example.com", PASSWORD, "already has an account"),
    ("ANN@example.com", PASSWORD, "already has an account"),
    ("not an address", PASSWORD, "not an e-mail address"),
    ("bob@example.com and more", PASSWORD, "not an e-mail address"),
    ("", PASSWORD, "not an e-mail address"),
    ("bob@example.com", "short", "at least 10 characters"),
    ("bob@example.com", "x" * 1025, "at most 1024 characters"),
])
def test_accounts_that_cannot_be_added(desk, email, password, problem):
    with pytest.raises(StaffError, match=problem):
        desk.add(email, password)


def test_removing_an_account_ends_its_sessions_and_keeps_its_audit(desk, store):
    from refund_desk.records import NewRequest
    ref = store.open_request(NewRequest(kind="refund", invoice_number="INV-1")).reference
    signed_in = desk.log_in("ann@example.com", PASSWORD, "10.0.0.1")
    store.set_status(ref, "approved", actor=signed_in.email, note="ok")
    desk.remove("ann@example.com")
    assert desk.session(signed_in.token) is None
    assert rows(store, StaffSession) == [] and desk.list() == []
    assert store.get(ref)["history"][-1]["by"] == "ann@example.com"
    with pytest.raises(StaffError, match="no staff account"):
        desk.remove("ann@example.com")


# ------------------------------------------------------------------ sessions
def test_a_login_gives_a_session_whose_token_only_the_browser_holds(desk, store, clock):
    signed_in = desk.log_in(" ANN@example.com ", PASSWORD, "10.0.0.1")
    assert signed_in.email == "ann@example.com"
    assert signed_in.expires_at == clock.now + timedelta(hours=8)
    [stored] = rows(store, StaffSession)
    assert stored.token_hash != signed_in.token and signed_in.token not in stored.token_hash
    assert desk.session(signed_in.token) == signed_in
    other = desk.log_in("ann@example.com", PASSWORD, "10.0.0.1")
    assert other.token != signed_in.token and other.csrf_token != signed_in.csrf_token


@pytest.mark.parametrize("token", [None, "", "made-up", "x" * 500])
def test_unknown_tokens_are_no_session(desk, token):
    assert desk.session(token) is None


def test_sessions_expire(desk, clock):
    signed_in = desk.log_in("ann@example.com", PASSWORD, "10.0.0.1")
    clock.advance(timedelta(hours=8) - timedelta(seconds=1))
    assert desk.session(signed_in.token) is not None
    clock.advance(timedelta(seconds=1))
    assert desk.session(signed_in.token) is None


def test_logging_out_ends_only_that_session(desk):
    first = desk.log_in("ann@example.com", PASSWORD, "10.0.0.1")
    second = desk.log_in("ann@example.com", PASSWORD, "10.0.0.2")
    desk.log_out(first.token)
    assert desk.session(first.token) is None and desk.session(second.token) is not None


def test_the_csrf_token_must_be_the_sessions_own(desk):
    first = desk.log_in("ann@example.com", PASSWORD, "10.0.0.1")
    second = desk.log_in("ann@example.com", PASSWORD, "10.0.0.1")
    assert csrf_matches(first, first.csrf_token)
    for given in (None, "", second.csrf_token, first.token, first.csrf_token[:-1]):
        assert not csrf_matches(first, given)


# ------------------------------------------------------------------ failed logins
@pytest.mark.parametrize("email, password", [("ann@example.com", "wrong password!"),
                                             ("nobody@example.com", PASSWORD), ("", "")])
def test_a_wrong_pair_is_refused_and_counted(desk, store, email, password):
    with pytest.raises(LoginRefused):
        desk.log_in(email, password, "10.0.0.1")
    assert [(f.email, f.address) for f in rows(store, LoginFailure)] == [(email, "10.0.0.1")]


def test_failures_per_account_lock_it_for_the_window_even_with_the_right_password(desk, clock):
    for n in range(MAX_FAILURES_PER_ACCOUNT):
        with pytest.raises(LoginRefused):
            desk.log_in("ann@example.com", f"guess number {n}", f"10.0.0.{n}")  # from many addresses
    with pytest.raises(LoginThrottled):
        desk.log_in("ann@example.com", PASSWORD, "10.0.0.99")
    clock.advance(FAILURE_WINDOW)
    assert desk.log_in("ann@example.com", PASSWORD, "10.0.0.99").email == "ann@example.com"


def test_failures_from_one_address_lock_it_for_every_account(desk, clock):
    desk.add("bob@example.com", PASSWORD)
    for n in range(MAX_FAILURES_PER_ADDRESS):
        with pytest.raises(LoginRefused):
            desk.log_in(f"user{n}@example.com", "wrong password!", "10.9.9.9")  # many accounts
    with pytest.raises(LoginThrottled):
        desk.log_in("bob@example.com", PASSWORD, "10.9.9.9")
    assert desk.log_in("bob@example.com", PASSWORD, "10.0.0.1").email == "bob@example.com"  # elsewhere: fine
    clock.advance(FAILURE_WINDOW)
    assert desk.log_in("bob@example.com", PASSWORD, "10.9.9.9").email == "bob@example.com"


def test_failures_below_the_limit_do_not_lock(desk):
    for n in range(MAX_FAILURES_PER_ACCOUNT - 1):
        with pytest.raises(LoginRefused):
            desk.log_in("ann@example.com", f"guess number {n}", "10.0.0.1")
    assert desk.log_in("ann@example.com", PASSWORD, "10.0.0.1").email == "ann@example.com"


# ------------------------------------------------------------------ the commands
class NotATerminal(io.StringIO):
    def isatty(self) -> bool:
        return False


def run_cli(monkeypatch, capsys, store, *argv: str, stdin: str = "") -> tuple[int, str, str]:
    monkeypatch.setenv("DATABASE_URL", store.database_url)
    monkeypatch.setattr("sys.stdin", NotATerminal(stdin))
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_staff_commands_add_list_and_remove_without_showing_the_password(monkeypatch, capsys, store, caplog):
    caplog.set_level(logging.DEBUG)
    code, out, err = run_cli(monkeypatch, capsys, store, "staff", "add", "Ann@Example.com", stdin=PASSWORD + "\n")
    assert (code, err) == (0, "") and "ann@example.com added" in out
    assert PASSWORD not in out + err + caplog.text
    assert StaffDesk(store).log_in("ann@example.com", PASSWORD, "127.0.0.1").email == "ann@example.com"
    code, out, _ = run_cli(monkeypatch, capsys, store, "staff", "list")
    assert code == 0 and out.startswith("ann@example.com")
    code, _, err = run_cli(monkeypatch, capsys, store, "staff", "add", "ann@example.com", stdin=PASSWORD + "\n")
    assert code == 1 and "already has an account" in err and PASSWORD not in err
    code, out, _ = run_cli(monkeypatch, capsys, store, "staff", "remove", "ann@example.com")
    assert code == 0 and "removed" in out
    code, out, _ = run_cli(monkeypatch, capsys, store, "staff", "list")
    assert out.strip() == "no staff accounts"


def test_staff_add_keeps_spaces_inside_the_password_line_and_refuses_a_short_one(monkeypatch, capsys, store):
    code, _, err = run_cli(monkeypatch, capsys, store, "staff", "add", "ann@example.com", stdin="  spaced pass  \r\n")
    assert code == 0, err
    assert StaffDesk(store).log_in("ann@example.com", "  spaced pass  ", "127.0.0.1")
    code, _, err = run_cli(monkeypatch, capsys, store, "staff", "add", "bob@example.com", stdin="short\n")
    assert code == 1 and "at least 10 characters" in err
