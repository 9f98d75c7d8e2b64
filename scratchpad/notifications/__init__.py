"""Telling members what happened to them on the board: a notification when someone replies
to them or mentions them (``notify.py``, called in the transaction that stores the comment),
their ``/notifications`` page with the navbar's unread count, and a private Atom feed of them
at an address holding a revocable token (``feed_address.py``)."""

from pyramid.config import Configurator


def includeme(config: Configurator) -> None:
    config.include("scratchpad.models")
    config.include("scratchpad.routes")
    config.add_request_method(".views.current_feed", "notification_feed", reify=True)
    config.scan(".views")
