"""Trained readers for the categorical details a customer states, each with how sure it is.

One small scikit-learn classifier per detail (the refund reason, the work status, the kind of
service, yes/no, "I don't have it", "not a refund, I want to cancel"), trained at first use from
its YAML file in data/readers/ (a few hundred customer phrasings, a fraction of a second). A
reading below the file's threshold is "not sure" (label None): the form then asks back with
buttons instead of guessing a fact that decides the outcome. Formats (e-mail addresses,
identifiers, phone numbers, amounts, dates) stay with refund_desk/parsing.py and dates.py.

    read("service_status", "nothing has started yet")   # ReaderReading("not_started", 0.9)
    read_label("yes_no", "hmm")                          # "unclear" (the file's fallback)

Free of Rasa; no work at import.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional

import yaml

from refund_desk import sentence_vectors
from refund_desk.embeddings import Embedder, load_embedder
from refund_desk.languages import detect_language
from refund_desk.parsing import NEGATED_CONTRACTION, clip
from refund_desk.settings import READERS_DIR

# The details a reader exists for (one file each in READERS_DIR).
DETAILS = ("refund_reason", "service_status", "service_kind", "yes_no", "dont_have", "change_of_mind")

NONE = "none"  # the label of a message that states nothing of the kind: read as None, like "not sure"
_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")  # not the punctuation after it: it ends a clause
_DIGITS = re.compile(r"\d")


def normalise(text: Optional[str]) -> str:
    """The text a reader sees: lower case, "n't" spelt "not", an e-mail one token, digits all 0."""
    text = clip(text).lower().replace("’", "'")
    text = NEGATED_CONTRACTION.sub(lambda m: {"can": "can", "won": "will", "ain": "is"}.get(m.group(1), m.group(1)[:-1]) + " not", text)
    text = _EMAIL.sub(" emailaddress ", text)
    return " ".join(_DIGITS.sub("0", text).split())


_NEGATORS = frozenset({"not", "never", "no", "nothing", "nobody", "none", "neither", "nor", "without", "nowhere"})
_SCOPE_ENDS = frozenset({"but", "and", "then", "though", "although", "however", "yet"})
_WORD_OR_MARK = re.compile(r"\w+|[^\w\s]")
NEGATION_SCOPE = 3  # words after a negation that it covers


def negation_marked(text: str) -> list[str]:
    """The words of normalised text, those a negation covers marked ("never delivered" -> never, not_delivered)."""
    words: list[str] = []
    left = 0
    for word in _WORD_OR_MARK.findall(text):
        if word in _NEGATORS:
            left = NEGATION_SCOPE
            words.append(word)
        elif left and word.isalnum() and word not in _SCOPE_ENDS:
            words.append("not_" + word)
            left -= 1
        else:
            left = 0
            words.append(word)
    return words


@dataclass(frozen=True)
class ReaderReading:
    """A detail's value as read (None: not sure) and the classifier's probability for its best label."""

    label: Optional[str]
    confidence: float
    sure: bool = True  # at or above the reader's threshold (below it, the label is the fallback or None)


# The features a reader may use: word n-grams (negations marked), character n-grams, WordLlama's
# static sentence vector, MiniLM's sentence vector (refund_desk/sentence_vectors.py).
FEATURES = ("words", "characters", "wordllama", "minilm")


@dataclass(frozen=True)
class Design:
    """How a reader reads (chosen per reader on tests/readers_dev/, kept in its YAML file as `design`):
    the features of a logistic regression and its C, or, with neighbours > 0, a vote of that many
    nearest training phrasings in MiniLM space (weighted by closeness) instead."""

    features: tuple[str, ...] = ("words", "characters", "wordllama")
    c: float = 20.0
    neighbours: int = 0

    @staticmethod
    def of(raw: dict[str, Any]) -> "Design":
        """The design a YAML mapping names (features, C, neighbours); the defaults for what it leaves out."""
        default = Design()
        features = tuple(str(f) for f in raw.get("features") or default.features)
        unknown = [f for f in features if f not in FEATURES]
        if unknown:
            raise ValueError(f"unknown reader features {unknown} (features: {', '.join(FEATURES)})")
        return Design(features=features, c=float(raw.get("C", default.c)),
                      neighbours=int(raw.get("neighbours", default.neighbours)))


@dataclass(frozen=True)
class TrainingData:
    """A reader's YAML file: labelled phrasings, the confidence below which it is not sure (per label
    where a label needs more: a yes that confirms a summary), and the label that stands for "not
    sure" where one does (yes/no's "unclear")."""

    detail: str
    threshold: float
    texts: tuple[str, ...]
    labels: tuple[str, ...]
    fallback: Optional[str] = None
    label_thresholds: tuple[tuple[str, float], ...] = ()
    design: "Design" = None  # type: ignore[assignment]  # set in __post_init__ when not given

    def __post_init__(self) -> None:
        if self.design is None:
            object.__setattr__(self, "design", Design())

    def threshold_of(self, label: str) -> float:
        """The confidence a reading of this label needs to be sure."""
        return dict(self.label_thresholds).get(label, self.threshold)


