"""The reader's locale and time zone: dates and counts written as they write them
(``dates.py``), the zone they chose (``time_zones.py``, ``views.py``), the language asked for
(``locale_cookie.py``)."""

from pyramid.config import Configurator


def includeme(config: Configurator) -> None:
    config.include("scratchpad.routes")
    config.include(".locale_cookie")
    config.include(".time_zones")
    config.include(".dates")
    config.scan(".views")
