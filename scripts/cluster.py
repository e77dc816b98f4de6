"""`make cluster`: Refund Desk as several machines would run it, on this one, from Debian packages.

    nginx (127.0.0.1:CLUSTER_PORT, default 8000)
      /webhooks/rest/...  round-robin over the Rasa servers (any server can take any turn)
      /socket.io/...      sticky (ip_hash): a socket.io session stays on one Rasa server
    2 Rasa servers      one model each; conversations in PostgreSQL (SQL tracker store), per-
                        conversation locks in Redis (connectors.lock_store.AtomicRedisLockStore)
    nginx (second port) round-robin over the action servers
    2 action servers    stateless; request records in PostgreSQL
    Redis               lock store (and what else needs sharing between servers)
    PostgreSQL          tracker store and records

Every server is a throwaway process on a free loopback port with its data in a temporary folder
(the way the tests start PostgreSQL and Redis), removed on exit. docs/deployment.md maps the same
topology onto containers. Started by `scripts/cluster.sh`; tests/cluster/ uses `running_cluster()`.
"""
from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Optional
from urllib.parse import urlparse

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the project, to import it
from deploy.endpoints import ATOMIC_LOCK_STORE, rasa_endpoints, redis_store  # noqa: E402
from refund_desk.settings import PROJECT_ROOT as ROOT, load_settings  # noqa: E402
from tests.support.postgres import temporary_postgres  # noqa: E402
from tests.support.redis import temporary_redis  # noqa: E402
from tests.support.servers import VENV_BIN, free_port, latest_model, stop, wait_until_up  # noqa: E402

NGINX_CONF = """\
{user}worker_processes 1;
daemon off;
pid {dir}/nginx.pid;
error_log {dir}/nginx-error.log warn;
events {{ worker_connections 4096; }}
http {{
  access_log off;
  client_body_temp_path {dir}/tmp/body; proxy_temp_path {dir}/tmp/proxy;
  fastcgi_temp_path {dir}/tmp/fastcgi; uwsgi_temp_path {dir}/tmp/uwsgi; scgi_temp_path {dir}/tmp/scgi;
  map $http_upgrade $connection_upgrade {{ default upgrade; '' close; }}

  upstream rasa_rest {{            # round-robin: every turn may land on another Rasa server
{rasa_servers}    keepalive 64;
  }}
  upstream rasa_socketio {{        # sticky: a socket.io session (polling or websocket) stays put
    ip_hash;
{rasa_servers}  }}
  upstream action_servers {{
{action_servers}    keepalive 64;
  }}

  server {{
    listen 127.0.0.1:{port};
    client_max_body_size 64k;
    proxy_http_version 1.1;
    proxy_read_timeout 120s;
    add_header X-Rasa-Server $upstream_addr always;   # which server answered (the load test reads it)
    location /socket.io/ {{
      proxy_pass http://rasa_socketio;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_set_header Host $host;
    }}
    location / {{
      proxy_pass http://rasa_rest;
      proxy_set_header Connection "";
      proxy_next_upstream off;     # a turn is never sent twice
    }}
  }}
  server {{
    listen 127.0.0.1:{action_port};
    proxy_http_version 1.1;
    proxy_read_timeout 60s;
    location / {{
      proxy_pass http://action_servers;
      proxy_set_header Connection "";
      proxy_next_upstream off;     # an action (which may write a record) is never run twice
    }}
  }}
}}
"""


@dataclass
class Cluster:
    url: str                 # nginx: what customers and channels talk to
    rasa_urls: list[str]     # each Rasa server directly
    action_url: str          # nginx in front of the action servers
    database_url: str
    redis_url: str
    env: dict[str, str]
    workdir: Path
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    def cli(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(VENV_BIN / "refund-desk"), *args], env=self.env, capture_output=True,
                              text=True, timeout=120)


def sql_tracker_store(database_url: str) -> dict:
    parts = urlparse(database_url)
    return {"type": "SQL", "dialect": "postgresql", "url": parts.hostname, "port": parts.port or 5432,
            "db": parts.path.strip("/") or "postgres", "username": parts.username or "postgres",
            **({"password": parts.password} if parts.password else {})}


def cluster_endpoints(env: dict[str, str], database_url: str, redis_url: str) -> dict:
    """What `make run` writes for these settings (the action server entry), with the tracker store
    in PostgreSQL and the lock store in Redis."""
    endpoints = rasa_endpoints(load_settings(environ=env))
    endpoints["tracker_store"] = sql_tracker_store(database_url)
    endpoints["lock_store"] = {**redis_store(redis_url, "lock_store"), "type": ATOMIC_LOCK_STORE}
    return endpoints


def action_server_command(port: int) -> list[str]:
    if (ROOT / "actions" / "server.py").exists():  # the private action server entry point, when present
        return [str(VENV_BIN / "python"), "-m", "actions.server", "--host", "127.0.0.1", "--port", str(port)]
    return [str(VENV_BIN / "rasa"), "run", "actions", "--port", str(port), "--actions", "actions"]


def _start(name: str, cmd: list[str], env: dict[str, str], workdir: Path, health: Optional[str],
           timeout: float = 900) -> subprocess.Popen:
    log = workdir / f"{name}.log"
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log.open("a"), stderr=subprocess.STDOUT,
                            start_new_session=True)
    if health:
        wait_until_up(health, proc, log, timeout=timeout)
    return proc


