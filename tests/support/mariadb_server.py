"""A throwaway MariaDB server for one test run.

The app targets MariaDB, and SQLite would hide the behaviour that matters
(utf8mb4 collation, locking, reconnecting after the server went away), so the
tests run against a real server. It lives entirely inside temporary folders:
its own data directory (in RAM when the machine has room, see ``_data_folder``),
socket, pid file and error log, listening on a free port on 127.0.0.1 only, with
no option files read. That keeps it from
clashing with a system MariaDB or with another test run, and lets a test stop
and restart it on the same port and data to exercise recovery.

Root logs in over TCP with an empty password: the data directory is made with
``--auth-root-authentication-method=normal``, which creates password-less
root accounts for localhost, 127.0.0.1 and ::1 instead of the unix_socket-only
root that Debian's default would give.

Needs only the standard library and PyMySQL; the server binaries come from
Debian's ``mariadb-server`` package (see ``.ci/install-mariadb``).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
import weakref
from pathlib import Path

import pymysql

from tests.support.servers import free_port

# Debian puts the server in /usr/sbin, which a non-root PATH often lacks.
_SEARCH_PATH = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/usr/local/sbin", "/usr/bin"])
# The kernel limits a unix socket path to 108 bytes, trailing NUL included.
_MAX_SOCKET_PATH = 107


def _which(*names: str) -> str | None:
    for name in names:
        path = shutil.which(name, path=_SEARCH_PATH)
        if path:
            return path
    return None


def find_server_binary() -> str | None:
    """Path of ``mariadbd`` (or the older ``mysqld``), or None if not installed."""
    return _which("mariadbd", "mysqld")


def _tail(path: Path, lines: int = 40) -> str:
    try:
        text = path.read_text(errors="replace")
    except FileNotFoundError:
        return f"({path} does not exist)"
    return "\n".join(text.splitlines()[-lines:])


#: The data directory as ``mariadb-install-db`` left it, before any server ran on it: the
#: first one this process made (``MariaDBServer._install_db``).
_first_datadir: Path | None = None

#: Where data directories go when the machine has it: a RAM-backed folder (tmpfs). A throwaway
#: server needs no durability, and on disk every DDL statement and commit waits for syncs:
#: migrating an empty database took 2.5 to 6 seconds on ext4 and 0.3 s on tmpfs, for the same
#: 0.35 CPU seconds, and a worker waiting on a sync leaves its core idle. What the tests show is
#: the same (a stopped or killed server finds its files as it left them); only a crash of the
#: whole machine would lose them, which no test is about.
_RAM_FOLDER = Path("/dev/shm")  # noqa: S108 (mkdtemp makes a private folder there)
#: Free space the RAM folder must have to be used (a container's /dev/shm is often 64 MB).
_RAM_NEEDED = 2 * 1024**3


def _data_folder(basedir: Path) -> Path:
    """A new folder for a server's data directory: in RAM when there is room (removed again when
    the server object goes, see ``MariaDBServer.__init__``), else in ``basedir``."""
    try:
        mounted_in_ram = any(
            line.split()[1:3] == [str(_RAM_FOLDER), "tmpfs"]
            for line in Path("/proc/mounts").read_text().splitlines()
        )
        free = os.statvfs(_RAM_FOLDER)
    except OSError:
        return basedir
    if not mounted_in_ram or free.f_bavail * free.f_frsize < _RAM_NEEDED:
        return basedir
    return Path(tempfile.mkdtemp(prefix="scratchpad-mariadb-", dir=_RAM_FOLDER))


#: MariaDB's own databases, never renamed by a worker's suffix.
_SYSTEM_DATABASES = frozenset({"information_schema", "mysql", "performance_schema", "sys"})


class MariaDBClient:
    """Root's view of a MariaDB server on ``host``:``port``, in which every database name a test
    gives is suffixed with ``suffix``.

    pytest-xdist's workers share one server; each one's suffix (its worker id) keeps the
    databases that tests name the same ("scratchpad_test", "admin_roles") apart, so that no
    worker drops or migrates another one's database. ``name()`` says what a database is really
    called, for queries that name it as a value (information_schema).
    """

    def __init__(self, host: str, port: int, suffix: str = "") -> None:
        self.host = host
        self.port = port
        self.suffix = suffix

    def name(self, database: str) -> str:
        if not self.suffix or database in _SYSTEM_DATABASES:
            return database
        return f"{database}_{self.suffix}"

    def url(self, database: str) -> str:
        """SQLAlchemy URL of ``database`` on this server."""
        return f"mysql+pymysql://root@{self.host}:{self.port}/{self.name(database)}?charset=utf8mb4"

    def connect(self, database: str | None = None, **kwargs) -> pymysql.Connection:
        """A new PyMySQL connection as root; the caller closes it."""
        return pymysql.connect(
            host=self.host,
            port=self.port,
            user="root",
            password="",
            database=None if database is None else self.name(database),
            charset="utf8mb4",
            **kwargs,
        )

    def rows(self, database: str, sql: str) -> list[tuple]:
        """Run ``sql`` in ``database`` and commit: its rows as tuples ([] for a statement that
        returns none)."""
        with self.connect(database=database) as connection:
            with connection.cursor() as cursor:
                cursor.execute(sql)
                found = cursor.fetchall()
            connection.commit()
        return [tuple(row) for row in found]

    def create_database(self, name: str) -> None:
        """(Re)create ``name`` empty, with the collation the app expects."""
        quoted = "`" + self.name(name).replace("`", "``") + "`"
        with self.connect() as conn, conn.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {quoted}")
            cursor.execute(f"CREATE DATABASE {quoted} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")


class MariaDBServer(MariaDBClient):
    """A MariaDB server whose files all live in ``basedir``.

    The port is picked once, so it stays the same across ``stop()`` and
    ``start()``; so does the data directory, which is only initialised when
    it does not exist yet. ``extra_args`` are appended to the server's
    command line, after the defaults, so they can override them.
    """

    # Shared by mariadb-install-db and the server so that InnoDB's files are
    # created at the sizes the server will run with.
    _INNODB_ARGS = (
        "--innodb-buffer-pool-size=32M",
        "--innodb-log-file-size=16M",
    )

    def __init__(
        self,
        basedir: str | os.PathLike[str],
        extra_args: list[str] | None = None,
        startup_timeout: float = 60.0,
        shutdown_timeout: float = 30.0,
    ) -> None:
        self.basedir = Path(basedir).resolve()
        self.extra_args = list(extra_args or [])
        self.startup_timeout = startup_timeout
        self.shutdown_timeout = shutdown_timeout
        data_folder = _data_folder(self.basedir)
        if data_folder != self.basedir:
            # Gone with this object (or at exit): a stopped server keeps its data for a restart.
            weakref.finalize(self, shutil.rmtree, data_folder, True)
        self.datadir = data_folder / "data"
        self.socket_path = self.basedir / "mariadb.sock"
        self.pid_file = self.basedir / "mariadb.pid"
        self.error_log = self.basedir / "error.log"
        if len(str(self.socket_path)) > _MAX_SOCKET_PATH:
            raise ValueError(f"basedir is too long for a unix socket: {basedir}")
        super().__init__("127.0.0.1", free_port())
        self._process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> MariaDBServer:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        if self.running:
            raise RuntimeError("MariaDB server is already running")
        server = find_server_binary()
        if server is None:
            raise RuntimeError("no mariadbd or mysqld found; run .ci/install-mariadb")
        self.basedir.mkdir(parents=True, exist_ok=True)
        if not (self.datadir / "mysql").is_dir():
            self._install_db()
        # --no-defaults has to come first; --user=root because mariadbd
        # refuses to run as root otherwise.
        args = [
            server,
            "--no-defaults",
            "--user=root",
            f"--datadir={self.datadir}",
            f"--socket={self.socket_path}",
            f"--pid-file={self.pid_file}",
            f"--log-error={self.error_log}",
            f"--bind-address={self.host}",
            f"--port={self.port}",
            "--skip-name-resolve",
            "--character-set-server=utf8mb4",
            "--collation-server=utf8mb4_unicode_ci",
            "--performance-schema=OFF",
            *self._INNODB_ARGS,
            *self.extra_args,
        ]
        # Errors before --log-error takes effect go to stderr: keep them too.
        with open(self.error_log, "ab") as log:
            self._process = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        try:
            self._wait_until_ready()
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        """Shut down cleanly (SIGTERM), killing the server if that hangs."""
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=self.shutdown_timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def _install_db(self) -> None:
        """A new data directory: a copy of the one this process made first, else (the first
        time) made by ``mariadb-install-db``, which takes seconds of disk syncs; the copy
        takes a fraction of one. Every server's data directory is made with the same options
        (``extra_args`` only go to the server), so the copies are what it would make."""
        global _first_datadir
        # Beside the base folder: a server started again there later, by another worker (the
        # shared server stops when its last user is done), finds the copy already made.
        pristine = self.basedir.parent / f"{self.basedir.name}-pristine-data"
        for made in (_first_datadir, pristine):
            if made is not None and (made / "mysql").is_dir():
                shutil.copytree(made, self.datadir, symlinks=True)
                return
        self._run_install_db()
        shutil.copytree(self.datadir, pristine, symlinks=True, dirs_exist_ok=True)
        _first_datadir = pristine

    def _run_install_db(self) -> None:
        install_db = _which("mariadb-install-db", "mysql_install_db")
        if install_db is None:
            raise RuntimeError("no mariadb-install-db or mysql_install_db found")
        args = [
            install_db,
            "--no-defaults",
            "--user=root",
            f"--datadir={self.datadir}",
            "--skip-name-resolve",
            *self._INNODB_ARGS,
        ]
        help_text = subprocess.run([install_db, "--help"], capture_output=True, text=True).stdout
        for flag in ("--auth-root-authentication-method=normal", "--skip-test-db"):
            if flag.split("=")[0] in help_text:
                args.append(flag)
        log = self.basedir / "install-db.log"
        with open(log, "wb") as out:
            result = subprocess.run(args, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT)
        if result.returncode != 0:
            raise RuntimeError(f"{install_db} failed with exit code {result.returncode}:\n" + _tail(log))

    def _wait_until_ready(self) -> None:
        assert self._process is not None
        deadline = time.monotonic() + self.startup_timeout
        while True:
            if self._process.poll() is not None:
                problem = f"exited with code {self._process.returncode}"
                break
            try:
                self.connect(connect_timeout=2).close()
                return
            except pymysql.MySQLError as error:
                if time.monotonic() > deadline:
                    problem = f"did not accept connections within {self.startup_timeout:.0f} s ({error})"
                    break
            time.sleep(0.1)
        raise RuntimeError(
            f"MariaDB server on port {self.port} {problem}; "
            f"tail of {self.error_log}:\n{_tail(self.error_log)}"
        )
