"""Ranking a refund policy's sentences against a question, by words and by meaning together.

Words: TF-IDF cosine over word stems plus concept tags (SYNONYMS and the word lists of
data/nlu/lexicon.yml), with the policy's own sentences as the collection. Meaning: cosine of
MiniLM sentence vectors (refund_desk/sentence_vectors.py, shared with the readers) when the
encoder is installed; without it the ranking is by words alone. Each policy's index (sentences, weights, sentence vectors) is
built once per loaded policy and kept, never per question.
"""
from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter, OrderedDict
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Container, Iterable, Optional, Sequence

from ruamel.yaml import YAML

from refund_desk.refund_policy import Clause, RefundPolicy
from refund_desk.settings import PROJECT_ROOT

LEXICON_FILE = PROJECT_ROOT / "data" / "nlu" / "lexicon.yml"
# lexicon.yml lookup tables whose words name one concept in a policy sentence too
LEXICON_CONCEPTS = {"money_back": "refund", "cancel_words": "cancel", "charged_twice": "duplicate",
                    "person_words": "contact"}

# Concept -> words and phrases that name it, in questions and in policy sentences alike. The one
# synonym table of policy answers; lexicon.yml's lists above are added to it.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "refund": ("refund", "money back", "reimburse", "repay", "get back", "paid back"),
    "cancel": ("cancel", "end the contract", "stop my", "stop the"),
    "duplicate": ("more than once", "two times", "double", "twice", "paid twice", "charged twice"),
    "chargeback": ("chargeback", "charge back", "dispute", "dispute the charge", "dispute a charge", "my bank",
                   "card issuer", "card company", "reverse the charge"),
    "contact": ("contact", "reach", "e-mail", "email", "mail", "phone", "call", "telephone", "number",
                "address", "get in touch", "write to", "writing", "support team", "customer care",
                "customer support"),
    "processing_time": ("how long", "how soon", "how quickly", "how many days", "when will", "arrive",
                        "business days", "working days", "days", "weeks", "take"),
    "deadline": ("deadline", "time limit", "too late", "how long do i have", "how many days do i have",
                 "days of", "days before", "hours before", "notice", "at least", "up to"),
    "partial": ("partial", "partially", "prorated", "pro-rated", "pro rata", "pro-rata", "unused",
                "remaining", "left", "rest of", "balance", "portion", "halfway", "part of"),
    "not_refundable": ("non-refundable", "non refundable", "nonrefundable", "not refundable", "can't be refunded",
                       "cannot be refunded", "can not be refunded", "not be refunded", "won't be refunded",
                       "will not be refunded", "no refund", "no refunds", "not eligible", "do not qualify",
                       "doesn't qualify", "does not qualify", "not issued", "not possible", "not applicable",
                       "not offered", "not be granted", "not granted", "not available", "excluded", "exclusions",
                       "not covered", "refunds do not apply", "isn't refundable", "aren't refundable",
                       "is not refundable", "are not refundable", "can't get a refund", "can't i get a refund",
                       "cannot get a refund", "won't you refund", "don't you refund", "do you not refund"),
    "credit": ("credit", "credits", "store credit", "voucher", "account credit"),
    "crypto": ("crypto", "cryptocurrency", "bitcoin", "btc", "ethereum", "usdt"),
    "payment_method": ("card", "different card", "another card", "other card", "same card", "send it to", "paypal",
                       "payment method", "cheque", "check", "bank transfer", "wire", "cash", "same payment"),
    "fee": ("fee", "fees", "penalty", "penalties", "charges", "cost", "deduct", "deducting", "keep"),
    "guarantee": ("guarantee", "guaranteed", "warranty", "100%", "promise"),
    "unsatisfied": ("didn't work", "did not work", "doesn't work", "unsuccessful", "not fixed", "still broken",
                    "not satisfied", "dissatisfied", "dissatisfaction", "unhappy", "not happy", "disappointed"),
    "outside_cause": ("outage", "outages", "aws", "down", "third-party", "third party", "cyber", "external",
                      "outside of our control", "hackers", "provider"),
    "subscription": ("subscription", "subscriptions", "plan", "plans", "monthly", "annual", "yearly",
                     "recurring", "package", "packages", "membership", "billing cycle", "billing period"),
    "appointment": ("appointment", "visit", "session", "booking", "scheduled", "onsite", "technician"),
    "reply": ("reply", "replies", "respond", "response", "answer", "get back to", "revert", "hear back",
              "acknowledge", "acknowledgement", "confirmation", "confirm"),
    "suspend": ("suspend", "suspended", "suspension", "blocked", "banned", "ban", "lock my account",
                "denial of future service"),
    "how_to_ask": ("how do i", "how can i", "how would i", "how to", "apply for", "claim", "submit", "reach out",
                   "contact us", "get in touch", "write to us", "writing an e-mail"),
    "access": ("access", "lose access", "log in", "login", "keep using", "password", "passwords", "credentials"),
    "request_details": ("include", "details", "information", "stating", "provide", "put in", "what do i need",
                        "what should i send", "mention"),
    "documents": ("documentation", "screenshots", "evidence", "proof", "attach", "receipts", "documents"),
    "completed": ("delivered", "completed", "finished", "done", "rendered", "performed", "in full"),
    "not_delivered": ("never delivered", "not delivered", "never showed", "no-show", "didn't show", "not provided",
                      "not initiated", "never started", "never arrived", "never happened", "never got"),
    "mistake": ("error", "errors", "mistake", "fault", "wrong", "incorrect", "on our end", "on your end",
                "on our part", "our side"),
    "started": ("started", "begun", "began", "begin", "commencement", "initiated", "underway", "in progress"),
    "user_error": ("user error", "my fault", "myself", "i broke", "changes in requirements", "changed my mind"),
    "review": ("review", "reviewed", "evaluate", "evaluated", "case-by-case", "case by case", "case to case",
               "discretion", "decide", "decides", "individually", "assessment", "look at", "looks at", "check",
               "checks", "handle", "handles", "quality assurance"),
}

