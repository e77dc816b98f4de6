"""Test-only variant of our Slack channel, so one server can serve two Slack set-ups."""
from connectors.slack import RefundDeskSlackInput


class ThreadedSlackInput(RefundDeskSlackInput):
    """Same channel name (`slack`, so records say slack) on /webhooks/slack_threads/webhook."""

    def url_prefix(self) -> str:
        return "slack_threads"
