"""A Sanic app with the input channels of a credentials file and an echo "bot" in place of
Rasa's agent, so channel connectors can be tested over real HTTP/websockets without a model.

    python tests/channels/echo_server.py --credentials creds.yml --port 5099 --log received.jsonl

The echo agent answers like a Rasa bot would, through `output_channel.send_response`:
"buttons" -> a text with buttons Yes (/affirm) / No (/deny); anything else -> "echo: <text>"
("slow..." after 2 s).
Each user message it gets is appended to --log as a JSON line.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # import `connectors`

from rasa.core.channels.channel import UserMessage, register  # noqa: E402
from rasa.core.run import create_http_input_channels  # noqa: E402
from sanic import Sanic, response  # noqa: E402


class EchoAgent:
    def __init__(self, log: Path) -> None:
        self.log = log

    async def handle_message(self, message: UserMessage) -> None:
        with self.log.open("a") as f:
            f.write(json.dumps({
                "text": message.text, "sender_id": message.sender_id,
                "input_channel": message.input_channel, "metadata": message.metadata,
            }) + "\n")
        if message.text.startswith("slow"):
            await asyncio.sleep(2)  # lets a test see the typing indicator
        if message.text == "buttons":
            reply = {"text": "Pick one", "buttons": [
                {"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}]}
        else:
            reply = {"text": f"echo: {message.text}"}
        await message.output_channel.send_response(message.sender_id, reply)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--credentials", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--log", required=True)
    args = parser.parse_args()

    app = Sanic("echo_channels", configure_logging=False)
    app.ctx.agent = EchoAgent(Path(args.log))
    register(create_http_input_channels(None, args.credentials), app, route="/webhooks/")

    @app.get("/status")
    async def status(_request):
        return response.json({"status": "ok"})

    app.run(host="127.0.0.1", port=args.port, access_log=False)


if __name__ == "__main__":
    main()
