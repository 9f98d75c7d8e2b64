"""What the migration tests about the users table share: the rows they start from (two users,
ids 1 and 3 so that a gap shows the ids are kept, and a comment by each), the statements
reading them back, and the same revision run up and down on the run's MariaDB."""

from tests.support.in_process import alembic

#: Two users with an email column (revisions from b41e7d0c9f25 on) and their comments.
PEOPLE = (
    "INSERT INTO users (id, username, password_hash, session_secret, role, email) VALUES "
    "(1, 'bob', 'h', 's1', 'admin', 'bob@example.org'), (3, 'carol', 'h', 's3', 'member', NULL)",
    "INSERT INTO comments (id, content, commenter_id) VALUES (1, 'hi', 1), (2, 'ho', 3)",
)
USERS = "SELECT id, username, password_hash, session_secret, role, email FROM users ORDER BY id"
COMMENTS = "SELECT id, content, commenter_id FROM comments ORDER BY id"
KEPT_USERS = [(1, "bob", "h", "s1", "admin", "bob@example.org"), (3, "carol", "h", "s3", "member", None)]
KEPT_COMMENTS = [(1, "hi", 1), (2, "ho", 3)]


def on_mariadb_both_ways(server, database, before, revision, seed, changes, reads):
    """On a new ``database`` of the run's MariaDB: ``upgrade before``, the ``seed`` statements,
    ``upgrade revision``, the ``changes`` (rows in what it adds), then the ``reads`` (a list of
    rows each), then ``downgrade before``; returns the reads, for the test to compare with what
    it wrote, and the server, to read what the downgrade left."""
    server.create_database(database)
    url = server.url(database)
    assert alembic("upgrade", before, database_url=url).returncode == 0
    for statement in seed:
        server.rows(database, statement)
    upgraded = alembic("upgrade", revision, database_url=url)
    for statement in changes:
        server.rows(database, statement)
    after_upgrade = [server.rows(database, statement) for statement in reads]
    downgraded = alembic("downgrade", before, database_url=url)
    assert (upgraded.returncode, downgraded.returncode) == (0, 0), upgraded.stderr + downgraded.stderr
    return after_upgrade
