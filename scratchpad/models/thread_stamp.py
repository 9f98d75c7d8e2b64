"""Each thread's stamp: a number that every write of any of its comments draws anew.

A board page kept for anonymous readers is its threads' drawings, each kept under its
thread's stamp (``board/stamped.py``): the page reads one short row per thread (its root's id
and stamp) instead of every comment it shows with their authors, and draws only the threads
whose stamp it has not kept.

Kept by triggers in the database, not by the app (alembic/versions/20261205_d3b8f1a6c925):
every INSERT, UPDATE or DELETE of a comment, whoever makes it (the app, the ORM or Core,
``scratchpad-admin``, an import, a re-rendering, the database's own shell), and every change
of a user's name or removal of a user (the name every comment of theirs shows) gives the
threads it touches a new random stamp. Random rather than counted, as ``Comment.change_stamp``:
a rolled-back write cannot leave a stamp that a later, different thread takes again. A root's
row goes with the root.
"""

from sqlalchemy import BigInteger
from sqlalchemy.orm import Mapped, mapped_column

from scratchpad.models.meta import MYSQL_TABLE_OPTIONS, Base


class ThreadStamp(Base):
    __tablename__ = "thread_stamps"
    __table_args__ = MYSQL_TABLE_OPTIONS

    # The root's id; no foreign key: the trigger that deletes a root deletes its row.
    root_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    stamp: Mapped[int] = mapped_column(BigInteger)
