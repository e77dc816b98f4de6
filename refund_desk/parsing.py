"""Reading formats in customers' own words: identifiers, references, e-mails, phones, amounts, counts, names.

Categorical details (the reason, the work status, the kind of service, yes/no) are read by the
trained readers of refund_desk/readers.py instead."""
from __future__ import annotations

import re
import unicodedata
from typing import Optional

from refund_desk.facts import REFERENCE_IN_TEXT, canonical_reference
from refund_desk.refund_policy import DEFAULT_IDENTIFIER, Identifier

MAX_TEXT = 5000  # longer messages are read only this far
DEFAULT_INVOICE = Identifier(label="invoice number", example="INV-20431", prefix="INV-", named=True,
                             pattern=r"INV-?\d{3,12}(?:-\d{1,8})*")

_EMAIL = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.[A-Za-z]{2,}")
# A negated auxiliary, with or without its apostrophe ("wasn't", "wasnt", "can't"): readers spell it "not",
# dates read it as ruling a date out.
NEGATED_CONTRACTION = re.compile(r"\b(can|won|don|doesn|didn|isn|aren|wasn|weren|hasn|haven|hadn|couldn|wouldn|"
                                 r"shouldn|ain)['’]?t\b")
_PHONE = re.compile(r"(?<![\w-])(?:\+|\((?=\d))?\d(?:[ ().-]*\d){6,14}(?![\w-])")  # "(914) 555-0187" whole
# A reference token: letters then digits, kept whole with its dashes (INV-2024-0918, WP-7781).
# Letter segments may come several, with dashes or slashes (ITM-INV-20931, WP-CUST-100482, SOC/2026/118).
_TOKEN = r"(?:[A-Za-z]{1,8}[-/])*[A-Za-z]{0,8}[-/]?\d[0-9A-Za-z]*(?:[-/][0-9A-Za-z]+)*"
# Digit groups may come first too ("2026/INV/3381").
_LETTERED = re.compile(r"(?<![\w@.-])((?:[A-Za-z0-9]{1,8}[-/])*[A-Za-z]{1,8}[-/]?\d[0-9A-Za-z]*(?:[-/][0-9A-Za-z]+)*)"
                       r"(?![\w@-])")
# After a label, a reference may also hold dots or underscores ("2026.11.507", "sub_1PxQ82LmK4"), start with a
# capitalised code and a space ("ORD 55102-B", "AC 300 412") and go on in groups of three digits ("48 117").
_LABELLED_TOKEN = (r"(?:(?-i:[A-Z]{1,5}) )?(?:[A-Za-z0-9]{1,8}[-/._])*[A-Za-z]{0,8}[-/._]?\d[0-9A-Za-z]*"
                   r"(?:[-/._][0-9A-Za-z]+)*(?: \d{3}(?![\w@-]))*")
_LABEL = (r"\b(?:invoice|inv|order|ord|customer|cust|client|acc?ount|acct|reference|ref|id|contract|subscription|sub|"
          r"booking|membership)")
_LABELLED = re.compile(
    rf"{_LABEL}\.?\s*(?:id|number|no\.?|num|nr|#)?"
    rf"\s*(?:is|was|=|:|#|-)?\s*#?\s*({_LABELLED_TOKEN})(?![\w@-])", re.I)
# Answered, a long number alone is the reference, dashes and all ("0000018820", "44-0192-3"), unless its
# label says what else it is ("my postcode is 90210").
_NOT_A_REFERENCE_BEFORE = re.compile(r"(?:post ?code|zip|phone|tel|mobile|cell|paid|amount|total|[$€£])\W*(?:\w+\W+)?$",
                                     re.I)
_LONG_NUMBER = re.compile(r"(?<![\w@.-])\d[\d-]*\d(?![\w@-])")
_HASHED = re.compile(r"(?:^|[\s(])#\s?(\d{3,}(?:-\d+)*)\b")
_BARE = re.compile(rf"^\s*(?:it'?s|it is|that'?s|sure|yes|ok|okay)?[,:]?\s*#?\s*({_TOKEN})\s*[.!]?\s*$", re.I)
# Answered alone, letters and a number with a space between are one reference ("PS 31222").
_SPACED = re.compile(r"^\s*(?:it'?s|it is|that'?s|sure|yes|ok|okay)?[,:]?\s*"
                     r"(?:(?:my|the|our)\s+)?(?:(?:invoice|order|customer|client|account|reference|ref)\s*"
                     r"(?:id|number|no\.?|num|nr|#)?\s*(?:is|:|#)?\s+)?"
                     r"([A-Za-z]{1,6}) (\d[\d/-]{2,14}\d|\d{1,6}(?: \d{1,6}){1,3})\s*[.!]?\s*$",
                     re.I)  # "PS 31222", "CID 40-7712", "order number PSN 59 882"


