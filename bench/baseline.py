"""The ceiling: the newest comments page with no framework at all.

One SQL statement (the newest 50 comments with their usernames), ``html.escape``, a string
join, served by the same waitress with the same number of threads on the same database file.
No sessions, no templates, no ORM, no transaction manager: what is left is the cost of HTTP
in Python, SQLite and escaping, which the app cannot beat.

    python -m bench.baseline --database bench.sqlite --listen 127.0.0.1:8080 --threads 8

On MariaDB (bench/mariadb.py) the same statement goes through PyMySQL, one connection per
thread, and the app is served by gunicorn like the app it is compared with:

    BENCH_BASELINE_MARIADB=host:port/database gunicorn 'bench.baseline:mariadb_app()' ...
"""

import argparse
import os
import sqlite3
import threading
from html import escape

import pymysql
import waitress

QUERY = """
SELECT comments.id, comments.content, comments.posted_at, users.username
FROM comments LEFT OUTER JOIN users ON users.id = comments.commenter_id
ORDER BY comments.id DESC
LIMIT ?
"""

HEAD = (
    '<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>Scratchpad</title>'
    "</head><body><main><h1>Comments</h1><p>Times are shown in UTC.</p><section>"
)
TAIL = "</section></main></body></html>\n"


def make_app(database, page_size=50):
    local = threading.local()  # one sqlite3 connection per waitress thread

    def rows():
        if not hasattr(local, "connection"):
            local.connection = sqlite3.connect(database, isolation_level=None, timeout=5)
        return local.connection.execute(QUERY, (page_size,))

    return page_app(rows)


def mariadb_app(page_size=50):
    """The same page from MariaDB named by ``BENCH_BASELINE_MARIADB`` (``host:port/database``,
    as root with no password: the bench's own throwaway server), autocommit, as the app reads."""
    address, _, database = os.environ["BENCH_BASELINE_MARIADB"].partition("/")
    host, _, port = address.partition(":")
    local = threading.local()  # one PyMySQL connection per thread
    query = QUERY.replace("?", "%s")  # PyMySQL's placeholder

    def rows():
        if not hasattr(local, "connection"):
            local.connection = pymysql.connect(
                host=host, port=int(port), user="root", database=database, charset="utf8mb4", autocommit=True,
                ssl_disabled=True,  # as the app reaches a server on this machine (scratchpad/models/mysql.py)
            )  # fmt: skip
        with local.connection.cursor() as cursor:
            cursor.execute(query, (page_size,))
            return cursor.fetchall()

    return page_app(rows)


def page_app(rows):
    """The WSGI app: the page of ``rows()``, ``(id, content, posted_at, username)`` each."""

    def app(environ, start_response):
        parts = [HEAD]
        for comment_id, content, posted_at, username in rows():
            when = (
                f'<time datetime="{escape(str(posted_at))}">{escape(str(posted_at))}</time>'
                if posted_at
                else "at an unknown time"
            )
            parts.append(
                f'<article id="comment-{comment_id}"><div>{escape(content)}</div>'
                f"<small>Posted {when} by {escape(username or 'anonymous')}</small></article>"
            )
        parts.append(TAIL)
        body = "".join(parts).encode("utf-8")
        start_response(
            "200 OK",
            [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body)))],
        )
        return [body]

    return app


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.baseline", description=__doc__.split("\n")[0])
    parser.add_argument("--database", required=True, help="the SQLite file the app uses")
    parser.add_argument("--listen", default="127.0.0.1:8080")
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--page-size", type=int, default=50)
    args = parser.parse_args(argv)
    waitress.serve(make_app(args.database, args.page_size), listen=args.listen, threads=args.threads)


if __name__ == "__main__":
    main()
