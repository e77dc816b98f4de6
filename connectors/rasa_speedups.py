"""Per-message costs inside Rasa Open Source 3.6 that do not need to be paid on every call.

RemoteAction._validate_action_result calls `jsonschema.validate(result, schema)` on every
action-server response. jsonschema.validate first checks the schema itself against the JSON
Schema meta-schema, every time: 26 ms per call on this machine (jsonschema 4.17), which was most
of an action-server round trip (the action server itself answers in under 1 ms). The schema is a
constant, so here it is checked once and the validator is reused (0.02 ms per call). Same
checks, same error message.

`install()` is called when connectors.policies is imported, which every Rasa server process
does when it loads the model (the policy is part of the trained graph).
"""
from __future__ import annotations

from typing import Any, Dict, Optional

_validator: Optional[Any] = None


def _validate_action_result(self: Any, result: Dict[str, Any]) -> bool:
    from jsonschema import ValidationError
    from jsonschema.validators import validator_for
    from rasa.shared.constants import DOCS_BASE_URL

    global _validator
    if _validator is None:
        schema = self.action_response_format_spec()
        cls = validator_for(schema)
        cls.check_schema(schema)
        _validator = cls(schema)
    try:
        _validator.validate(result)
        return True
    except ValidationError as e:
        e.message += (
            f". Failed to validate Action server response from API, "
            f"make sure your response from the Action endpoint is valid. "
            f"For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions"
        )
        raise e


def install() -> None:
    from rasa.core.actions.action import RemoteAction

    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]
