"""Start the staff console: `python -m console.server [--host H] [--port P]` (default STAFF_HOST,
STAFF_PORT: 127.0.0.1:8090). Applies the schema migrations before it listens."""
from __future__ import annotations

import argparse
import logging
from typing import Optional, Sequence

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger

from console.app import create_app
from console.desk import ConsoleDesk
from refund_desk.schema import upgrade_database
from refund_desk.settings import load_settings


class PathAccessLogger(AbstractAccessLogger):
    """The access log without query strings (a search may hold customer text) or bodies."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        self.logger.info("%s %s %s %s %.3fs", request.remote, request.method, request.path, response.status, time)


def main(argv: Optional[Sequence[str]] = None) -> None:
    settings = load_settings()
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default=settings.staff_host)
    parser.add_argument("--port", type=int, default=settings.staff_port)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    desk = ConsoleDesk.from_settings(settings)
    upgrade_database(desk.store.engine)
    logging.getLogger(__name__).info("staff console on http://%s:%d (links: %s)", args.host, args.port,
                                     settings.console_url)
    web.run_app(create_app(settings, desk), host=args.host, port=args.port, print=None,
                access_log_class=PathAccessLogger)


if __name__ == "__main__":
    main()
