"""The reader's language and locale: catalogs, choosing the language, the menu
(``negotiation.py``, ``menu.py``, ``preference.py``); dates and counts written as the reader
writes them (``dates.py``), in the time zone they chose (``time_zones.py``, ``views.py``).

Names, not imports, below: the rest of the app imports ``scratchpad.i18n.messages``, and this
package must not pull the web plumbing in before it is ready.
"""

from pyramid.config import Configurator


def includeme(config: Configurator) -> None:
    config.add_translation_dirs("scratchpad:locale")
    config.set_locale_negotiator("scratchpad.i18n.negotiation.negotiate_language")
    config.add_request_method("scratchpad.i18n.languages.text_direction", "text_direction", reify=True)
    config.add_request_method("scratchpad.i18n.languages.sentence_gap", "sentence_gap", reify=True)
    config.add_request_method("scratchpad.i18n.menu.menu_entries", "language_menu", reify=True)
    # Where a language link or the time zone's "change" sends the reader back to (menu.py).
    config.add_request_method("scratchpad.i18n.menu.came_from", "came_from", reify=True)
    config.include("scratchpad.routes")
    config.include(".rendering")
    config.include(".time_zones")
    config.include(".dates")
    config.scan(".menu")
    config.scan(".preference")
    config.scan(".views")