def nginx_binary() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if not found:
        raise RuntimeError("nginx is not installed: run scripts/install-test-deps.sh (apt-get install nginx)")
    return found


@contextmanager
def running_cluster(rasa_servers: int = 2, action_servers: int = 2, port: Optional[int] = None,
                    model: Optional[Path] = None, extra_env: Optional[dict[str, str]] = None,
                    log: Optional[callable] = None) -> Iterator[Cluster]:
    say = log or (lambda msg: None)
    workdir = Path(tempfile.mkdtemp(prefix="refund-desk-cluster-"))
    (workdir / "tmp").mkdir()
    os.chmod(workdir, 0o755)
    procs: dict[str, subprocess.Popen] = {}
    ok = False
    with ExitStack() as stack:
        try:
            say("starting PostgreSQL and Redis")
            database_url = stack.enter_context(temporary_postgres())
            redis_url = stack.enter_context(temporary_redis())
            port = port or free_port()
            action_proxy_port = free_port()
            action_url = f"http://127.0.0.1:{action_proxy_port}/webhook"
            env = dict(os.environ, RASA_TELEMETRY_ENABLED="false", PYTHONPATH=str(ROOT),
                       DATABASE_URL=database_url, REDIS_URL=redis_url, ACTION_SERVER_URL=action_url,
                       SANIC_WORKERS="1", ACTION_SERVER_SANIC_WORKERS="1",
                       SANIC_HOST="127.0.0.1")  # rasa-sdk's listening address: loopback only
            # Every server of the "cluster" shares this machine's cores with the load (and in `make
            # test` with another test group): a record write may wait longer than one machine's 4 s.
            env.setdefault("DATABASE_TIMEOUT_SECONDS", "15")
            env.update(extra_env or {})
            endpoints = workdir / "endpoints.yml"
            endpoints.write_text(yaml.safe_dump(cluster_endpoints(env, database_url, redis_url)))

            action_ports = [free_port() for _ in range(action_servers)]
            for i, p in enumerate(action_ports):
                say(f"starting action server {i + 1} on 127.0.0.1:{p}")
                procs[f"actions{i + 1}"] = _start(f"actions{i + 1}", action_server_command(p), env, workdir,
                                                  f"http://127.0.0.1:{p}/health")
            rasa_ports = [free_port() for _ in range(rasa_servers)]
            # One after the other: the first creates the tracker store's tables.
            for i, p in enumerate(rasa_ports):
                say(f"starting Rasa server {i + 1} on 127.0.0.1:{p} (loads the model)")
                procs[f"rasa{i + 1}"] = _start(
                    f"rasa{i + 1}",
                    [str(VENV_BIN / "rasa"), "run", "--enable-api", "--interface", "127.0.0.1", "--port", str(p),
                     "--model", str(model or latest_model()), "--endpoints", str(endpoints),
                     "--credentials", str(ROOT / "credentials.yml")],
                    env, workdir, f"http://127.0.0.1:{p}/status")
            conf = workdir / "nginx.conf"
            conf.write_text(NGINX_CONF.format(
                user="user root root;\n" if os.geteuid() == 0 else "", dir=workdir, port=port,
                action_port=action_proxy_port,
                rasa_servers="".join(f"    server 127.0.0.1:{p};\n" for p in rasa_ports),
                action_servers="".join(f"    server 127.0.0.1:{p};\n" for p in action_ports)))
            say(f"starting nginx on 127.0.0.1:{port}")
            procs["nginx"] = _start("nginx", [nginx_binary(), "-c", str(conf), "-e", str(workdir / "nginx-error.log")],
                                    env, workdir, f"http://127.0.0.1:{port}/status", timeout=30)
            yield Cluster(f"http://127.0.0.1:{port}", [f"http://127.0.0.1:{p}" for p in rasa_ports], action_url,
                          database_url, redis_url, env, workdir, procs)
            ok = True
        finally:
            for name in reversed(list(procs)):
                stop(procs[name], timeout=30)
            if ok:
                shutil.rmtree(workdir, ignore_errors=True)
            else:
                print(f"cluster logs kept in {workdir}", file=sys.stderr)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=int(os.environ.get("CLUSTER_PORT", "8000")))
    parser.add_argument("--rasa-servers", type=int, default=2)
    parser.add_argument("--action-servers", type=int, default=2)
    args = parser.parse_args()
    stop = {"now": False}
    signal.signal(signal.SIGTERM, lambda *_: stop.update(now=True))
    with running_cluster(args.rasa_servers, args.action_servers, args.port, log=print) as cluster:
        print(f"\nRefund Desk cluster up: {cluster.url}  (REST round-robin, socket.io sticky)")
        print(f"  Rasa servers: {', '.join(cluster.rasa_urls)}")
        print(f"  PostgreSQL: {cluster.database_url}   Redis: {cluster.redis_url}")
        print(f"  Records: DATABASE_URL={cluster.database_url} .venv/bin/refund-desk requests list")
        print(f"  Logs: {cluster.workdir}   Stop with Ctrl-C.")
        try:
            while not stop["now"]:
                for name, proc in cluster.processes.items():
                    if proc.poll() is not None:
                        print(f"{name} exited with {proc.returncode}: see {cluster.workdir}/{name}.log")
                        return 1
                time.sleep(1)
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
