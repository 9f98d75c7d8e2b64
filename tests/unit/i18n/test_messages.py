"""Messages with a count (i18n/messages.py ``counted``): the form for the count chosen when
translated, in each language's own plural rule, with the shipped catalogs; the numbers in
them written as the language writes numbers."""

import pytest
from pyramid import testing
from pyramid.i18n import make_localizer

from scratchpad.accounts.passwords import PasswordError, validate_new_password
from scratchpad.i18n.messages import Explained, Quantity, _, counted, localized, message_of, plural
from tests.support.paths import ROOT

LOCALE = str(ROOT / "scratchpad" / "locale")
SECONDS = (
    "You have made as many searches as a minute allows; please wait ${count} second before searching again.",
    "You have made as many searches as a minute allows; please wait ${count} seconds before searching again.",
)


class Refused(Explained, ValueError):
    pass


def refusal(min_length):
    with pytest.raises(PasswordError) as raised:
        validate_new_password("x", min_length)
    return raised.value


def test_a_counted_message_reads_in_english_in_the_form_for_its_count():
    assert [str(refusal(n)) for n in (2, 3)] == [
        "The password must be at least 2 characters long.",
        "The password must be at least 3 characters long.",
    ]
    assert str(Refused(counted(*SECONDS, 1))) == (
        "You have made as many searches as a minute allows; please wait 1 second before searching again."
    )


@pytest.mark.parametrize(
    "language, count, wait",
    [
        ("fr", 1, "veuillez patienter 1 seconde avant"),
        ("fr", 2, "veuillez patienter 2 secondes avant"),
        ("es", 1, "espera 1 segundo antes"),
        ("es", 5, "espera 5 segundos antes"),
        ("de", 1, "warten Sie 1 Sekunde,"),
        ("ar", 1, "الانتظار 1 ثانية قبل"),
        ("ar", 2, "الانتظار 2 ثانيتين قبل"),
        ("ar", 3, "الانتظار 3 ثوانٍ قبل"),
        ("ar", 11, "الانتظار 11 ثانيةً قبل"),
    ],
)
def test_a_counted_message_takes_the_languages_form_for_its_count(language, count, wait):
    localizer = make_localizer(language, [LOCALE])
    assert wait in localized(localizer, message_of(Refused(counted(*SECONDS, count))))


def test_a_counted_message_keeps_its_other_placeholders():
    localizer = make_localizer("fr", [LOCALE])
    message = counted(
        "Comments can be at most ${count} character long; this one has ${length}.",
        "Comments can be at most ${count} characters long; this one has ${length}.",
        4096,
        mapping={"length": Quantity(4100)},
    )
    assert localized(localizer, message) == (
        "Un commentaire peut compter au plus 4\u202f096 caractères\u00a0; celui-ci en compte 4\u202f100."
    )


LIMIT = (
    "Comments can be at most ${count} character long; this one has ${length}.",
    "Comments can be at most ${count} characters long; this one has ${length}.",
)


@pytest.mark.parametrize(
    "language, written",
    [
        ("en", "Comments can be at most 4,096 characters long; this one has 60,000."),
        ("de", "Kommentare dürfen höchstens 4.096 Zeichen lang sein; dieser hat 60.000."),
        ("ja", "4,096"),
    ],
)
def test_the_numbers_in_a_message_are_written_as_its_language_writes_numbers(language, written):
    """As the pages' ``number`` filter writes them (the form's counter says 4.096 to a German
    reader): the source's 4,096 inside German words was a mix of two languages."""
    message = message_of(Refused(counted(*LIMIT, 4096, mapping={"length": Quantity(60000)})))
    assert written in localized(make_localizer(language, [LOCALE]), message)


def test_the_english_text_of_a_refusal_groups_its_numbers_too():
    """``str(error)``: what the command line and the logs read."""
    assert str(Refused(counted(*LIMIT, 4096, mapping={"length": Quantity(60000)}))) == (
        "Comments can be at most 4,096 characters long; this one has 60,000."
    )
    assert str(Refused(_("At most ${days} days.", mapping={"days": Quantity(3650)}))) == "At most 3,650 days."


def test_an_id_in_a_message_is_not_a_quantity():
    """Comment 1234's untitled feed entry is "comment 1234" in every language (a plain int)."""
    message = _("comment ${id}", mapping={"id": 1234})
    assert localized(make_localizer("de", [LOCALE]), message) == "Kommentar 1234"


@pytest.mark.parametrize(
    "language, minutes, written", [("en", 0.5, "0.5"), ("de", 0.5, "0,5"), ("de", 15.0, "15")]
)
def test_a_number_with_a_fraction_takes_the_languages_decimal_mark(language, minutes, written):
    message = _("Only in the ${minutes} minutes after it was posted.", mapping={"minutes": Quantity(minutes)})
    assert localized(make_localizer(language, [LOCALE]), message) == (
        f"Only in the {written} minutes after it was posted."
    )


def test_a_count_filled_in_by_plural_is_written_as_the_language_writes_numbers():
    request = testing.DummyRequest()
    request.localizer = make_localizer("de", [LOCALE])
    said = plural(request, "${count} notification marked read.", "${count} notifications marked read.", 1234)
    assert "1.234" in said
