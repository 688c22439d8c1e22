"""Dates as the dataset writes them: YYYY-MM-DD, YYYY-MM or YYYY, or empty.

A feature is on the map at day D when start <= D < end. A coarse start means
its first day; a coarse end means the day after its last day; a full end date
is itself the first day on which the feature is gone. An empty start means
"since always", an empty end "still so".
"""

import datetime
import re

_FORMS = (
    (re.compile(r"^(\d{4})-(\d{2})-(\d{2})$"), "day"),
    (re.compile(r"^(\d{4})-(\d{2})$"), "month"),
    (re.compile(r"^(\d{4})$"), "year"),
)


def parse(text):
    """Return (first day, day after the last day) of a date; ValueError if bad."""
    for pattern, precision in _FORMS:
        match = pattern.match(text)
        if not match:
            continue
        numbers = [int(g) for g in match.groups()]
        if precision == "day":
            first = datetime.date(*numbers)
            return first, first + datetime.timedelta(days=1)
        if precision == "month":
            first = datetime.date(numbers[0], numbers[1], 1)
            return first, _next_month(first)
        first = datetime.date(numbers[0], 1, 1)
        return first, datetime.date(numbers[0] + 1, 1, 1)
    raise ValueError("'%s' is not a date (write YYYY-MM-DD, YYYY-MM or YYYY)" % text)


def _next_month(day):
    if day.month == 12:
        return datetime.date(day.year + 1, 1, 1)
    return datetime.date(day.year, day.month + 1, 1)


def start_day(text):
    """First day of a start field, or None when empty (since always)."""
    return parse(text)[0] if text else None


def end_day(text):
    """First day on which a feature is gone, or None when empty (still so).

    "2020-11-10" ends on that day; "1993-02" ends on 1993-03-01.
    """
    if not text:
        return None
    first, after = parse(text)
    return first if after - first == datetime.timedelta(days=1) else after


def check_interval(start, end):
    """An error message when start or end is bad or start is not before end."""
    try:
        first = start_day(start)
        gone = end_day(end)
    except ValueError as error:
        return str(error)
    if first is not None and gone is not None and not first < gone:
        return "start %s is not before end %s" % (start, end)
    return None


def shown_on(start, end, day):
    """True when a feature with these start and end fields is on the map at day."""
    first = start_day(start)
    gone = end_day(end)
    return (first is None or first <= day) and (gone is None or day < gone)
