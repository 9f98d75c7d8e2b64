"""The names of the full-text indexes the migration 8a3f6c2d9e41 makes, which the models do
not describe (an FTS5 table and a FULLTEXT index are no SQLAlchemy ``Table`` or ``Index``):
the queries use them, and alembic's comparison leaves them alone."""

#: SQLite: the FTS5 table over ``comments.content`` (its shadow tables share the prefix).
FTS_TABLE = "comments_fts"
#: MariaDB/MySQL: the FULLTEXT index on ``comments.content``.
FULLTEXT_INDEX = "ft_comments_content"


def is_search_index(name: str | None, type_: str) -> bool:
    """Whether alembic's ``include_object`` sees one of these (to leave out of its comparison)."""
    if name is None:
        return False
    if type_ == "table":
        return name == FTS_TABLE or name.startswith(f"{FTS_TABLE}_")
    return type_ == "index" and name == FULLTEXT_INDEX