def _load_yaml(path: Path) -> dict[str, Any]:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)  # all text: "no" stays "no"


def load_training_data(detail: str, directory: Optional[Path] = None) -> TrainingData:
    directory = Path(directory or READERS_DIR)
    raw = _load_yaml(directory / f"{detail}.yml")
    texts: list[str] = []
    labels: list[str] = []
    phrasings_by_label = dict(raw["labels"])
    if raw.get("none"):  # messages that state nothing of the kind: a label of their own
        own = list(phrasings_by_label.get(NONE) or [])  # the file's own ("no" says no reason)
        phrasings_by_label[NONE] = [*_load_yaml(directory / f"{raw['none']}.yml")["texts"], *own]
    for name in raw.get("also") or []:  # more phrasings by other hands (data/readers/other_hands/)
        more = _load_yaml(directory / f"{name}.yml")
        if more.get("detail") != detail:
            raise ValueError(f"{name}.yml is training data for {more.get('detail')!r}, not {detail!r}")
        for label, phrasings in more["labels"].items():
            if label not in phrasings_by_label:
                raise ValueError(f"{name}.yml has a label {label!r} that {detail}.yml does not")
            phrasings_by_label[label] = [*phrasings_by_label[label], *phrasings]
    for label, phrasings in phrasings_by_label.items():
        for text in phrasings:
            texts.append(str(text))
            labels.append(str(label))
    label_thresholds = tuple((str(k), float(v)) for k, v in (raw.get("label_thresholds") or {}).items())
    return TrainingData(detail=detail, threshold=float(raw["threshold"]), texts=tuple(texts),
                        labels=tuple(labels), fallback=raw.get("fallback"), label_thresholds=label_thresholds,
                        design=Design.of(raw.get("design") or {}))


def _word_ngrams(text: str) -> list[str]:
    """Single words and pairs of neighbours, negations marked."""
    words = negation_marked(text)
    return [*words, *(f"{a} {b}" for a, b in zip(words, words[1:]))]


def _sentence_vectors(texts: Any) -> Any:
    """WordLlama's sentence vectors (refund_desk/embeddings.py) of the texts."""
    return embedder().embed(list(texts))


def _minilm_vectors(texts: Any) -> Any:
    """MiniLM's sentence vectors of the texts (refund_desk/sentence_vectors.py: each text encoded once)."""
    return sentence_vectors.vectors(list(texts))


@lru_cache(maxsize=1)
def embedder() -> Embedder:
    return load_embedder()


def _feature(name: str) -> Any:
    """The scikit-learn transformer of one feature (FEATURES)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import FunctionTransformer

    if name == "words":
        return TfidfVectorizer(analyzer=_word_ngrams, sublinear_tf=True)
    if name == "characters":
        return TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)
    return FunctionTransformer(_minilm_vectors if name == "minilm" else _sentence_vectors)


def build_pipeline(design: Design) -> Any:
    """An untrained classifier of normalised texts as the design says."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.pipeline import make_pipeline, make_union

    if design.neighbours:
        return make_pipeline(_feature("minilm"),
                             KNeighborsClassifier(n_neighbors=design.neighbours, metric="cosine", weights="distance"))
    return make_pipeline(make_union(*(_feature(f) for f in design.features)),
                         LogisticRegression(C=design.c, max_iter=5000, class_weight="balanced"))


