"""Every command of docs/deploying.md and docs/administration.md, run as written, in order, so
the guide cannot drift from what works.

The commands (tests/support/readme_commands.py cuts the ```sh blocks into commands) run in one bash
script, against a throwaway MariaDB set up by docs/deploying.md's ```sql block, with the paths
moved into a temporary folder and the ports replaced by free ones: those are the only changes
to a command's text. Where a command cannot run here as it is, this file says what runs
instead, in one place:

- SUBSTITUTED: the paths and ports of ``PATHS`` and ``ports``; the service user
  ``scratchpad`` becomes the user running the tests (``install -o/-g``, ``chgrp``, and the
  ``SERVICE_USER`` of deploy/scratchpad-command), since no system user may be added here; the
  checkout's ``production.ini`` and ``deploy/scratchpad-command`` carry the moved paths (the
  audit log's folder, the venv, the env file).
- ``sudo`` is a shell function that runs the command as the current user, ``-u scratchpad``
  included (the documented equivalent without sudo is ``runuser -u scratchpad --``, which
  needs that user).
- ``systemctl daemon-reload`` does nothing; ``systemctl enable --now scratchpad@PORT ...``
  starts, for each port, what the guide's unit ``scratchpad@.service`` says (its
  ``EnvironmentFile``, ``Environment`` and ``ExecStart``, read from docs/deploying.md's ```ini
  block), in the background, and waits until its ``/healthz`` answers.
- A server command of "Running it" (``exec .../pserve`` or ``exec .../gunicorn``) runs in
  the background after the process started on its port is stopped; the test waits for its
  ``/healthz`` and stops it.
- A command that asks for a password (``users add``, ``users passwd``,
  ``initialize_scratchpad_db --admin``) gets one on standard input, as piped input is read.
- EXCUSED below, each with the reason: the list is asserted to be exactly the commands not
  run, so a new command in these guides must be run or excused here.
"""

import contextlib
import getpass
import os
import re
import secrets
import signal
import subprocess
import time

import pytest

from tests.support.installing import INSTALL_TIMEOUT, clean_environment, copy_of_this_tree, git
from tests.support.mariadb_server import MariaDBServer, find_server_binary
from tests.support.readme_commands import blocks, document, document_commands
from tests.support.servers import free_port
from tests.support.tools import unavailable

# A fresh venv, two installs and gunicorn's: about a minute.
pytestmark = pytest.mark.slow

#: The folders of the documented install, moved under the test's folder.
PATHS = ("/srv/scratchpad", "/etc/scratchpad", "/var/log/scratchpad", "/usr/local/bin")
#: The operator's clone URL; the test clones a copy of this tree instead.
CLONE_URL = "https://example.org/scratchpad.git"
GUIDE_PORTS = (6543, 6544, 6545, 6546)
DATABASE_PORT = 3306
PASSWORD = "a long enough password"

EXCUSED = {
    "sudo apt-get install python3-venv git nginx mariadb-server openssl curl sudo": (
        "installs Debian packages; this machine has them (the tests install MariaDB and nginx "
        "themselves when missing)"
    ),
    "sudo useradd --system --home-dir /srv/scratchpad --shell /usr/sbin/nologin scratchpad": (
        "adds a system user to /etc/passwd; the test's own user stands in for it"
    ),
    "for port in 6543 6544 6545 6546; do\n  sudo systemctl restart scratchpad@$port": (
        "restarts through systemd, waiting 11 s per process for nginx; "
        "tests/deploy/test_rolling_restart.py restarts processes this way behind the guide's nginx"
    ),
    "sudo systemctl enable --now scratchpad-mail": (
        "starts the mail worker, which needs a mail server the guide's run has not "
        "(SCRATCHPAD_SMTP_URL unset); tests/scripts/test_mail_send.py runs `mail send --watch` "
        "against a real SMTP server"
    ),
    "journalctl -u scratchpad-mail": "reads systemd's journal of the worker excused above",
    "sudo apt install certbot python3-certbot-nginx": "installs Debian packages",
    "sudo certbot certonly --nginx": "needs a public DNS name and Let's Encrypt",
    "sudo nginx -t && sudo systemctl reload nginx": (
        "reloads the system's nginx; tests/deploy/test_nginx_recipe.py runs the guide's nginx block"
    ),
    "sudo scratchpad-admin mail send": (
        "the guide's board sends no mail (SCRATCHPAD_SMTP_URL unset), so the worker refuses with "
        "one line; tests/scripts/test_mail_send.py runs one pass against a real SMTP server"
    ),
    "sudo scratchpad-admin mail send --watch": (
        "runs until stopped; tests/scripts/test_mail_send.py runs --watch and stops it"
    ),
    "mysqldump --single-transaction 'yourname$comments'": (
        "needs the Flask tutorial's database; tests/scripts/test_adopt.py adopts one"
    ),
    "cp tutorial.sqlite tutorial-backup.sqlite": "needs the Flask tutorial's database",
    "sqlite3 scratchpad.sqlite \"INSERT INTO comments_fts (comments_fts) VALUES ('integrity-check')\"": (
        "checks a SQLite board's search index, where the guide deploys on MariaDB; "
        "tests/migrations/test_search_migration.py runs FTS5's integrity-check"
    ),
    "sqlite3 scratchpad.sqlite \"INSERT INTO comments_fts (comments_fts) VALUES ('rebuild')\"": (
        "rebuilds a SQLite board's search index, where the guide deploys on MariaDB"
    ),
}

