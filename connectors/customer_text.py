"""What Rasa 3.6 does with a customer's words beyond understanding them, stopped where it happens.

* ``/intent{...}`` typed by a customer is text. Rasa reads any message that starts with "/" as an
  intent with entities (``YAMLStoryReader.unpack_regex_message``, called by the NLU graph's
  RegexMessageHandler), and logs the whole message, e-mail, phone and newlines included, when it
  does not parse. The channel guard marks a message that looks like that and is not one of our
  own buttons' payloads (refund_desk.security.OUR_COMMANDS) with ``typed_as_text``; for such a
  message the unpacking returns the message untouched, so the classifier reads it like any
  other text and nothing logs it.
* Rasa's structured log events carry customer text under a known set of keys (the list Rasa's
  own anonymizer uses, rasa/utils/log_utils.py ``_anonymizer``, plus the keys of the events that
  log slot values). A structlog processor put first in Rasa's chain replaces those values, at
  every level, before anything renders them; the event name, the level and any exception stay.

``install()`` is called by every guarded channel (connectors/guard.py); it is idempotent.
"""
from __future__ import annotations

import contextvars
from contextlib import contextmanager
from typing import Any, Iterator, MutableMapping, Optional

REDACTED = "[customer text not logged]"
# Rasa 3.6's _anonymizer list (rasa/utils/log_utils.py), and the other keys whose values come from
# what a customer said (checked against every structlogger call in the installed Rasa).
TEXT_KEYS = frozenset({
    "text", "response_text", "user_text", "slot_values", "parse_data_text", "parse_data_entities",
    "prediction_events", "tracker_latest_message", "prefilled_slots", "message", "response",
    "slot_candidates", "rasa_event", "rasa_events", "tracker_states", "current_states", "old_states",
    "successes", "current_entity", "next_entity", "states", "entity", "token_text", "user_message",
    "json_message",
})

_typed_as_text: contextvars.ContextVar[bool] = contextvars.ContextVar("refund_desk_typed_as_text", default=False)


@contextmanager
def typed_as_text(yes: bool = True) -> Iterator[None]:
    """Within this block (this task and what it awaits), a "/..." message is read as text."""
    token = _typed_as_text.set(yes)
    try:
        yield
    finally:
        _typed_as_text.reset(token)


def redact_customer_text(_logger: Any, _method: str, event_dict: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """A structlog processor: the values that carry customer text replaced."""
    for key in TEXT_KEYS.intersection(event_dict):
        event_dict[key] = REDACTED
    return event_dict


def _install_log_redaction() -> None:
    import structlog

    processors = structlog.get_config()["processors"]  # the configured list itself, shared by bound loggers
    if redact_customer_text not in processors:
        processors.insert(0, redact_customer_text)


def _install_text_for_typed_intents() -> None:
    from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader

    unpack = YAMLStoryReader.unpack_regex_message
    if getattr(unpack, "reads_typed_intents_as_text", False):
        return

    def unpack_unless_typed(message: Any, domain: Optional[Any] = None, entity_extractor_name: Optional[str] = None):
        if _typed_as_text.get():
            return message
        return unpack(message, domain, entity_extractor_name)

    unpack_unless_typed.reads_typed_intents_as_text = True  # type: ignore[attr-defined]
    YAMLStoryReader.unpack_regex_message = staticmethod(unpack_unless_typed)  # type: ignore[method-assign]


def install() -> None:
    """Both measures above (each is put in place once, however often this is called)."""
    _install_log_redaction()
    _install_text_for_typed_intents()
