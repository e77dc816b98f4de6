"""The private action server: rasa-sdk's app, listening on 127.0.0.1 by default, that runs an
action only for a caller with the shared secret (Rasa sends it as ``Authorization: Bearer ...``,
see deploy.endpoints).

    python -m actions.server [--port 5055] [--host 127.0.0.1]

Settings: ACTION_PORT, ACTION_HOST, ACTION_SERVER_SECRET (generated into var/secrets.env on first
run when not set). ``/health`` stays open (it says nothing but "ok"); everything else answers 401
without the secret.
"""
from __future__ import annotations

import argparse
import logging
import sys
import traceback
from typing import Optional, Sequence

from sanic import Sanic, response
from sanic.request import Request

from refund_desk.security import bearer_token, ensure_secrets, same_secret
from refund_desk.settings import load_settings

log = logging.getLogger("actions.server")
OPEN_PATHS = frozenset({"/health"})


FAILURE_TEXT = ("Sorry, something went wrong on my side while handling that. Please try again in a "
                "moment: nothing you've told me so far is lost.")


def apology() -> dict:
    """A bot message in rasa-sdk's response format."""
    return {"text": FAILURE_TEXT, "buttons": [], "elements": [], "custom": {}, "template": None,
            "response": None, "image": None, "attachment": None}


def create_app(secret: str, actions_package: str = "actions") -> Sanic:
    """rasa-sdk's Sanic app with no CORS (browsers have no business here) and the secret check."""
    if not secret:
        raise ValueError("the action server needs a secret (ACTION_SERVER_SECRET)")
    from rasa_sdk.endpoint import create_app as sdk_app

    app = sdk_app(actions_package, cors_origins=None)

    @app.middleware("request")
    async def require_secret(request: Request):  # noqa: ANN202 (Sanic middleware)
        if request.path in OPEN_PATHS:
            return None
        if not same_secret(bearer_token(request.headers.get("authorization")), secret):
            return response.json({"error": "unauthorized"}, status=401)
        return None

    # rasa-sdk's own handler logs the request and echoes its body (a customer's conversation)
    # back. This one logs only what failed, and for an action turns the failure into a message to
    # the customer: Rasa would otherwise say nothing at all.
    @app.exception(Exception)
    async def failure(request: Request, exception: Exception):  # noqa: ANN202
        # The type and where it happened, not the message: a database error's message can quote
        # the customer's data (e.g. a unique key's values).
        where = "".join(traceback.format_tb(exception.__traceback__)[-3:]).rstrip()
        log.error("action failed on %s: %s\n%s", request.path, type(exception).__name__, where)
        if request.path == "/webhook":
            return response.json({"events": [], "responses": [apology()]}, status=200)
        return response.json({"error": type(exception).__name__}, status=500)

    return app


def migrate_before_serving(database_url: str) -> None:
    """The records schema at the newest migration before the workers start, so that the first
    customer's write does not wait for it; with a throwaway engine (the workers fork after this
    and make their own). A database that is down now is tried again on first use."""
    from sqlalchemy.exc import SQLAlchemyError

    from refund_desk.records import RecordStore

    store = RecordStore(database_url)
    try:
        store.engine.dispose()
    except (SQLAlchemyError, OSError) as exc:
        log.warning("records database not reachable at start (%s); trying again on first use", type(exc).__name__)


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description="Refund Desk's private action server")
    settings = load_settings()
    parser.add_argument("--port", type=int, default=settings.action_port)
    parser.add_argument("--host", default=settings.action_host)
    parser.add_argument("--actions", default="actions")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    secret = settings.action_server_secret
    if not secret:
        secret = ensure_secrets()["ACTION_SERVER_SECRET"]
    migrate_before_serving(settings.database_url)
    from rasa_sdk import utils

    from refund_desk.readers import train_all

    train_all()  # the trained readers (a few seconds), before the first customer rather than during
    app = create_app(secret, args.actions)
    log.info("Action server on http://%s:%s (requests need the shared secret)", args.host, args.port)
    app.run(args.host, args.port, workers=utils.number_of_sanic_workers(), access_log=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
