import uuid

import pytest

from tests.support.servers import running_assistant


@pytest.fixture(scope="session")
def assistant():
    with running_assistant() as a:
        yield a


@pytest.fixture
def sender() -> str:
    return f"e2e-{uuid.uuid4().hex[:10]}"


def say(assistant, sender: str, text: str) -> str:
    """Send one message; return everything the bot answered, as one text (buttons included)."""
    replies = assistant.send(sender, text)
    parts = []
    for r in replies:
        parts.append(r.get("text") or "")
        parts += [f"[{b['title']}|{b['payload']}]" for b in r.get("buttons", [])]
    return "\n".join(parts)


def pytest_terminal_summary(terminalreporter):
    """The customer-conversation suite's figure: "N/M conversations end with the right record"."""
    from tests.support.conversation_results import summary_lines
    for line in summary_lines():
        terminalreporter.write_line(line)
