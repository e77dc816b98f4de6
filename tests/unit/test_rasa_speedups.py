"""The reused validator checks action-server responses exactly as Rasa's per-call validate did;
action-server calls share one kept-alive connection."""
import asyncio

import jsonschema
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


async def _serve(handler):
    from aiohttp import web

    app = web.Application()
    app.router.add_post("/webhook", handler)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    return runner, port


def test_action_calls_share_one_kept_alive_connection():
    asyncio.run(_three_calls())


async def _three_calls() -> None:
    """Three action-server calls on one endpoint: one TCP connection (Rasa 3.6 opened three),
    with the endpoint's headers and parameters on every call."""
    from aiohttp import web
    from rasa.utils.endpoints import EndpointConfig

    seen: list[tuple[object, str, str]] = []

    async def webhook(request: web.Request) -> web.Response:
        seen.append((request.transport, request.headers.get("Authorization"), request.query.get("token")))
        return web.json_response({"events": [], "responses": []})

    runner, port = await _serve(webhook)
    try:
        endpoint = EndpointConfig(f"http://127.0.0.1:{port}/webhook", headers={"Authorization": "Bearer s"},
                                  token="t")
        for _ in range(3):
            assert await endpoint.request(json={"next_action": "x"}, method="post") == {"events": [],
                                                                                          "responses": []}
        assert len(seen) == 3
        assert len({id(transport) for transport, _, _ in seen}) == 1
        assert {(auth, token) for _, auth, token in seen} == {("Bearer s", "t")}
    finally:
        session = getattr(endpoint, "_refund_desk_session", None)
        if session is not None:
            await session.close()
        await runner.cleanup()


def test_an_error_status_still_raises_rasas_client_response_error():
    asyncio.run(_error_call())


async def _error_call() -> None:
    from aiohttp import web
    from rasa.utils.endpoints import ClientResponseError, EndpointConfig

    async def webhook(request: web.Request) -> web.Response:
        return web.json_response({"error": "nope"}, status=400)

    runner, port = await _serve(webhook)
    try:
        endpoint = EndpointConfig(f"http://127.0.0.1:{port}/webhook")
        with pytest.raises(ClientResponseError) as err:
            await endpoint.request(json={}, method="post")
        assert err.value.status == 400 and b"nope" in err.value.text
    finally:
        session = getattr(endpoint, "_refund_desk_session", None)
        if session is not None:
            await session.close()
        await runner.cleanup()


# ActionResultValidator: the verdict of the full schema, on valid and invalid responses alike.
_SLOT = {"event": "slot", "timestamp": None, "name": "customer_name", "value": "Jane Doe"}
_USER = {"event": "user", "text": "hi", "parse_data": {"intent": {"name": "greet", "confidence": 0.9},
                                                       "entities": [{"entity": "x", "value": 1}]}}
_RESPONSES = [
    {"events": [_SLOT, {"event": "active_loop", "name": "refund_form"}, {"event": "bot", "text": "Name?"}],
     "responses": [{"text": "What's your full name?"}]},
    {"events": [_USER, {"event": "action", "name": "action_listen", "policy": None, "confidence": 1.0}]},
    {"responses": []},
    {},
    {"events": [{**_SLOT, "name": 3}]},                              # a slot name must be a string
    {"events": [{k: v for k, v in _SLOT.items() if k != "value"}]},  # a slot event needs a value
    {"events": [{"event": "no_such_event"}]},
    {"events": [{"event": 7}]},
    {"events": [{"event": ["slot"]}]},
    {"events": ["slot"]},
    {"events": [{**_SLOT, "timestamp": "today"}]},
    {"events": [{**_USER, "parse_data": {"entities": [{"entity": "x"}]}}]},  # an entity needs a value
    {"events": [{"event": "action", "hide_rule_turn": "yes"}]},
    {"events": [{"event": "entities", "entities": [{"entity": "a"}]}]},   # jsonschema's best match
    {"events": [{"event": "user", "parse_data": {"intent": {"name": 3}}}]},
    {"events": [_SLOT], "responses": ["not an object"]},
    {"events": {"event": "slot"}},
    [],
    "events",
]


@pytest.mark.parametrize("result", _RESPONSES)
def test_quick_check_agrees_with_the_full_schema(result):
    from jsonschema.validators import validator_for

    schema = RemoteAction.action_response_format_spec()
    full_verdict = validator_for(schema)(schema).is_valid(result)
    validator = rasa_speedups.ActionResultValidator(schema)
    assert validator.quickly_valid(result) is full_verdict
    if full_verdict:
        validator.validate(result)
    else:
        with pytest.raises(ValidationError) as rasas:
            jsonschema.validate(result, schema)  # what Rasa 3.6 calls
        with pytest.raises(ValidationError) as ours:
            validator.validate(result)
        assert ours.value.message == rasas.value.message


def test_every_event_name_of_the_schema_is_checked_quickly():
    schema = RemoteAction.action_response_format_spec()
    names = {alt["properties"]["event"]["const"] for alt in schema["properties"]["events"]["items"]["oneOf"]}
    assert set(rasa_speedups.ActionResultValidator(schema).by_event) == names
    assert len(names) == 23


@pytest.mark.parametrize("name", ["user", "bot", "slot", "action", "active_loop", "session_started", "followup"])
def test_event_classes_are_the_ones_rasa_finds(name):
    from rasa.shared.core.events import Event

    assert Event.resolve_by_type is not rasa_speedups._rasa_resolve_by_type
    assert Event.resolve_by_type(name) is rasa_speedups._rasa_resolve_by_type(name)
    assert Event.resolve_by_type(name) is Event.resolve_by_type(name)
    assert rasa_speedups._event_classes[name] is Event.resolve_by_type(name)  # found once, then remembered


def test_unknown_event_names_behave_as_in_rasa():
    from rasa.shared.core.events import Event, SlotSet

    assert Event.resolve_by_type("topic") is None
    assert Event.resolve_by_type("no_such_event", SlotSet) is SlotSet
    with pytest.raises(ValueError, match="Unknown event name"):
        Event.resolve_by_type("no_such_event")
    assert "topic" not in rasa_speedups._event_classes and "no_such_event" not in rasa_speedups._event_classes
