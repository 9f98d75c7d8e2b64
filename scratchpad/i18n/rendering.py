"""Messages a view hands its template, translated just before the page is drawn.

A view returns ``error=_("...")`` (or an exception's marked message) without translating
it; this translates every value of the template's dictionary that is a marked message, in
the request's language. Only messages from the code: the template escapes them as any
text, so a name filled into one (``${username}``) can never become markup.
"""

from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup
from pyramid.config import Configurator
from pyramid.events import BeforeRender
from pyramid.i18n import TranslationString


def translate_messages(event: BeforeRender) -> None:
    request, values = event.get("request"), event.rendering_val
    if request is None or not isinstance(values, dict):
        return
    for name, value in values.items():
        if isinstance(value, TranslationString):
            values[name] = str(request.localizer.translate(value))


def translated(context: Context, message: str) -> str:
    """The ``translated`` filter: a message from the code (a report's reason, say) in the
    reader's language, as plain text the template escapes (``_()`` in a template would
    take it for markup)."""
    return str(context["request"].localizer.translate(message))


def bdi(name: str) -> Markup:
    """The ``bdi`` filter: a name (a username, typed in any script) isolated from the
    sentence around it, so an Arabic name does not reorder an English line, nor the reverse.
    For names filled into a translated sentence, whose words stay the catalog's."""
    return Markup("<bdi>{}</bdi>").format(name)


def includeme(config: Configurator) -> None:
    config.add_subscriber(translate_messages, BeforeRender)

    def add_filter() -> None:
        filters = config.get_jinja2_environment().filters
        filters["translated"] = pass_context(translated)
        filters["bdi"] = bdi

    # After pyramid_jinja2's own action has made the environment (as web/templating.py).
    config.action(None, add_filter, order=999)
