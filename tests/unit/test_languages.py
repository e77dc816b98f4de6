"""Messages in other languages: which language, yes and no, what the customer is told."""
import pytest

from refund_desk.languages import ANSWERED_LANGUAGES, ONLY_ENGLISH, detect_language, only_english, yes_or_no


@pytest.mark.parametrize("text, language", [
    ("Me cobraron dos veces la factura INV-55120, quiero un reembolso", "es"),
    ("Necesito anular la visita del técnico del jueves", "es"),
    ("Ich möchte mein Geld für die Reparatur zurück", "de"),
    ("Bitte stornieren Sie meinen Wartungsvertrag zum Monatsende", "de"),
    ("Bonjour, je voudrais annuler mon abonnement", "fr"),
    ("Où en est ma demande de remboursement ?", "fr"),
    ("Gostaria de receber o meu dinheiro de volta", "pt"),
    ("Vorrei sapere quando arriva il mio rimborso", "it"),
    ("Ik wil graag mijn abonnement opzeggen", "nl"),
    ("Chciałbym otrzymać zwrot pieniędzy za naprawę", "pl"),
    ("Я хочу отменить подписку", "ru"),
    # English, names, identifiers and one-word answers are never another language
    ("I was charged twice for invoice INV-20431", None),
    ("the tech never connected", None),
    ("nobody showed up", None),
    ("Kind regards, Priya Raghunathan", None),
    ("Aroha Ngata", None),
    ("Jane Moreau", None),
    ("Sofia Rossi", None),
    ("INV-2231", None),
    ("sí", None),
    ("ok", None),
    ("", None),
    (None, None),
])
def test_detected_language(text, language):
    assert detect_language(text) == language


@pytest.mark.parametrize("text, answer", [
    ("sí", True), ("Si.", True), ("claro", True), ("ja", True), ("Ja, genau!", True), ("oui", True),
    ("d’accord", True), ("sim", True), ("sì, certo", True), ("klopt", True),
    ("nein", False), ("non", False), ("não", False), ("nee", False), ("No, gracias", False),
    ("INV-2231", None), ("maybe", None), ("", None),
    ("there is no invoice number on it at all", None),  # not a bare answer
])
def test_yes_and_no_in_other_languages(text, answer):
    assert yes_or_no(text) is answer


def test_every_answered_language_has_its_text_with_the_contact():
    assert set(ANSWERED_LANGUAGES) | {"en"} == set(ONLY_ENGLISH)
    for language in ONLY_ENGLISH:
        text = only_english(language, "help@example.com")
        assert text.endswith("help@example.com"), language
    assert only_english("pl", "help@example.com") == only_english("en", "help@example.com")


@pytest.mark.parametrize("text, answer", [
    ("sí, gracias", True), ("Nein, danke.", False), ("oui, oui", True), ("zeker niet", False), ("todavía no", False), ("nein, danke, jetzt nicht", False), ("gracias", None),
])
def test_courtesy_words_beside_a_yes_or_no(text, answer):
    assert yes_or_no(text) is answer
