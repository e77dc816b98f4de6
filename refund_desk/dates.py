"""Reading a date in a customer's words, against what is being asked.

A date is read relative to `today` and to the direction of the question: an appointment
looks forward ("future"), the date of a service or a charge looks back ("past"). With no
direction yet (`None`), only dates that do not depend on it are read; the others come back
with `needs_direction` so that the caller keeps the customer's words until it knows.

Rules (each tested in tests/unit/test_dates.py):
- an ordinal ("the 3rd") is a day of the month;
- a numeric date whose first or second number is over 12 is unambiguous (21.10.2026, 03/14/2026);
  dots are day-first (21.10.); "03/04" with slashes or dashes is ambiguous: both readings come
  back in `options`, for the customer to choose;
- a year-less date, a bare weekday or an ordinal is the nearest one in the asked direction, except
  that a weekday named with the date ("Wednesday December 2nd") picks the year it falls on;
- text without a date ("now", "this month", "y", "24/7 support") never becomes a date.
"""
from __future__ import annotations

import calendar
import difflib
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Optional

PAST, FUTURE = "past", "future"

MONTHS = {name: i for i, names in enumerate(
    [(), ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
     ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
     ("october", "oct"), ("november", "nov"), ("december", "dec")]) for name in names}
WEEKDAYS = {name: i for i, names in enumerate(
    [("monday", "mon"), ("tuesday", "tue", "tues"), ("wednesday", "wed"), ("thursday", "thu", "thur", "thurs"),
     ("friday", "fri"), ("saturday", "sat"), ("sunday", "sun")]) for name in names}
NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "a couple of": 2, "a couple": 2,
                "couple of": 2}
ORDINAL_WORDS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14,
    "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19,
    "twentieth": 20, "twenty-first": 21, "twenty first": 21, "twenty-second": 22, "twenty second": 22,
    "twenty-third": 23, "twenty third": 23, "twenty-fourth": 24, "twenty-fifth": 25, "twenty-sixth": 26,
    "twenty-seventh": 27, "twenty-eighth": 28, "twenty-ninth": 29, "thirtieth": 30, "thirty-first": 31,
    "thirty first": 31,
}

_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAY = r"(?P<weekday>" + "|".join(sorted(WEEKDAYS, key=len, reverse=True)) + r")\.?"
_ORD_WORD = "|".join(sorted((re.escape(w) for w in ORDINAL_WORDS), key=len, reverse=True))
_DAY = rf"(?P<day>\d{{1,2}})(?:st|nd|rd|th)?|(?P<dayword>{_ORD_WORD})"
_YEAR = r"(?:,?\s*(?P<year>(?:19|20)\d\d))?"
_NUM = r"(?:\d+|a couple of|a couple|couple of|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
_UNIT = r"(?P<unit>day|week|fortnight|month|year)s?"

# Things that look like dates but are not: removed before reading.
_NOT_DATES = (
    re.compile(r"\b24\s*[/x]\s*7\b|\b24\s*/\s*365\b", re.I),                       # 24/7 support
    re.compile(r"\S+@\S+"),                                                           # e-mail addresses
    re.compile(r"\b[A-Z]{1,6}[-#]?\d[\w-]*\b"),                                       # INV-2024-0918, WP-7781
    re.compile(r"\b(?:inv(?:oice)?|order|ord|cust(?:omer)?|id|ref|acct|account)\s*(?:no\.?|number|id|#)?\s*[-#:]?\s*\d[\w-]*",
               re.I),                                                                  # invoice 2024-0918
    re.compile(r"#\s?\d+"),                                                            # #55881
    re.compile(r"(?:[$€£]\s?\d[\d,]*(?:\.\d+)?|\b\d[\d,]*(?:\.\d\d)?\s?(?:usd|eur|gbp|dollars?|euros?|bucks))", re.I),
    re.compile(r"\+?\d(?:[ ()-]*\d){8,}"),                                            # phone numbers
    re.compile(r"\b\d{1,2}(?::\d\d)?\s?(?:am|pm)\b|\b\d{1,2}:\d\d\b", re.I),           # times of day
)


