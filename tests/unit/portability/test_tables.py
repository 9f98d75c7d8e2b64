"""How a column's value is written in an export and read back, by the column's type, with no
database: what makes a new column one line in ``scratchpad/portability/tables.py``."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from scratchpad.models import Comment, User
from scratchpad.portability.tables import SECTIONS, BadValue, from_json, to_json

POSTED_AT = Comment.__table__.c.posted_at
CONTENT = Comment.__table__.c.content
COMMENT_ID = Comment.__table__.c.id
IS_ACTIVE = User.__table__.c.is_active
USERNAME = User.__table__.c.username


def test_a_time_is_utc_with_microseconds_whatever_its_zone():
    paris = timezone(timedelta(hours=1))
    moment = datetime(2026, 12, 4, 20, 0, 0, 5, tzinfo=paris)
    assert to_json(POSTED_AT, moment) == "2026-12-04T19:00:00.000005Z"
    assert from_json(POSTED_AT, "2026-12-04T19:00:00.000005Z") == moment.astimezone(UTC)


@pytest.mark.parametrize(
    "column, value",
    [
        (POSTED_AT, datetime(2026, 1, 2, 3, 4, 5, 600000, tzinfo=UTC)),
        (IS_ACTIVE, False),
        (COMMENT_ID, 12345),
        (CONTENT, "émoji 🎉 and <script>"),
        (POSTED_AT, None),
    ],
)
def test_every_kind_of_value_comes_back_as_it_went(column, value):
    assert from_json(column, to_json(column, value)) == value


@pytest.mark.parametrize(
    "column, value, said",
    [
        (POSTED_AT, "2026-12-04 19:00", "must be a time"),
        (POSTED_AT, 1733338800, "must be a time"),
        (IS_ACTIVE, 1, "true or false"),
        (COMMENT_ID, True, "whole number"),
        (COMMENT_ID, 1.5, "whole number"),
        (CONTENT, 42, "must be a string"),
        (CONTENT, "x" * 4097, "longer than 4096"),
        (USERNAME, None, "must not be null"),
    ],
)
def test_a_value_its_column_cannot_hold_is_named(column, value, said):
    with pytest.raises(BadValue, match=said) as raised:
        from_json(column, value)
    assert column.name in str(raised.value)


def test_no_section_exports_a_session_secret_or_the_stored_html():
    exported = {name for section in SECTIONS for name in section.exported_columns(with_password_hashes=True)}
    assert {"session_secret", "html", "html_version"} & exported == set()


def test_password_hashes_go_only_when_asked_for():
    users = next(section for section in SECTIONS if section.name == "users")
    assert (
        "password_hash" in users.exported_columns(False),
        "password_hash" in users.exported_columns(True),
    ) == (
        False,
        True,
    )


def test_every_exported_column_exists_and_every_required_one_is_exported_or_filled():
    for section in SECTIONS:
        exported = section.exported_columns(with_password_hashes=False)
        filled = section.filled(dict.fromkeys(exported, "text"), ())
        required = {
            column.name
            for column in section.table.columns
            if not column.nullable and column.default is None and column.server_default is None
        }
        assert set(exported) <= set(section.table.columns.keys())
        assert required <= set(exported) | set(filled), section.name
