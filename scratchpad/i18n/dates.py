"""Dates and counts as the reader writes them: in their locale (Babel's CLDR data) and their
time zone (``time_zones.py``), through one ``LocalFormat`` per request.

Every date a page shows goes through the ``long_datetime`` filter, every count through
``number``; both read the request the template is drawn for. A page of threads shows a date
per comment, so the work is done once per locale and zone, not once per date: Babel's
``format_datetime`` parses its pattern and looks up its locale on each call (about 100 µs),
while a ``LocalFormat`` keeps the parsed pattern and the ``Locale`` and only applies them
(about 15 µs). Kept per process, a few hundred at most: a locale name is one of CLDR's
(``drawn_locale_name``: anything else is English) and a zone one of the zoneinfo database's.

English, the source language, keeps the format the external contract names (``Tuesday, 24
November 2026 at 09:05``); every other language gets CLDR's full date and short time joined
as its own ``datetime_formats`` say.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from babel.dates import DateTimePattern
from babel.dates import parse_pattern as parse_date_pattern
from babel.lists import format_list
from babel.numbers import NumberPattern
from babel.numbers import parse_pattern as parse_number_pattern
from jinja2 import pass_context
from markupsafe import Markup
from pyramid.config import Configurator
from pyramid.request import Request
from pyramid.threadlocal import get_current_request

FALLBACK_LOCALE = "en"
#: Longer than any CLDR locale name (``ca_ES_VALENCIA``, ``en_US_POSIX``).
MAX_LOCALE_NAME = 32
#: The contract's "Posted <Weekday, DD Month YYYY at HH:MM>" (/work/shared/CONTRACT.md), in
#: CLDR's pattern syntax: the source language keeps what it has always shown.
SOURCE_DATETIME = {"en": "EEEE, dd MMMM y 'at' HH:mm"}
#: Where ``LocalFormat.listed`` marked each item before the locale joined them.
LIST_MARK = re.compile(r"\x00(\d+)\x00")


@dataclass(frozen=True, slots=True)
class LocalFormat:
    """How one locale in one time zone writes a moment and a count."""

    locale: Locale
    #: ``str(locale)``, kept: a kept page's key holds it (``page_cache.variant_of``).
    locale_name: str
    zone: str
    tzinfo: ZoneInfo
    datetime_pattern: DateTimePattern
    number_pattern: NumberPattern

    def datetime(self, moment: datetime) -> str:
        """``moment`` (aware) in the reader's zone, written out in full: weekday, date, time."""
        return self.datetime_pattern.apply(moment.astimezone(self.tzinfo), self.locale)

    def number(self, count: int | float) -> str:
        """A count with the locale's digit grouping: 1,234 / 1.234 / 1 234 (and its decimal
        mark, for minutes: 0.5 / 0,5)."""
        return self.number_pattern.apply(count, self.locale)

    def listed(self, items: Sequence[str], as_code: bool = False) -> Markup:
        """``items`` (text or markup) joined as the locale joins a list: "a, b and c",
        "a、b、c", "a وb وc"; each in a ``<code>`` with ``as_code``. The joining words are
        CLDR's, escaped like the items."""
        marks = [f"\x00{index}\x00" for index in range(len(items))]
        parts = LIST_MARK.split(format_list(marks, style="standard", locale=self.locale))
        shown = Markup("")
        for index, part in enumerate(parts):
            if index % 2 == 0:
                shown += part  # the locale's words between items, escaped by Markup's +
            elif as_code:
                shown += Markup("<code>{}</code>").format(items[int(part)])
            else:
                shown += items[int(part)]
        return shown


def babel_locale(locale_name: str) -> Locale:
    """The Babel locale for a Pyramid locale name (``de``, ``pt_BR``, ``pt-BR``); English
    for a name Babel does not know, so whatever a request names never fails a page."""
    try:
        return Locale.parse(locale_name.replace("-", "_"))
    except (ValueError, TypeError, UnknownLocaleError):
        return Locale.parse(FALLBACK_LOCALE)


@lru_cache(maxsize=512)
def known_locale_name(locale_name: str) -> str:
    """The name of the locale ``locale_name`` is drawn in (``de-DE`` is ``de_DE``, anything
    Babel does not know ``en``): one of CLDR's few hundred, whatever a request named."""
    return str(babel_locale(locale_name))


def drawn_locale_name(locale_name: str) -> str:
    """``known_locale_name``, a long name refused before it is kept: a request may name any
    text (Pyramid's ``_LOCALE_``), and no cache here keeps a visitor's text."""
    return FALLBACK_LOCALE if len(locale_name) > MAX_LOCALE_NAME else known_locale_name(locale_name)


def datetime_pattern_of(locale: Locale) -> str:
    source = SOURCE_DATETIME.get(str(locale))
    if source is not None:
        return source
    joined: str = locale.datetime_formats["full"]
    return joined.replace("{1}", locale.date_formats["full"].pattern).replace(
        "{0}", locale.time_formats["short"].pattern
    )


@lru_cache(maxsize=512)
def local_format(locale_name: str, zone: str) -> LocalFormat:
    """The format for ``locale_name`` in ``zone`` (a name ``time_zones.known_zone`` accepted)."""
    locale = babel_locale(locale_name)
    return LocalFormat(
        locale=locale,
        locale_name=str(locale),
        zone=zone,
        tzinfo=ZoneInfo(zone),
        datetime_pattern=parse_date_pattern(datetime_pattern_of(locale)),
        number_pattern=parse_number_pattern(locale.decimal_formats[None].pattern),
    )


def request_local_format(request: Request) -> LocalFormat:
    """``request.local_format``: the reader's locale and time zone."""
    return local_format(drawn_locale_name(request.locale_name), request.time_zone)


#: How pages and messages say what they say when there is no reader: English, UTC.
UTC_ENGLISH = local_format(FALLBACK_LOCALE, "UTC")


def reader_format(context: Any) -> LocalFormat:
    """The format of the request a template is drawn for: the template's ``request``, or
    (a macro imported without context has none) the request being answered; UTC English
    outside any request."""
    request = context.get("request") or get_current_request()
    return UTC_ENGLISH if request is None else request.local_format


@pass_context
def long_datetime_filter(context: Any, moment: datetime) -> str:
    """``{{ moment | long_datetime }}``: in the reader's locale and time zone. The
    ``<time datetime=...>`` around it stays the UTC ISO moment, for machines."""
    return reader_format(context).datetime(moment)


@pass_context
def number_filter(context: Any, count: int) -> str:
    """``{{ count | number }}``: grouped as the reader's locale groups digits."""
    return reader_format(context).number(count)


@pass_context
def listed_filter(context: Any, items: Sequence[str], as_code: bool = False) -> Markup:
    """``{{ [a, b, c] | listed(as_code=true) }}``: joined as the reader's language joins a
    list, never with English commas on a Japanese or Arabic page."""
    return reader_format(context).listed(items, as_code)


def includeme(config: Configurator) -> None:
    config.include("pyramid_jinja2")
    config.add_request_method(request_local_format, "local_format", reify=True)

    def add_filters() -> None:
        filters = config.get_jinja2_environment().filters
        filters["long_datetime"] = long_datetime_filter
        filters["number"] = number_filter
        filters["listed"] = listed_filter

    # After pyramid_jinja2's own action has made the environment, wherever this is included.
    config.action(None, add_filters, order=999)
