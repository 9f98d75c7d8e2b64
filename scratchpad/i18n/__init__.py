"""Every word in the reader's language: catalogs, choosing the language, the menu."""

from pyramid.config import Configurator

from scratchpad.i18n.languages import NAMES, direction
from scratchpad.i18n.menu import menu_entries
from scratchpad.i18n.negotiation import negotiate_language


def includeme(config: Configurator) -> None:
    config.add_translation_dirs("scratchpad:locale")
    config.set_locale_negotiator(negotiate_language)
    config.add_request_method(lambda request: direction(request.locale_name), "text_direction", reify=True)
    config.add_request_method(lambda request: NAMES, "language_names", reify=True)
    config.add_request_method(menu_entries, "language_menu", reify=True)
    config.scan(".menu")
    config.scan(".preference")
