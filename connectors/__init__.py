"""Refund Desk's Rasa channel connectors (referenced from credentials.yml by module path).

* ``connectors.slack.RefundDeskSlackInput``: Rasa 3.6's Slack channel with its flaws fixed.

The website widget talks to Rasa's built-in ``socketio`` channel (see web/ and
docs/channels.md); it needs python-socketio 5.9.0, pinned because of Rasa issue 13027.
"""
