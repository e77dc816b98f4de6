"""Reading a date in a customer's words, against what is being asked.

A date is read relative to `today` and to the direction of the question: an appointment
looks forward ("future"), the date of a service or a charge looks back ("past"). With no
direction yet (`None`), only dates that do not depend on it are read; the others come back
with `needs_direction` so that the caller keeps the customer's words until it knows.

Rules (each tested in tests/unit/test_dates.py):
- an ordinal ("the 3rd") is a day of the month;
- a numeric date whose first or second number is over 12 is unambiguous (21.10.2026, 03/14/2026);
  dots are day-first (21.10.); "03/04" with slashes or dashes is ambiguous: both readings come
  back in `options`, for the customer to choose, unless no year is typed and only one of them is
  within a month of today ("03/12" on 6 December is 3 December);
- the customer's own words say which way first: "booked for", "next", "will" look ahead; "ago",
  "last", "was", "paid" look back (the cue nearest the date, in its sentence); a plan told in the
  past ("it was scheduled for the 1st", "was due on the 2nd") says neither way;
- a deadline ("refund it by Friday", "until tomorrow", "fix it today or ...") is no date of the service;
- a date without a year is then the nearest one: within a month of today either way it is that one
  ("December 18th" on 6 December is in 12 days, whatever the question), further away the question's
  direction decides ("March 3" for a refund asked in November is last March); a weekday named with
  the date ("Wednesday December 2nd") picks the year it falls on; "next year"/"last year" say it;
- a bare weekday or an ordinal is the nearest one in the direction the words or the question give;
- a year the customer typed is never replaced;
- a vague answer ("earlier this month", "sometime in November", "last week") is no date but a
  range (`read_date_range`): the form uses it where the whole range decides alike;
- text without a date ("now", "this month", "y", "24/7 support") never becomes a date.
"""
from __future__ import annotations

import calendar
import difflib
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Callable, Optional

from refund_desk.parsing import NEGATED_CONTRACTION

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
# What follows a number that counts something else: "the 2nd time", "the 2-year plan", "the 3 month plan".
_NOT_A_DAY_AFTER = (r"(?!\s*(?:time|one|issue|invoice|charge|payment|visit|session|party|attempt|line|floor)"
                    r"|[\s-]*(?:year|month|week|day|hour|minute|seat|user|licen[cs]e|device)s?\b)")

# A deadline or a demand ("refund it by Friday", "until Monday the 14th"), unless the words before it say
# when the service itself was to start ("the pentest would start by Monday the 30th": that is its date).
_DEADLINE = re.compile(r"\b(?:by|until|till|no later than)\s+(?:next\s+|this\s+)?(?:monday|tuesday|wednesday|thursday|"
                       r"friday|saturday|sunday|tomorrow|tonight|today|(?:the\s+)?end\s+of\s+(?:the\s+)?(?:day|week|month))"
                       r"\b(?:,?\s+(?:the\s+)?\d{1,2}(?:st|nd|rd|th)\b)?", re.I)
_DUE_BEFORE = re.compile(r"\b(?:start|begin|began|begun|commence|kick(?:ed)? off)\w*(?:\s+\w+){0,2}\s*$", re.I)

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
    _DEADLINE,                                                                         # a deadline: "refund it by Friday"
    re.compile(r"\b(?:it'?s|it is|today is|today'?s|now it'?s)\s+(?:now\s+)?(?:a\s+)?(?:monday|tuesday|wednesday|"
               r"thursday|friday|saturday|sunday)\b", re.I),                            # today: "it's sunday and ..."
    re.compile(r"\b(?:fix|refund|sort|resolve|solve|pay|return|reverse|handle|settle)\s+(?:it|this|that|me|us|them)?\s*"
               r"(?:out\s+|back\s+)?(?:today|tonight|tomorrow)\b", re.I),          # a demand: "fix it today or ..."
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


# A year-less date this close to today on the other side of the question is the one meant.
NEAR_DAYS = 31