def clip(text: Optional[str]) -> str:
    """Text made safe to read: at most MAX_TEXT characters, normalised Unicode."""
    return unicodedata.normalize("NFC", (text or "")[:MAX_TEXT])


def _digits(token: str) -> int:
    return sum(ch.isdigit() for ch in token)


def _normalise_identifier(token: str, identifier: Identifier) -> str:
    """As far as the policy says: its prefix on a bare number ('20431' -> 'INV-20431'), else as typed."""
    token = token.strip().strip(".,;")
    prefix = identifier.prefix
    if prefix:
        letters = prefix.rstrip("-").lower()
        if re.fullmatch(r"[\d-]+", token):
            return prefix + token
        if token.lower().startswith(letters):
            return prefix + token[len(letters):].lstrip("-/ ").upper()
    return token


def parse_identifier(text: Optional[str], identifier: Identifier = DEFAULT_IDENTIFIER, *,
                     answer: bool = False) -> Optional[str]:
    """The customer's invoice number / Customer ID / order ID, in the policy's format.

    'inv 20431', '#20431', 'INV-2024-0918', 'my customer ID is WP-7781'. With answer=True
    (the form asked for it) a bare reference counts too ('20431', 'WP7781').
    """
    text = _PHONE_LABELLED.sub(" ", REFERENCE_IN_TEXT.sub(" ", _EMAIL.sub(" ", clip(text))))
    if identifier.regex:
        m = identifier.regex.search(text)
        if m:
            return _normalise_identifier(m.group(0), identifier)
    candidates: list[str] = []
    # Unasked, a bare token needs a dash or five digits: "WP-7781" is a reference, "M281" a printer.
    candidates += [m.group(1) for m in _LETTERED.finditer(text)
                   if answer or "-" in m.group(1) or _digits(m.group(1)) >= 5]
    labelled = [m.group(1) for m in _LABELLED.finditer(text)]
    candidates += labelled
    candidates += [m.group(1) for m in _HASHED.finditer(text)]
    if answer:
        m = _BARE.match(text)
        if m:
            candidates.append(m.group(1))
        m = _SPACED.match(text)
        if m and m.group(1).lower() not in _NOT_NAMES and not _looks_like_a_date(m.group(2)) \
                and not _MONTH_WORD.match(m.group(1)):
            candidates.append(f"{m.group(1)} {m.group(2)}")
        candidates += [m.group(0) for m in _LONG_NUMBER.finditer(text) if _digits(m.group(0)) >= 5
                       and not _NOT_A_REFERENCE_BEFORE.search(text[max(0, m.start() - 25):m.start()])]
    for token in candidates:
        # after its label, a short code counts too ("Booking ref YT4K9P", "account DENT-KLN-07")
        enough = _digits(token) >= 3 or (token in labelled and _digits(token) >= 1 and len(re.sub(r"\W", "", token)) >= 5)
        if enough and not _looks_like_a_date(token):
            return _normalise_identifier(token, identifier)
    return None


_MONTH_NAME = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*"
_MONTH_WORD = re.compile(_MONTH_NAME + "$", re.I)  # "dec 12 2026"
_PHONE_LABELLED = re.compile(r"\b(?:phone|tel|mobile|cell)\b[^0-9+]{0,20}\+?\d[\d ().-]{5,}\d", re.I)


def _looks_like_a_date(token: str) -> bool:
    """'12/11', '2026-12-01', '12.11.26' ('2026.11.507' is no date)."""
    return bool(re.fullmatch(r"(?:\d{1,2}|\d{4})[/.-]\d{1,2}(?:[/.-](?:\d{2}|\d{4}))?", token))


