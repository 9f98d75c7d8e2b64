"""``make bench``: how fast the board serves, at 1,000 and at 100,000 comments.

Modules, in the order a run uses them:

- ``seed``      a fresh SQLite database: the app's migrations, users made by the admin script
                (bcrypt at the production cost), N comments in one ``executemany``; the deep
                page's ``before`` id, every page's for the crawl, and the page query's plan
- ``servers``   the bench's copy of production.ini, and the server processes (``pserve`` and
                the baseline) with their memory read from ``/proc``
- ``baseline``  the ceiling: a raw WSGI app, one SQL statement, ``html.escape``, same waitress
                (on MariaDB: the statement through PyMySQL, under the app's gunicorn)
- ``client``    a real login over HTTP, for cookies and CSRF tokens
- ``loadgen``   runs ``wrk`` with ``bench.lua`` and reads back its numbers
- ``run``       the orchestra: scenarios, the table, PASS/FAIL per target
- ``mariadb``   the ``mariadb`` part: production.ini on a MariaDB server the bench starts,
                two gunicorn workers a row, the same rows and the baseline on that server

And beside it, ``inprocess``: the CPU time each kind of request costs inside the app, no server
and no load generator, before and after a change (docs/performance.md says how to run it).
"""