def _nearest_in(month: int, day: int, today: date, direction: str) -> Optional[date]:
    """The nearest month-day on one side of today (today counts for both)."""
    for year in ((today.year, today.year - 1, today.year - 2) if direction == PAST
                 else (today.year, today.year + 1, today.year + 2)):
        candidate = _safe(year, month, day)
        if candidate and (candidate <= today if direction == PAST else candidate >= today):
            return candidate
    return None


def _year_less(month: int, day: int, today: date, direction: Optional[str], words: Optional[str] = None,
               ) -> DateReading:
    """A month-day without a year: the words' direction, else the nearest one (see the module's rules)."""
    this_year = _safe(today.year, month, day)
    if this_year is None and not (month == 2 and day == 29):
        return DateReading()
    if words is not None:
        found = _nearest_in(month, day, today, words)
        return DateReading(found) if found else DateReading()
    if direction is None:
        return DateReading(needs_direction=True)
    asked = _nearest_in(month, day, today, direction)
    other = _nearest_in(month, day, today, FUTURE if direction == PAST else PAST)
    if other is not None and abs((other - today).days) <= NEAR_DAYS and (
            asked is None or abs((other - today).days) < abs((asked - today).days)):
        return DateReading(other)
    return DateReading(asked) if asked else DateReading()


_FUTURE_CUES = (r"(?:booked|scheduled|planned|set|due|arranged|reserved|slated|penciled|pencilled)\s+(?:in\s+)?(?:for|on)|"
                r"upcoming|coming|next|will|\w+'ll|going to|is\s+on|isn'?t\s+until|not\s+until|not\s+(?:happened\s+)?yet|"
                r"yet to|hasn'?t\s+(?:happened|started|taken place)|still to come|from now|in advance|starts?\s+on|"
                r"renews?\s+on|expires?\s+on")
_PAST_CUES = (r"ago|last|since|was|were|happened|did|took place|had|paid|charged|billed|delivered|came|showed up|"
              r"started|began|finished|completed|received|bought|purchased|ordered|signed up|subscribed|earlier|"
              r"previous|back (?:on|in)|went")
_CUE = re.compile(rf"\b(?:(?P<future>{_FUTURE_CUES})|(?P<past>{_PAST_CUES}))\b", re.I)
# "was"/"were"/"had been" right before a future cue: the plan lies behind or ahead; the nearest date decides.
_PAST_PLAN = re.compile(r"\b(?:was|were|had been)\s+(?:\w+\s+)?$", re.I)
_CLAUSE_END = re.compile(r"[.;!?\n]|\bbut\b", re.I)


def direction_in_words(text: str, start: int, end: int) -> Optional[str]:
    """Which way the customer's own words put the date at text[start:end]: the cue nearest it in its sentence."""
    ends = [m.end() for m in _CLAUSE_END.finditer(text, 0, start)]
    clause_start = ends[-1] if ends else 0
    after = _CLAUSE_END.search(text, end)
    clause_end = after.start() if after else len(text)
    before = list(_CUE.finditer(text, clause_start, start))
    cue = before[-1] if before else _CUE.search(text, end, clause_end)
    if cue is None:
        return None
    if cue["future"] and _PAST_PLAN.search(text, clause_start, cue.start()):
        return None  # "it was scheduled for the 1st", "was due on the 2nd": a plan made before, either way
    return FUTURE if cue["future"] else PAST


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
             direction: Optional[str], words: Optional[str] = None) -> DateReading:
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
            r = _year_less(month, day, today, direction, words)
            if r.value:
                found.append(r.value)
            needs = needs or r.needs_direction
    near = [d for d in found if abs((d - today).days) <= NEAR_DAYS]
    if len(found) > 1 and len(near) == 1 and year is None:
        return DateReading(near[0])  # "03/12" on 6 December: 3 December, days ago, not 12 March, months away
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
        if pattern is _DEADLINE:
            text = pattern.sub(lambda m: m[0] if _DUE_BEFORE.search(m.string[max(0, m.start() - 40):m.start()])
                               else " ", text)
        else:
            text = pattern.sub(" ", text)
    return _month_typos_fixed(text)


