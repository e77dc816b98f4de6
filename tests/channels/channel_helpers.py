"""Shared helpers of the channel tests: paths, test secrets, the echo server."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

HERE = Path(__file__).resolve().parent
for path in (str(HERE.parents[1]), str(HERE)):  # the project and these helpers, to import them
    if path not in sys.path:
        sys.path.insert(0, path)

from refund_desk.settings import PROJECT_ROOT  # noqa: E402
from tests.support.servers import free_port, stop, wait_until_up  # noqa: E402

SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"  # a test value, not a real secret
BOT_TOKEN = "xoxb-test-0000-refund-desk"


@contextmanager
def echo_server(credentials_yaml: str, extra_env: dict[str, str] | None = None) -> Iterator[tuple[str, Path]]:
    """The echo Sanic app with the channels of `credentials_yaml`: (base URL, log of user messages)."""
    workdir = Path(tempfile.mkdtemp(prefix="refund-desk-channels-"))
    credentials = workdir / "credentials.yml"
    credentials.write_text(credentials_yaml)
    received = workdir / "received.jsonl"
    received.touch()
    port = free_port()
    log = workdir / "server.log"
    pythonpath = os.pathsep.join(p for p in (os.environ.get("PYTHONPATH"), str(PROJECT_ROOT)) if p)
    env = {**os.environ, "PYTHONPATH": pythonpath, "ACTION_SERVER_PROBE": "off",  # no action server here
           "DATABASE_URL": f"sqlite:///{workdir / 'records.db'}", **(extra_env or {})}
    proc = subprocess.Popen(
        [sys.executable, str(HERE / "echo_server.py"), "--credentials", str(credentials),
         "--port", str(port), "--log", str(received)],
        cwd=workdir, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
    )
    try:
        wait_until_up(f"http://127.0.0.1:{port}/status", proc, log, timeout=60)
        yield f"http://127.0.0.1:{port}", received
    finally:
        stop(proc, timeout=15)
        shutil.rmtree(workdir, ignore_errors=True)


# The refund conversation the end-to-end channel tests hold: ("say", text) or ("choose", button).
REFUND_STEPS: list[tuple[str, str]] = [
    ("say", "I want a refund"),
    ("say", "INV-20431"),
    ("say", "yesterday"),
    ("choose", "I was charged twice"),
    ("say", "Jane Doe"),
    ("say", "jane.doe@example.com"),
    ("choose", "/affirm"),
]
