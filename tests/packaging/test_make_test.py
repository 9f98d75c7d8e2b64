"""``make test`` on a bare machine: it installs chromium and a MariaDB server itself when run as
root, and otherwise stops with one line saying what to install before any test runs. Run on a
copy of the Makefile and .ci/ with a PATH of stand-ins, so that nothing is installed for real."""

import gc
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tomllib

import pytest
import sqlalchemy as sa
import webtest
from pyramid_jinja2 import IJinja2Environment

from scratchpad import main
from scratchpad.models import Comment
from tests.support.apps import TestResponse
from tests.support.factories import (
    make_comment,
    make_comments,
    make_replies,
    make_reply,
    stored_comment,
)
from tests.support.installing import ROOT

MAKE = shutil.which("make")
TIMEOUT = 60
#: Collecting the whole suite, or running two files of it, in a subprocess.
NESTED_TIMEOUT = 300
#: What make quick must not run: the browser, servers, MariaDB, the fresh clone, the wheel.
QUICK_LEAVES_OUT = ("tests/e2e/", "tests/deploy/", "tests/fresh_clone/", "tests/packaging/")


def run_uncovered(command, **extra_environment):
    """``command`` (``make quick`` or a nested pytest) run in the checkout, its output captured,
    failing the test with the end of that output unless it succeeds. Run with this process's
    environment without coverage's variables: a nested pytest that collects (or reruns what the
    suite runs anyway) adds nothing to the coverage of scratchpad/, and measuring it cost each
    collection of the whole tree two CPU seconds more (4.3 s to 6.3 s)."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith("COVERAGE_")}
    result = subprocess.run(
        command,
        cwd=ROOT,
        env={**environment, **extra_environment},
        capture_output=True,
        text=True,
        # Three seconds on an idle machine; over a minute was seen with every core busy.
        timeout=NESTED_TIMEOUT,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result


@pytest.fixture
def project(tmp_path):
    """A folder with this checkout's Makefile, setup.py and .ci/ only (no venv, no tests)."""
    folder = tmp_path / "project"
    folder.mkdir()
    shutil.copy2(ROOT / "Makefile", folder / "Makefile")
    shutil.copy2(ROOT / "setup.py", folder / "setup.py")
    shutil.copytree(ROOT / ".ci", folder / ".ci")
    return folder


def script(path, text):
    path.write_text(f"#!/bin/sh\n{text}\n", encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)


def bare_path(tmp_path, uid):
    """A PATH with bash and dirname, an ``id`` that answers ``uid``, and an ``apt-get`` that only
    writes its arguments to apt-get.log: no chromium, no Python, nothing else."""
    folder = tmp_path / "bin"
    folder.mkdir()
    for tool in ("bash", "dirname"):
        os.symlink(shutil.which(tool), folder / tool)
    script(folder / "id", f"echo {uid}")
    script(folder / "apt-get", f'echo "$@" >> {tmp_path / "apt-get.log"}')
    return str(folder)


def make(project, target, path, *options):
    return subprocess.run(
        [MAKE, *options, target],
        cwd=project,
        env={"PATH": path, "HOME": str(project)},
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )


def test_make_test_as_a_user_without_chromium_says_what_to_install_and_stops(project, tmp_path):
    result = make(project, "test", bare_path(tmp_path, uid=1000))
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if not line.startswith("make:")]
    assert len(lines) == 1, result.stderr
    assert "sudo apt-get install chromium" in lines[0]
    # Stopped before anything else: no venv made, no test run, nothing installed.
    assert (project / ".venv").exists() is False
    assert "pytest" not in result.stdout + result.stderr
    assert not (tmp_path / "apt-get.log").exists()


def test_make_test_as_root_without_chromium_installs_it(project, tmp_path):
    if subprocess.run(["bash", ROOT / ".ci" / "install-mariadb", "--check"]).returncode != 0:
        pytest.skip("the MariaDB server is missing too: this machine's run installs it first")
    result = make(project, "test-packages", bare_path(tmp_path, uid=0))
    assert result.returncode == 0, result.stderr
    assert "install -y -q chromium" in (tmp_path / "apt-get.log").read_text()


def test_the_system_packages_come_before_the_tests(project):
    # make -n prints what `make test` would run, in order, and runs none of it.
    commands = make(project, "test", os.environ["PATH"], "-n").stdout.splitlines()
    assert "bash .ci/install-test-packages" in commands
    tests = next(i for i, line in enumerate(commands) if "bin/pytest" in line)
    assert commands.index("bash .ci/install-test-packages") < tests


def test_ci_runs_just_make_test_after_make_lint():
    lines = (ROOT / ".ci" / "run").read_text().splitlines()
    commands = [line for line in lines if line and not line.startswith(("#", "set ", "cd "))]
    assert commands == ["make lint", "make test"]


def pytest_command(target, *variables):
    """The pytest command line that ``make target`` would run (make -n runs none of it)."""
    commands = make(ROOT, target, os.environ["PATH"], "-n", *variables).stdout.splitlines()
    return next(line for line in commands if "bin/pytest" in line)


