"""Translations made up for a test, laid over the shipped catalogs of a running app: the
tests of choosing and showing a language need words that differ from the English whatever
the translators have written so far (issue 18 line 2 fills the real catalogs)."""

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from pyramid.interfaces import ILocalizer, ITranslationDirectories
from pyramid.registry import Registry

from scratchpad.i18n.languages import SUPPORTED

#: A message's translation: one string, or one per plural form (msgid is then a pair).
Translations = Mapping[str | tuple[str, str], str | tuple[str, ...]]


def forget_localizers(registry: Registry) -> None:
    """Pyramid keeps one localizer per language once made: make the next request build it
    again from the translation directories."""
    for language in SUPPORTED:
        registry.unregisterUtility(provided=ILocalizer, name=language)


@contextmanager
def made_up_translations(
    registry: Registry, directory: Path, by_language: Mapping[str, Translations]
) -> Iterator[None]:
    """While in the block, ``registry``'s app translates with ``by_language`` (a ``.mo`` per
    language written under ``directory``) over its own catalogs."""
    for language, translations in by_language.items():
        catalog = Catalog(locale=language, domain="scratchpad")
        for message_id, string in translations.items():
            catalog.add(message_id, string)
        folder = directory / language / "LC_MESSAGES"
        folder.mkdir(parents=True)
        with (folder / "scratchpad.mo").open("wb") as file:
            write_mo(file, catalog)
    directories = registry.queryUtility(ITranslationDirectories)
    directories.append(str(directory))  # the last directory's words win (Pyramid merges)
    forget_localizers(registry)
    try:
        yield
    finally:
        directories.remove(str(directory))
        forget_localizers(registry)