class Reader:
    """One detail's classifier (its Design: by default TF-IDF of words (1-2) and characters (2-5) and a
    sentence vector, so that a phrasing never seen lands near its kind, into a logistic regression)."""

    def __init__(self, data: TrainingData) -> None:
        self.data = data
        texts = [normalise(t) for t in data.texts]
        if "minilm" in data.design.features or data.design.neighbours:
            sentence_vectors.vectors(texts, keep=True)  # encoded once, kept on disk for the next start
        self.pipeline = build_pipeline(data.design)
        self.pipeline.fit(texts, list(data.labels))

    @property
    def reads_clauses(self) -> bool:
        """Whether the reader has a label for "states nothing of the kind" (reason, status, kind): then a
        message that says nothing sure as a whole is read clause by clause. The readers that answer a
        question as a whole (yes/no, "I don't have it", change of mind) do not: "no, but it's INV-4410"."""
        return NONE in self.data.labels

    def read(self, text: Optional[str]) -> ReaderReading:
        """The best label and its probability; None as the label when below the threshold (or empty text).
        Where the whole text states nothing sure and the reader reads clauses, the surest clause's reading."""
        whole = self._surest([normalise(text)])
        if not self.reads_clauses or (whole.sure and whole.label != NONE):
            return whole
        by_clause = self.read_each_clause(text)
        return by_clause if by_clause.sure and by_clause.label != NONE else whole

    def read_each_clause(self, text: Optional[str]) -> ReaderReading:
        """The surest reading among the whole text and its clauses (a long opening message states its
        reason in one clause, which the rest of the message drowns when read whole)."""
        whole = normalise(text)
        return self._surest([whole, *(c for c in clauses(whole) if c != whole)])

    def confirm_by_clause(self, text: Optional[str], label: str, needed: float) -> tuple[ReaderReading, bool]:
        """The surest reading of `label` among the whole text and its clauses (a clause that confirms it),
        and whether one of the clauses says another label as surely as `needed` ("On Friday I accidentally
        ordered the wrong assessment. Nobody has contacted us yet" states a mistake of the customer's,
        whatever the second sentence confirms): one model pass for both."""
        whole = normalise(text)
        pieces = clauses(whole, at_contrast=True)
        candidates = [whole, *(c for c in pieces if c != whole)]
        readings = dict(zip(candidates, self._best_of_each(candidates) if whole else []))
        confirmed = self._surest_of(list(readings.values()), only=label)
        return confirmed, self._another_label_among([readings[p] for p in pieces if p in readings], label, needed)

    def contrast_says_otherwise(self, text: Optional[str], label: str) -> bool:
        """Whether what follows a "but" says another label surely: "your team configured our network last
        Wednesday but we switched providers" is no mistake by the team, whatever the first half reads."""
        after = [piece for piece in _CONTRAST.split(normalise(text))[1:] if piece.strip()]
        return self._another_label_among(self._best_of_each(after), label)

    def _another_label_among(self, readings: list[tuple[str, float]], label: str,
                             needed: Optional[float] = None) -> bool:
        """Whether one of the readings is a label other than `label` (and other than "none" or the
        fallback) at least as sure as `needed` (by default, that label's own threshold)."""
        return any(best not in (label, NONE, self.data.fallback)
                   and confidence >= (needed if needed is not None else self.data.threshold_of(best))
                   for best, confidence in readings)

    def _best_of_each(self, candidates: list[str]) -> list[tuple[str, float]]:
        """Each candidate text's best label and its probability, all in one model pass."""
        if not candidates:
            return []
        labels = [str(label) for label in self.pipeline.classes_]
        return [(labels[int(row.argmax())], float(row.max())) for row in self.pipeline.predict_proba(candidates)]

    def _surest(self, candidates: list[str]) -> ReaderReading:
        """The reading of the candidate texts whose best label is surest, a label over "none"."""
        return self._surest_of(self._best_of_each(candidates) if candidates[0] else [])

    def _surest_of(self, readings: list[tuple[str, float]], only: Optional[str] = None) -> ReaderReading:
        """The surest of the readings (best label, probability), a label over "none" (with only, among the
        readings of that label, when there are any); none at all (an empty text): nothing is read."""
        if not readings:
            return ReaderReading(self.data.fallback, 0.0, sure=False)
        if only is not None:
            readings = [reading for reading in readings if reading[0] == only] or readings
        best, confidence = readings[0]
        for label, probability in readings[1:]:
            if label != NONE and (best == NONE or probability > confidence):
                best, confidence = label, probability
        sure = confidence >= self.data.threshold_of(best)
        return ReaderReading(best if sure else self.data.fallback, confidence, sure=sure)


# Where one clause of a message ends: a sentence's end, a dash, a colon or semicolon, a comma, a line
# break, before "because" (what follows it is the reason), or at "or" before a threat ("refund the
# duplicate charge or I'm disputing it").
_CLAUSE_END = re.compile(r"[.!?;:]+(?:\s+|$)|\s[-—–]+\s|[—–]|,\s*|\n+|\s(?=because\b|cause\b|coz\b)"
                         r"|\sor\s+(?=else\b|i\b|we\b|i'll\b|we'll\b|i'm\b)")
