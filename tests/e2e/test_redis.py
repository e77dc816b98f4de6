"""With REDIS_URL, conversations live in Redis: a Rasa server restarted mid-request carries on."""
import pytest
import redis

from tests.e2e.conftest import say
from tests.e2e.test_conversations import reference_in
from tests.support.redis import temporary_redis
from tests.support.servers import running_assistant

pytestmark = pytest.mark.e2e


def test_a_request_survives_a_rasa_server_restart(sender):
    with temporary_redis() as url, running_assistant(extra_env={"REDIS_URL": url}) as assistant:
        say(assistant, sender, "I want a refund for invoice INV-31337")
        assert "reason" in say(assistant, sender, "yesterday")
        assert redis.Redis.from_url(url).keys("refunddesk*")  # the tracker is in Redis

        assistant.restart_rasa()  # a new Rasa process: nothing of the conversation in its memory

        assert "full name" in say(assistant, sender, "I was charged twice")  # the form goes on
        say(assistant, sender, "Jane Doe")
        say(assistant, sender, "jane@example.com")
        record = assistant.cli_json("requests", "show", reference_in(say(assistant, sender, "yes")))
        assert (record["invoice_number"], record["service_date"] is not None) == ("INV-31337", True)
