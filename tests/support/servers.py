"""Start the real action server and Rasa server on free ports for end-to-end tests."""
from __future__ import annotations

import json
import os
import random
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Optional

from refund_desk.settings import PROJECT_ROOT

VENV_BIN = Path(sys.executable).parent


PORT_BAND_SETTING = "TEST_PORT_BAND"
DEFAULT_PORT_BAND = (20000, 25999)
_handed_out: set[int] = set()


def port_band() -> tuple[int, int]:
    """The ports this test process may take, "low-high" from TEST_PORT_BAND.

    Below the kernel's ephemeral range (32768-60999), so no outgoing connection of any process can
    take a port between our choosing it and a server binding it; `make test` gives its two parallel
    end-to-end groups different bands, so they cannot pick the same port either.
    """
    raw = os.environ.get(PORT_BAND_SETTING, "")
    if not raw:
        return DEFAULT_PORT_BAND
    low, high = (int(part) for part in raw.split("-"))
    return low, high


def free_port() -> int:
    """A port in this process's band that binds now and was not handed out before in this process."""
    low, high = port_band()
    for port in random.sample(range(low, high + 1), k=high - low + 1):
        if port in _handed_out:
            continue
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        _handed_out.add(port)
        return port
    raise RuntimeError(f"no free port left in {low}-{high}")


def listening_addresses(port: int) -> set[str]:
    """Local addresses with a listening TCP socket on `port` (from /proc, IPv4 and IPv6)."""
    found = set()
    for table, width in (("/proc/net/tcp", 8), ("/proc/net/tcp6", 32)):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            host, hex_port = local.split(":")
            if state != "0A" or int(hex_port, 16) != port:
                continue
            if width == 8:
                found.add(".".join(str(int(host[i:i + 2], 16)) for i in (6, 4, 2, 0)))
            else:
                found.add("::" if set(host) == {"0"} else host)
    return found