# Also before "but" or "however" (what follows a contrast is often the point: "booked for the 18th but we
# no longer need it"): only where a clause confirms what the whole message was read as.
_CONTRAST = re.compile(r"\s(?=but\b|however\b)")


# A clause shorter than this is read only beside its neighbour: alone, "my mistake" in "my mistake: the
# 19th" would be a reason, though it owns up to a typed date.
CLAUSE_WORDS = 3


def clauses(text: str, at_contrast: bool = False) -> list[str]:
    """The clauses of normalised text of CLAUSE_WORDS words or more, and each pair of neighbouring
    clauses (a clause cut too early: "the installation, booked for tuesday, never happened")."""
    pieces = [p.strip() for p in _CLAUSE_END.split(text) if p and p.strip()]
    if at_contrast:
        pieces = [q.strip() for p in pieces for q in _CONTRAST.split(p) if q.strip()]
    if len(pieces) < 2:
        return pieces
    pairs = [f"{a}, {b}" for a, b in zip(pieces, pieces[1:])]
    return [*(p for p in pieces if len(p.split()) >= CLAUSE_WORDS), *pairs]


@lru_cache(maxsize=None)
def reader(detail: str) -> Reader:
    """The detail's reader, trained on first use from READERS_DIR/<detail>.yml."""
    if detail not in DETAILS:
        raise KeyError(f"no reader for {detail!r} (readers: {', '.join(DETAILS)})")
    return Reader(load_training_data(detail))


def read(detail: str, text: Optional[str]) -> ReaderReading:
    return reader(detail).read(text)


def read_label(detail: str, text: Optional[str]) -> Optional[str]:
    """The detail's value as read from the text, or None when the reader is not sure."""
    return read(detail, text).label


def train_all() -> None:
    """Trains every reader now (a server calls it at start so the first customer does not wait)."""
    for detail in DETAILS:
        reader(detail)


# ---- The details as the forms use them: a value, or None when not said or not sure ----------------

# A detail read in passing (not the answer to its own question) needs this much more certainty; the
# kind of service a little more ("please cancel my service" read as a plan at 0.66 was a guess: a
# visit and a plan are both a service, and the kind decides a cancellation).
IN_PASSING = 0.65
# Where the active refund policy's decision turns on the reason, a reason read in passing needs this
# much: a wrong one decides the request wrongly, one not read is asked. Chosen on another hand's 240
# openings (scripts/sweep_reason_in_passing.py; a clause may confirm the whole message's reading up to
# it): from 0.65 to 0.85, 35 readings right and 19 wrong (65%), against 0.88 of answers to the question
# itself (make test's reader figure); from 0.85, 96 right and 14 wrong (87%), with 130 of 240 asked (76
# at 0.65). Asking nearly all (0.95: 46 right, 4 wrong, 190 asked) gains little more.
# A clause that confirms a faint whole counts only where no other clause says another reason as surely
# (Reader.confirm_by_clause; same openings at 0.85: right 136 -> 133, wrong 12 -> 10, asked 92 -> 97).
DECISIVE_IN_PASSING = 0.85
# Where the decision turns on the reason, the answer to the reason question itself needs this much, or it
# is asked back with the choices. Chosen on tests/readers_dev/ (the reason sets, 384 texts): of the readings
# under 0.6, 32 of 62 were right; from 0.6 to 0.7, 26 of 41; from 0.7, 253 of 281.
DECISIVE_WHEN_ASKED = 0.6
IN_PASSING_CONFIDENCE = {"service_kind": 0.7}


def read_in_passing(detail: str, text: Optional[str], certainty: Optional[float] = None) -> Optional[str]:
    """The detail's value from a message where it was not asked (None: not said, or not sure enough);
    `certainty`: the confidence it needs, where not the detail's usual one in passing."""
    return _value(detail, text, asked=False, certainty=certainty)


# Details whose faint reading of a whole message in passing the clause that states it may confirm.
# (Not the work status: there a clause such as "we got the report" misleads.)
CONFIRMED_BY_CLAUSE = frozenset({"refund_reason"})


