"""The board page around its threads, kept for anonymous readers: a drawn page without a template.

A page of the board drawn for a visitor who is not logged in (the page cache off, or just
after a change) is its threads, kept as one run under their rows (``drawing.py``), in a
frame: the layout (head, navbar, language menu), the heading, the page links. Drawing that
frame through the templates cost more than everything else the page does. The frame shows no
comment and nothing of the reader: it is kept in the drawings' cache under what it shows,

- the mount point its links start with, the language and time zone of its words
  (``drawing.drawn_for``);
- which page it is: its ``before``, the ``before`` of the next page (the "Older" link). Its
  language links lead back to that page as it reads it (``i18n.menu.came_from``), whatever
  else the address holds, so no parameter a client adds at will (``?q=...``,
  ``?before=0251``) can fill the cache with frames;

and a page whose frame and run are both kept is their bytes joined, without a template. A
page that changed (another run of threads) is drawn through the template as before, and its
frame is taken from what it drew. Only for readers who get the page every anonymous visitor
gets (``page_cache.same_for_everyone``): no member's name, token or message is ever in a
frame. Not keyed by the board's revision: every change shows at once, through the run's key.
"""

import secrets
from typing import Any

from markupsafe import Markup
from pyramid.renderers import render
from pyramid.request import Request
from pyramid.response import Response

from scratchpad.board import drawing, page_cache

#: Made once per process, never shown: where the run of threads starts and ends in a page
#: drawn to take its frame from. No comment's text (escaped, or made by markup.py) holds it.
RUN_MARK = Markup("<!--{}:run-->").format(secrets.token_hex(12))


def framed(
    request: Request, template: str, values: dict[str, Any], before: int | None
) -> dict[str, Any] | Response:
    """The board page of ``values`` (``views.index.page_values``, older than root ``before``
    if given) as a response from its kept
    frame and run, or drawn through ``template`` (its frame kept); ``values`` as they are, for
    the view's renderer, for a reader whose page is their own or a page without threads."""
    cache = request.registry[drawing.REGISTRY_KEY]
    threads_page = values["threads_page"]
    if cache is None or not threads_page.threads or not page_cache.same_for_everyone(request):
        return values
    key = ("frame", *drawing.drawn_for(request), "board", before, threads_page.older_than)
    frame: tuple[str, str] | None = cache.get(key)
    run = threads_page.run
    if frame is not None and run is None:
        run = drawing.kept_threads(request, threads_page.threads)
    response = request.response
    if frame is not None and run is not None:
        # str.join: a Markup's ``+`` would escape the frame.
        response.text = "".join((frame[0], run, frame[1]))
        return response
    setattr(request, drawing.RUN_MARKS, RUN_MARK)
    head, run, tail = render(template, values, request).split(str(RUN_MARK))
    cache.put(key, (head, tail), page_cache.size_of(key, head, tail))
    response.text = head + run + tail
    return response
