"""What a message asks for, apart from what it mentions (issue 15: wrong records from a word named)."""
from __future__ import annotations

import pytest

from refund_desk.form_reading import names_only_an_earlier_cancellation


@pytest.mark.parametrize("text, earlier_only", [
    # a cancellation asked for or done before: the message asks how it stands
    ("has my backup plan cancellation been done yet?", True),
    ("You cancelled the hosting in October, right? I still see a charge", True),
    ("did you terminate our contract like I asked?", True),
    ("was the subscription ever canceled?", True),
    ("is our seo cancellation through yet?", True),
    # a cancellation asked for now, even beside an earlier one
    ("please cancel the hosting plan", False),
    ("I cancelled in October but you kept billing me, cancel it for real now", False),
    ("we'd like to terminate the contract", False),
    ("I want a cancellation", False),
    ("unsubscribe me", False),
    # no cancellation named at all
    ("what's the status of my refund?", False),
])
def test_an_earlier_cancellation_is_told_from_one_asked_for(text, earlier_only):
    assert names_only_an_earlier_cancellation(text) is earlier_only