def test_make_test_runs_in_parallel_then_shows_coverage_and_the_slowest_tests():
    command = pytest_command("test").split()
    assert command[1:5] == ["-n", "auto", "--dist", "loadfile"]
    assert {"--cov", "--cov-report=term-missing", "--durations=15"} <= set(command)


def test_coverage_is_branch_coverage_of_the_package():
    with open(ROOT / "pyproject.toml", "rb") as pyproject:
        coverage = tomllib.load(pyproject)["tool"]["coverage"]
    assert (coverage["run"]["source"], coverage["run"]["branch"]) == (["scratchpad"], True)


def test_make_quick_collects_no_mariadb_browser_or_slow_test():
    # -n 0 after make quick's own options: collected in this process, and printed.
    result = run_uncovered([MAKE, "quick", "PYTEST_ARGS=--collect-only -q -n 0 -p no:cacheprovider"])
    tests = [line for line in result.stdout.splitlines() if "::" in line]
    assert len(tests) > 1000
    # [mariadb] is the database_url fixture's MariaDB half ([mariadb-port-closed] needs no server).
    assert [test for test in tests if "[mariadb]" in test or test.startswith(QUICK_LEAVES_OUT)] == []


def test_make_test_hands_out_files_in_the_order_they_are_collected():
    # xdist's own order (most tests first) left the fresh clone and the deployments for last.
    assert "--no-loadscope-reorder" in pytest_command("test").split()


def collected_files(*args):
    """The test files ``pytest --collect-only`` lists, in the order of their first test."""
    result = run_uncovered(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *args]
    )
    files = [line.split("::")[0] for line in result.stdout.splitlines() if "::" in line]
    return list(dict.fromkeys(files))


def test_the_slowest_folders_are_collected_first():
    # The fresh clone, the installs, the deployments and the browser (tests/conftest.py,
    # SLOW_FOLDERS, goes on with more folders): in this order, before any other file.
    first = ("tests/fresh_clone/", "tests/packaging/", "tests/deploy/", "tests/e2e/")
    files = collected_files()
    ranks = [
        next((rank for rank, folder in enumerate(first) if name.startswith(folder)), 99) for name in files
    ]
    assert ranks[: ranks.index(99)] == sorted(ranks[: ranks.index(99)]), files
    assert set(ranks[ranks.index(99) :]) == {99}, files
    assert set(ranks) == {0, 1, 2, 3, 99}, files


#: A plugin for a nested pytest: records every ``alembic upgrade`` and ``downgrade`` its
#: process runs, as "upgrade sqlite" (the command, the database's driver), in the file named
#: by COUNT_FILE, one JSON list per process.
COUNTING_PLUGIN = """
import json, os
import alembic.command

migrations = []

def counting(command):
    run = getattr(alembic.command, command)
    def counted(config, revision, **kwargs):
        migrations.append(command + " " + os.environ["SCRATCHPAD_DATABASE_URL"].split(":")[0])
        return run(config, revision, **kwargs)
    setattr(alembic.command, command, counted)

counting("upgrade")
counting("downgrade")

def pytest_sessionfinish(session):
    with open(os.environ["COUNT_FILE"], "a") as out:
        out.write(json.dumps(migrations) + "\\n")
"""


#: Two files whose tests use both databases, named rather than picked by ``-k`` from the whole
#: tree: collecting every test twice (in the runner, then in the worker) cost more than running these.
TWO_FILES = ("tests/functional/board/test_refused_edits.py", "tests/functional/test_routes.py")


def test_a_worker_migrates_each_database_once_whatever_the_number_of_files(tmp_path):
    # Two files on one worker: SQLite, MariaDB, SQLite, MariaDB. Migrating again at each switch
    # cost every file seconds; migrating both down at the end cost every worker seconds where
    # nothing else filled the cores (the throwaway databases need no downgrade, and
    # tests/mysql/test_migrations_mariadb.py runs every downgrade on MariaDB).
    (tmp_path / "count_upgrades.py").write_text(COUNTING_PLUGIN, encoding="utf-8")
    count_file = tmp_path / "upgrades.jsonl"
    result = run_uncovered(
        [
            *(sys.executable, "-m", "pytest", "-p", "count_upgrades", "-p", "no:cacheprovider", "-q"),
            *("-n", "1", "--dist", "loadfile", *TWO_FILES),
        ],
        PYTHONPATH=str(tmp_path),
        COUNT_FILE=str(count_file),
    )
    assert re.search(r"\b(1[4-9]|[2-9]\d) passed", result.stdout), result.stdout[-2000:]
    per_process = [json.loads(line) for line in count_file.read_text().splitlines()]
    assert sorted(map(sorted, per_process)) == [[], ["upgrade mysql+pymysql", "upgrade sqlite"]]


#: A template every page draws (pyramid_jinja2 names templates by asset spec).
LAYOUT = "scratchpad:templates/layout.jinja2"


