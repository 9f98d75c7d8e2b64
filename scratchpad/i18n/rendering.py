"""Messages a view hands its template, translated just before the page is drawn.

A view returns ``error=_("...")`` (or an exception's marked message) without translating
it; this translates every value of the template's dictionary that is a marked message, in
the request's language. Only messages from the code: the template escapes them as any
text, so a name filled into one (``${username}``) can never become markup.
"""

from jinja2 import pass_context
from jinja2.runtime import Context
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


def includeme(config: Configurator) -> None:
    config.add_subscriber(translate_messages, BeforeRender)

    def add_filter() -> None:
        config.get_jinja2_environment().filters["translated"] = pass_context(translated)

    # After pyramid_jinja2's own action has made the environment (as web/templating.py).
    config.action(None, add_filter, order=999)
