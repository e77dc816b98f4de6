"""Messages in other languages than English: which language a message is in, a yes or a no in it,
and what to tell a customer who writes in it (the assistant itself speaks English for now)."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Optional

# The languages a customer is answered in; any other language gets the English text.
ANSWERED_LANGUAGES = ("es", "de", "fr", "pt", "it", "nl")
# Languages the detector chooses among: English, the answered ones, and others customers write in, so
# that a Polish or Swedish message is not forced into the nearest answered language.
CANDIDATE_LANGUAGES = ("en", *ANSWERED_LANGUAGES, "pl", "sv", "da", "no", "fi", "tr", "ro", "cs", "hu", "ru",
                       "uk", "el", "ar", "he", "hi", "zh", "ja", "ko", "vi", "id")
# A message is taken for another language only when the detector is this sure and it has enough words:
# names ("Aroha Ngata"), identifiers and one-word answers stay English.
MIN_PROBABILITY = 0.99
MIN_WORDS = 3
MIN_LETTERS_NON_LATIN = 4  # a message in another script needs fewer words to be sure

_WORD = re.compile(r"[^\W\d_]{2,}", re.UNICODE)

# Short answers to a yes/no question in the answered languages (English is read by the forms
# themselves): a negation word anywhere makes a no ("todavía no", "zeker niet", "pas encore"),
# else a yes word makes a yes ("ja, genau", "sì, certo"); idioms whose words say neither are listed whole.
YES_WORDS = frozenset((
    "sí si claro vale acuerdo correcto exacto exactamente perfecto bien "  # es
    "ja jawohl genau klar stimmt richtig gerne gern passt einverstanden "  # de
    "oui ouais accord exact exactement parfait "  # fr
    "sim certo certeza isso correto exatamente "  # pt
    "sì esatto giusto certamente corretto perfetto bene "  # it
    "jazeker klopt prima zeker goed akkoord inderdaad oké"  # nl
).split())
NO_WORDS = frozenset((
    "no nunca nada ninguna ningún "  # es
    "nein nicht nö nee ne kein keine keinen "  # de
    "non pas jamais "  # fr
    "não nao nenhum "  # pt
    "niente mai "  # it
    "neen niet geen nooit"  # nl
).split())
YES_IDIOMS = ("pode ser", "c'est ça", "tout à fait", "por supuesto", "va bene", "está bien")
NO_IDIOMS = ("para nada", "de jeito nenhum", "auf keinen fall", "per niente")
COURTESY_WORDS = frozenset("gracias por favor danke bitte merci obrigado obrigada grazie favore dank bedankt "
                           "graag".split())
MAX_ANSWER_WORDS = 4  # longer messages are not a bare yes or no

# What a customer writing in another language is told, in that language: the assistant helps in English
# for now, what it can do, and how to reach a person ({contact}: the active refund policy's e-mails and
# phones, or its contact sentence).
ONLY_ENGLISH: dict[str, str] = {
    "es": ("Lo siento, por ahora solo puedo atenderle en inglés. Puedo abrir una solicitud de reembolso, cancelar "
           "un servicio, consultar el estado de una solicitud o responder preguntas sobre la política de "
           "reembolsos: escríbame en inglés. Para hablar con una persona: {contact}"),
    "de": ("Entschuldigung, im Moment kann ich nur auf Englisch helfen. Ich kann eine Rückerstattung beantragen, "
           "einen Dienst kündigen, den Stand einer Anfrage prüfen oder Fragen zu den Rückerstattungsregeln "
           "beantworten: Schreiben Sie mir bitte auf Englisch. Eine Person erreichen Sie unter: {contact}"),
    "fr": ("Désolé, pour l'instant je ne peux vous aider qu'en anglais. Je peux ouvrir une demande de "
           "remboursement, annuler un service, suivre une demande ou répondre aux questions sur la politique de "
           "remboursement : écrivez-moi en anglais. Pour joindre une personne : {contact}"),
    "pt": ("Desculpe, por enquanto só consigo ajudar em inglês. Posso abrir um pedido de reembolso, cancelar um "
           "serviço, verificar o estado de um pedido ou responder a perguntas sobre a política de reembolso: "
           "escreva-me em inglês. Para falar com uma pessoa: {contact}"),
    "it": ("Mi dispiace, per ora posso aiutarla solo in inglese. Posso aprire una richiesta di rimborso, "
           "annullare un servizio, controllare lo stato di una richiesta o rispondere a domande sulla politica di "
           "rimborso: mi scriva in inglese. Per parlare con una persona: {contact}"),
    "nl": ("Sorry, voorlopig kan ik alleen in het Engels helpen. Ik kan een terugbetalingsverzoek openen, een "
           "dienst opzeggen, de status van een verzoek bekijken of vragen over het terugbetalingsbeleid "
           "beantwoorden: schrijf me in het Engels. Een medewerker bereikt u via: {contact}"),
    "en": ("Sorry, for now I can only help in English. I can open a refund request, cancel a service, check on a "
           "request or answer questions about the refund policy: please write to me in English. To reach a "
           "person: {contact}"),
}


@lru_cache(maxsize=1)
def _identifier():  # loaded on first use (about 0.3 s): never at import
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_pickled_model(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(CANDIDATE_LANGUAGES))
    return identifier


def _is_latin(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return all("LATIN" in unicodedata.name(c, "") for c in letters)


def detect_language(text: Optional[str]) -> Optional[str]:
    """The language of a message when it is surely not English (an ISO 639-1 code), else None."""
    text = (text or "").strip()
    words = _WORD.findall(text)
    if _is_latin(text):
        if len(words) < MIN_WORDS:
            return None
    elif sum(c.isalpha() for c in text) < MIN_LETTERS_NON_LATIN:
        return None
    language, probability = _identifier().classify(text)
    if language == "en" or probability < MIN_PROBABILITY:
        return None
    return language


def yes_or_no(text: Optional[str]) -> Optional[bool]:
    """True for a yes, False for a no in one of the answered languages ("sí", "ja, genau", "nein danke"),
    else None (English, or not a bare answer)."""
    answer = re.sub(r"[^\w' ]+", " ", (text or "").lower().replace("’", "'")).strip()
    answer = " ".join(answer.split())
    words = [w for w in re.findall(r"\w+", answer) if w not in COURTESY_WORDS]
    if not words or len(words) > MAX_ANSWER_WORDS:
        return None
    if any(idiom in answer for idiom in NO_IDIOMS) or any(w in NO_WORDS for w in words):
        return False
    if any(idiom in answer for idiom in YES_IDIOMS) or any(w in YES_WORDS for w in words):
        return True
    return None


def only_english(language: str, contact: str) -> str:
    """What a customer who wrote in `language` is told, in that language where we have it."""
    return ONLY_ENGLISH.get(language, ONLY_ENGLISH["en"]).format(contact=contact)
