"""Taking the board elsewhere: export to and import from one JSON document, copy to another
database (SQLite to MariaDB), and back up and restore.

The scripts in ``scratchpad-admin`` call these; the one web page here lets a member download
their own comments (``GET /account/comments.json``). What goes into a document, and how each
column's value is written, is described once in :mod:`scratchpad.portability.tables`: a new
column is one line there.
"""

from pyramid.config import Configurator


def includeme(config: Configurator) -> None:
    config.include("scratchpad.models")
    config.include("scratchpad.routes")
    config.scan(".views")
