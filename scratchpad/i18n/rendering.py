"""Messages a view hands its template, translated just before the page is drawn.

A view returns ``error=_("...")`` (or an exception's marked message) without translating
it; this translates every value of the template's dictionary that is a marked message, in
the request's language. Only messages from the code: the template escapes them as any
text, so a name filled into one (``${username}``) can never become markup.
"""

import functools
import json
from collections.abc import Callable
from typing import Any

from babel import Locale
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup
from pyramid.config import Configurator
from pyramid.events import BeforeRender
from pyramid.i18n import TranslationString
from pyramid.threadlocal import get_current_request

from scratchpad.i18n.messages import localized


def translate_messages(event: BeforeRender) -> None:
    request, values = event.get("request"), event.rendering_val
    if request is None or not isinstance(values, dict):
        return
    for name, value in values.items():
        if isinstance(value, TranslationString):
            values[name] = localized(request.localizer, value)


class TemplateCatalogs:
    """The ``_()`` and ``ngettext()`` of the templates (``jinja2.i18n.gettext`` in the ini
    files; pyramid_jinja2 makes one per domain): the request's catalogs, read directly.

    pyramid_jinja2's own wrapper finds the request through a thread-local and makes a
    ``TranslationString`` of every text to hand the localizer, only to look the text up in
    the same catalogs: a board page says some 80 of them, and that cost a logged-in page
    about a third more time. Jinja2 fills the placeholders itself (newstyle), so a plain
    lookup is all a template needs.
    """

    def __init__(self, domain: str) -> None:
        self.domain = domain

    @staticmethod
    def catalogs_of(context: Context) -> Any:
        # A macro imported without the page's context has no ``request`` of its own.
        request = context.get("request") or get_current_request()
        return request.localizer.translations

    @pass_context
    def gettext(self, context: Context, message: str) -> str:
        found: str = self.catalogs_of(context).dugettext(self.domain, message)
        return found

    @pass_context
    def ngettext(self, context: Context, singular: str, plural: str, count: int) -> str:
        found: str = self.catalogs_of(context).dungettext(self.domain, singular, plural, count)
        return found

    @pass_context
    def pgettext(self, context: Context, message_context: str, message: str) -> str:
        """``pgettext("user status", "disabled")``: one English word with two senses, which
        other languages say differently, told apart by its context (``msgctxt``)."""
        catalogs = self.catalogs_of(context)
        # As pyramid's own ``dugettext``: the domain's catalog, which it keeps by domain.
        found: str = catalogs._domains.get(self.domain, catalogs).pgettext(message_context, message)
        return found


def underscore(domain: str) -> Callable[..., Markup]:
    """The templates' ``_("text %(name)s", name=value)``, as Jinja2's newstyle ``_`` is
    (the translation is markup, the values filled into it are escaped) in one call instead
    of three through the template context: a page says some 30 of them."""

    def translate_for_template(message: str, **variables: object) -> Markup:
        translations = get_current_request().localizer.translations
        # The translation is the template's own text (translators may move <strong> with the
        # words); only the values, which Markup % escapes, come from elsewhere.
        return Markup(translations.dugettext(domain, message)) % variables  # noqa: S704

    return translate_for_template


#: Counts tried for an example of each plural category: every category a language's integers
#: fall in shows up among them (French and Spanish say "many" of round millions).
PLURAL_EXAMPLES = (*range(200), 1_000_000)


@functools.cache
def plural_examples(locale_name: str) -> dict[str, int]:
    """A count of each of the language's plural categories (CLDR's "zero", "one", "two",
    "few", "many", "other"), the smallest that falls in it."""
    rule = Locale.parse(locale_name).plural_form
    examples: dict[str, int] = {}
    for count in PLURAL_EXAMPLES:
        examples.setdefault(rule(count), count)
    return examples


def plural_forms(domain: str) -> Callable[..., str]:
    """The templates' ``plural_forms(singular, plural, **variables)``: the message in each of
    the page's plural categories, as JSON, for a script that counts in the browser to choose
    with ``Intl.PluralRules`` (static/scratchpad.js). Arabic has six forms; the two that
    ``ngettext`` of 1 and of 100 give said "3 حرف" where the server says "3 أحرف"."""

    def forms(singular: str, plural: str, **variables: object) -> str:
        request = get_current_request()
        translations = request.localizer.translations
        return json.dumps(
            {
                category: translations.dungettext(domain, singular, plural, count) % variables
                for category, count in plural_examples(request.locale_name).items()
            },
            ensure_ascii=False,
            sort_keys=True,
        )

    return forms


def translated(context: Context, message: str) -> str:
    """The ``translated`` filter: a message from the code (a report's reason, say) in the
    reader's language, as plain text the template escapes (``_()`` in a template would
    take it for markup)."""
    return localized(context["request"].localizer, message)


def bdi(name: str) -> Markup:
    """The ``bdi`` filter: a name (a username, typed in any script) isolated from the
    sentence around it, so an Arabic name does not reorder an English line, nor the reverse.
    For names filled into a translated sentence, whose words stay the catalog's."""
    return Markup("<bdi>{}</bdi>").format(name)


def includeme(config: Configurator) -> None:
    config.add_subscriber(translate_messages, BeforeRender)

    def add_filter() -> None:
        environment = config.get_jinja2_environment()
        # pyramid_jinja2 installs only ``gettext`` and ``ngettext``; Jinja2 takes ``pgettext`` too.
        catalogs = TemplateCatalogs(config.get_settings().get("jinja2.i18n.domain", "scratchpad"))
        environment.install_gettext_callables(
            catalogs.gettext,
            catalogs.ngettext,
            newstyle=environment.newstyle_gettext,  # set by the i18n extension
            pgettext=catalogs.pgettext,
        )
        environment.filters["translated"] = pass_context(translated)
        environment.filters["bdi"] = bdi
        domain = config.get_settings().get("jinja2.i18n.domain", "scratchpad")
        environment.globals["_"] = underscore(domain)
        environment.globals["plural_forms"] = plural_forms(domain)

    # After pyramid_jinja2's own action has made the environment (as web/templating.py).
    config.action(None, add_filter, order=999)