def parse_invoice_number(text: Optional[str], *, answer: bool = False) -> Optional[str]:
    """The default policy's invoice number: 'inv 20431', '#20431' -> 'INV-20431'."""
    return parse_identifier(text, DEFAULT_INVOICE, answer=answer)


def parse_phone(text: Optional[str]) -> Optional[str]:
    """A phone number as typed ('+1 555 123 4567'), when the text gives one."""
    text = clip(text)
    for m in _PHONE.finditer(text):
        number = m.group(0)
        labelled = _IDENTIFIER_BEFORE.search(text[:m.start()])
        if labelled and not re.search(r"phone|tel|mobile|cell|call", labelled.group(0), re.I):
            continue  # "Invoice 2026-0877", "order no. 4471-2290": an identifier, not a phone
        if _digits(number) >= 7 and not _looks_like_a_date(number) and (
                re.search(r"phone|call|tel|mobile|cell|reach me|number", text, re.I) or number.startswith("+")
                or re.search(r"\d[ .-]\d", number)):
            return number.strip()
    return None


# A label just before a number that makes it an identifier ("invoice", "order no.", "customer ID").
_IDENTIFIER_BEFORE = re.compile(r"\b(?:invoice|inv|order|ord|customer|client|account|acct|reference|ref|id|"
                                r"ticket|contract)\.?\s*(?:id|number|no\.?|num|nr|#)?\s*(?:is|was|=|:|#|-)?\s*#?\s*$",
                                re.I)


def parse_reference(text: Optional[str]) -> Optional[str]:
    """A request reference such as 'rf 7k3q9x4m2p' -> 'RF-7K3Q9-X4M2P' (an old 'rf 7k3q9x' -> 'RF-7K3Q9X')."""
    return canonical_reference(clip(text))


def parse_email(text: Optional[str]) -> Optional[str]:
    m = _EMAIL.search(clip(text))
    if not m or len(m.group(0)) > 254:
        return None
    local, _, domain = m.group(0).rpartition("@")
    if len(local) > 64 or ".." in m.group(0) or local.startswith(".") or local.endswith("."):
        return None
    return f"{local}@{domain.lower()}"