STOPWORDS = frozenset("""
a about above after again against all am an and any are aren't as at be because been being below between
both but by can can't cannot could couldn't did didn't do does doesn't doing don't down during each few for
from further had hadn't has hasn't have haven't having he her here hers herself him himself his how i i'd
i'll i'm i've if in into is isn't it it's its itself just let's me might more most must my myself no nor
not now of off on once only or other ought our ours ourselves out over own same shall she should shouldn't
so some such than that that's the their theirs them themselves then there there's these they this those
through to too under until up very was wasn't we we're were weren't what what's when where which while who
whom why will with won't would wouldn't you you'd you'll you're your yours yourself yourselves hi hello hey
please thanks thank ok okay tell know want wanted like also get got gets would's anything something thing
things still really actually quick question wondering wonder say says said us yes policy policies happen happens
happened guys possible way mean much come back e g
""".split())

WORD = re.compile(r"[a-z0-9%]+(?:'[a-z]+)?")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"(])")
ABBREVIATION_END = re.compile(r"\b(?:e\.g|i\.e|etc|vs|no|approx)\.$", re.I)

# How much of the blend is meaning (embedding cosine, below 0 taken as 0) when the vectors are
# installed; chosen with the thresholds in policy_answers.py on tests/unit/policy_questions_dev.yml
# and policy_questions_dev_2.yml (the figures are there): 0.5 before the length allowance and the
# sentences read with their section (below); 0.45 since.
DENSE_WEIGHT = 0.45
# A short sentence alone says little ("Refunds are not issued for these."): its meaning vector is this
# much the vector of "<section>: <sentence>" and the rest its own (the cosine with the question is the
# same blend of the two cosines). Chosen with the thresholds: over the sweep's 175 settings of
# DENSE_WEIGHT, MIN_SCORE and LENGTH_ALLOWANCE, the second table's mean right answers were 81.1 with the
# sentence alone, 81.8 at 0.5, 83.7 at 0.7-0.75, 83.2 with the section's vector alone (the first
# table's 69.1-69.4 throughout); at the chosen setting 83, 82, 85 and 84 of 115 (70/73 each). The
# sentence blended with the one before it in its clause as well: 82.
CONTEXT_WEIGHT = 0.75


FOLDED = (("’", "'"), ("‘", "'"), ("“", '"'), ("”", '"'), ("–", "-"), ("—", "-"), ("\u00a0", " "))


