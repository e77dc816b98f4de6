"""Rasa custom actions: thin adapters between the tracker and the refund_desk domain.

Importing this package loads the active refund policy, so a malformed file stops the action
server at start-up with the file, the place and what is wrong.
"""
from actions.runtime import runtime

runtime()
