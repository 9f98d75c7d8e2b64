"""The comments themselves: reading them in keyset pages, writing, editing and moderating
them, their markup and stored HTML, the page cache, the Atom feed and the JSON API."""

from pyramid.config import Configurator


def includeme(config: Configurator) -> None:
    config.include("scratchpad.models")
    # A dotted name: this package is imported by the models, which inbox.py imports.
    config.add_request_method("scratchpad.board.inbox.no_inbox_count", "inbox_count", reify=True)
    config.include(".page_cache")
    config.include(".drawing")
    config.include(".mentions")  # the ``mounted`` filter
    config.include(".views.api")  # its view predicate, which the API's views use
    config.include("scratchpad.routes")
    config.scan(".views")