def _value(detail: str, text: Optional[str], asked: bool, certainty: Optional[float] = None,
           one_reading: bool = True) -> Optional[str]:
    reading = read(detail, text)
    needed = certainty if certainty is not None else IN_PASSING_CONFIDENCE.get(detail, IN_PASSING)
    if detail in CONFIRMED_BY_CLAUSE and not asked and reading.sure and reading.confidence < needed:
        # Read whole, a long opening may state its reason too faintly to count in passing; the clause
        # that states it may say it surely. Only the same reading counts: a clause never overrules the
        # whole.
        by_clause, says_otherwise = reader(detail).confirm_by_clause(text, reading.label, needed)
        if by_clause.label == reading.label and not (one_reading and says_otherwise):
            reading = by_clause  # confirmed by a clause, and no other clause says otherwise as surely
    if reading.label == NONE or ((not asked or certainty is not None) and reading.confidence < needed):
        return None
    if detail in CONFIRMED_BY_CLAUSE and not asked and reader(detail).contrast_says_otherwise(text, reading.label):
        return None  # said in passing, the whole and what follows its "but" disagree: asked rather than guessed
    return reading.label


def read_reason(text: Optional[str], asked: bool = True, certainty: Optional[float] = None,
                one_reading: bool = True) -> Optional[str]:
    """The refund reason (refund_desk/facts.py REFUND_REASONS) the text gives; asked=False: said in passing.
    `certainty`: the confidence it needs (in passing: where not IN_PASSING; asked: where the reader's own
    threshold is not enough). one_reading=False: a reason a clause confirms though another clause says
    another (whether the message gives a reason at all, not which)."""
    return _value("refund_reason", text, asked, certainty, one_reading)


def read_service_status(text: Optional[str], asked: bool = True) -> Optional[str]:
    """How far the work got (SERVICE_STATUSES): "nothing has started yet" is not_started."""
    return _value("service_status", text, asked)


# Only a service that renews can be stopped from renewing: "cancel it so it doesnt renew", "turn off the
# auto-renewal", "dont let it renew", "before the next renewal" (the reader, trained on descriptions, takes
# "it doesn't renew" for a one-off).
_RENEWING = r"(?:it|they|them|this|that|(?:the|my|our|its)\s+\w+(?:\s+\w+)?)"  # what renews
_STOPS_A_RENEWAL = re.compile(rf"\b(?:so|so that|before)\s+{_RENEWING}\s+(?:doesn'?t|does not|won'?t|wont|"
                              r"will not|don'?t|do not)?\s*(?:auto[- ]?)?renews?\b|\b(?:stop|turn off|switch off|"
                              r"cancel|disable|prevent)\s+(?:the\s+|my\s+|our\s+|its\s+|it\s+from\s+)?"
                              rf"(?:auto[- ]?)?renew|\b(?:don'?t|do not|never)\s+let\s+{_RENEWING}\s+(?:auto[- ]?)?renew|"
                              rf"\b(?:make sure|ensure|see that)\s+(?:that\s+)?{_RENEWING}\s+"
                              r"(?:doesn'?t|does not|won'?t|will not|don'?t|do not)\s+(?:auto[- ]?)?renew|\b(?:before|ahead of|prior to)\s+"
                              r"(?:the\s+|its\s+|my\s+|our\s+)?(?:next\s+)?(?:auto[- ]?)?renewal\b|"
                              # a renewal not wanted: "I do not want that it renews", "don't want it to renew"
                              r"\b(?:don'?t|do not|doesn'?t|does not|not)\s+(?:want|wish|need|like)\s+(?:that\s+)?"
                              rf"{_RENEWING}\s+(?:to\s+)?(?:be\s+)?(?:auto[- ]?)?renew", re.I)


def stops_a_renewal(text: Optional[str]) -> bool:
    """Whether the message asks that a service not renew ("cancel the renewal", "so it doesn't renew")."""
    return bool(text and _STOPS_A_RENEWAL.search(text))


def read_service_kind(text: Optional[str], asked: bool = True) -> Optional[str]:
    """one_time or recurring."""
    if stops_a_renewal(text):
        return "recurring"
    return _value("service_kind", text, asked)


def read_yes_no(text: Optional[str]) -> Optional[bool]:
    """True for a yes, False for a no, None for anything else (a question back, a maybe)."""
    return {"yes": True, "no": False}.get(read_label("yes_no", text) or "")


def says_dont_have(text: Optional[str]) -> bool:
    """Whether an answer says the customer cannot give the detail asked ("no idea", "never got one").
    A message surely in another language is not read (it is answered in its language, and asked again)."""
    return read_label("dont_have", text) == "dont_have" and detect_language(text) is None


def wants_instead(text: Optional[str]) -> Optional[str]:
    """Inside a request form: "cancellation" when the message says it wants a cancellation, not a
    refund; "refund" when it insists on the refund; None for anything else."""
    return {"wants_cancellation": "cancellation", "wants_refund": "refund"}.get(read_label("change_of_mind", text) or "")