def latest_model() -> Path:
    models = sorted((PROJECT_ROOT / "models").glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    if not models:
        raise RuntimeError("no trained model in models/: run `make train` first")
    return models[-1]


def stop(*procs: subprocess.Popen, timeout: float = 20) -> None:
    """Ends the processes: all asked to terminate at once, then each waited for (killed when it does
    not end within `timeout` seconds)."""
    for p in procs:
        if p.poll() is None:
            p.terminate()
    for p in procs:
        try:
            p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def wait_until_up(url: str, proc: subprocess.Popen, log: Path, timeout: float = 240.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}:\n{log.read_text()[-4000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, OSError):
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{url} not up after {timeout}s:\n{log.read_text()[-4000:]}")


@dataclass
class Assistant:
    """A running pair of servers and the environment they share."""

    rasa_url: str
    action_url: str
    action_port: int
    env: dict[str, str]
    workdir: Path
    processes: list[subprocess.Popen] = field(default_factory=list)
    rasa_cmd: list[str] = field(default_factory=list)
    auth_token: str = ""  # Rasa's HTTP API token (the API is on only with it)

    def api_url(self, path: str) -> str:
        """A Rasa HTTP API URL carrying the token, e.g. api_url('/conversations/x/tracker')."""
        sep = "&" if "?" in path else "?"
        return f"{self.rasa_url}{path}{sep}token={self.auth_token}"

    def tracker(self, sender: str) -> dict[str, Any]:
        with urllib.request.urlopen(self.api_url(f"/conversations/{sender}/tracker"), timeout=30) as resp:
            return json.loads(resp.read())

    def send(self, sender: str, text: str, metadata: Optional[dict[str, Any]] = None) -> list[dict[str, Any]]:
        """One user message over the REST webhook; returns the bot's messages."""
        body = {"sender": sender, "message": text}
        if metadata:
            body["metadata"] = metadata
        req = urllib.request.Request(
            f"{self.rasa_url}/webhooks/rest/webhook",
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(req, timeout=60) as resp:
            return json.loads(resp.read())

    def restart_actions(self, **env: str) -> None:
        """Restart only the action server (same port) with changed settings, e.g. REFUND_POLICY.

        The Rasa server holds no refund-policy data, so one model and one Rasa server serve any
        policy; only the action server needs restarting.
        """
        stop(self.processes[0])
        self.env.update(env)
        self.processes[0] = start_action_server(self.env, self.action_port, self.workdir)

    def restart_rasa(self) -> None:
        """Stop the Rasa server and start it again on the same port (conversations in memory are lost
        unless a shared tracker store keeps them)."""
        stop(self.processes[1], timeout=30)
        port = int(self.rasa_url.rsplit(":", 1)[1])
        self.processes[1] = start_rasa_server(self.rasa_cmd, self.env, port, self.workdir)

    def cli(self, *args: str) -> subprocess.CompletedProcess:
        """Run the `refund-desk` CLI against the same database."""
        return subprocess.run(
            [str(VENV_BIN / "refund-desk"), *args], env=self.env, capture_output=True, text=True,
            timeout=60,
        )

    def cli_json(self, *args: str) -> Any:
        result = self.cli(*args, "--json")
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)


def start_action_server(env: dict[str, str], port: int, workdir: Path) -> subprocess.Popen:
    log = workdir / "actions.log"
    proc = subprocess.Popen(
        [str(VENV_BIN / "python"), "-m", "actions.server", "--port", str(port)],
        cwd=PROJECT_ROOT, env=env, stdout=log.open("a"), stderr=subprocess.STDOUT,
    )
    wait_until_up(f"http://127.0.0.1:{port}/health", proc, log)
    return proc


def start_rasa_server(cmd: list[str], env: dict[str, str], port: int, workdir: Path,
                      timeout: float = 240.0) -> subprocess.Popen:
    log = workdir / "rasa.log"
    proc = subprocess.Popen(cmd, cwd=PROJECT_ROOT, env=env, stdout=log.open("a"), stderr=subprocess.STDOUT)
    wait_until_up(f"http://127.0.0.1:{port}/", proc, log, timeout)  # "/" answers once the model is loaded
    return proc


@contextmanager
def running_assistant(
    extra_env: Optional[dict[str, str]] = None,
    credentials: Optional[Path] = None,
    model: Optional[Path] = None,
    start_timeout: float = 240.0,
) -> Iterator[Assistant]:
    """Both servers on free ports, with their own SQLite database unless DATABASE_URL is given.

    Rasa's endpoints are written from the settings as `make run` writes them (the action server's
    secret, the SQLite tracker and lock stores beside the records, Redis stores when REDIS_URL is
    set). Rasa runs one worker unless extra_env sets SANIC_WORKERS; `start_timeout` bounds the
    model's loading. Rasa's
    HTTP API is on, with a token (Assistant.api_url adds it).
    """
    workdir = Path(tempfile.mkdtemp(prefix="refund-desk-e2e-"))
    action_port, rasa_port = free_port(), free_port()
    env = dict(os.environ)
    env.update({
        "DATABASE_URL": f"sqlite:///{workdir / 'records.db'}",
        "ACTION_SERVER_URL": f"http://127.0.0.1:{action_port}/webhook",
        "ACTION_SERVER_SECRET": secrets.token_urlsafe(24),
        "RASA_AUTH_TOKEN": secrets.token_urlsafe(24),
        "TRACKER_STORE_URL": f"sqlite:///{workdir / 'conversations.db'}",
        "PYTHONPATH": str(PROJECT_ROOT),
    })
    env.update(extra_env or {})
    procs: list[subprocess.Popen] = []
    finished = False
    try:
        endpoints = workdir / "endpoints.yml"
        subprocess.run([sys.executable, "-m", "deploy.endpoints", str(endpoints)], cwd=PROJECT_ROOT,
                       env=env, check=True)
        procs.append(start_action_server(env, action_port, workdir))
        rasa_cmd = [
            # one "--auth-token=..." item: a generated token may start with "-"
            str(VENV_BIN / "rasa"), "run", "--enable-api", f"--auth-token={env['RASA_AUTH_TOKEN']}",
            "--port", str(rasa_port),
            "--interface", "127.0.0.1", "--model", str(model or latest_model()),
            "--endpoints", str(endpoints),
            "--credentials", str(credentials or PROJECT_ROOT / "credentials.yml"),
        ]
        procs.append(start_rasa_server(rasa_cmd, env, rasa_port, workdir, start_timeout))
        yield Assistant(f"http://127.0.0.1:{rasa_port}", f"http://127.0.0.1:{action_port}", action_port,
                        env, workdir, procs, rasa_cmd, env["RASA_AUTH_TOKEN"])
        finished = True
    finally:
        stop(*reversed(procs))
        if finished:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            print(f"server logs kept in {workdir}")
