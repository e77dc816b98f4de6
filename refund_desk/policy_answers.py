"""Answers to refund-policy questions, quoted from the sentences of the active refund policy.

The sentences are ranked against the question by words and meaning (refund_desk/clause_ranking.py);
the best ones are quoted with their section, or, when none matches well enough, the answer says
the policy doesn't say and how to reach a person. An overview quotes the limits beside the
eligible cases; a question about contact details is answered from the contact clause.
"""
from __future__ import annotations

import re
from typing import Any, Optional

from refund_desk.clause_ranking import (clause_index, concepts_of, content_words, fold, sentences_of, shared_embedder,
                                        terms)
from refund_desk.parsing import clip
from refund_desk.refund_policy import Clause, RefundPolicy

# Chosen on the development tables tests/unit/policy_questions_dev.yml (73 questions) and
# policy_questions_dev_2.yml (115, written by another hand who had read neither this code nor the
# evaluation table): the policy speaks to a question when its best sentence scores this much in
# words (TF-IDF cosine) or in meaning (MiniLM cosine); the sentences quoted are then the best by words
# and meaning together, each within this share of the best one's blended score and sharing at least
# MIN_WORDS_QUOTED in words with the question (sentence vectors alone find every sentence about
# refunds somewhat close to any refund question); a sentence quoted for a question spoken to in meaning
# only must itself score MIN_MEANING_SCORE in meaning. Right answers on the two tables: WordLlama's
# vectors at the earlier settings (meaning 0.3 of the blend, words only to speak) 66/73 and 64/115;
# MiniLM's at the same settings 67/73 and 64/115; MiniLM with meaning 0.5 and MIN_MEANING_SCORE 0.45
# 66/73 and 74/115 (the best of 4 x 4 x 7 x 3 x 3 x 4 settings; neighbours 137-139 of 188). A question
# spoken to in meaning only that names a concept no sentence of the policy names is silent
# (ClauseIndex.never_names): 67/73 and 73/115 -> 70/73 and 72/115.
MIN_WORDS_SCORE = 0.2
MIN_MEANING_SCORE = 0.45
RUNNER_UP_SHARE = 0.6
MIN_WORDS_QUOTED = 0.1
# Where nothing is close enough in meaning, a concept of the question (clause_ranking.SYNONYMS) that at
# most POINTING_SENTENCES sentences of the policy name points to them if they score POINTED_MEANING_SCORE
# in meaning. Chosen on the development tables: 70/73 and 72/115 without it; with 1 sentence and 0.3,
# 70/73 and 74/115 (0.25: 69 and 74; 0.35: 70 and 73; 2 or 3 sentences with no meaning floor: 69 and 74).
POINTING_SENTENCES = 1
POINTED_MEANING_SCORE = 0.3
# Words that ask for the policy as a whole ("what's your refund policy?") and words that do not narrow it.
OVERVIEW_WORDS = frozenset(content_words("terms rules conditions overview summary summarise summarize general "
                                         "explain work works outline give show brief short main basic basics"))
GENERIC_WORDS = frozenset(content_words("refund refunds return returns money back cancellation your our"))
# Words of a question about which cases are (not) refundable, and the words that ask which qualify.
CASE_WORDS = frozenset(content_words(
    "services service case cases situation situations thing things kind kinds type types which what when eligible "
    "eligibility qualify qualifies refundable entitled exclude excluded exclusions cover covered list"))
QUALIFYING = re.compile(r"\b(eligib\w*|qualif\w*|refundable|entitled|covered)\b|"
                        r"\bwhen (can|do|would|will) (i|you) (get|give|issue)", re.I)
