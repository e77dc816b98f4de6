#!/usr/bin/env python3
"""Serve the widget demo page (what `make run` shows on http://localhost:8080).

    python web/serve.py --port 8080 [--rasa-url http://localhost:5005 | --rasa-port 5005]

`/` is web/demo/index.html with its `data-server` pointed at Rasa, `/widget/` is
web/dist/ (built by `npm ci` in web/). Standard library only.
"""
from __future__ import annotations

import argparse
import html
import os
import sys
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

WEB = Path(__file__).resolve().parent
DIST = WEB / "dist"
DEMO = WEB / "demo" / "index.html"
DEMO_SERVER = 'data-server="http://localhost:5005"'


def demo_page(rasa_url: str) -> bytes:
    page = DEMO.read_text(encoding="utf-8")
    return page.replace(DEMO_SERVER, f'data-server="{html.escape(rasa_url, quote=True)}"').encode()


def content_security_policy(rasa_url: str) -> str:
    """Nothing but this server and the Rasa server: proves the page loads nothing from outside."""
    parts = urlsplit(rasa_url)
    ws_scheme = "wss" if parts.scheme == "https" else "ws"
    rasa = f"{parts.scheme}://{parts.netloc} {ws_scheme}://{parts.netloc}"
    return (
        "default-src 'self'; "
        f"connect-src 'self' {rasa}; "
        "img-src 'self' data:; "
        "style-src 'self' 'unsafe-inline'; "
        "script-src 'self' 'unsafe-inline'; "
        "font-src 'none'; object-src 'none'; base-uri 'none'"
    )


class Handler(SimpleHTTPRequestHandler):
    rasa_url: str | None = None  # None: the host the page was asked from, on rasa_port
    rasa_port = 5005

    def rasa_base(self) -> str:
        if self.rasa_url:
            return self.rasa_url
        host = urlsplit(f"//{self.headers.get('Host') or 'localhost'}").hostname or "localhost"
        if ":" in host:  # IPv6 literal
            host = f"[{host}]"
        return f"http://{host}:{self.rasa_port}"

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def do_GET(self) -> None:  # noqa: N802 (http.server naming)
        path = urlsplit(self.path).path
        if path in ("/", "/index.html"):
            rasa_url = self.rasa_base()
            body = demo_page(rasa_url)
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Content-Security-Policy", content_security_policy(rasa_url))
            self.end_headers()
            self.wfile.write(body)
            return
        if path == "/healthz":
            body = b"ok\n"
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        if path.startswith("/widget/"):
            self.path = self.path[len("/widget"):]
            return super().do_GET()
        self.send_error(HTTPStatus.NOT_FOUND)

    def do_HEAD(self) -> None:  # noqa: N802
        self.do_GET()

    def log_message(self, format: str, *args) -> None:  # quieter than the default
        if os.environ.get("WIDGET_SERVER_QUIET") != "1":
            super().log_message(format, *args)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default=os.environ.get("WIDGET_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("WIDGET_PORT", "8080")))
    parser.add_argument("--rasa-url", default=os.environ.get("RASA_URL"),
                        help="URL the browser uses to reach Rasa (its socketio channel); default: "
                             "http://<the host the page was opened with>:<--rasa-port>")
    parser.add_argument("--rasa-port", type=int, default=int(os.environ.get("RASA_PORT", "5005")))
    args = parser.parse_args(argv)
    if not (DIST / "widget.js").exists() or not (DIST / "socket.io.min.js").exists():
        print(f"{DIST} is not built: run `npm ci` in {WEB}", file=sys.stderr)
        return 2
    rasa_url = args.rasa_url.rstrip("/") if args.rasa_url else None
    handler = type("DemoHandler", (Handler,), {"rasa_url": rasa_url, "rasa_port": args.rasa_port})
    server = ThreadingHTTPServer((args.host, args.port), partial(handler, directory=str(DIST)))
    rasa = rasa_url or f"http://<this host>:{args.rasa_port}"
    print(f"Refund Desk widget demo on http://{args.host}:{server.server_port}/ (Rasa: {rasa})", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