# Each reader: (pattern, function(match, today, direction) -> DateReading). Tried in order; the
# first pattern that yields a date wins.
def _r_iso(m, today, direction):
    return DateReading(_safe(int(m["y"]), int(m["m"]), int(m["d"])))


def _r_numeric(m, today, direction):
    return _numeric(int(m["a"]), int(m["b"]), m["y"], m["sep"], today, direction,
                    direction_in_words(m.string, m.start(), m.end()))


_WEEKDAY_BEFORE = re.compile(rf"\b{_WEEKDAY},?\s+(?:the\s+)?$", re.I)


_YEAR_WORDS = re.compile(r"^\W{0,3}(?:of\s+)?(?P<which>next|last|this)\s+year\b", re.I)


def _month_day(m, today, direction):
    month = MONTHS[m["month"].lower()]
    day = int(m["day"]) if m["day"] else ORDINAL_WORDS[m["dayword"].lower()]
    if m["year"]:
        return DateReading(_safe(int(m["year"]), month, day))
    said_year = _YEAR_WORDS.search(m.string[m.end():])
    if said_year:  # "October 1st next year"
        offset = {"next": 1, "last": -1, "this": 0}[said_year["which"].lower()]
        return DateReading(_safe(today.year + offset, month, day))
    named = _WEEKDAY_BEFORE.search(m.string[:m.start()])
    if named:  # "Wednesday December 2nd": the weekday says which year's December 2nd, either way
        weekday = WEEKDAYS[named["weekday"].lower()]
        fits = [d for d in (_safe(today.year + i, month, day) for i in (-1, 0, 1))
                if d and d.weekday() == weekday and abs((d - today).days) <= 183]
        if len(fits) == 1:
            return DateReading(fits[0])
    return _year_less(month, day, today, direction, direction_in_words(m.string, m.start(), m.end()))


def _r_relative_day(m, today, direction):
    word = re.sub(r"\s+", " ", m[0].lower())
    table = {"the day before yesterday": -2, "day before yesterday": -2, "the day after tomorrow": 2,
             "day after tomorrow": 2, "yesterday": -1, "last night": -1, "tomorrow": 1, "tmrw": 1, "tmr": 1, "today": 0,
             "tonight": 0, "this morning": 0, "this afternoon": 0, "this evening": 0, "earlier today": 0}
    return DateReading(today + timedelta(days=table[word]))


_COUPLE = re.compile(r"^(?:a couple of|a couple|couple of)$", re.I)


def _r_ago(m, today, direction):
    if _COUPLE.match(m["n"]) and m["unit"].lower() in ("week", "month"):
        return DateReading()  # "a couple of weeks back" is vague: read_date_range reads it as a range
    return DateReading(_offset(today, _number(m["n"]), m["unit"], -1))


