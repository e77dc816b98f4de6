"""The staff console started as `make run` starts it (python -m console.server), on a free port,
and a signed-in HTTP client for it."""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Optional

import requests

from tests.support.servers import PROJECT_ROOT, free_port, wait_until_up


@contextmanager
def console_server(env: dict[str, str], host: Optional[str] = None) -> Iterator[str]:
    """The console with these settings (DATABASE_URL, TRACKER_STORE_URL, ...); yields its URL.
    Without `host` it listens where the settings say (STAFF_HOST, default 127.0.0.1)."""
    port = free_port()
    log = Path(tempfile.mkdtemp(prefix="refund-desk-console-")) / "console.log"
    args = [sys.executable, "-m", "console.server", "--port", str(port)] + (["--host", host] if host else [])
    full_env = {k: v for k, v in os.environ.items() if k not in ("STAFF_HOST", "CONSOLE_URL", "STAFF_COOKIE_SECURE")}
    full_env.update({"PYTHONPATH": str(PROJECT_ROOT), **env})
    proc = subprocess.Popen(args, cwd=PROJECT_ROOT, env=full_env, stdout=log.open("w"), stderr=subprocess.STDOUT)
    try:
        wait_until_up(f"http://127.0.0.1:{port}/healthz", proc, log, timeout=60)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def console_databases(work: Path) -> dict[str, str]:
    """The settings of a console on its own SQLite records and conversations under `work`."""
    return {"DATABASE_URL": f"sqlite:///{work / 'records.db'}", "TRACKER_STORE_URL": f"sqlite:///{work / 'conv.db'}"}


def signed_in_client(console: str, email: str, password: str) -> requests.Session:
    client = requests.Session()
    response = client.post(f"{console}/login", data={"email": email, "password": password}, allow_redirects=False,
                           timeout=30)
    assert response.status_code == 303, response.text[:500]
    return client


def csrf_token(client: requests.Session, console: str) -> str:
    response = client.get(f"{console}/api/session", timeout=30)
    assert response.status_code == 200
    return response.json()["csrf_token"]
