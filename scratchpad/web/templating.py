"""Jinja2 pages: the renderer. The filters that write dates and counts in the reader's locale
and time zone are scratchpad/i18n/dates.py's."""

from pyramid.config import Configurator

from scratchpad.board import member_pages


def includeme(config: Configurator) -> None:
    config.include("pyramid_jinja2")

    def add_globals() -> None:
        # A member's own part of a page kept for every member (board/member_pages.py).
        config.get_jinja2_environment().globals["slot"] = member_pages.slot

    # After pyramid_jinja2's own action has made the environment, wherever this is included.
    config.action(None, add_globals, order=999)
