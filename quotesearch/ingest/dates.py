"""Publication dates as ISO 8601 strings.

``parse_date`` turns what archives and web pages hold ("2019-03-05T12:30:00Z",
"Tue, 05 Mar 2019 12:30:00 GMT", "March 5, 2019", 1551789000 ...) into "YYYY-MM-DD", or
"YYYY-MM-DDTHH:MM:SS" when a time of day is given, followed by "+HH:MM" when the zone is
known (UTC is "+00:00", as ``datetime.isoformat`` writes it). It never guesses: anything
unparseable, impossible or ambiguous ("03/05/2019") gives None.
"""
from __future__ import annotations

import calendar
import re
from datetime import date, datetime, timedelta, timezone
from functools import cache
from typing import Optional

from ..lexicons import lines

MIN_YEAR = 1000  # "0001-01-01" is a placeholder some exports write for "no date"
MISSING = frozenset({"", "-", "none", "null", "nil", "nan", "nat", "n/a", "na", "unknown", "undefined"})
UTC_NAMES = frozenset({"Z", "UT", "UTC", "GMT"})
BOUND_HELP = "use YYYY-MM-DD, YYYY-MM or YYYY"

_WEEKDAY = r"(?:(?i:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*)\.?,?\s+)?"
# an optional time of day; a zone other than UTC named by letters (EST, CET ...) is not one
# zone everywhere, so the local time is kept without it
_TIME = (r"(?:(?:T|,?\s+(?:at\s+)?)(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,]\d+)?)?"
         r"(?:\s*(?P<ampm>(?i:[ap]\.?\s?m\.?)))?(?:\s*(?P<zone>Z|[A-Z]{2,5}|[+-]\d{2}(?::?\d{2})?))?)?")
_PATTERNS = [re.compile(p + _TIME) for p in (
    r"(?P<y>\d{4})(?P<sep>[-/.])(?P<mo>\d{1,2})(?P=sep)(?P<d>\d{1,2})",  # 2019-03-05, 2019/03/05
    _WEEKDAY + r"(?P<mon>[A-Za-z]+)\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>\d{4})",  # March 5, 2019
    _WEEKDAY + r"(?P<d>\d{1,2})(?:st|nd|rd|th)?[\s-]+(?:of\s+)?(?P<mon>[A-Za-z]+)\.?[\s,-]+(?P<y>\d{4})",  # 5 Mar 2019
    r"(?P<a>\d{1,2})(?P<sep>[-/.])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4})",  # 03/05/2019: month or day first
)]
_EPOCH = re.compile(r"\d{10}(?:\.\d+)?|\d{13}")
_YEAR_MONTH = re.compile(r"(\d{4})(?:-(\d{1,2}))?")
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


@cache
def _months() -> dict[str, int]:
    """Month name or abbreviation (lowercase) -> 1..12, from lexicons/months.txt."""
    return {name.lower(): n for n, line in enumerate(lines("months.txt"), 1) for name in line.split()}


def parse_date(value) -> Optional[str]:
    """An ISO 8601 date (or date and time) for ``value``, or None; see the module's doc."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, datetime):
        return value.replace(microsecond=0).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (int, float)):
        return _epoch(value)
    if not isinstance(value, str):
        return None
    text = " ".join(value.split())
    if text.lower() in MISSING:
        return None
    if _EPOCH.fullmatch(text):
        return _epoch(float(text))
    for pattern in _PATTERNS:
        m = pattern.fullmatch(text)
        if m:
            try:
                return _from_match(m.groupdict())
            except ValueError:
                return None
    return None


def _epoch(seconds: float) -> Optional[str]:
    """Seconds (10 digits) or milliseconds (13 digits) since 1970 as a UTC time; other numbers None."""
    if 1e12 <= seconds < 1e13:
        seconds /= 1000
    elif not 1e9 <= seconds < 1e10:  # NaN too
        return None
    return datetime.fromtimestamp(int(seconds), timezone.utc).isoformat()


def _from_match(g: dict) -> Optional[str]:
    year = int(g["y"])
    if g.get("mon"):
        readings = {(_months().get(g["mon"].lower(), 0), int(g["d"]))}
    elif g.get("a"):  # both (month, day) readings; only one may make a date, or both the same one
        a, b = int(g["a"]), int(g["b"])
        readings = {(a, b), (b, a)}
    else:
        readings = {(int(g["mo"]), int(g["d"]))}
    days = set()
    for month, day in readings:
        try:
            days.add(date(year, month, day))
        except ValueError:
            pass
    if len(days) != 1 or year < MIN_YEAR:
        return None
    day = days.pop()
    if g["H"] is None:
        return day.isoformat()
    hour = int(g["H"])
    if g["ampm"]:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if g["ampm"][0].lower() == "p" else 0)
    at = datetime(day.year, day.month, day.day, hour, int(g["M"]), int(g["S"] or 0), tzinfo=_zone(g["zone"]))
    return at.isoformat()


def _zone(zone: Optional[str]) -> Optional[timezone]:
    if not zone or (zone.isalpha() and zone not in UTC_NAMES):
        return None
    if zone in UTC_NAMES:
        return timezone.utc
    digits = zone[1:].replace(":", "")
    offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:] or 0))
    return timezone(-offset if zone[0] == "-" else offset)  # ValueError past 24 hours


def date_only(iso: Optional[str]) -> Optional[str]:
    """The "YYYY-MM-DD" part of an ISO date or date and time; None for None or anything else."""
    if not iso or not _ISO_DAY.match(iso):
        return None
    return iso[:10]


def parse_bound(text: str, end: bool = False) -> str:
    """A --since/--until value as "YYYY-MM-DD": "YYYY" and "YYYY-MM" stand for their first day,
    or with ``end`` their last; a full date (anything parse_date reads) for its day.
    Raises ValueError with a one-line message otherwise."""
    s = str(text).strip()
    m = _YEAR_MONTH.fullmatch(s)
    if m and int(m[1]) >= MIN_YEAR and 1 <= int(m[2] or 1) <= 12:
        year = int(m[1])
        month = int(m[2]) if m[2] else (12 if end else 1)
        day = calendar.monthrange(year, month)[1] if end else 1
        return date(year, month, day).isoformat()
    day = date_only(parse_date(s))
    if day is None:
        raise ValueError(f"not a date: {text!r} ({BOUND_HELP})")
    return day
