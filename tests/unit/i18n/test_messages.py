"""Messages with a count (i18n/messages.py ``counted``): the form for the count chosen when
translated, in each language's own plural rule, with the shipped catalogs."""

import pytest
from pyramid.i18n import make_localizer

from scratchpad.accounts.passwords import PasswordError, validate_new_password
from scratchpad.i18n.messages import Explained, counted, localized, message_of
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
        mapping={"count": "4 096", "length": "4 100"},
    )
    assert localized(localizer, message) == (
        "Un commentaire peut compter au plus 4 096 caractères\u00a0; celui-ci en compte 4 100."
    )
