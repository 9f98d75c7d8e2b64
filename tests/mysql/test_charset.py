"""utf8mb4 end to end, and one username rule, on SQLite and on MariaDB alike.

Posted through the real form and read back from the database and the page: 4-byte characters
(emoji, musical symbols) are what a 3-byte "utf8" table or connection would mangle or refuse.
Usernames are stored canonical (trimmed, NFC, lower case) in a column compared byte for byte
(utf8mb4_bin on MariaDB), so "Alice" is alice everywhere, and "alicé" is never alice, as it
would be under MariaDB's default accent-insensitive collation.
"""

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from scratchpad.models import Comment, User
from scratchpad.models.user import canonical_username
from tests.support.factories import PASSWORD, make_user

OTHER_PASSWORD = "another long password"
LONGEST = 4096
FOUR_BYTE_TEXTS = {
    "one emoji": "\N{GRINNING FACE}" * LONGEST,
    "mixed": (
        "\N{MUSICAL SYMBOL G CLEF}\N{PARTY POPPER}\N{GRINNING FACE}\N{MAHJONG TILE RED DRAGON}"
        * (LONGEST // 4)
    ),
}


def stored_texts(dbsession):
    return dbsession.scalars(sa.select(Comment.content).order_by(Comment.id)).all()


def shown_texts(res):
    """As a browser shows them: the newline after the rendered paragraph is not text."""
    return [div.get_text().strip("\n") for div in res.html.select("article.comment .comment-content")]


def logged_in_as(res):
    return res.html.select_one(".navbar-text strong").get_text()


def test_the_texts_are_4096_characters_of_4_bytes_each():
    assert {(len(text), len(text.encode("utf-8"))) for text in FOUR_BYTE_TEXTS.values()} == {
        (LONGEST, 4 * LONGEST)
    }


@pytest.mark.parametrize("text", FOUR_BYTE_TEXTS.values(), ids=FOUR_BYTE_TEXTS.keys())
def test_longest_comment_of_4_byte_characters_is_stored_exactly(logged_in, dbsession, post_comment, text):
    post_comment(logged_in, text, status=303)
    assert stored_texts(dbsession) == [text]


@pytest.mark.parametrize("text", FOUR_BYTE_TEXTS.values(), ids=FOUR_BYTE_TEXTS.keys())
def test_longest_comment_of_4_byte_characters_is_shown_exactly(logged_in, post_comment, text):
    post_comment(logged_in, text, status=303)
    assert shown_texts(logged_in.get("/")) == [text]


def test_one_4_byte_character_too_many_is_refused_with_a_message(logged_in, post_comment):
    res = post_comment(logged_in, "\N{GRINNING FACE}" * (LONGEST + 1), status=400)
    assert res.html.select_one("#contents-error").get_text() == (
        "Comments can be at most 4,096 characters long; this one has 4,097."
    )


def test_one_4_byte_character_too_many_stores_nothing(logged_in, dbsession, post_comment):
    post_comment(logged_in, "\N{GRINNING FACE}" * (LONGEST + 1), status=400)
    assert stored_texts(dbsession) == []


# Usernames


def test_name_typed_in_another_case_logs_in_as_the_same_user(testapp, dbsession):
    make_user(dbsession, canonical_username("Alice"), PASSWORD)
    testapp.login("ALICE", PASSWORD, status=303)
    assert logged_in_as(testapp.get("/")) == "alice"


def test_database_refuses_a_second_user_with_the_same_canonical_name(dbsession):
    make_user(dbsession, canonical_username("alice"), PASSWORD)
    with pytest.raises(IntegrityError):
        make_user(dbsession, canonical_username(" ALICE "), OTHER_PASSWORD)


def test_accented_and_plain_names_are_two_users(dbsession):
    make_user(dbsession, "alice", PASSWORD)
    make_user(dbsession, "alicé", OTHER_PASSWORD)
    assert dbsession.scalars(sa.select(User.username).order_by(User.username)).all() == [
        "alice",
        "alicé",
    ]


@pytest.mark.parametrize("other", ["Alice", "alicé"], ids=["case", "accent"])
def test_database_compares_usernames_byte_for_byte(dbsession, other):
    make_user(dbsession, "alice", PASSWORD)
    found = dbsession.scalars(sa.select(User.username).where(User.username == other)).all()
    assert found == []


@pytest.mark.parametrize(
    "typed, password, shown",
    [
        ("alice", PASSWORD, "alice"),
        ("alicé", OTHER_PASSWORD, "alicé"),
        ("ALICÉ", OTHER_PASSWORD, "alicé"),
        # Decomposed (NFD), as some keyboards and macOS file names send it.
        ("alice\N{COMBINING ACUTE ACCENT}", OTHER_PASSWORD, "alicé"),
    ],
    ids=["plain", "accented", "accented upper case", "accented decomposed"],
)
def test_accented_and_plain_users_each_log_in_with_their_own_password(
    testapp, dbsession, typed, password, shown
):
    make_user(dbsession, "alice", PASSWORD)
    make_user(dbsession, "alicé", OTHER_PASSWORD)
    testapp.login(typed, password, status=303)
    assert logged_in_as(testapp.get("/")) == shown


def test_plain_name_does_not_log_in_with_the_accented_users_password(testapp, dbsession):
    make_user(dbsession, "alice", PASSWORD)
    make_user(dbsession, "alicé", OTHER_PASSWORD)
    res = testapp.login("alice", OTHER_PASSWORD, status=400)
    assert "Incorrect username or password" in res.text
