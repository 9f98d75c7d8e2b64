"""The package as a wheel, installed into a fresh venv like any Python package (not editable):
it carries its migrations, installs nothing but ``scratchpad``, and an ini file copied into an
otherwise empty folder is enough to migrate, serve and log in."""

import http.cookiejar
import io
import re
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import zipfile

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from tests.support.installing import INSTALL_TIMEOUT, ROOT, clean_environment, fresh_venv, run, site_packages
from tests.support.servers import free_port, get_when_up, stop

# A wheel build and a fresh venv with every dependency: over half a minute.
pytestmark = pytest.mark.slow

ALICE = "alice-wheel-password"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    """The wheel pip builds from this checkout."""
    wheels = tmp_path_factory.mktemp("wheels")
    run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--wheel-dir", wheels, ROOT],
        cwd=wheels,
        timeout=INSTALL_TIMEOUT,
    )
    (found,) = wheels.glob("scratchpad-*.whl")
    return found


@pytest.fixture(scope="module")
def installed(tmp_path_factory, wheel):
    """The bin folder of a fresh venv with the wheel and its dependencies installed."""
    venv_bin = fresh_venv(tmp_path_factory.mktemp("installed") / "venv")
    run([venv_bin / "pip", "install", wheel], cwd=venv_bin, timeout=INSTALL_TIMEOUT)
    return venv_bin


def test_wheel_carries_every_migration_and_the_alembic_environment(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    versions = (ROOT / "alembic" / "versions").glob("*.py")
    expected = {f"scratchpad/migrations/versions/{path.name}" for path in versions}
    expected |= {"scratchpad/migrations/env.py", "scratchpad/migrations/script.py.mako"}
    assert expected <= names, sorted(expected - names)


def test_wheel_carries_each_languages_catalog_compiled_from_its_po(wheel):
    """setup.py compiles the .mo files (never committed) as it builds: a plain ``pip install``
    of the package, outside the checkout, speaks every language its .po files do."""
    archive = zipfile.ZipFile(wheel)
    for po_path in sorted((ROOT / "scratchpad" / "locale").glob("*/LC_MESSAGES/scratchpad.po")):
        language = po_path.parent.parent.name
        with po_path.open("rb") as file:
            compiled = io.BytesIO()
            write_mo(compiled, read_po(file, locale=language, domain="scratchpad"))
        shipped = archive.read(f"scratchpad/locale/{language}/LC_MESSAGES/scratchpad.mo")
        assert shipped == compiled.getvalue(), language


def test_wheel_installs_only_the_scratchpad_package(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    top_level = {name.split("/")[0] for name in names if not name.split("/")[0].endswith(".dist-info")}
    assert top_level == {"scratchpad"}


def test_installed_package_imports_from_the_venv_not_the_checkout(installed, tmp_path):
    found = run([installed / "python", "-c", "import scratchpad; print(scratchpad.__file__)"], cwd=tmp_path)
    assert found.stdout.strip().startswith(str(site_packages(installed)))


def log_in(origin, username, password):
    """Log in as a browser does (cookies, the form's CSRF token); returns the page it lands on."""
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    with browser.open(f"{origin}/login/", timeout=10) as response:
        token = re.search(r'name="csrf_token" value="([^"]+)"', response.read().decode()).group(1)
    fields = {"username": username, "password": password, "csrf_token": token, "next": "/"}
    with browser.open(
        f"{origin}/login/", data=urllib.parse.urlencode(fields).encode(), timeout=30
    ) as response:
        return response.geturl(), response.read().decode()


def test_ini_alone_in_a_folder_migrates_serves_and_logs_in(installed, tmp_path):
    # Only a copy of development.ini (its database next to it), on a free port.
    port = free_port()
    text = (ROOT / "development.ini").read_text(encoding="utf-8")
    (tmp_path / "development.ini").write_text(
        re.sub(r"(?m)^listen = .*$", f"listen = 127.0.0.1:{port}", text), encoding="utf-8"
    )
    env = clean_environment()
    run(
        [installed / "initialize_scratchpad_db", "development.ini", "--admin", "alice"],
        cwd=tmp_path,
        env=env,
        input=f"{ALICE}\n",
    )
    assert sorted(path.name for path in tmp_path.iterdir()) == ["development.ini", "scratchpad.sqlite"]

    with open(tmp_path / "pserve.log", "wb") as log:
        server = subprocess_pserve(installed, tmp_path, env, log)
    try:
        origin = f"http://127.0.0.1:{port}"
        assert get_when_up(f"{origin}/healthz", server, time.monotonic() + 60) == (200, "ok")
        url, page = log_in(origin, "alice", ALICE)
    finally:
        stop(server)
    assert (url, "You are logged in as alice." in page) == (f"{origin}/", True)


def subprocess_pserve(venv_bin, folder, env, log):
    """The venv's ``pserve development.ini``, run from ``folder`` in a session of its own."""
    return subprocess.Popen(
        [str(venv_bin / "pserve"), "development.ini"],
        cwd=folder,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=log,
        start_new_session=True,
    )
