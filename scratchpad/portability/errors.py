"""The two ways a portability command stops without changing anything."""


class Refused(Exception):
    """The input is understood but cannot be used as it is (a board that is not empty, a file of
    another format version, rows the database rejects): exit status 1, nothing written."""


class Unusable(Exception):
    """The input cannot be read at all (a missing file, bad JSON, a database that cannot be
    reached): exit status 2, nothing written."""
