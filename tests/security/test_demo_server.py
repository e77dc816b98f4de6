"""The demo page server (web/serve.py) as `make run` starts it, probed over HTTP: its headers,
no directory listing, nothing of the request copied into the page or its CSP, no query strings
in its log."""
from __future__ import annotations

import http.client
import os
import shutil
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Optional

import pytest

from tests.support.servers import PROJECT_ROOT, free_port, wait_until_up

WEB = PROJECT_ROOT / "web"


@contextmanager
def demo(*args: str, env: Optional[dict] = None) -> Iterator[tuple[int, Path]]:
    """web/serve.py on a free port: (port, its log file)."""
    if not (WEB / "dist" / "widget.js").exists():
        if shutil.which("npm") is None:
            pytest.fail("web/dist is not built and npm is missing: run scripts/install-test-deps.sh")
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=WEB, check=True, timeout=600)
    port = free_port()
    workdir = Path(tempfile.mkdtemp(prefix="refund-desk-demo-"))
    log = workdir / "web.log"
    proc = subprocess.Popen([sys.executable, str(WEB / "serve.py"), "--port", str(port), "--rasa-port", "5999", *args],
                            stdout=log.open("w"), stderr=subprocess.STDOUT, env={**os.environ, **(env or {})})
    try:
        wait_until_up(f"http://127.0.0.1:{port}/healthz", proc, log, timeout=30)
        yield port, log
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)


def get(port: int, path: str, headers: Optional[dict] = None) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path, headers=headers or {})
    resp = conn.getresponse()
    body = resp.read()
    conn.close()
    return resp.status, {k.lower(): v for k, v in resp.getheaders()}, body


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[int, Path]]:
    with demo() as running:
        yield running


def test_every_answer_says_nosniff(served):
    port, _ = served
    for path in ("/", "/widget/widget.js", "/widget/socket.io.min.js", "/healthz", "/nothing-here", "/widget/"):
        status, headers, _ = get(port, path)
        assert headers.get("x-content-type-options") == "nosniff", (path, status)


def test_the_page_may_not_be_framed_by_default(served):
    port, _ = served
    _, headers, _ = get(port, "/")
    directives = [d.strip() for d in headers["content-security-policy"].split(";")]
    assert "frame-ancestors 'none'" in directives


def test_frame_ancestors_are_configurable_for_sites_that_embed():
    with demo(env={"WIDGET_FRAME_ANCESTORS": "'self' https://www.example.com"}) as (port, _):
        _, headers, _ = get(port, "/")
    assert "frame-ancestors 'self' https://www.example.com" in headers["content-security-policy"]


def test_no_directory_listing(served):
    port, _ = served
    for path in ("/widget/", "/widget/./", "/widget/%2e/"):
        status, _, body = get(port, path)
        assert status == 404 and b"socket.io.min.js" not in body and b"Directory listing" not in body, path


def test_no_request_header_reaches_the_page_or_its_csp(served):
    port, _ = served
    evil = "evil.example:1234"
    _, headers, body = get(port, "/", headers={"Host": evil})
    assert "evil" not in headers["content-security-policy"] and b"evil" not in body
    assert "http://127.0.0.1:5999" in headers["content-security-policy"]  # the Rasa server it was told
    assert b'data-server="http://127.0.0.1:5999"' in body


def test_the_log_holds_no_query_strings(served):
    port, log = served
    get(port, "/?email=kim.secret@example.com&phone=5550199")
    get(port, "/widget/widget.js?token=s3cr3t-query")
    get(port, "/nothing?q=kim.secret%40example.com")
    text = log.read_text()
    assert "GET / 200" in text and "GET /widget/widget.js 200" in text and "GET /nothing 404" in text
    assert "kim.secret" not in text and "5550199" not in text and "s3cr3t" not in text and "?" not in text
