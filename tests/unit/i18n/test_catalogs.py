"""The shipped catalogs (scratchpad/locale): the .pot holds every marked message of the code
and the templates, each language's .po translates every one of them with the same
placeholders, and the .mo files Pyramid reads are exactly what the .po files compile to.

``test_every_language_translates_every_message`` fails for a language until its translation
(issue 18 line 2) has landed: it names the messages missing, and it is not skipped.
"""

import io
import re

import pytest
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from scratchpad.i18n import catalogs
from scratchpad.i18n.languages import SOURCE, SUPPORTED
from tests.support.paths import ROOT

LOCALE = ROOT / "scratchpad" / "locale"
POT = LOCALE / "scratchpad.pot"
TRANSLATED = [language for language in SUPPORTED if language != SOURCE]
#: ``${name}`` (Pyramid's, in the code) and ``%(name)s`` (Jinja2's, in the templates).
PLACEHOLDER = re.compile(r"\$\{(\w+)\}|%\((\w+)\)[sd]")


def placeholders(text: str) -> list[str]:
    return sorted(name for match in PLACEHOLDER.finditer(text) for name in match.groups() if name)


def read(path):
    with path.open("rb") as file:
        return read_po(file)


def problems(template, catalog) -> list[str]:
    """What a language's catalog lacks: each message of the template untranslated (missing,
    empty, or fuzzy), or translated with other placeholders than its source."""
    found = []
    for message in template:
        if not message.id:
            continue
        translated = catalog.get(message.id, context=message.context)
        strings = (
            []
            if translated is None
            else list(translated.string if translated.pluralizable else [translated.string])
        )
        if translated is None or translated.fuzzy or not strings or not all(strings):
            found.append(f"untranslated: {message.id!r}")
            continue
        sources = message.id if isinstance(message.id, tuple) else (message.id,)
        wanted = placeholders(sources[-1])
        for string in strings:
            if placeholders(string) != wanted and not (
                # a language with one form for every count may leave the count out of "1 ..."
                isinstance(message.id, tuple) and set(placeholders(string)) <= set(wanted)
            ):
                found.append(f"placeholders differ: {message.id!r} -> {string!r}")
    return found


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_language_translates_every_message(language):
    template, catalog = read(POT), read(LOCALE / language / "LC_MESSAGES" / "scratchpad.po")
    assert problems(template, catalog) == []


def test_the_check_finds_a_missing_message_and_a_wrong_placeholder(tmp_path):
    (tmp_path / "t.pot").write_text(
        'msgid "Hello ${username}"\nmsgstr ""\n\nmsgid "Bye"\nmsgstr ""\n\nmsgid "Left"\nmsgstr ""\n'
    )
    (tmp_path / "de.po").write_text(
        'msgid "Hello ${username}"\nmsgstr "Hallo ${name}"\n\n#, fuzzy\nmsgid "Left"\nmsgstr "Links"\n'
    )
    assert problems(read(tmp_path / "t.pot"), read(tmp_path / "de.po")) == [
        "placeholders differ: 'Hello ${username}' -> 'Hallo ${name}'",
        "untranslated: 'Bye'",
        "untranslated: 'Left'",
    ]


def test_every_language_has_its_catalog_with_its_plural_forms():
    forms = {
        language: read(LOCALE / language / "LC_MESSAGES" / "scratchpad.po").num_plurals
        for language in TRANSLATED
    }
    # GNU gettext's forms (its manual's table): French says "0 commentaire", like 1; Spanish's
    # and French's third CLDR form, for round millions, is not worth a form in every entry.
    assert forms == {"de": 2, "fr": 2, "es": 2, "ja": 1, "ar": 6}


def test_the_template_holds_every_message_marked_in_the_code_and_the_templates(tmp_path, monkeypatch):
    """``make messages`` run now would extract exactly the messages the committed .pot holds:
    a text marked since is not forgotten by the translators."""
    extracted = tmp_path / "now.pot"
    monkeypatch.chdir(ROOT)  # babel.cfg's patterns are paths from the repository's root
    CommandLineInterface().run(
        ["pybabel", "--quiet", "extract", "-F", "babel.cfg", "-k", "plural:2,3", "-k", "plural_pair:1,2",
         "-k", "counted:1,2", "-k", "plural_forms:1,2", "-o", str(extracted), "."]
    )  # fmt: skip
    assert sorted(str((message.context, message.id)) for message in read(extracted)) == sorted(
        str((message.context, message.id)) for message in read(POT)
    )


def test_the_compiled_catalogs_are_what_the_po_files_compile_to():
    """The .mo files are never committed (.gitignore): built from the .po files by setup.py
    and ``make install``, byte for byte what the .po files compile to now."""
    catalogs.compile_catalogs()
    for language in TRANSLATED:
        folder = LOCALE / language / "LC_MESSAGES"
        with (folder / "scratchpad.po").open("rb") as file:
            source = read_po(file, locale=language, domain="scratchpad")
        compiled = io.BytesIO()
        write_mo(compiled, source)
        assert (folder / "scratchpad.mo").read_bytes() == compiled.getvalue(), language
