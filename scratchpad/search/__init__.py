"""Full-text search of the comments: ``/search`` and ``/api/comments?q=``, on each database's
own index (the query module turns what was typed into words, ``engines`` asks the index,
``highlight`` marks the matches, ``footers`` keeps each result's drawn footer, ``rate_limit`` bounds searches per address, ``capacity`` those a process runs at once)."""

from pyramid.config import Configurator


def includeme(config: Configurator) -> None:
    config.include("scratchpad.models")
    config.include("scratchpad.routes")
    config.include("scratchpad.board.views.api")  # the API's error views' predicate
    config.include(".rate_limit")
    config.include(".capacity")
    config.scan(".views")