@dataclass(frozen=True)
class DateReading:
    """What a text says about a date.

    value: the date, when it is clear. options: two readings of an ambiguous date ("03/04").
    needs_direction: there is a date, but whether it is the next or the last one depends on
    the question (kept as words until the direction is known).
    """

    value: Optional[date] = None
    options: tuple[date, ...] = ()
    needs_direction: bool = False

    @property
    def found(self) -> bool:
        return self.value is not None or bool(self.options) or self.needs_direction


def _safe(year: int, month: int, day: int) -> Optional[date]:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _add_months(d: date, months: int) -> date:
    month0 = d.month - 1 + months
    year, month = d.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def _number(word: str) -> int:
    word = word.lower()
    return int(word) if word.isdigit() else NUMBER_WORDS[word]


def _offset(today: date, n: int, unit: str, sign: int) -> date:
    unit = unit.lower()
    if unit == "day":
        return today + timedelta(days=sign * n)
    if unit == "week":
        return today + timedelta(weeks=sign * n)
    if unit == "fortnight":
        return today + timedelta(weeks=sign * 2 * n)
    if unit == "month":
        return _add_months(today, sign * n)
    return _add_months(today, sign * 12 * n)


def _year_less(month: int, day: int, today: date, direction: Optional[str]) -> DateReading:
    """The nearest month-day in the asked direction (today counts for both)."""
    this_year = _safe(today.year, month, day)
    if this_year is None and not (month == 2 and day == 29):
        return DateReading()
    if direction is None:
        return DateReading(needs_direction=True)
    for year in ((today.year, today.year - 1, today.year - 2) if direction == PAST
                 else (today.year, today.year + 1, today.year + 2)):
        candidate = _safe(year, month, day)
        if candidate and (candidate <= today if direction == PAST else candidate >= today):
            return DateReading(candidate)
    return DateReading()


def _day_of_month(day: int, today: date, direction: Optional[str]) -> DateReading:
    if not 1 <= day <= 31:
        return DateReading()
    if direction is None:
        return DateReading(needs_direction=True)
    step = -1 if direction == PAST else 1
    month_start = today.replace(day=1)
    for i in range(0, 4):
        first = _add_months(month_start, step * i)
        candidate = _safe(first.year, first.month, day)
        if candidate and (candidate <= today if direction == PAST else candidate >= today):
            return DateReading(candidate)
    return DateReading()


def _weekday(target: int, today: date, direction: Optional[str], modifier: str) -> DateReading:
    modifier = (modifier or "").lower().strip()
    ahead = (target - today.weekday()) % 7 or 7     # days to the next one, never today
    behind = (today.weekday() - target) % 7 or 7    # days since the last one, never today
    if modifier in ("last", "this past", "past", "previous"):
        return DateReading(today - timedelta(days=behind))
    if modifier in ("next", "this coming", "coming", "upcoming"):
        return DateReading(today + timedelta(days=ahead))
    if modifier == "this":
        in_week = today + timedelta(days=target - today.weekday())  # the one of this (Monday-first) week
        if direction == PAST and in_week > today:
            return DateReading(in_week - timedelta(days=7))
        if direction == FUTURE and in_week < today:
            return DateReading(in_week + timedelta(days=7))
        return DateReading(in_week)
    if direction is None:
        return DateReading(needs_direction=True)
    return DateReading(today - timedelta(days=behind) if direction == PAST else today + timedelta(days=ahead))


def _full_year(text: Optional[str]) -> Optional[int]:
    if text is None:
        return None
    year = int(text)
    return year + 2000 if year < 100 else year


def _numeric(a: int, b: int, year_text: Optional[str], sep: str, today: date,
             direction: Optional[str]) -> DateReading:
    year = _full_year(year_text)
    if sep == "." or a > 12:
        readings = [(b, a)]  # day first
    elif b > 12:
        readings = [(a, b)]  # month first
    elif a == b:
        readings = [(a, b)]
    else:
        readings = [(a, b), (b, a)]  # (month, day) both ways
    found: list[date] = []
    needs = False
    for month, day in readings:
        if year is not None:
            d = _safe(year, month, day)
            if d:
                found.append(d)
        else:
            r = _year_less(month, day, today, direction)
            if r.value:
                found.append(r.value)
            needs = needs or r.needs_direction
    if len(found) == 1:
        return DateReading(found[0])
    if len(found) > 1:
        return DateReading(options=tuple(found))
    return DateReading(needs_direction=needs)