def _r_ago_from(m, today, direction):
    """'a week ago yesterday', 'two weeks ago Tuesday': counted back from the day named, not from today."""
    if _COUPLE.match(m["n"]):
        return DateReading()
    anchor = m["anchor"].lower()
    if anchor in ("yesterday", "today"):
        day = today - timedelta(days=1 if anchor == "yesterday" else 0)
    else:
        day = _weekday(WEEKDAYS[m["weekday"].lower()], today, PAST, "last").value
    return DateReading(_offset(day, _number(m["n"]), m["unit"], -1)) if day else DateReading()


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The n-th given weekday of a month (n = -1: the last)."""
    if n < 0:
        last = date(year, month, calendar.monthrange(year, month)[1])
        return last - timedelta(days=(last.weekday() - weekday) % 7)
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


# Days known by name, as each year has them (the US ones where a country differs: Thanksgiving, Labor Day).
HOLIDAYS: dict[str, Callable[[int], date]] = {
    "thanksgiving": lambda y: _nth_weekday(y, 11, 3, 4),
    "black friday": lambda y: _nth_weekday(y, 11, 3, 4) + timedelta(days=1),
    "cyber monday": lambda y: _nth_weekday(y, 11, 3, 4) + timedelta(days=4),
    "christmas eve": lambda y: date(y, 12, 24),
    "christmas day": lambda y: date(y, 12, 25),
    "christmas": lambda y: date(y, 12, 25),
    "xmas": lambda y: date(y, 12, 25),
    "boxing day": lambda y: date(y, 12, 26),
    "new year's eve": lambda y: date(y, 12, 31),
    "new years eve": lambda y: date(y, 12, 31),
    "new year's day": lambda y: date(y, 1, 1),
    "new years day": lambda y: date(y, 1, 1),
    "halloween": lambda y: date(y, 10, 31),
    "valentine's day": lambda y: date(y, 2, 14),
    "valentines day": lambda y: date(y, 2, 14),
    "labor day": lambda y: _nth_weekday(y, 9, 0, 1),
    "labour day": lambda y: _nth_weekday(y, 9, 0, 1),
    "memorial day": lambda y: _nth_weekday(y, 5, 0, -1),
    "independence day": lambda y: date(y, 7, 4),
}
_HOLIDAY = "|".join(sorted((re.escape(name).replace("'", "'?") for name in HOLIDAYS), key=len, reverse=True))


def _r_holiday(m, today, direction):
    """'the monday before thanksgiving', 'the day after Christmas', 'two days before new year's eve': the day
    named (this year's, last year's or next year's as the words or the question look), then the offset."""
    name = re.sub(r"\s+", " ", m["holiday"].lower())
    name = next((n for n in HOLIDAYS if n.replace("'", "") == name.replace("'", "")), name)
    if not (m["rel"] or m["prep"] or name.endswith(("day", "eve", "friday", "monday"))):
        return DateReading()  # "our Christmas campaign" names no day; "on Christmas", "the day after" do
    days = sorted(_from_holiday(m, HOLIDAYS[name](today.year + i)) for i in (-1, 0, 1))
    way = direction_in_words(m.string, m.start(), m.end()) or direction
    if way == PAST:
        found = max((d for d in days if d <= today), default=None)
    elif way == FUTURE:
        found = min((d for d in days if d >= today), default=None)
    else:
        found = min(days, key=lambda d: abs((d - today).days))
        if abs((found - today).days) > NEAR_DAYS:
            return DateReading(needs_direction=True)
    return DateReading(found) if found else DateReading()


def _from_holiday(m, anchor: date) -> date:
    """The day `m` counts from the holiday ("the monday before", "the day after", "two days before")."""
    sign = -1 if (m["rel"] or "").lower() == "before" else 1
    if m["weekday"]:  # the nearest such weekday on that side, never the holiday itself
        target = WEEKDAYS[m["weekday"].lower()]
        step = ((anchor.weekday() - target) % 7 or 7) if sign < 0 else ((target - anchor.weekday()) % 7 or 7)
        return anchor + timedelta(days=sign * step)
    if m["unit"]:
        return _offset(anchor, _number(m["n"]), m["unit"], sign)
    return anchor + timedelta(days=sign) if m["rel"] else anchor


def _r_in(m, today, direction):
    return DateReading(_offset(today, _number(m["n"]), m["unit"], 1))


def _r_a_unit_ago(m, today, direction):
    sign = -1 if m["dir"].lower() == "ago" else 1
    return DateReading(_offset(today, 1, m["unit"], sign))


_ORDINAL_AFTER = re.compile(r"^,?\s+(?:the\s+)?(?P<day>\d{1,2})(?:st|nd|rd|th)\b", re.I)
# "Thursday next week": that weekday in the next (Monday-first) week. ("Monday last week" said on a Sunday is
# read as the last Monday, as a second suite's customer meant it, so "last" is left to the weekday reading.)
_WEEK_AFTER = re.compile(r"^,?\s+(?:of\s+)?(?P<which>next|this)\s+week\b", re.I)


def _r_weekday(m, today, direction):
    week = _WEEK_AFTER.match(m.string[m.end():])
    if week and not m["mod"]:  # that weekday in the (Monday-first) week named
        monday = today - timedelta(days=today.weekday()) + timedelta(weeks=int(week["which"].lower() == "next"))
        return DateReading(monday + timedelta(days=WEEKDAYS[m["weekday"].lower()]))
    after = _ORDINAL_AFTER.match(m.string[m.end():])
    if after and not m["mod"]:  # "Monday the 23rd": the day of the month nearest today that is a Monday
        weekday, day = WEEKDAYS[m["weekday"].lower()], int(after["day"])
        fits = [d for d in (_safe(first.year, first.month, day) for first in
                            (_add_months(today.replace(day=1), i) for i in (-2, -1, 0, 1, 2)))
                if d and d.weekday() == weekday]
        if fits:
            return DateReading(min(fits, key=lambda d: abs((d - today).days)))
    said = None if m["mod"] else direction_in_words(m.string, m.start(), m.end())
    return _weekday(WEEKDAYS[m["weekday"].lower()], today, said or direction, m["mod"] or "")


def _r_ordinal(m, today, direction):
    day = int(m["day"]) if m["day"] else ORDINAL_WORDS[m["dayword"].lower()]
    return _day_of_month(day, today, direction_in_words(m.string, m.start(), m.end()) or direction)


def _r_month_edge(m, today, direction):
    month = today.replace(day=1)
    if m["which"] and m["which"].lower() == "next":
        month = _add_months(month, 1)
    elif m["which"] and m["which"].lower() == "last":
        month = _add_months(month, -1)
    if re.sub(r"^the\s+", "", m["edge"].lower()).startswith(("end", "last")):
        return DateReading(month.replace(day=calendar.monthrange(month.year, month.month)[1]))
    return DateReading(month)


_READERS = (
    (re.compile(r"\b(?P<y>(?:19|20)\d\d)[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})\b"), _r_iso),
    (re.compile(r"(?<![\d/.-])(?P<a>\d{1,2})(?P<sep>[/.-])(?P<b>\d{1,2})(?:(?P=sep)(?P<y>(?:19|20)?\d\d))?"
                r"(?![\d/-])(?!\.\d)"), _r_numeric),
    (re.compile(rf"\b{_MONTH}\s+(?:the\s+)?(?:{_DAY})\b{_YEAR}", re.I), _month_day),
    (re.compile(rf"\b(?:the\s+)?(?:{_DAY})\s+(?:of\s+)?{_MONTH}(?![a-z]){_YEAR}", re.I), _month_day),
    (re.compile(rf"\b(?:(?P<prep>on|at|over|since|around|from|until|till|by)\s+)?"
                rf"(?:(?:the\s+)?(?:(?:(?P<n>{_NUM})\s+{_UNIT}|day|{_WEEKDAY})\s+(?P<rel>before|after)\s+))?"
                rf"(?P<holiday>{_HOLIDAY})(?![a-z])", re.I), _r_holiday),
    (re.compile(rf"\b(?P<n>{_NUM})\s+{_UNIT}\s+ago\s+(?:(?:last|on)\s+)?(?P<anchor>yesterday|today|{_WEEKDAY})(?![a-z])",
                re.I), _r_ago_from),
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
    (re.compile(r"\b(?P<edge>end|the end|start|the start|beginning|the beginning|(?:the\s+)?(?:last|first)\s+day)"
                r"\s+of\s+(?:the\s+)?"
                r"(?P<which>this|next|last)?\s*month\b", re.I), _r_month_edge),
    (re.compile(rf"\b(?:on\s+)?the\s+(?:{_DAY})\b{_NOT_A_DAY_AFTER}", re.I), _r_ordinal),
    (re.compile(rf"\b(?:on\s+)?(?P<day>\d{{1,2}})(?:st|nd|rd|th)\b{_NOT_A_DAY_AFTER}", re.I), _r_ordinal),
)


def read_date(text: Optional[str], today: date, direction: Optional[str] = None) -> DateReading:
    """The date the text states, read for a question looking `direction` ('past'/'future'/None): the
    first by the readers' order, unless the words say another is meant (_meant)."""
    text = _clean((text or "")[:5000])
    if not re.search(r"[0-9]|[a-z]{3}", text, re.I):
        return DateReading()
    needs = False
    found: list[tuple[int, int, DateReading]] = []  # in the readers' order; a span read once
    for pattern, reader in _READERS:
        for m in pattern.finditer(text):
            if any(m.start() < end and start < m.end() for start, end, _ in found):
                continue
            reading = reader(m, today, direction)
            if reading.value or reading.options:
                found.append((m.start(), m.end(), reading))
            needs = needs or reading.needs_direction
    if not found:
        return DateReading(needs_direction=needs)
    return _meant(text, _without_weekdays_of_dates(text, found))


# A weekday said alone, right before a date: "Thursday 26 November" names one day, not two.
_ONLY_A_WEEKDAY = re.compile(rf"^(?:on\s+)?{_WEEKDAY}$", re.I)
_WEEKDAY_TO_DATE = re.compile(r"^,?\s+(?:the\s+)?$")


def _without_weekdays_of_dates(text: str, found: list[tuple[int, int, DateReading]]) -> list[tuple[int, int, DateReading]]:
    """The dates found, each weekday that only names the weekday of the date right after it read as that date."""
    merged = []
    for start, end, reading in found:
        if _ONLY_A_WEEKDAY.match(text[start:end]):
            named = [r for s, _, r in found if s >= end and _WEEKDAY_TO_DATE.match(text[end:s])]
            reading = named[0] if named else reading
        merged.append((start, end, reading))
    return merged


# Before a date, words that rule it out: "not the 3rd", "it wasn't Tuesday" ("wasnt"), "instead of the 4th".
_RULED_OUT = re.compile(rf"(?:\bnot|n't|{NEGATED_CONTRACTION.pattern}|\bnever|\binstead of|\brather than)\s+"
                        r"(?:(?:on|the|for|in|at|until)\s+)*$", re.I)
# Between two dates, words that replace the first: "Dec 3rd - sorry, I mean Dec 4th", "moved to the 9th".
_REPLACED_BY_NEXT = re.compile(r"\b(?:sorry|i mean|i meant|no wait|wait|actually|correction|scratch that|make that|"
                               r"oops|my bad|typo|moved|rescheduled|changed|pushed|postponed|brought forward)\b", re.I)
# Between two dates, only "or": either may be meant ("the 3rd or 4th").
_EITHER = re.compile(r"^\W*(?:or|either)\W+(?:(?:maybe|possibly|perhaps|on|the)\s+)*$", re.I)


def _meant(text: str, found: list[tuple[int, int, DateReading]]) -> DateReading:
    """Of several dates in one message, the one meant: not one ruled out, the later of a correction, both
    offered for "X or Y"; otherwise the first by the readers' order (found[0])."""
    if len({(r.value, r.options) for _, _, r in found}) < 2:
        return found[0][2]
    in_text = sorted(found, key=lambda item: item[0])
    kept = [item for item in in_text if not _RULED_OUT.search(text[max(0, item[0] - 30):item[0]])] or in_text
    for (_, end, first), (start, _, second) in zip(kept, kept[1:]):
        between = text[end:start]
        if first.value and second.value and first.value != second.value and _EITHER.search(between):
            return DateReading(options=(first.value, second.value))
    for (_, end, _), later in zip(kept, kept[1:]):
        if _REPLACED_BY_NEXT.search(text[end:later[0]]):
            kept = kept[kept.index(later):]
            break
    if len(kept) < len(in_text):
        return kept[0][2]
    return found[0][2]


def has_date(text: Optional[str], today: date) -> bool:
    """Whether the text states a date at all (in either direction)."""
    return read_date(text, today, PAST).found or read_date(text, today, None).found


def spoken(d: date) -> str:
    """A date as customers read it: '4 March 2026'."""
    return f"{d.day} {calendar.month_name[d.month]} {d.year}"


def short(d: date) -> str:
    """'4 March' (the year left out), for choosing between two readings."""
    return f"{d.day} {calendar.month_name[d.month]}"


# ---- Vague answers: a range of days, not a date -------------------------------------------------

@dataclass(frozen=True)
class DateRange:
    """Days a vague answer allows, first and last included ("sometime in November")."""

    first: date
    last: date

    def days(self) -> list[date]:
        return [self.first + timedelta(days=i) for i in range((self.last - self.first).days + 1)]

    def iso(self) -> str:
        """ISO 8601 interval notation, as slots and records keep it: '2026-11-01/2026-11-30'."""
        return f"{self.first.isoformat()}/{self.last.isoformat()}"

    @classmethod
    def from_iso(cls, text: Optional[str]) -> Optional["DateRange"]:
        try:
            first, last = str(text).split("/")
            return cls(date.fromisoformat(first), date.fromisoformat(last))
        except (TypeError, ValueError):
            return None


_PART = {"early": (1, 10), "beginning": (1, 10), "start": (1, 10), "mid": (11, 20), "middle": (11, 20),
         "late": (21, 31), "end": (21, 31)}
_PART_WORDS = r"(?:the\s+)?(?P<part>early|beginning|start|mid|middle|late|end)(?:\s+of)?[\s-]+(?:the\s+month\s+of\s+)?"
_IN_WORDS = r"(?:(?:some\s*time|somewhere|back|at some point)\s+)?(?:in|during|around|over|since)\s+(?:the\s+month\s+of\s+)?"
_VAGUE_MONTH = re.compile(rf"\b(?:{_PART_WORDS})?(?P<which>last|this|next)\s+month\b|"
                          rf"\b(?:{_PART_WORDS.replace('<part>', '<part2>')}|{_IN_WORDS}|(?:some\s*time|around)\s+)"
                          rf"{_MONTH}(?!\s*\d)(?![a-z])|"
                          rf"^\W*{_MONTH.replace('<month>', '<month2>')}(?:\s+(?:i think|sometime|some time|i guess|"
                          r"probably|maybe|or so))?\W*$", re.I)
_VAGUE_WEEK = re.compile(r"\b(?P<which>last|this|next|earlier this|later this)\s+week\b", re.I)
_VAGUE_EARLIER = re.compile(r"\b(?P<which>earlier|later)\s+(?:this|in the)\s+month\b", re.I)
_FEW_AGO = re.compile(r"\b(?:a\s+)?few\s+(?P<unit>day|week)s?\s+ago\b", re.I)
# "a couple of weeks back": about two weeks, give or take half a week; "a couple of months": 6 to 10 weeks
_COUPLE_AGO = re.compile(r"\b(?:a\s+)?couple(?:\s+of)?\s+(?P<unit>week|month)s?\s+(?:ago|back|before)\b", re.I)


def _month_range(first: date, part: Optional[str]) -> DateRange:
    last_day = calendar.monthrange(first.year, first.month)[1]
    lo, hi = _PART.get((part or "").lower(), (1, last_day))
    return DateRange(first.replace(day=lo), first.replace(day=min(hi, last_day)))


def _named_month(month: int, today: date, direction: Optional[str], words: Optional[str]) -> Optional[date]:
    """The first of the named month: this month, else the nearest in the words' or question's direction."""
    if month == today.month:
        return today.replace(day=1)
    way = words or direction
    if way is None:
        ahead = (month - today.month) % 12
        way = FUTURE if ahead <= 1 else PAST  # next month is "coming up"; others are the last one
    year = today.year if (month < today.month) == (way == PAST) else today.year + (1 if way == FUTURE else -1)
    return date(year, month, 1)


def _clip(found: DateRange, today: date, direction: Optional[str]) -> Optional[DateRange]:
    """The part of a range on the asked side of today (None when nothing is left)."""
    first, last = found.first, found.last
    if direction == PAST:
        last = min(last, today)
    elif direction == FUTURE:
        first = max(first, today)
    return DateRange(first, last) if first <= last else None


def read_date_range(text: Optional[str], today: date, direction: Optional[str] = None) -> Optional[DateRange]:
    """The days a vague answer allows ("earlier this month", "sometime last month", "mid November").

    None when the text states an exact date (read_date reads it) or nothing about when.
    """
    text = _clean((text or "")[:5000])
    if read_date(text, today, direction or PAST).value or read_date(text, today, direction or PAST).options:
        return None
    found: Optional[DateRange] = None
    words: Optional[str] = None
    m = _VAGUE_EARLIER.search(text)
    if m:
        start = today.replace(day=1)
        end = today.replace(day=calendar.monthrange(today.year, today.month)[1])
        found = (DateRange(start, today) if m["which"].lower() == "earlier" else DateRange(today, end))
    if found is None and (m := _VAGUE_WEEK.search(text)):
        monday = today - timedelta(days=today.weekday())
        which = m["which"].lower()
        words = PAST if which == "last" else FUTURE if which == "next" else None
        found = {"last": DateRange(monday - timedelta(days=7), monday - timedelta(days=1)),
                 "this": DateRange(monday, monday + timedelta(days=6)),
                 "earlier this": DateRange(monday, today),
                 "later this": DateRange(today, monday + timedelta(days=6)),
                 "next": DateRange(monday + timedelta(days=7), monday + timedelta(days=13))}[which]
    if found is None and (m := _FEW_AGO.search(text)):
        found = (DateRange(today - timedelta(days=6), today - timedelta(days=2)) if m["unit"].lower() == "day"
                 else DateRange(today - timedelta(days=27), today - timedelta(days=10)))
    if found is None and (m := _COUPLE_AGO.search(text)):
        found = (DateRange(today - timedelta(days=18), today - timedelta(days=10)) if m["unit"].lower() == "week"
                 else DateRange(today - timedelta(weeks=10), today - timedelta(weeks=6)))
    if found is None and (m := _VAGUE_MONTH.search(text)):
        words = direction_in_words(text, m.start(), m.end())
        if m["which"] and m["which"].lower() in ("last", "next"):
            words = PAST if m["which"].lower() == "last" else FUTURE
        if m["which"]:
            first = _add_months(today.replace(day=1), {"last": -1, "this": 0, "next": 1}[m["which"].lower()])
        else:
            first = _named_month(MONTHS[(m["month"] or m["month2"]).lower()], today, direction, words)
        found = _month_range(first, m["part"] or m["part2"]) if first else None
    if found is None:
        return None
    return _clip(found, today, words or direction)


def spoken_range(found: DateRange) -> str:
    """'1 to 30 November 2026', '24 November to 3 December 2026'."""
    if found.first == found.last:
        return spoken(found.first)
    if (found.first.year, found.first.month) == (found.last.year, found.last.month):
        return f"{found.first.day} to {spoken(found.last)}"
    if found.first.year == found.last.year:
        return f"{short(found.first)} to {spoken(found.last)}"
    return f"{spoken(found.first)} to {spoken(found.last)}"


def as_checked(d: date, today: date) -> str:
    """A date the way a person checks it: 'Friday 18 December 2026 (in 12 days)'."""
    days = (d - today).days
    when = ("today" if days == 0 else "tomorrow" if days == 1 else "yesterday" if days == -1
            else f"in {days} days" if days > 0 else f"{-days} days ago")
    return f"{calendar.day_name[d.weekday()]} {spoken(d)} ({when})"
