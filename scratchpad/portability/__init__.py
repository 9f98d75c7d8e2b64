"""Taking the board elsewhere: export to and import from one JSON document, copy to another
database (SQLite to MariaDB), and back up and restore.

The scripts in ``scratchpad-admin`` call these; nothing here serves a page (a member downloads
their own data from the account page: ``accounts/views/data.py``). What goes into a document, and
how each column's value is written, is described once in :mod:`scratchpad.portability.tables`:
a new column is one line there.
"""
