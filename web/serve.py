#!/usr/bin/env python3
"""Serve the widget demo page (what `make run` shows on http://localhost:8080).

    python web/serve.py --port 8080 [--rasa-url http://localhost:5005 | --rasa-port 5005]

`/` is web/demo/index.html with its `data-server` pointed at Rasa (--rasa-url, else
http://127.0.0.1:<--rasa-port>: nothing from the request is copied into the page or its headers),
`/widget/<file>` the files of web/dist/ (built by `npm ci` in web/), no directory listing.
Every answer says `X-Content-Type-Options: nosniff`; the page's CSP allows nothing but this
server and Rasa, and framing only by WIDGET_FRAME_ANCESTORS (default 'none'). The log lines
carry the method, the path without its query string, and the status.
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
sys.path.insert(0, str(WEB.parent))  # refund_desk (the settings)
DIST = WEB / "dist"
DEMO = WEB / "demo" / "index.html"
DEMO_SERVER = 'data-server="http://localhost:5005"'


def demo_page(rasa_url: str) -> bytes:
    page = DEMO.read_text(encoding="utf-8")
    return page.replace(DEMO_SERVER, f'data-server="{html.escape(rasa_url, quote=True)}"').encode()


def content_security_policy(rasa_url: str, frame_ancestors: str = "'none'") -> str:
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
        "font-src 'none'; object-src 'none'; base-uri 'none'; "
        f"frame-ancestors {frame_ancestors}"
    )


def printable(text: str) -> str:
    """Text for a log line: anything but printable ASCII shown as '?', so a line cannot be forged."""
    return "".join(c if " " <= c <= "~" else "?" for c in text)


class Handler(SimpleHTTPRequestHandler):
    rasa_url = "http://127.0.0.1:5005"
    frame_ancestors = "'none'"

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-cache")
        self.send_header("X-Content-Type-Options", "nosniff")
        super().end_headers()

    def parse_request(self) -> bool:
        self.logged_path = None  # set by do_GET; a request that fails before it logs no path of the last one
        return super().parse_request()

    def list_directory(self, path):  # noqa: ANN001 (http.server's signature): no listings
        self.send_error(HTTPStatus.NOT_FOUND)
        return None

    def do_GET(self) -> None:  # noqa: N802 (http.server naming)
        path = self.logged_path = urlsplit(self.path).path
        if path in ("/", "/index.html"):
            body = demo_page(self.rasa_url)
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Content-Security-Policy", content_security_policy(self.rasa_url, self.frame_ancestors))
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

    def log_request(self, code="-", size="-") -> None:  # noqa: ANN001: the path without its query string
        method = self.command or "-"
        path = getattr(self, "logged_path", None) or (urlsplit(self.path or "").path if self.command else "-")
        status = code.value if isinstance(code, HTTPStatus) else code
        self.log_message("%s %s %s", printable(method), printable(path), status)

    def log_error(self, format: str, *args) -> None:  # its arguments may hold the request line
        if not format.startswith("code %d"):  # a status is logged by log_request anyway
            self.log_message("%s", printable(format))

    def log_message(self, format: str, *args) -> None:  # quieter than the default
        if os.environ.get("WIDGET_SERVER_QUIET") != "1":
            sys.stderr.write(f"{self.log_date_time_string()} {format % args}\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default=os.environ.get("WIDGET_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("WIDGET_PORT", "8080")))
    parser.add_argument("--rasa-url", default=os.environ.get("RASA_URL"),
                        help="URL the browser uses to reach Rasa (its socketio channel); default: "
                             "http://127.0.0.1:<--rasa-port>")
    parser.add_argument("--rasa-port", type=int, default=int(os.environ.get("RASA_PORT", "5005")))
    parser.add_argument("--frame-ancestors", default=None,
                        help="CSP frame-ancestors of the demo page; default: WIDGET_FRAME_ANCESTORS ('none')")
    args = parser.parse_args(argv)
    from refund_desk.settings import load_settings

    frame_ancestors = args.frame_ancestors or load_settings().widget_frame_ancestors
    if not (DIST / "widget.js").exists() or not (DIST / "socket.io.min.js").exists():
        print(f"{DIST} is not built: run `npm ci` in {WEB}", file=sys.stderr)
        return 2
    rasa_url = args.rasa_url.rstrip("/") if args.rasa_url else f"http://127.0.0.1:{args.rasa_port}"
    handler = type("DemoHandler", (Handler,), {"rasa_url": rasa_url, "frame_ancestors": frame_ancestors})
    server = ThreadingHTTPServer((args.host, args.port), partial(handler, directory=str(DIST)))
    print(f"Refund Desk widget demo on http://{args.host}:{server.server_port}/ (Rasa: {rasa_url})", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
