"""Printed dates: the styles e-mail programs print, OCR damage, zones, and no guessing."""

from __future__ import annotations

import pytest

from uncover.analyze.printed_dates import numeric_order_cue, parse_printed_date


@pytest.mark.parametrize("printed,iso", [
    ("Wednesday, September 12, 2012 11:52 AM", "2012-09-12T11:52:00"),  # Outlook
    ("Mon Apr 13 08:13:05 2009", "2009-04-13T08:13:05"),  # BlackBerry
    ("Mon, 2 Apr 2012 17:44:22 +0400", "2012-04-02T17:44:22+04:00"),  # RFC 5322: the offset is kept
    ("Monday, November 25, 2019 10:45 AM EST", "2019-11-25T10:45:00-05:00"),
    ("Friday, November 23, 2012 06:24 PM (GMT-05:00)", "2012-11-23T18:24:00-05:00"),
    ("Sat, Jul 11, 2009 at 9:42 AM", "2009-07-11T09:42:00"),  # Gmail
    ("March-09-12 4:22 PM", "2012-03-09T16:22:00"),
    ("02.04.2012 14:20", "2012-04-02T14:20:00"),  # dotted: day first
    ("11/21/2008 3:10 PM", "2008-11-21T15:10:00"),  # a day above 12 settles the order
    ("2009/03/25 12:20:49", "2009-03-25T12:20:49"),
    ("DATE: April 2, 2009".removeprefix("DATE: "), "2009-04-02"),  # a memo's date: the day only
])
def test_printed_styles(printed, iso):
    got = parse_printed_date(printed)
    assert got.iso == iso and got.warning is None


@pytest.mark.parametrize("printed,iso", [
    ("Sunday, March 27, 201i 9:05 PM", "2011-03-27T21:05:00"),  # i for 1
    ("Friday, May 6, 20111:53 AM", "2011-05-06T01:53:00"),  # year and time run together
    ("Wednesday, September 12 2012 700 PM", "2012-09-12T19:00:00"),  # the colon and comma lost
    ("Saturday, April 02, 2011 1034 AM", "2011-04-02T10:34:00"),
    ("Friday. April 1,2011 11:53 AM", "2011-04-01T11:53:00"),
    ("Wednesday, Septernber 12, 2012 2:11 PM", "2012-09-12T14:11:00"),  # a damaged month name
    ("Monday, April 6, 2009 8 27 PM", "2009-04-06T20:27:00"),
])
def test_ocr_damage_is_repaired_and_flagged(printed, iso):
    got = parse_printed_date(printed)
    assert got.iso == iso


def test_ambiguous_numeric_dates_are_never_guessed():
    got = parse_printed_date("03/04/11")
    assert got.iso is None and got.ambiguous
    assert "March 4 or April 3" in got.warning
    # the document's own usage settles it, either way
    assert parse_printed_date("03/04/11", "mdy").iso == "2011-03-04"
    assert parse_printed_date("03/04/11", "dmy").iso == "2011-04-03"


def test_order_cue_comes_from_unambiguous_dates_only():
    assert numeric_order_cue(["Sent: 10/24/2000 09:15 AM", "10/03/2000"]) == "mdy"
    assert numeric_order_cue(["24/10/2000", "10/03/2000"]) == "dmy"
    assert numeric_order_cue(["10/03/2000"]) is None
    assert numeric_order_cue(["24/10/2000", "10/24/2000"]) is None  # contradictory: no cue


@pytest.mark.parametrize("printed", [
    "nursciay, January ub, 2012 1Z:Zfa PM",  # no day survives: never take a digit of the time for one
    "Thursday, Ma 21 2009 6 31 AM",  # March or May?
    "Friday, June 0:21 AM",
    "soon",
])
def test_unreadable_dates_give_no_date(printed):
    got = parse_printed_date(printed)
    assert got.iso is None and got.warning