# Ways of reaching the company a customer may ask for, and how to tell the policy gives one.
CONTACT_WAYS = {
    "phone number": (r"\b(phone|call|ring|telephone|number|hotline)\b", r"\(?\d{3}\)?[\s.-]*\d{3}[\s.-]*\d{4}"),
    "e-mail address": (r"\b(e-?mail|mail|write)\b", r"[\w.+-]+@[\w. -]+\.\w+"),
    "postal address": (r"\b(postal|mailing|street|office|address)\b(?!.*\be-?mail)",
                       r"\b\d+ [A-Z][a-z]+ (St|Street|Ave|Road|Rd)\b"),
}
CONTACT_QUESTION_WORDS = frozenset(content_words(
    "contact reach phone number call ring telephone hotline email e-mail mail address postal mailing street "
    "office touch get write someone person human support team billing customer care department service "
    "details info information way ways best speak talk"))
# A sentence that limits refunds ("non-refundable once delivered", "refunds are limited once ... started").
LIMIT = re.compile(r"non-?refundable|\bnot\b|\bno\b|cannot|limited|impractical", re.I)
# A deadline for the customer: "within 7 days of the service date", "24 hours before", "before the next billing cycle".
DEADLINE = re.compile(r"within \S+ (?:calendar |business |working )?days of (?!approval)|(?:days|hours) before|"
                      r"before the next billing", re.I)
# An overview quotes at most this many limits (besides two eligible cases and a deadline).
OVERVIEW_LIMITS = 5


def quote(clause: Clause) -> str:
    return f"“{clause.text}” ({clause.section})"


def contact_ways(policy: RefundPolicy) -> str:
    """The policy's e-mail addresses and phone numbers, or its contact sentence when it gives none."""
    ways = list(policy.contact.emails) + list(policy.contact.phones)
    return ", ".join(ways) if ways else quote(policy.contact.clause)


def contact_line(policy: RefundPolicy) -> str:
    ways = list(policy.contact.emails) + list(policy.contact.phones)
    return f"You can reach a person at {contact_ways(policy)}." if ways else contact_ways(policy)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _says(policy: RefundPolicy, sentences: list[Clause]) -> str:
    return "\n".join([f"Here is what {policy.policy_name} says:"] + [f"• {quote(c)}" for c in sentences])


def is_overview(question: str) -> bool:
    """'What's your refund policy?', 'tell me about your terms': the policy as a whole, nothing narrower."""
    words = set(content_words(question))
    asks_whole = bool(words & OVERVIEW_WORDS) or bool(re.search(r"\bpolic(y|ies)\b", fold(question)))
    return asks_whole and not (words - OVERVIEW_WORDS - GENERIC_WORDS)


def asked_cases(question: str) -> Optional[str]:
    """'non_refundable' for 'what can't be refunded?', 'refundable' for 'which cases qualify for a refund?':
    the policy's whole list of one kind, nothing narrower; None for any other question."""
    text = fold(question)
    if set(content_words(question)) - CASE_WORDS - GENERIC_WORDS:
        return None
    if "#not_refundable" in terms(question):
        return "non_refundable"
    return "refundable" if QUALIFYING.search(text) else None


def asked_contact_way(question: str) -> Optional[str]:
    """'phone number', 'e-mail address', 'postal address', 'any' for a question about how to reach the
    company and nothing else; None for any other question."""
    words = set(content_words(question))
    if not words or words - CONTACT_QUESTION_WORDS - GENERIC_WORDS:
        return None
    text = fold(question)
    if not re.search(r"\b(contact|reach|touch|phone|call|ring|telephone|number|hotline|e-?mail|mail|address|"
                     r"speak|talk|write)\b", text):
        return None
    for way, (asked, _) in CONTACT_WAYS.items():
        if re.search(asked, text):
            return way
    return "any"


def overview_sentences(policy: RefundPolicy) -> list[Clause]:
    """Every limit (what is not refunded), the eligible cases and the customer's deadline."""
    chosen: list[Clause] = []
    for group, most in ((limit_sentences(policy), OVERVIEW_LIMITS), (cases_sentences(policy, "refundable"), 2),
                        ([s for s in sentences_of(policy) if DEADLINE.search(s.text)], 1)):
        for s in [s for s in group if s not in chosen][:most]:
            chosen.append(s)
    return chosen