def fold(text: Optional[str]) -> str:
    """Lower case with typographic quotes, dashes and spaces folded to plain ones."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    for fancy, plain in FOLDED:
        text = text.replace(fancy, plain)
    return re.sub(r"\s+", " ", text).strip()


def stem(word: str) -> str:
    """A light suffix stemmer: enough to meet 'refunds'/'refunded', 'cancelled'/'cancellation'."""
    if word.endswith("'s"):
        word = word[:-2]
    for suffix, keep in (("ations", 3), ("ation", 3), ("ments", 3), ("ment", 3), ("ingly", 3), ("ing", 3),
                         ("ies", 2), ("able", 3), ("ible", 3), ("edly", 3), ("ed", 3), ("ly", 3)):
        if word.endswith(suffix) and len(word) - len(suffix) >= keep:
            word = word[: -len(suffix)] + ("y" if suffix == "ies" else "")
            break
    else:
        if re.search(r"(?:s|x|z|ch|sh)es$", word) and len(word) > 4:
            word = word[:-2]
        elif word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
            word = word[:-1]
    if len(word) > 4 and word.endswith("e") and not word.endswith("ee"):
        word = word[:-1]  # charge -> charg, as charged
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiousz":
        word = word[:-1]  # cancell -> cancel (the same on both sides, so 'bill' -> 'bil' does no harm)
    return word


@lru_cache(maxsize=1)
def concept_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """One pattern per concept: SYNONYMS with the matching lexicon.yml word lists added."""
    phrases = {concept: set(words) for concept, words in SYNONYMS.items()}
    for table, words in _lexicon_tables().items():
        if table in LEXICON_CONCEPTS:
            phrases.setdefault(LEXICON_CONCEPTS[table], set()).update(words)
    # a lookahead at each position, so that overlapping phrases ("my money", "money back") are all found
    return tuple(
        (concept, re.compile(r"(?<![\w-])(?=(" + "|".join(re.escape(fold(p)) for p in
                                                        sorted(words, key=len, reverse=True)) + r")(?!\w))"))
        for concept, words in phrases.items())


@lru_cache(maxsize=None)
def lexicon_words(table: str) -> tuple[str, ...]:
    """The words of one of lexicon.yml's lookup tables ("money_back": refund, money back, reimburse, ...)."""
    return tuple(_lexicon_tables().get(table, ()))


def _lexicon_tables(path: Path = LEXICON_FILE) -> dict[str, list[str]]:
    """lexicon.yml's lookup tables: name -> words."""
    raw: Any = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    tables = {}
    for entry in raw.get("nlu", []) or []:
        if isinstance(entry, dict) and "lookup" in entry:
            tables[entry["lookup"]] = [line.strip()[2:].strip() for line in str(entry["examples"]).splitlines()
                                       if line.strip().startswith("- ")]
    return tables


def terms(text: str, known: Optional[Container[str]] = None) -> list[str]:
    """A text's terms: the stems of its content words and a '#concept' tag per concept it names.

    known: the collection's terms; a word of the text that is not among them but is part of a
    concept it names ('bank' in 'my bank') is left out, its concept tag standing for it.
    """
    folded = fold(text)
    tags, phrases, words = [], set(), set()  # where a concept's phrases and single words were found
    for concept, pattern in concept_patterns():
        matches = list(pattern.finditer(folded))
        if matches:
            tags.append(f"#{concept}")
        for m in matches:
            (phrases if re.search(r"[\s-]", m.group(1)) else words).update(range(*m.span(1)))
    found = []
    for m in WORD.finditer(folded):
        word = m.group()
        if word in STOPWORDS:
            continue
        term = stem(word)
        if known is not None and (m.start() in phrases or (m.start() in words and term not in known)):
            continue
        found.append(term)
    return found + tags


def concepts_in(found: Iterable[str]) -> frozenset[str]:
    """The concept tags ('#crypto') among terms."""
    return frozenset(t for t in found if t.startswith("#"))


def concepts_of(text: str) -> frozenset[str]:
    """The concepts a text names (SYNONYMS and the lexicon's word lists)."""
    return concepts_in(terms(text))


def content_words(text: str) -> list[str]:
    """The stems of a text's content words (no concept tags)."""
    return [stem(w) for w in WORD.findall(fold(text)) if w not in STOPWORDS]


def split_sentences(text: str) -> list[str]:
    """A clause's sentences ('e.g.' and the like do not end one)."""
    parts: list[str] = []
    for piece in SENTENCE_END.split(text.strip()):
        if parts and ABBREVIATION_END.search(parts[-1]):
            parts[-1] += " " + piece
        else:
            parts.append(piece)
    return [p.strip() for p in parts if p.strip()]


def sentences_of(policy: RefundPolicy) -> tuple[Clause, ...]:
    """Each clause sentence as a clause of its own (same id, section and topics), in policy order.

    A list's lead-in ("... including but not limited to:") says nothing alone and is left out.
    """
    return tuple(replace(c, text=s) for c in policy.clauses for s in split_sentences(c.text)
                 if not s.rstrip().endswith(":"))


@dataclass(frozen=True)
class Scored:
    sentence: Clause
    score: float
    lexical: float
    dense: Optional[float]