def test_the_apps_of_one_test_process_compile_each_template_once(sqlite_database, monkeypatch):
    # Every app a test builds (app_with, app_on, a main() of its own) has a Jinja2 environment
    # of its own; each compiled the templates again on its first requests, about 0.17 CPU
    # seconds a fresh app with coverage on (tests.support.apps.CompiledTemplates).
    apps = [main({}, **sqlite_database.settings, dbengine=sqlite_database.engine) for _ in range(2)]
    first, second = (app.registry.getUtility(IJinja2Environment, name=".jinja2") for app in apps)
    first.get_template(LAYOUT)
    compiled = []
    compile_ = second.compile
    monkeypatch.setattr(
        second, "compile", lambda *args, **kwargs: compiled.append(args) or compile_(*args, **kwargs)
    )
    assert second.get_template(LAYOUT).render is not None
    assert compiled == []
    # And an edited template is compiled again: the code is checked against its source.
    second.cache.clear()
    source, filename, _ = second.loader.get_source(second, LAYOUT)
    edited = (source + "\n{# edited #}\n", filename, lambda: True)
    monkeypatch.setattr(second.loader, "get_source", lambda environment, name: edited)
    second.get_template(LAYOUT)
    assert len(compiled) == 1


def test_what_the_collection_left_alive_is_out_of_the_garbage_collectors_sight():
    # tests/conftest.py freezes it (gc.freeze): full collections walked the app's and the
    # libraries' objects again and again, a tenth of a test process's CPU time.
    assert gc.get_freeze_count() > 100_000


def comment_rows(dbsession, comments):
    """What a test reads of the comments: every column but the change stamp (random) and the
    times (those of ``now``, a moment apart), ids taken relative to the first."""
    first = comments[0].id
    dbsession.expire_all()
    return [
        (
            comment.id - first,
            comment.content,
            comment.html,
            comment.commenter_id,
            comment.parent_id and comment.parent_id - first,
            comment.thread_id and comment.thread_id - first,
            comment.path and len(comment.path),
            comment.reply_count,
        )
        for comment in dbsession.scalars(sa.select(Comment).where(Comment.id >= first).order_by(Comment.id))
    ]


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
def test_many_comments_in_one_flush_are_the_rows_of_one_flush_each(dbsession, alice, bob):
    texts = ["One *a*", "Two @bob", "Three"]
    authors = [alice, bob, alice]
    one_by_one = [
        make_comment(dbsession, text, commenter=user) for text, user in zip(texts, authors, strict=True)
    ]
    together = make_comments(dbsession, texts, [alice, bob])
    rows = comment_rows(dbsession, [*one_by_one, *together])
    assert [row[0] for row in rows] == list(range(6))
    assert [row[1:] for row in rows[:3]] == [row[1:] for row in rows[3:]]


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
def test_a_parents_replies_in_one_flush_are_the_rows_of_one_flush_each(dbsession, alice):
    root = make_comment(dbsession, "Root", commenter=alice)
    middle = make_reply(dbsession, root, "Middle", commenter=alice)
    for parent in (root, middle):
        one_by_one = [
            make_reply(dbsession, parent, f"Reply {number}", commenter=alice) for number in range(3)
        ]
        together = make_replies(dbsession, parent, [f"Reply {number}" for number in range(3)], [alice])
        # Beside each other in the same thread: the same rows but for their ids (and so paths).
        rows = comment_rows(dbsession, [root, *one_by_one, *together])
        first, second = rows[-6:-3], rows[-3:]
        assert [row[1:] for row in first] == [row[1:] for row in second]
    assert stored_comment(dbsession, root.id).reply_count == 1 + 6 + 6


#: Pages with many forms, some outside the main column (the navbar's search and language
#: menu, the header's logout, each comment's buttons, the account page's settings).
PAGES_WITH_FORMS = ["/", "/?before=10", "/account", "/login/", "/search?q=comment", "/notifications"]


def form_fields(forms):
    """Each form's key, attributes and fields (name, kind, value, options) in order, and what
    it would submit."""
    return {
        key: (
            form.id,
            form.action,
            form.method,
            form.enctype,
            [
                (name, type(field).__name__, field.value, getattr(field, "options", None))
                for name, field in form.field_order
            ],
            form.submit_fields(),
        )
        for key, form in forms.items()
    }


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
@pytest.mark.parametrize("path", PAGES_WITH_FORMS)
def test_the_forms_of_a_page_are_webtests_own(logged_in, dbsession, alice, path):
    # tests.support.apps.TestResponse finds each form's fields among the page's fields only;
    # webtest.TestResponse asked every element of the page, once per form.
    make_comments(dbsession, [f"comment {number}" for number in range(30)], [alice])
    response = logged_in.get(path)
    as_webtest = webtest.TestResponse(body=response.body, headerlist=response.headerlist)
    as_webtest.request, as_webtest.test_app = response.request, response.test_app
    ours = response.forms
    assert (type(response), form_fields(ours)) == (TestResponse, form_fields(as_webtest.forms))
    assert len(ours) > 2
    assert all(form.response is response for form in ours.values())
