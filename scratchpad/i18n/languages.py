"""The languages the board speaks, each named in its own words for the language menu."""

from typing import Final

from pyramid.request import Request

#: The source language: the words in the templates and the code, and the fallback.
SOURCE: Final = "en"

#: Every language with a catalog under ``scratchpad/locale``, in the menu's order, each with
#: its name as its own speakers write it (a reader looks for their language, not for ours).
NAMES: Final = {
    "en": "English",
    "de": "Deutsch",
    "fr": "Français",
    "es": "Español",
    "ja": "日本語",
    "ar": "العربية",
}

SUPPORTED: Final = tuple(NAMES)

#: Written right to left: the page's ``dir`` says so, and the layout mirrors.
RIGHT_TO_LEFT: Final = frozenset({"ar"})


#: Written with no space between sentences (Japanese: "…。時刻は…"): two sentences a template
#: puts side by side are joined by ``request.sentence_gap``.
UNSPACED: Final = frozenset({"ja"})


def direction(language: str) -> str:
    """The ``dir`` attribute of a page in ``language``."""
    return "rtl" if language in RIGHT_TO_LEFT else "ltr"


def supported(code: str | None) -> str | None:
    """``code`` if the board speaks it, else None: a cookie or a column is only a wish."""
    return code if code in NAMES else None


def text_direction(request: Request) -> str:
    """``request.text_direction``: the ``dir`` of the page, by its language."""
    return direction(request.locale_name)


def sentence_gap(request: Request) -> str:
    """``request.sentence_gap``: what goes between two sentences of the page's language."""
    return "" if request.locale_name in UNSPACED else " "
