"""Jinja2 pages: the renderer. The filters that write dates and counts in the reader's locale
and time zone are scratchpad/i18n/dates.py's."""

from pyramid.config import Configurator


def includeme(config: Configurator) -> None:
    config.include("pyramid_jinja2")