#: What a password prompt is: answered with one line on standard input.
ASKS_FOR_A_PASSWORD = re.compile(r"users (add|passwd) \w+|initialize_scratchpad_db .*--(admin|user) ")
SERVER = re.compile(r"exec \S+/bin/(pserve|gunicorn) ")

#: Shell functions standing in for sudo and systemd (see the module's docstring).
PRELUDE = r"""
set -e
sudo() { if [ "$1" = -u ]; then shift 2; fi; "$@"; }
sudo_exec() { if [ "$1" = -u ]; then shift 2; fi; exec "$@"; }
wait_healthy() {
    for attempt in $(seq 300); do
        curl -fs "http://127.0.0.1:$1/healthz" >/dev/null && return 0
        sleep 0.1
    done
    echo "nothing answers on port $1" >&2; return 1
}
stop_port() {
    if [ -f "$PIDS/$1" ]; then
        pid=$(cat "$PIDS/$1"); rm "$PIDS/$1"
        kill -TERM "$pid" 2>/dev/null || true
        for attempt in $(seq 300); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
        kill -KILL "$pid"
    fi
}
systemctl() {
    case "$1" in
    daemon-reload) return 0 ;;
    enable)
        shift; [ "$1" = --now ] && shift
        for unit in "$@"; do start_unit "${unit#scratchpad@}"; done ;;
    *) echo "systemctl $*: not substituted by the test" >&2; return 1 ;;
    esac
}
"""


def unit_starter(unit):
    """A shell function ``start_unit INSTANCE`` doing what the guide's template unit does."""
    service = unit.split("[Service]", 1)[1].split("\n[", 1)[0]
    settings = re.findall(r"(?m)^(\w+)=(.*)$", service)
    environment_file = [value for key, value in settings if key == "EnvironmentFile"]
    environment = [value for key, value in settings if key == "Environment"]
    (exec_start,) = [value for key, value in settings if key == "ExecStart"]
    lines = [f"set -a; . {path}; set +a" for path in environment_file]
    lines += [f"export {assignment}" for assignment in environment]
    lines.append("exec " + exec_start.replace("%i", '"$1"'))
    body = "; ".join(lines)
    return (
        "start_unit() {\n"
        f'    ( {body} ) >"$LOGS/unit-$1.log" 2>&1 &\n'
        '    echo $! >"$PIDS/$1"\n'
        '    wait_healthy "$1"\n'
        "}\n"
    )


def substitute(text, base, ports, user):
    for path in PATHS:
        text = text.replace(path, f"{base}{path}")
    for old, new in ports.items():
        text = re.sub(rf"\b{old}\b", str(new), text)
    text = re.sub(r"(?<=-[og] )scratchpad\b", user, text)
    text = re.sub(r"(?<=chgrp )scratchpad\b", user, text)
    return re.sub(r"(?m)^SERVICE_USER=scratchpad$", f"SERVICE_USER={user}", text)


def excuse_for(command):
    """The reason ``command`` is not run: that of the longest start in EXCUSED it begins with."""
    starts = [start for start in EXCUSED if command.startswith(start)]
    return EXCUSED[max(starts, key=len)] if starts else None


def script_line(number, command):
    """The command as the script runs it (see the module's docstring)."""
    marker = f'echo "### command {number}"; echo "### command {number}" >&2\n'
    server = SERVER.search(command)
    if server:
        port = re.search(r"scratchpad-(\d+)\.ini|-b 127\.0\.0\.1:(\d+)", command)
        port = port.group(1) or port.group(2)
        started = re.sub(r"^sudo ", "sudo_exec ", command)
        return (
            f'{marker}stop_port {port}\n( {started} ) >"$LOGS/server-{number}.log" 2>&1 &\n'
            f'echo $! >"$PIDS/{port}"\nwait_healthy {port}\nstop_port {port}\n'
        )
    if ASKS_FOR_A_PASSWORD.search(command) and "|" not in command and "--help" not in command:
        code = command.split("  #", 1)[0].rstrip()
        return f'{marker}{code} <<<"$PASSWORD"\n'
    return f"{marker}{command}\n"