def limit_sentences(policy: RefundPolicy) -> list[Clause]:
    """The sentences that say what is not refunded, whatever their topic, the policy-wide ones first."""
    found = [s for s in sentences_of(policy) if "#not_refundable" in terms(s.text)
             or ("non_refundable" in s.topics and LIMIT.search(s.text))]
    return sorted(found, key=lambda s: "general" not in s.topics)


def cases_sentences(policy: RefundPolicy, topic: str) -> list[Clause]:
    """The sentences listing one kind of case: the limits (non_refundable), or the eligible cases (refundable)."""
    if topic == "non_refundable":
        return limit_sentences(policy)
    found: list[Clause] = []
    for s in sentences_of(policy):  # in the policy's order, a clause's first sentence only
        if topic in s.topics and s.id not in {f.id for f in found}:
            found.append(s)
    return found


def contact_answer(policy: RefundPolicy, way: str) -> tuple[str, list[Clause]]:
    """The contact clause; when the question asks for a way the policy does not give, it says so first."""
    clause = policy.contact.clause
    if way in CONTACT_WAYS and not re.search(CONTACT_WAYS[way][1], clause.text):
        return f"{_capital(policy.policy_name)} gives no {way}. It says: {quote(clause)}", [clause]
    return _says(policy, [clause]), [clause]


def silent_answer(policy: RefundPolicy) -> str:
    return f"{_capital(policy.policy_name)} doesn't say anything about that. {contact_line(policy)}"


def best_sentences(policy: RefundPolicy, question: str, limit: int = 3,
                   embedder: Any = "installed") -> list[Clause]:
    """The sentences that answer the question, best first; empty when none matches well enough.

    embedder: the sentence embedder ('installed': the one make install put in place, if any;
    None: words alone).
    """
    embedder = shared_embedder() if embedder == "installed" else embedder
    index = clause_index(policy, embedder)
    ranked = index.rank(question)
    if not ranked:
        return []
    # spoken to in meaning only (no sentence close enough in words): each sentence quoted must be
    # close in meaning itself
    meaning_only = max(r.lexical for r in ranked) < MIN_WORDS_SCORE
    meaning_floor = MIN_MEANING_SCORE if meaning_only else float("-inf")
    asked = concepts_of(question) if meaning_only else frozenset()
    if meaning_only and index.never_names(asked):
        return []
    if meaning_only and max(r.dense or 0.0 for r in ranked) < MIN_MEANING_SCORE:
        # nothing close enough in meaning: a concept of the question that only one sentence of the
        # policy names points to that sentence, when it is at least somewhat close ("can u pay me back
        # in crypto" where one sentence names cryptocurrency)
        named = index.few_name(asked, POINTING_SENTENCES)
        return [r.sentence for r in ranked if r.sentence in named and (r.dense or 0.0) >= POINTED_MEANING_SCORE][:limit]
    floor = RUNNER_UP_SHARE * ranked[0].score
    return [r.sentence for r in ranked[:limit] if r.score >= floor and r.lexical >= MIN_WORDS_QUOTED
            and (r.dense or 0.0) >= meaning_floor]



def prepare(policy: RefundPolicy) -> None:
    """Loads the sentence vectors and builds the policy's index now (the action server's start-up),
    not at its first policy question (about 1 s)."""
    clause_index(policy, shared_embedder())


def answer_policy_question(policy: RefundPolicy, question: Optional[str], limit: int = 3,
                           embedder: Any = "installed") -> tuple[str, list[Clause]]:
    """The answer text and the sentences it quotes; where the policy is silent the answer says so."""
    text = clip(question)
    if is_overview(text):
        sentences = overview_sentences(policy)
        return _says(policy, sentences), sentences
    way = asked_contact_way(text)
    if way is not None:
        return contact_answer(policy, way)
    cases = asked_cases(text)
    if cases and policy.clauses_on(cases):
        sentences = cases_sentences(policy, cases)[:limit]
        return _says(policy, sentences), sentences
    sentences = best_sentences(policy, text, limit, embedder)
    if not sentences:
        return silent_answer(policy), []
    return _says(policy, sentences), sentences