class ClauseIndex:
    """A policy's sentences with their TF-IDF weights and, when available, their sentence vectors."""

    def __init__(self, policy: RefundPolicy, embedder: Optional[Any] = None):
        self.policy = policy
        self.embedder = embedder
        self.sentences = sentences_of(policy)
        bags = [Counter(terms(s.text)) for s in self.sentences]
        self.named_in: dict[str, list[int]] = {}  # concept ('#crypto', '#refund') -> the sentences naming it
        for position, bag in enumerate(bags):
            for concept in concepts_in(bag):
                self.named_in.setdefault(concept, []).append(position)
        count = len(bags)
        document_frequency = Counter(t for bag in bags for t in bag)
        self.idf = {t: math.log((count + 1) / (df + 1)) + 1.0 for t, df in document_frequency.items()}
        self.unseen_idf = math.log(count + 1) + 1.0
        self.vectors = [self._weights(bag) for bag in bags]
        self.dense = self._sentence_vectors(embedder) if embedder is not None else None

    def _sentence_vectors(self, embedder: Any) -> Any:
        """Each sentence's meaning vector: its own blended with that of the sentence under its section's
        title (CONTEXT_WEIGHT), all encoded in one batch when the index is built."""
        own = [s.text for s in self.sentences]
        placed = [f"{s.section}: {s.text}" if s.section else s.text for s in self.sentences]
        vectors = embedder.embed(own + placed)
        count = len(own)
        return (1 - CONTEXT_WEIGHT) * vectors[:count] + CONTEXT_WEIGHT * vectors[count:]

    def _weights(self, bag: Counter) -> dict[str, float]:
        weights = {t: (1 + math.log(n)) * self.idf.get(t, self.unseen_idf) for t, n in bag.items()}
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        return {t: w / norm for t, w in weights.items()}

    def never_names(self, asked: frozenset[str]) -> bool:
        """Whether a question's concepts (concepts_of) hold one ('#crypto': bitcoin, crypto) that no sentence
        of the policy names: meaning alone then finds only sentences about something else ("do you refund
        in bitcoin?" is close to every refund sentence)."""
        return not asked <= self.named_in.keys()

    def few_name(self, asked: frozenset[str], few: int) -> list[Clause]:
        """The sentences naming a concept of a question's (concepts_of) that the policy names in at most
        `few` sentences ("can u pay me back in crypto" where one sentence names cryptocurrency)."""
        positions = {i for concept in asked if len(self.named_in.get(concept, ())) <= few
                     for i in self.named_in.get(concept, ())}
        return [self.sentences[i] for i in sorted(positions)]

    def rank(self, question: str) -> list[Scored]:
        """Every sentence with its blended score, best first."""
        query = self._weights(Counter(terms(question, self.idf)))
        lexical = [sum(w * vector.get(t, 0.0) for t, w in query.items()) for vector in self.vectors]
        if self.dense is None or self.embedder is None:
            scored = [Scored(s, lex, lex, None) for s, lex in zip(self.sentences, lexical)]
        else:
            cosines = self.dense @ self.embedder.embed([question])[0]
            scored = []
            for s, lex, cos in zip(self.sentences, lexical, cosines.tolist()):
                scored.append(Scored(s, (1 - DENSE_WEIGHT) * lex + DENSE_WEIGHT * max(0.0, cos), lex, cos))
        return sorted(scored, key=lambda x: -x.score)


_INDEXES: "OrderedDict[tuple[Any, ...], ClauseIndex]" = OrderedDict()
MAX_INDEXES = 16


def _key(policy: RefundPolicy, embedder: Optional[Any]) -> tuple[Any, ...]:
    return (policy.id, policy.clauses, id(embedder))  # the index holds the embedder, so its id stays its own


def cached_index(policy: RefundPolicy, embedder: Optional[Any]) -> Optional[ClauseIndex]:
    """The policy's index if it has been built, else None."""
    index = _INDEXES.get(_key(policy, embedder))
    return index if index is not None and index.embedder is embedder else None


def clause_index(policy: RefundPolicy, embedder: Optional[Any]) -> ClauseIndex:
    """The policy's index, built on first use and kept (keyed by its clauses and the embedder)."""
    index = cached_index(policy, embedder)
    if index is None:
        index = ClauseIndex(policy, embedder)
        _INDEXES[_key(policy, embedder)] = index
        while len(_INDEXES) > MAX_INDEXES:
            _INDEXES.popitem(last=False)
    return index


class MeaningEmbedder:
    """MiniLM's sentence vectors (refund_desk/sentence_vectors.py): a text the readers have already
    encoded this turn is not encoded again."""

    def embed(self, texts: Sequence[str]) -> Any:
        from refund_desk import sentence_vectors

        return sentence_vectors.vectors(list(texts))


@lru_cache(maxsize=1)
def shared_embedder() -> Optional[MeaningEmbedder]:
    """The installed sentence embedder; None when the encoder's files or libraries are missing."""
    try:
        from refund_desk.sentence_encoder import encoder_files
        from refund_desk.sentence_vectors import encoder
    except ImportError:
        return None
    if not all(path.is_file() for path in encoder_files()):
        return None
    try:
        encoder()  # loaded now (the action server's start), not at the first question
    except (ImportError, OSError, ValueError):
        return None
    return MeaningEmbedder()