_NUMBER_WORDS = {"one": 1, "a single": 1, "a couple": 2, "two": 2, "both": 2, "three": 3, "four": 4, "five": 5,
                 "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}
# What says none was resolved: the words for zero, a number word negated ("not one", "not a single one",
# "not even one"), "no" before what would be counted, or a bare "no".
_NONE_COUNTED = re.compile(
    r"\b(?:none|zero|nothing|nada|nil|not\s+(?:even\s+)?(?:a\s+single|one|any|a\s+thing)|"
    r"no\s+(?:issues?|problems?|tickets?|cases?|things?|fix(?:es)?|one|single)\b)\b|^\s*(?:no|nope|nah)\W*$")
_ANY_NUMBER_WORD = "|".join(re.escape(word) for word in _NUMBER_WORDS)
_NUMBER_WORD = re.compile(rf"\b(?:{_ANY_NUMBER_WORD})\b")
# "one or two", "two or three": a range, not a count
_COUNT_RANGE = re.compile(rf"\b(?:\d+|{_ANY_NUMBER_WORD})\s+(?:or|to|-)\s+(?:\d+|{_ANY_NUMBER_WORD})\b")


def parse_count(text: Optional[str]) -> Optional[int]:
    """A whole number from '2', 'two', 'a couple' (2), 'none' or 'not a single one' (0); None for a vague
    or uncertain answer ('a few', 'one or two', 'no idea'): the count is asked, not guessed."""
    text = clip(text).lower()
    if _COUNT_RANGE.search(text):
        return None
    m = re.search(r"\b(\d{1,4})\b", text)
    if m:
        return int(m.group(1))
    zero = _NONE_COUNTED.search(text)
    number = _NUMBER_WORD.search(text)
    if zero and (number is None or zero.start() <= number.start()):
        return 0
    return _NUMBER_WORDS[number.group(0)] if number else None


_AMOUNT = re.compile(r"(?<![\d.,])\d{1,3}(?:([.,' ])\d{3})(?:\1\d{3})*(?:[.,]\d{1,2})?(?![\d])|"
                     r"(?<![\d.,])\d+(?:[.,]\d{1,2})?(?!\d)")


# Numbers that are no amount: part of a reference or a date ("INV-4402", "03/12/2026", "20 November").
_PART_OF_A_CODE = re.compile(r"[\w/-]$")
_NOT_AN_AMOUNT_AFTER = re.compile(rf"^(?:[./-]\d|(?!(?:usd|eur(?:os?)?|gbp|chf|dollars?|bucks|quid|pounds?|k)\b)[a-z]|\s*(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH_NAME}\b)", re.I)
_CURRENCY_NEAR = re.compile(r"[$€£]|\b(?:usd|eur|gbp|chf|aud|cad|dollars?|euros?|pounds?|quid|bucks)\b", re.I)
_THOUSANDS = re.compile(r"^\s*k\b", re.I)  # "12k", "1,5k"


def _amount_value(number: str) -> float:
    decimals = re.search(r"[.,](\d{1,2})$", number)
    whole = number[:decimals.start()] if decimals else number
    return float(re.sub(r"\D", "", whole) + ("." + decimals.group(1) if decimals else ""))


def parse_amount(text: Optional[str]) -> Optional[float]:
    """A money amount from '$149.99', '1,200 dollars', '150', '12k', and as written in Europe: '149,00',
    '7.450,00 EUR', 'EUR 3.800', '1 450,00 €' (a separator before three digits groups thousands; before one
    or two it is the decimal point). Not a number of a reference or a date; where several are said, one
    with its currency, and after "=" the result ("2x 45 € = 90 €")."""
    text = clip(text)
    found: list[tuple[int, float, bool]] = []  # (start, value, currency beside it)
    for m in _AMOUNT.finditer(text):
        before, after = text[:m.start()], text[m.end():]
        if _PART_OF_A_CODE.match(before[-1:]) or _NOT_AN_AMOUNT_AFTER.match(after):
            continue
        value = _amount_value(m.group(0).strip())
        if _THOUSANDS.match(after):
            value *= 1000
        near = _CURRENCY_NEAR.search(text[max(0, m.start() - 4):m.start()]) or _CURRENCY_NEAR.match(after.lstrip()[:8])
        found.append((m.start(), value, bool(near)))
    if not found:
        return None
    equals = text.rfind("=")
    after_equals = [item for item in found if equals >= 0 and item[0] > equals]
    with_currency = [item for item in found if item[2]]
    return (after_equals or with_currency or found)[0][1]


_NUMBER = r"\d[\d.,' ]*\d(?![\d.,])|\d(?![\d.,])"
# An amount said in passing: with its currency, or after a word for paying ("two payments of 149,00"),
# never a count ("paid 3 times", "charged 2x") or a length of time.
_STATED_AMOUNT = re.compile(
    rf"(?:[$€£]|\b(?:usd|eur|gbp)\b)\s?(?:{_NUMBER})|(?:{_NUMBER})\s?(?:[€£]|(?:usd|eur|gbp|dollars?|euros?|bucks)\b)|"
    rf"\b(?:payments?|charges?|paid|pay|debited|billed|charged|cost|costs|price)\s+(?:of\s+|me\s+|us\s+)?(?:{_NUMBER})"
    r"(?!\s*(?:x\b|times|months?|weeks?|days?|years?|hours?|st\b|nd\b|rd\b|th\b|/))", re.I)


def stated_amount(text: Optional[str]) -> Optional[float]:
    """An amount the customer states unasked: '$149', '149,00 EUR', 'two payments of 149,00'; None where the
    message names different amounts ("meant to buy the $29.99 plan, ended up on the one for $349")."""
    amounts = {parse_amount(m.group(0)) for m in _STATED_AMOUNT.finditer(_EMAIL.sub(" ", clip(text)))}
    return amounts.pop() if len(amounts) == 1 else None


# "my name is", "name's", "Name:", "mi name is" (a learner's spelling)
_NAME_LABEL = r"(?:(?:my|mi|the) )?name(?:\s+is|'s|’s|\s*:)"
_NAME_PREFIX = re.compile(rf"^\s*(?:(?:ok|okay|sure|yes|yeah|hi|hello|hey)\W*\s+)?"
                          rf"({_NAME_LABEL}|i am|i'm|im|it's|its|it is|this is|call me)\s+", re.I)
# What may follow a name and is no part of it: "Rajesh Kumar here", "(this is) ana from accounts".
_AFTER_A_NAME = re.compile(r"\s+(?:here|(?:from|at|with)\s+.*)$", re.I)

# Words that make a text plainly something other than a name ("Talk To Manager",
# "a one-time appointment, tomorrow"). A name may still contain other words ("Lena Stop").
_NOT_NAMES = {"yes", "no", "yeah", "yep", "nope", "ok", "okay", "sure", "thanks", "thank", "hi", "hello",
              "what", "why", "how", "where", "when", "who", "is", "are", "the", "you", "your", "my", "me",
              "weather", "refund", "invoice", "cancel", "help", "please", "not", "don't", "dont", "a", "an",
              "talk", "manager", "person", "human", "agent", "someone", "appointment", "tomorrow", "yesterday",
              "today", "want", "need", "know", "told", "charged", "twice", "plan", "service", "order",
              "i", "it", "was", "this", "that", "to", "of", "for", "with", "and", "or"}
# Alone, a title, a month or a word said in passing is no name ("Dr", "December", "Sorry." closing a
# correction); beside another word it may be ("June Carter").
_NEVER_A_NAME_ALONE = {"sorry", "cheers", "regards", "thx", "ty", "wait", "oops", "hmm", "great", "perfect", "done",
                       "dr", "mr", "mrs", "ms", "miss", "mx", "prof", "sir", "madam", "jan", "january", "feb",
                       "february", "mar", "march", "apr", "april", "may", "jun", "june", "jul", "july", "aug",
                       "august", "sep", "sept", "september", "oct", "october", "nov", "november", "dec", "december"}
_ONLY_A_COMMAND = {"stop", "cancel", "help", "quit", "exit", "restart", "back", "menu", "none", "nothing", "skip",
                   "bye", "goodbye", "bye bye", "nevermind", "never mind", "forget it"}
_PARENTHESES = re.compile(r"\s*[(\[][^)\]]*[)\]]")
_NAME_WORD = r"[^\W\d_][^\s\d,.!?;:()@]*"
# A capitalised word that ends where a word ends ("INV-" of "INV-30918" is no name).
_CAPITALISED = r"(?:[A-Z\u00C0-\u024F][^\s\d,.!?;:()@]*|[^\W\d_A-Za-z\u00C0-\u024F]\S*)(?=[\s,.!?;:()]|$)"
# A title before an introduced name, left out of it ("This is dr. Ken Obi" -> Ken Obi).
_TITLE = r"(?:(?i:dr|mr|mrs|ms|mx|prof|sir)\.?\s+)?"
_INTRODUCED = (
    re.compile(rf"\b{_NAME_LABEL}\s+({_NAME_WORD}(?:\s+{_NAME_WORD}){{0,3}})", re.I),
    re.compile(rf"(?:^|[.!,]\s*|\b(?:hi|hello|hey),?\s+)(?i:this is|it's|its|it is|i'm|im|i am)\s+"
               rf"{_TITLE}({_CAPITALISED}(?:\s+{_CAPITALISED}){{0,3}})"),
    re.compile(rf"(?:^|[.!?]\s+)\s*(?:(?:hi|hello|hey),?\s+)?({_CAPITALISED}(?:\s+{_CAPITALISED}){{0,3}})\s+here\b"),
    # a sign-off: "Kind regards,\nPriya Raghunathan", "Thanks in advance,\nAnne-Marie Dubois\nOffice Manager",
    # "Best,\nJ. Alvarez\nCFO": the name on the line after a short closing line (a job, a note may follow it)
    re.compile(rf"(?i:\b(?:regards|thanks|thank you|cheers|sincerely|best|wishes|yours|bless|warmly|respectfully|"
               rf"gratefully))[^\n]{{0,25}}\n\s*((?:[A-Z]\.|{_CAPITALISED})(?:[ \t]+(?:[A-Z]\.|{_CAPITALISED})){{0,3}})"
               r"[ \t]*(?:[,(|][^\n]*)?(?:\n|$)"),
)


# An e-mail address given beside the name ("Kwame Mensah, kwame@example.gh"), with its label.
_EMAIL_BESIDE = re.compile(r"(?:\b(?:and\s+)?(?:my\s+)?e-?mail(?:\s+address)?(?:\s+is)?\s*[:=]?\s*)?"
                           + _EMAIL.pattern, re.I)


_NAME_SENTENCE_END = re.compile(r"(?<=[.!?])(?<!\bdr\.)(?<!\bmr\.)(?<!\bms\.)(?<!\bmx\.)(?<!\bmrs\.)(?<!\bprof\.)\s+|\n+",
                                re.I)


def parse_name(text: Optional[str]) -> Optional[str]:
    """A person's name given as an answer (any script); None for text that plainly is no name.

    "I just told you. Alice Nguyen" gives Alice Nguyen; "Sofia Rossi (office manager)" gives
    Sofia Rossi; "Kwame Mensah, kwame@example.gh" gives Kwame Mensah (the e-mail is read
    separately); a surname like "Stop" is a name; "/back" is a command.
    """
    text = clip(text).strip()
    if text.startswith("/"):
        return None
    text = _PARENTHESES.sub("", text).strip()
    without_email = _EMAIL_BESIDE.sub(" ", text)
    if without_email != text:
        text = without_email.strip(" ,;:-–—&+")  # the separator between the name and the address
    # a title's full stop ends no sentence: "Dr. Leah Abramson" is kept as typed
    parts = [p for p in _NAME_SENTENCE_END.split(text) if p.strip()]
    for part in reversed(parts or [text]):
        # a full name first, then what the customer adds: "Jürgen Müller, IT Manager", "Piotr Kowalski, sorry for
        # late answer" (not one word before a question: "Perdón, ¿puedo escribir en español?")
        first = part.split(",")[0]
        name = (_one_name(first) if len(first.split()) >= 2 and "?" not in part else None) or _one_name(part)
        if name:
            return name
    return None


def _one_name(text: str) -> Optional[str]:
    named = _NAME_PREFIX.sub("", text).strip()
    bare = _AFTER_A_NAME.sub("", named).strip()
    # "ana from accounts" after "this is", or capitalised words before "here"; not "can somebody from your team"
    if bare != named and (named != text.strip() or typed_as_a_name(bare)):
        named = bare
    text = named.strip(".!,")
    if not text or len(text) > 100 or "@" in text or "?" in text:
        return None
    words = re.findall(r"[^\W\d_]+(?:'[^\W\d_]+)?", text.lower())  # "garcía" is one word, not "garc" + "a"
    if text.lower() in _ONLY_A_COMMAND or any(word in _NOT_NAMES for word in words):
        return None
    if len(words) == 1 and words[0] in _NEVER_A_NAME_ALONE:
        return None  # "Dr", "December": a title or a month is no name by itself
    letters = sum(ch.isalpha() for ch in text)
    if letters < 2 or sum(ch.isdigit() for ch in text) > 0 or len(text.split()) > 6:
        return None
    return " ".join(text.split())


_TITLE_WORD = re.compile(r"[^\W\d_][^\W\d_A-Z]*(?:['’-][^\W\d_]+)*")


def typed_as_a_name(text: Optional[str]) -> bool:
    """Whether a reply has the shape of a name typed in, whatever its words ("Talk To Manager").

    Two to four words, each capitalised and nothing else: said where a name is asked, it is
    meant as the name (to be asked again when it is plainly none), not as a request.
    """
    words = clip(text).strip().split()
    return 2 <= len(words) <= 4 and "I" not in words and all(
        _TITLE_WORD.fullmatch(w) and w[0].isupper() for w in words)


def parse_introduced_name(text: Optional[str]) -> Optional[str]:
    """A full name the customer clearly introduces anywhere: "Jane Moreau here", "this is ...", "my name is ...".
    A given name alone ("this is Megan from Harbor Dental", "thx -- Jim") is not the full name: it is asked."""
    text = clip(text)
    for pattern in _INTRODUCED:
        m = pattern.search(text)
        if m:
            words = m.group(1).split()
            if any(len(w) > 2 and w.isupper() for w in words):
                continue  # shouting ("THIS IS RIDICULOUS") or a code, not a name
            for n in range(len(words), 1, -1):  # "ana lópez and I ..." -> "ana lópez"
                name = _one_name(" ".join(words[:n]))
                if name:
                    return name
    return None
