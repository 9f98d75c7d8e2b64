"""When a suspension ends (accounts/suspension.py): the lengths and times the page and the
command line accept, and what a suspended member is told. No database."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from scratchpad.accounts.suspension import MAX_DAYS, InvalidUntil, active_until, parse_until, refusal
from scratchpad.models import User

NOW = datetime(2026, 12, 4, 22, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "text, until",
    [
        ("7d", NOW + timedelta(days=7)),
        ("12h", NOW + timedelta(hours=12)),
        (" 1d ", NOW + timedelta(days=1)),
        ("2026-12-31", datetime(2026, 12, 31, tzinfo=UTC)),
        ("2026-12-31T18:30", datetime(2026, 12, 31, 18, 30, tzinfo=UTC)),
        ("2026-12-31T18:30+01:00", datetime(2026, 12, 31, 17, 30, tzinfo=UTC)),
    ],
)
def test_lengths_dates_and_times_give_an_end_in_utc(text, until):
    assert parse_until(text, NOW) == until


@pytest.mark.parametrize(
    "text, said",
    [
        ("", "is not a time"),
        ("7 days", "is not a time"),
        ("0d", "is not a time"),
        ("-1d", "is not a time"),
        ("31/12/2026", "is not a time"),
        ("2026-02-30", "is not a time"),
        ("2026-12-04", "has passed"),
        ("2026-12-04T22:00", "has passed"),
        (f"{MAX_DAYS + 1}d", f"at most {MAX_DAYS:,} days"),
        ("9999-12-31", f"at most {MAX_DAYS:,} days"),
        ("999999d", f"at most {MAX_DAYS:,} days"),
        ("99999999d", "is not a time"),
    ],
)
def test_anything_else_is_refused_with_a_reason(text, said):
    with pytest.raises(InvalidUntil, match=said):
        parse_until(text, NOW)


@pytest.mark.parametrize(
    "suspended_until, active",
    [
        (None, None),
        (NOW - timedelta(seconds=1), None),
        (NOW, None),
        (NOW + timedelta(seconds=1), NOW + timedelta(seconds=1)),
    ],
)
def test_a_suspension_lasts_until_its_end_and_not_a_moment_more(suspended_until, active):
    assert active_until(User(suspended_until=suspended_until), NOW) == active


def test_the_refusal_says_until_when_in_utc_whatever_the_zone_stored():
    later = datetime(2099, 3, 4, 6, 6, tzinfo=timezone(timedelta(hours=1)))
    message = refusal(User(suspended_until=later)).interpolate()
    assert "suspended until Wednesday, 04 March 2099 at 05:06 UTC" in message


def test_nobody_and_the_unsuspended_are_never_refused():
    assert (refusal(None), refusal(User(suspended_until=None))) == (None, None)
