"""The other-language NLU component: the detector alone decides `other_language`."""
import pytest
from rasa.shared.nlu.training_data.message import Message

from connectors.language import OtherLanguageClassifier


def classified(text: str, ranking: list[tuple[str, float]]) -> Message:
    message = Message(data={"text": text})
    message.set("intent", {"name": ranking[0][0], "confidence": ranking[0][1]})
    message.set("intent_ranking", [{"name": n, "confidence": c} for n, c in ranking])
    return message


@pytest.mark.parametrize("text, ranking, expected", [
    # the classifier's other_language on a short English name gives way to its next guess
    ("Ann Ito", [("other_language", 0.41), ("inform", 0.3)], "inform"),
    # a sentence surely in Spanish is other_language whatever the classifier said
    ("Me cobraron dos veces la factura, quiero un reembolso", [("request_refund", 0.8)], "other_language"),
    # English stays as classified; a button payload is never re-read
    ("I was charged twice", [("request_refund", 0.9), ("other_language", 0.05)], "request_refund"),
    ("/affirm", [("affirm", 1.0)], "affirm"),
])
def test_the_detector_decides(text, ranking, expected):
    message = OtherLanguageClassifier().process([classified(text, ranking)])[0]
    assert message.get("intent")["name"] == expected
    names = [r["name"] for r in message.get("intent_ranking")]
    assert names[0] == expected and names.count("other_language") <= 1
    if expected != "other_language":
        assert "other_language" not in names
