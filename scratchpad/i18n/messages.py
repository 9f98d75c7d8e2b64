"""Marking texts written in Python for translation, and translating them for a reader.

``_("...")`` marks a message (Babel's extraction finds it) and makes a
``TranslationString`` of the ``scratchpad`` domain: still the English ``str``, so code that
never translates it (logs, scripts, the API's JSON) reads the source text. What a reader sees
in a page goes through ``translate``, in the request's language. Placeholders are
``${name}`` (Pyramid's form), filled from the keywords, so a translator may move them. A
count, a length or minutes filling one (``Quantity``) is written as the reader's language
writes numbers (4,096 / 4.096 / 4 096), as the pages' ``number`` filter writes them.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from pyramid.i18n import Localizer, TranslationString, make_localizer
from pyramid.interfaces import ILocalizer, ITranslationDirectories
from pyramid.request import Request

from scratchpad.i18n.dates import UTC_ENGLISH, drawn_locale_name, local_format

DOMAIN = "scratchpad"


def _(message: str, mapping: Mapping[str, object] | None = None) -> str:
    """``message`` marked for translation (a ``TranslationString`` of the ``scratchpad``
    domain), its ``${name}`` placeholders to be filled from ``mapping``."""
    marked: str = TranslationString(message, domain=DOMAIN, mapping=dict(mapping) if mapping else None)
    return marked


class Counted(TranslationString):
    """A marked message with a count in it (``${count}``): which of the language's plural
    forms it takes (Arabic has six) is chosen when it is translated (``localized``), so a
    message raised far from any request (a form field's check) still says "1 character"
    and "5 characters" right. Made by ``counted``."""

    __slots__ = ("count", "plural")

    plural: str
    count: int


def counted(singular: str, plural_form: str, count: int, mapping: Mapping[str, object] | None = None) -> str:
    """``_`` for a message with a count: ``singular`` and ``plural_form`` (extracted as a
    plural pair, ``-k counted:1,2``), ``${count}`` in them filled with ``count``."""
    marked = Counted(singular, domain=DOMAIN, mapping={"count": Quantity(count), **(mapping or {})})
    marked.plural = plural_form
    marked.count = count
    return marked


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number that fills a message's placeholder (a length, a limit, minutes): written as
    the reader's language writes numbers when the message is translated (``localized``), as
    English writes them (4,096) anywhere else. An id or a year stays a plain ``int``."""

    value: int | float

    def __str__(self) -> str:
        return UTC_ENGLISH.number(self.value)


def written_numbers(values: Mapping[str, object], locale_name: str) -> dict[str, object]:
    """``values`` with each ``Quantity`` written as the locale writes numbers: a German
    reader's "höchstens 4.096 Zeichen" next to the form's counter, which says 4.096 too, not
    the source's 4,096 inside German words."""
    if not any(isinstance(value, Quantity) for value in values.values()):
        return dict(values)  # most messages: no format looked up
    number = local_format(drawn_locale_name(locale_name), "UTC").number
    return {
        name: number(value.value) if isinstance(value, Quantity) else value for name, value in values.items()
    }


def localized(localizer: Localizer, message: str, **mapping: object) -> str:
    """``message`` in the localizer's language (a ``Counted`` in the form for its count), its
    ``${name}`` placeholders filled from ``mapping`` after any the message carries."""
    values = written_numbers({**(getattr(message, "mapping", None) or {}), **mapping}, localizer.locale_name)
    if isinstance(message, Counted):
        return str(localizer.pluralize(message, message.plural, message.count, domain=DOMAIN, mapping=values))
    return str(localizer.translate(TranslationString(message, domain=DOMAIN, mapping=values or None)))


def translate(request: Request, message: str, **mapping: object) -> str:
    """``message`` in the reader's language, its ``${name}`` placeholders filled from
    ``mapping`` (after any the message carries). Text never marked with ``_`` is looked up
    too, and comes back as it is when no catalog has it."""
    return localized(request.localizer, message, **mapping)


class Explained(Exception):
    """A mixin for exceptions raised with a marked message (``raise Refused(_("...",
    mapping=...))``): ``str(error)`` is the English text with its placeholders filled, for the
    command line and the logs; a view translates ``message_of(error)``."""

    def __str__(self) -> str:
        message = self.args[0] if self.args else None
        if isinstance(message, Counted):
            english = message if message.count == 1 else message.plural
            return str(TranslationString(english, mapping=message.mapping).interpolate())
        if isinstance(message, TranslationString):
            return str(message.interpolate())
        return super().__str__()


def plural_pair(singular: str, plural_form: str) -> tuple[str, str]:
    """Marks a singular and its plural for extraction (``-k plural_pair:1,2``), for ``plural``
    to choose from later, when the count is known."""
    return singular, plural_form


def message_of(error: Exception) -> str:
    """The message an exception was raised with, still marked (``str(error)`` would be the
    plain English text): for a view to hand to its template or to ``translate``."""
    return error.args[0] if error.args and isinstance(error.args[0], str) else str(error)


def plural(request: Request, singular: str, plural_form: str, count: int, **mapping: object) -> str:
    """The form of ``singular``/``plural_form`` the language uses for ``count`` (Arabic has
    six); ``${count}`` in the text is the count."""
    localizer = request.localizer
    values = written_numbers({"count": Quantity(count), **mapping}, localizer.locale_name)
    return str(localizer.pluralize(singular, plural_form, count, domain=DOMAIN, mapping=values))


def translate_in(request: Request, language: str, message: str, **mapping: object) -> str:
    """``message`` in ``language`` rather than the request's: a mail in its recipient's
    language, or the message saying a member's new choice is saved, in that choice. The
    localizer is the one Pyramid keeps for every request in ``language``."""
    registry = request.registry
    localizer = registry.queryUtility(ILocalizer, name=language)
    if localizer is None:
        localizer = make_localizer(language, registry.queryUtility(ITranslationDirectories, default=[]))
        registry.registerUtility(localizer, ILocalizer, name=language)
    return localized(localizer, message, **mapping)


def nothing_changed(request: Request, error: Exception) -> str:
    """A refused form's reason, and that nothing was changed, in the reader's language."""
    return translate(request, _("${error} Nothing was changed."), error=translate(request, message_of(error)))