_FULL_MONTHS = [name for name in MONTHS if len(name) > 3]
# A misspelt month next to a day number ("novmber 20", "3rd of septmber").
_MISSPELT_MONTH = re.compile(r"\b(?P<word>[a-z]{4,10})\.?(?=\s+(?:the\s+)?\d{1,2}(?:st|nd|rd|th)?\b)|"
                             r"(?<=\d)(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<after>[a-z]{4,10})\b", re.I)


def _month_typos_fixed(text: str) -> str:
    """'novmber 20' -> 'november 20': a word close to one month name, beside a day number."""
    def fix(m: re.Match[str]) -> str:
        group = "word" if m["word"] else "after"
        word = m[group]
        if word.lower() in MONTHS or word.lower() in WEEKDAYS:
            return m[0]
        close = difflib.get_close_matches(word.lower(), _FULL_MONTHS, n=2, cutoff=0.8)
        if len(close) != 1:
            return m[0]
        start, end = m.start(group) - m.start(), m.end(group) - m.start()
        return m[0][:start] + close[0] + m[0][end:]
    return _MISSPELT_MONTH.sub(fix, text)


def _clean(text: str) -> str:
    text = text.replace("’", "'").replace("\u00a0", " ")
    for pattern in _NOT_DATES:
        text = pattern.sub(" ", text)
    return _month_typos_fixed(text)


# Each reader: (pattern, function(match, today, direction) -> DateReading). Tried in order; the
# first pattern that yields a date wins.
def _r_iso(m, today, direction):
    return DateReading(_safe(int(m["y"]), int(m["m"]), int(m["d"])))


def _r_numeric(m, today, direction):
    return _numeric(int(m["a"]), int(m["b"]), m["y"], m["sep"], today, direction)


_WEEKDAY_BEFORE = re.compile(rf"\b{_WEEKDAY},?\s+(?:the\s+)?$", re.I)


def _month_day(m, today, direction):
    month = MONTHS[m["month"].lower()]
    day = int(m["day"]) if m["day"] else ORDINAL_WORDS[m["dayword"].lower()]
    if m["year"]:
        return DateReading(_safe(int(m["year"]), month, day))
    named = _WEEKDAY_BEFORE.search(m.string[:m.start()])
    if named:  # "Wednesday December 2nd": the weekday says which year's December 2nd, either way
        weekday = WEEKDAYS[named["weekday"].lower()]
        fits = [d for d in (_safe(today.year + i, month, day) for i in (-1, 0, 1))
                if d and d.weekday() == weekday and abs((d - today).days) <= 183]
        if len(fits) == 1:
            return DateReading(fits[0])
    return _year_less(month, day, today, direction)


def _r_relative_day(m, today, direction):
    word = re.sub(r"\s+", " ", m[0].lower())
    table = {"the day before yesterday": -2, "day before yesterday": -2, "the day after tomorrow": 2,
             "day after tomorrow": 2, "yesterday": -1, "last night": -1, "tomorrow": 1, "tmrw": 1, "tmr": 1, "today": 0,
             "tonight": 0, "this morning": 0, "this afternoon": 0, "this evening": 0, "earlier today": 0}
    return DateReading(today + timedelta(days=table[word]))


def _r_ago(m, today, direction):
    return DateReading(_offset(today, _number(m["n"]), m["unit"], -1))


def _r_in(m, today, direction):
    return DateReading(_offset(today, _number(m["n"]), m["unit"], 1))


def _r_a_unit_ago(m, today, direction):
    sign = -1 if m["dir"].lower() == "ago" else 1
    return DateReading(_offset(today, 1, m["unit"], sign))


def _r_weekday(m, today, direction):
    return _weekday(WEEKDAYS[m["weekday"].lower()], today, direction, m["mod"] or "")


def _r_ordinal(m, today, direction):
    day = int(m["day"]) if m["day"] else ORDINAL_WORDS[m["dayword"].lower()]
    return _day_of_month(day, today, direction)


