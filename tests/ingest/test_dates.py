"""parse_date, date_only and parse_bound: every accepted form, and None for anything unsure."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from quotesearch.ingest.dates import date_only, parse_bound, parse_date

PARSE_DATE = [
    # ISO 8601
    ("2019-03-05", "2019-03-05"),
    ("2019-3-5", "2019-03-05"),
    ("2019-03-05T12:30:00Z", "2019-03-05T12:30:00+00:00"),
    ("2019-03-05T12:30:00.123+02:00", "2019-03-05T12:30:00+02:00"),
    ("2019-03-05T12:30:00-0500", "2019-03-05T12:30:00-05:00"),
    ("2019-03-05T12:30+05:30", "2019-03-05T12:30:00+05:30"),
    ("2019-03-05T00:00:00", "2019-03-05T00:00:00"),
    ("2019-03-05 12:30:00", "2019-03-05T12:30:00"),  # as news-please writes it
    ("  2019-03-05 12:30:00 UTC ", "2019-03-05T12:30:00+00:00"),
    ("2019/03/05", "2019-03-05"),
    ("2019.03.05", "2019-03-05"),
    # RFC 2822
    ("Tue, 05 Mar 2019 12:30:00 GMT", "2019-03-05T12:30:00+00:00"),
    ("Tue, 05 Mar 2019 12:30:00 +0100", "2019-03-05T12:30:00+01:00"),
    ("Tue, 5 Mar 2019 12:30:00 EST", "2019-03-05T12:30:00"),  # a lettered zone other than UTC: local time kept
    # month names
    ("March 5, 2019", "2019-03-05"),
    ("Mar. 5, 2019", "2019-03-05"),
    ("Sept. 30, 2019", "2019-09-30"),
    ("march 5 2019", "2019-03-05"),
    ("Tuesday, March 5th, 2019", "2019-03-05"),
    ("5 March 2019", "2019-03-05"),
    ("5 Mar 2019", "2019-03-05"),
    ("05-Mar-2019", "2019-03-05"),
    ("5th of March, 2019", "2019-03-05"),
    ("March 5, 2019, 3:30 p.m.", "2019-03-05T15:30:00"),
    ("March 5, 2019 at 12:05 AM", "2019-03-05T00:05:00"),
    ("March 5, 2019 12:00 pm", "2019-03-05T12:00:00"),
    ("March 2019", None),  # a month is not a date
    ("Smarch 5, 2019", None),
    ("Foo March 5, 2019", None),
    ("March 5, 2019 13:00 pm", None),
    # epoch seconds and milliseconds, UTC
    (1551789000, "2019-03-05T12:30:00+00:00"),
    (1551789000.9, "2019-03-05T12:30:00+00:00"),
    (1551789000123, "2019-03-05T12:30:00+00:00"),
    ("1551789000", "2019-03-05T12:30:00+00:00"),
    ("1551789000123", "2019-03-05T12:30:00+00:00"),
    (0, None),
    (-1551789000, None),
    (2019, None),
    ("20190305", None),
    ("155178900", None),
    (float("nan"), None),
    (float("inf"), None),
    (True, None),
    # datetime and date objects
    (datetime(2019, 3, 5, 12, 30, 1, 999), "2019-03-05T12:30:01"),
    (datetime(2019, 3, 5, 12, 30, tzinfo=timezone.utc), "2019-03-05T12:30:00+00:00"),
    (datetime(2019, 3, 5, 12, 30, tzinfo=timezone(timedelta(hours=-4))), "2019-03-05T12:30:00-04:00"),
    (date(2019, 3, 5), "2019-03-05"),
    # missing values and garbage
    (None, None),
    ("", None),
    ("   ", None),
    ("None", None),
    ("null", None),
    ("NaN", None),
    ("n/a", None),
    ("unknown", None),
    ("garbage", None),
    ("yesterday", None),
    ([2019, 3, 5], None),
    ({"date": "2019-03-05"}, None),
    ("0001-01-01T00:00:00", None),  # a placeholder, not a date
    # impossible dates and times
    ("2019-02-30", None),
    ("2019-02-29", None),
    ("2020-02-29", "2020-02-29"),
    ("2019-13-01", None),
    ("2019-03-05T24:00:00", None),
    ("2019-03-05T12:60:00", None),
    ("2019-03-05T12:30:00+24:00", None),
    ("February 30, 2019", None),
    # day and month in either order: only when one reading is possible, or both are the same day
    ("03/05/2019", None),
    ("3.5.2019", None),
    ("13/05/2019", "2019-05-13"),
    ("05/13/2019", "2019-05-13"),
    ("05/05/2019", "2019-05-05"),
    ("31/02/2019", None),
    ("03/05/19", None),
]


@pytest.mark.parametrize("value, expected", PARSE_DATE, ids=[repr(v) for v, _ in PARSE_DATE])
def test_parse_date(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize("value, expected", [
    ("2019-03-05", "2019-03-05"),
    ("2019-03-05T12:30:00+00:00", "2019-03-05"),
    ("2019-03-05T23:30:00-05:00", "2019-03-05"),
    (None, None),
    ("", None),
    ("March 5, 2019", None),
    ("2019-03", None),
])
def test_date_only(value, expected):
    assert date_only(value) == expected


@pytest.mark.parametrize("text, start, end", [
    ("2024", "2024-01-01", "2024-12-31"),
    ("2024-02", "2024-02-01", "2024-02-29"),
    ("2023-02", "2023-02-01", "2023-02-28"),
    ("2024-4", "2024-04-01", "2024-04-30"),
    ("2024-02-10", "2024-02-10", "2024-02-10"),
    (" 2024-12 ", "2024-12-01", "2024-12-31"),
    ("March 5, 2019", "2019-03-05", "2019-03-05"),
    ("2019-03-05T23:30:00-05:00", "2019-03-05", "2019-03-05"),
    ("1551789000", "2019-03-05", "2019-03-05"),
])
def test_parse_bound(text, start, end):
    assert parse_bound(text) == start
    assert parse_bound(text, end=True) == end


@pytest.mark.parametrize("text", [
    "foo", "", "2024-13", "2024-00", "0999", "March 2019", "03/05/2019", "2019-02-30", "24"])
def test_parse_bound_refuses(text):
    with pytest.raises(ValueError) as e:
        parse_bound(text)
    assert str(e.value) == f"not a date: {text!r} (use YYYY-MM-DD, YYYY-MM or YYYY)"