@pytest.fixture(scope="module")
def operator_run(tmp_path_factory):
    """(the commands that ran, the excused ones, the finished bash run, the test's folder)."""
    if find_server_binary() is None:
        unavailable("no MariaDB server installed (run .ci/install-mariadb)")
    base = tmp_path_factory.mktemp("operator")
    user = getpass.getuser()
    database = MariaDBServer(base / "mariadb")
    database.start()
    try:
        ports = dict(zip(GUIDE_PORTS, [free_port() for _ in GUIDE_PORTS], strict=False))
        ports[DATABASE_PORT] = database.port

        # Step 1, in the mariadb client as an administrator.
        (sql,) = blocks(document("deploying"), "sql")
        with database.connect() as connection, connection.cursor() as cursor:
            for statement in filter(str.strip, sql.split(";")):
                cursor.execute(statement)

        # The operator's upstream repository: this tree, its paths moved like the commands'.
        upstream = base / "upstream"
        upstream.mkdir()
        copy_of_this_tree(upstream)
        for name in ("production.ini", "deploy/scratchpad-command"):
            path = upstream / name
            path.write_text(substitute(path.read_text(encoding="utf-8"), base, ports, user), encoding="utf-8")
        git("commit", "--quiet", "-am", "Paths of the test's install", cwd=upstream)
        for folder in ("srv", "etc", "var/log", "usr/local/bin"):  # there on any Debian system
            (base / folder).mkdir(parents=True, exist_ok=True)

        # The app's template unit (the mail worker's unit is the other [Service] block).
        (unit,) = [block for block in blocks(document("deploying"), "ini") if "bin/pserve" in block]
        script = [PRELUDE, unit_starter(substitute(unit, base, ports, user))]
        ran, excused = [], []
        for name in ("deploying", "administration"):
            for command in document_commands(name):
                reason = excuse_for(command)
                if reason is not None:
                    excused.append(command)
                    continue
                ran.append(command)
                text = substitute(command, base, ports, user).replace(CLONE_URL, str(upstream))
                script.append(script_line(len(ran), text))
        script.append('for pid in "$PIDS"/*; do if [ -e "$pid" ]; then stop_port "${pid##*/}"; fi; done\n')

        (base / "pids").mkdir()
        (base / "logs").mkdir()
        env = clean_environment(
            PATH=f"{base}/usr/local/bin:" + clean_environment()["PATH"],
            PIDS=str(base / "pids"),
            LOGS=str(base / "logs"),
            PASSWORD=PASSWORD,
            NEW_PASSWORD=secrets.token_urlsafe(16),
        )
        (base / "operator.sh").write_text("".join(script), encoding="utf-8")
        process = subprocess.Popen(
            ["bash", str(base / "operator.sh")],
            cwd=base,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        started = time.monotonic()
        try:
            stdout, stderr = process.communicate(timeout=INSTALL_TIMEOUT)
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.communicate()
            # A failing command ends the script (set -e) before its last line stops the servers
            # it started; they are still in its process group, and go now, not with the machine.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        result = subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)
        result.seconds = time.monotonic() - started
        yield ran, excused, result, base
    finally:
        database.stop()


def logs(base):
    return "\n".join(
        f"== {path.name}\n{path.read_text(errors='replace')[-2000:]}" for path in (base / "logs").iterdir()
    )


def test_every_command_runs_as_written(operator_run):
    _ran, _, result, base = operator_run
    assert result.returncode == 0, f"{result.stdout[-3000:]}\n{result.stderr[-5000:]}\n{logs(base)}"


def test_the_excused_commands_are_exactly_those_listed(operator_run):
    _, excused, _, _ = operator_run
    assert [excuse_for(command) for command in excused] == list(EXCUSED.values())


def test_a_command_the_docs_add_is_run_or_excused(operator_run):
    ran, excused, _, _ = operator_run
    everything = document_commands("deploying") + document_commands("administration")
    assert (len(ran) + len(excused), len(ran) > 30) == (len(everything), True)


def outputs(operator_run):
    """{command as written: what it wrote to standard output}, for the commands that ran."""
    ran, _, result, _ = operator_run
    # Not always at a line's start: curl writes "ok" without a newline.
    pieces = re.split(r"### command (\d+)\n", result.stdout)[1:]
    return {
        ran[int(number) - 1]: text.strip() for number, text in zip(pieces[::2], pieces[1::2], strict=False)
    }


def test_the_health_checks_answer_ok(operator_run):
    written = outputs(operator_run)
    checks = {command: text for command, text in written.items() if command.startswith("curl ")}
    assert (len(checks), set(checks.values())) == (2, {"ok"}), checks


def test_users_list_shows_the_first_admin(operator_run):
    listed = outputs(operator_run)["sudo scratchpad-admin users list"].splitlines()
    assert listed[1].split() == ["1", "alice", "admin", "active", "bcrypt"], listed


def test_admin_commands_audit_to_the_services_log(operator_run):
    _, _, _, base = operator_run
    audit = (base / "var/log/scratchpad/audit.log").read_text(encoding="utf-8")
    lines = [line.split("] ", 1)[1] for line in audit.splitlines()]
    assert lines[:4] == [
        "user created user='alice' addr=command line role='admin'",
        "invitation created user='dave' addr=command line role='member'",
        "user created user='carol' addr=command line role='member'",
        "user password changed user='carol' addr=command line",
    ], audit
    assert "reset created user='bob' addr=command line" in lines, audit


def test_the_documented_run_takes_under_a_minute_and_a_half(operator_run):
    _, _, result, _ = operator_run
    assert result.seconds < 90
