"""Reading customers' own words: invoice numbers, dates, e-mails, reasons and other facts."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from typing import Optional

from dateparser.search import search_dates

MAX_TEXT = 5000  # longer messages are read only this far

_INVOICE_PATTERNS = (
    re.compile(r"\binv(?:oice)?\s*(?:no\.?|number|num|nr|#)?\s*[-:#]?\s*#?\s*(\d{3,12})\b", re.I),
    re.compile(r"(?:^|\s)#\s?(\d{3,12})\b"),
)
_BARE_INVOICE = re.compile(r"^\s*(?:it'?s\s+|it is\s+)?#?\s*(\d{3,12})\s*\.?\s*$", re.I)
_REFERENCE = re.compile(r"\b(RF|CX|CB|HO)[- ]?([A-HJ-NP-Z2-9]{6})\b", re.I)
_EMAIL = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.[A-Za-z]{2,}")
_FUTURE_WORDS = re.compile(r"\b(next|tomorrow|in \d+ (day|week|month)s?|from now|upcoming|coming)\b", re.I)
_PAST_WORDS = re.compile(r"\b(last|ago|yesterday|previous|past)\b", re.I)


def clip(text: Optional[str]) -> str:
    """Text made safe to read: at most MAX_TEXT characters, normalised Unicode."""
    return unicodedata.normalize("NFC", (text or "")[:MAX_TEXT])


def parse_invoice_number(text: Optional[str], *, answer: bool = False) -> Optional[str]:
    """'inv 20431', '#20431', 'INV-20431' -> 'INV-20431'. With answer=True a bare number counts too."""
    text = clip(text)
    for pattern in _INVOICE_PATTERNS:
        m = pattern.search(text)
        if m:
            return f"INV-{m.group(1)}"
    if answer:
        m = _BARE_INVOICE.match(text)
        if m:
            return f"INV-{m.group(1)}"
    return None


def parse_reference(text: Optional[str]) -> Optional[str]:
    """A request reference such as 'rf 7k3q9x' -> 'RF-7K3Q9X'."""
    m = _REFERENCE.search(clip(text))
    return f"{m.group(1).upper()}-{m.group(2).upper()}" if m else None


def parse_email(text: Optional[str]) -> Optional[str]:
    m = _EMAIL.search(clip(text))
    if not m or len(m.group(0)) > 254:
        return None
    local, _, domain = m.group(0).rpartition("@")
    if len(local) > 64 or ".." in m.group(0) or local.startswith(".") or local.endswith("."):
        return None
    return f"{local}@{domain.lower()}"


@dataclass(frozen=True)
class DateReading:
    value: Optional[date]
    matched: str = ""


def _strip_non_dates(text: str) -> str:
    text = _EMAIL.sub(" ", text)
    for pattern in _INVOICE_PATTERNS:
        text = pattern.sub(" ", text)
    return _REFERENCE.sub(" ", text)


def parse_date(text: Optional[str], today: date, *, prefer: str = "past") -> DateReading:
    """The first date in free text, read relative to `today` ('yesterday', 'last Tuesday', ...).

    `prefer` ('past' or 'future') settles ambiguous dates such as a bare weekday; words like
    'next' or 'ago' in the text override it.
    """
    text = _strip_non_dates(clip(text))
    if _FUTURE_WORDS.search(text):
        prefer = "future"
    elif _PAST_WORDS.search(text):
        prefer = "past"
    settings = {
        "RELATIVE_BASE": datetime(today.year, today.month, today.day, 12, 0),
        "PREFER_DATES_FROM": prefer,
        "DATE_ORDER": "MDY",
        "RETURN_AS_TIMEZONE_AWARE": False,
    }
    try:
        found = search_dates(text, languages=["en"], settings=settings)
    except (ValueError, OverflowError, RecursionError):
        found = None
    for matched, value in found or []:
        if re.search(r"[A-Za-z0-9]", matched) and not re.fullmatch(r"\s*\d{1,2}\s*", matched):
            return DateReading(value.date(), matched.strip())
    return DateReading(None)


_REASON_KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("duplicate_payment", (
        r"charged (me )?(twice|two times|double|more than once|2x|again)", r"double[- ]?(charged|billed|charge|payment)",
        r"billed (me )?(twice|two times|double|more than once)", r"duplicate", r"paid (it )?(twice|two times|double)",
        r"two (charges|payments)", r"charged .* twice", r"same (invoice|bill|service) twice")),
    ("service_not_rendered", (
        r"never (delivered|happened|came|showed|arrived|started|performed|provided|received|done)",
        r"(didn'?t|did not|has not|hasn'?t|have not|haven'?t|was not|wasn'?t) (been )?(deliver|show|happen|come|arriv|perform|provid|render|start|receiv|do)",
        r"not (rendered|delivered|provided|performed)", r"no[- ]show", r"never got (the|my|it|any)",
        r"service not rendered")),
    ("not_as_described", (
        r"not as (described|advertised|promised|agreed)", r"(different|differs) (from|than)", r"mismatch",
        r"not what (was|i was|we were|you) (promised|described|agreed|ordered|sold)", r"wrong (service|scope|product)")),
    ("service_error", (
        r"\bmistake", r"\berror", r"\bbroke", r"\bbroken\b", r"\bdamag", r"messed up", r"screwed up",
        r"wrong (config|setting|install)", r"\bfault", r"\bbotched")),
    ("dissatisfied", (
        r"not (happy|satisfied|pleased)", r"unhappy", r"dissatisf", r"(didn'?t|did not|doesn'?t|does not) (fix|work|solve|help|resolve)",
        r"still (not working|broken|slow|doesn'?t)", r"(poor|bad|terrible|awful|lousy) (service|job|work|quality)",
        r"waste of (money|time)", r"unsuccessful", r"useless")),
    ("no_longer_needed", (
        r"(don'?t|do not|no longer|not) need", r"changed my mind", r"not needed", r"no use for",
        r"(don'?t|do not) want (it|this|the service) (anymore|any more)", r"no longer (want|require)")),
    ("other", (r"^\s*(other|something else|another reason|none of (those|these|the above))\s*[.!]?\s*$",)),
)


def classify_reason(text: Optional[str]) -> Optional[str]:
    """Map a customer's description to a refund reason, or None when nothing matches."""
    text = clip(text).lower().replace("’", "'")
    for reason, patterns in _REASON_KEYWORDS:
        if any(re.search(p, text) for p in patterns):
            return reason
    words = text.strip().replace(" ", "_")
    return words if words in {r for r, _ in _REASON_KEYWORDS} else None


