"""The time limit as each server is told it; MariaDB's is run for real in
tests/functional/search/test_search_time_limit.py."""

from types import SimpleNamespace

from sqlalchemy.exc import OperationalError

from scratchpad.models.statement_time import limited_statement, timed_out


def test_mariadb_gets_set_statement_for_that_statement_only():
    sent = limited_statement("SELECT id FROM comments", 0.5, is_mariadb=True)
    assert sent == "SET STATEMENT max_statement_time=0.500 FOR SELECT id FROM comments"


def test_mysql_gets_the_optimizer_hint_in_milliseconds_in_the_top_level_select():
    sent = limited_statement("SELECT id FROM comments", 0.25, is_mariadb=False)
    assert sent == "SELECT /*+ MAX_EXECUTION_TIME(250) */ id FROM comments"
    # MySQL ignores the hint anywhere else: a statement that is not a SELECT goes as it is.
    assert (
        limited_statement("WITH x AS (SELECT 1) SELECT 2", 0.25, is_mariadb=False)
        == "WITH x AS (SELECT 1) SELECT 2"
    )


def test_only_the_servers_timeouts_count_as_timed_out():
    def error(code):
        return OperationalError("SELECT 1", {}, SimpleNamespace(args=(code, "message")))

    assert [timed_out(error(code)) for code in (1969, 3024, 188)] == [True, True, True]
    assert [timed_out(error(code)) for code in (1205, 2006)] == [False, False]
    assert timed_out(ValueError(1969)) is False
