"""The member's statement (accounts/security.py ``VISITOR_QUERY``) never reads the member's own
comments to learn whether one waits for a moderator: on a board where they wrote thousands,
that cost 0.4 s a request (SQLite chose the user's index for a correlated EXISTS)."""

from scratchpad.accounts.security import TICKET_USERID, VISITOR_QUERY

AUTHOR_INDEXES = ("ix_comments_commenter_id_id", "ix_comments_commenter_id_posted_at")


def plan(dbsession):
    connection = dbsession.connection()
    compiled = VISITOR_QUERY.statement.compile(connection)
    parameters = compiled.construct_params({TICKET_USERID: 1})
    explain = "EXPLAIN QUERY PLAN " if connection.dialect.name == "sqlite" else "EXPLAIN "
    # SQLite's parameters by position, PyMySQL's by name.
    positions = compiled.positiontup
    values = parameters if positions is None else tuple(parameters[name] for name in positions)
    return [" ".join(map(str, row)) for row in connection.exec_driver_sql(explain + str(compiled), values)]


def test_the_member_is_read_without_their_comments(dbsession, alice):
    steps = plan(dbsession)
    assert (
        [step for step in steps if any(index in step for index in AUTHOR_INDEXES)],
        any("ix_comments_waiting_since" in step for step in steps),
    ) == ([], True)
