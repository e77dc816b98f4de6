"""A throwaway Redis server for tests (Debian's redis-server package, installed by make test)."""
from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from contextlib import contextmanager
from typing import Iterator

import redis

from tests.support.servers import free_port, stop


@contextmanager
def temporary_redis() -> Iterator[str]:
    """Start redis-server on a free loopback port, no persistence; yields its redis:// URL."""
    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    if not shutil.which(binary):
        raise RuntimeError("redis-server is not installed: run scripts/install-test-deps.sh")
    workdir = tempfile.mkdtemp(prefix="refund-desk-redis-")
    port = free_port()
    proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no", "--dir", workdir], stdout=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    try:
        for _ in range(100):
            try:
                redis.Redis.from_url(url).ping()
                break
            except redis.ConnectionError:
                time.sleep(0.1)
        yield url
    finally:
        stop(proc, timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)