def _r_month_edge(m, today, direction):
    month = today.replace(day=1)
    if m["which"] and m["which"].lower() == "next":
        month = _add_months(month, 1)
    elif m["which"] and m["which"].lower() == "last":
        month = _add_months(month, -1)
    if m["edge"].lower() in ("end", "the end"):
        return DateReading(month.replace(day=calendar.monthrange(month.year, month.month)[1]))
    return DateReading(month)


_READERS = (
    (re.compile(r"\b(?P<y>(?:19|20)\d\d)[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})\b"), _r_iso),
    (re.compile(r"(?<![\d/.-])(?P<a>\d{1,2})(?P<sep>[/.-])(?P<b>\d{1,2})(?:(?P=sep)(?P<y>(?:19|20)?\d\d))?"
                r"(?![\d/-])(?!\.\d)"), _r_numeric),
    (re.compile(rf"\b{_MONTH}\s+(?:the\s+)?(?:{_DAY})\b{_YEAR}", re.I), _month_day),
    (re.compile(rf"\b(?:the\s+)?(?:{_DAY})\s+(?:of\s+)?{_MONTH}(?![a-z]){_YEAR}", re.I), _month_day),
    (re.compile(rf"\b(?P<n>{_NUM})\s+{_UNIT}\s+ago\b", re.I), _r_ago),
    (re.compile(rf"\b(?P<n>{_NUM})\s+{_UNIT}\s+(?:before|back)\b", re.I), _r_ago),
    (re.compile(rf"\bin\s+(?P<n>{_NUM})\s+{_UNIT}\b", re.I), _r_in),
    (re.compile(rf"\b(?P<n>{_NUM})\s+{_UNIT}\s+from\s+(?:now|today)\b", re.I), _r_in),
    (re.compile(r"\b(?:a|one)\s+(?P<unit>week|fortnight)\s+(?P<dir>ago|from now|from today)\b", re.I),
     _r_a_unit_ago),
    (re.compile(r"\b(?:the )?day (?:before yesterday|after tomorrow)\b|\byesterday\b|\btomorrow\b|\btmrw?\b|\btoday\b|"
                r"\btonight\b|\blast night\b|\bthis (?:morning|afternoon|evening)\b|\bearlier today\b", re.I),
     _r_relative_day),
    (re.compile(rf"\b(?:(?P<mod>last|next|this past|this coming|this|coming|upcoming|past|previous)\s+)?(?:on\s+)?"
                rf"{_WEEKDAY}(?![a-z])", re.I), _r_weekday),
    (re.compile(r"\b(?P<edge>end|the end|start|the start|beginning|the beginning)\s+of\s+(?:the\s+)?"
                r"(?P<which>this|next|last)?\s*month\b", re.I), _r_month_edge),
    (re.compile(rf"\b(?:on\s+)?the\s+(?:{_DAY})\b(?!\s*(?:time|one|issue|invoice|charge|payment|visit|session|party|attempt|line|floor))",
                re.I), _r_ordinal),
    (re.compile(r"\b(?:on\s+)?(?P<day>\d{1,2})(?:st|nd|rd|th)\b(?!\s*(?:time|one|issue|invoice|charge|payment|visit|session|party|attempt|line|floor))",
                re.I), _r_ordinal),
)


def read_date(text: Optional[str], today: date, direction: Optional[str] = None) -> DateReading:
    """The first date the text states, read for a question looking `direction` ('past'/'future'/None)."""
    text = _clean((text or "")[:5000])
    if not re.search(r"[0-9]|[a-z]{3}", text, re.I):
        return DateReading()
    needs = False
    for pattern, reader in _READERS:
        for m in pattern.finditer(text):
            reading = reader(m, today, direction)
            if reading.value or reading.options:
                return reading
            needs = needs or reading.needs_direction
    return DateReading(needs_direction=needs)


def has_date(text: Optional[str], today: date) -> bool:
    """Whether the text states a date at all (in either direction)."""
    return read_date(text, today, PAST).found or read_date(text, today, None).found


def spoken(d: date) -> str:
    """A date as customers read it: '4 March 2026'."""
    return f"{d.day} {calendar.month_name[d.month]} {d.year}"


def short(d: date) -> str:
    """'4 March' (the year left out), for choosing between two readings."""
    return f"{d.day} {calendar.month_name[d.month]}"