def parse_service_kind(text: Optional[str]) -> Optional[str]:
    text = clip(text).lower()
    if re.search(r"one[- ]?(time|off)|single|appointment|visit|repair|install|onsite|on-site|session|\bonce\b", text):
        return "one_time"
    if re.search(r"recurr|subscri|monthly|annual|yearly|weekly|\bplan\b|ongoing|membership|contract|renew", text):
        return "recurring"
    return None


def parse_service_status(text: Optional[str]) -> Optional[str]:
    text = clip(text).lower().replace("’", "'")
    if re.search(r"not (yet )?(started|begun|begin|start)|hasn'?t (started|begun)|haven'?t (started|begun)|no work|nothing (has been )?done|not_started|before (it|work|they) start", text):
        return "not_started"
    if re.search(r"deliver|complete|finish|done|handed over|received", text):
        return "delivered"
    if re.search(r"start|begun|began|in progress|underway|partly|partially|half", text):
        return "started"
    return None


_NUMBER_WORDS = {"none": 0, "zero": 0, "no": 0, "nothing": 0, "one": 1, "a single": 1, "two": 2,
                 "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}


def parse_count(text: Optional[str]) -> Optional[int]:
    """A whole number from '2', 'two', 'none' (0)."""
    text = clip(text).lower()
    m = re.search(r"\b(\d{1,4})\b", text)
    if m:
        return int(m.group(1))
    for word, value in _NUMBER_WORDS.items():
        if re.search(rf"\b{word}\b", text):
            return value
    return None


def parse_amount(text: Optional[str]) -> Optional[float]:
    """A money amount from '$149.99', '1,200 dollars', '150'."""
    m = re.search(r"(\d{1,3}(?:,\d{3})+|\d+)(\.\d{1,2})?", clip(text))
    if not m:
        return None
    return float(m.group(1).replace(",", "") + (m.group(2) or ""))


_NAME_PREFIX = re.compile(r"^\s*(my name is|my name's|name is|name:|i am|i'm|im|it's|it is|this is|call me)\s+", re.I)


_NOT_NAMES = {"yes", "no", "yeah", "yep", "nope", "ok", "okay", "sure", "thanks", "thank", "hi", "hello",
              "what", "why", "how", "where", "when", "who", "is", "are", "the", "you", "your", "my", "me",
              "weather", "refund", "invoice", "cancel", "stop", "help", "please", "not", "don't", "dont"}


def parse_name(text: Optional[str]) -> Optional[str]:
    """A person's name as given (any script); None for text that cannot be a name."""
    text = _NAME_PREFIX.sub("", clip(text)).strip().strip(".!,")
    if not text or len(text) > 100 or "@" in text or "\n" in text or "?" in text:
        return None
    if any(word in _NOT_NAMES for word in re.findall(r"[a-z']+", text.lower())):
        return None
    letters = sum(ch.isalpha() for ch in text)
    if letters < 2 or sum(ch.isdigit() for ch in text) > 0 or len(text.split()) > 6:
        return None
    return " ".join(text.split())
