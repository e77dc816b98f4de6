"""The reused validator checks action-server responses exactly as Rasa's per-call validate did."""
import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

import connectors.policies  # noqa: F401 - installs the speed-up, as loading the model does
from connectors import rasa_speedups


def test_installed_when_the_policy_module_is_loaded():
    assert RemoteAction._validate_action_result is rasa_speedups._validate_action_result


@pytest.mark.parametrize("result, valid", [
    ({"events": [{"event": "slot", "name": "x", "value": 1}], "responses": [{"text": "hi"}]}, True),
    ({"events": [], "responses": []}, True),
    ({"events": [{"name": "no event key"}], "responses": []}, False),
    ({"events": "not a list", "responses": []}, False),
])
def test_same_verdicts_as_jsonschema_validate(result, valid):
    action = RemoteAction("action_x", None)
    if valid:
        assert action._validate_action_result(result) is True
    else:
        with pytest.raises(ValidationError, match="Failed to validate Action server response"):
            action._validate_action_result(result)
