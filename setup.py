"""Packaging for the scratchpad comment board."""

import os
import runpy
import shutil

from setuptools import find_packages, setup
from setuptools.command.build_py import build_py

here = os.path.abspath(os.path.dirname(__file__))
with open(os.path.join(here, "README.md"), encoding="utf-8") as readme:
    long_description = readme.read()

requires = [
    "alembic>=1.13",
    "Babel>=2.14",  # the translations' .mo files are compiled from the .po files (i18n/catalogs.py)
    "bcrypt>=4.1",
    "markdown-it-py>=3.0",  # comments' Markdown subset: a CommonMark parser, not regexes
    "nh3>=0.2.17",  # an allow-list HTML sanitiser (ammonia) for what the Markdown makes
    "orjson>=3.9",  # the API's JSON: ~50x the stdlib's speed on pages of long comments
    "prometheus-client>=0.20",  # /metrics: the standard format; gunicorn's workers summed
    "pyramid>=2.0.2",
    "pyramid_jinja2>=2.10",
    "pyramid_retry>=2.1.1",
    "pyramid_tm>=2.5",
    "PyMySQL>=1.1",
    "SQLAlchemy>=2.0.30",
    "transaction>=4.0",
    "tzdata>=2024.1",  # the zoneinfo database where the system has none (slim images): readers' time zones
    "waitress>=3.0",
    "zope.sqlalchemy>=3.1",
]

tests_require = [
    "aiosmtpd>=1.4",  # the real SMTP server the mail tests start (tests/support/smtp_server.py)
    "feedparser>=6.0",  # reads /feed.atom in the tests as feed readers do
    "gunicorn>=23.0",  # production.ini is tested under gunicorn --paste too
    "hypothesis>=6.100",  # the fuzz test of the WSGI app
    "playwright>=1.40",  # the browser tests drive Debian's chromium (tests/e2e)
    "pytest>=8.0",
    "pytest-cov>=5.0",  # make test prints the branch coverage of scratchpad/
    "pytest-xdist>=3.5",  # make test runs the suite on every core (loadgroup, worker_id)
    "WebTest>=3.0.1",
]

#: The style and type gate, `make lint` (docs/testing.md, "Lint and types"): ruff lints and
#: formats, mypy checks types with waitress's stubs (Pyramid, pyramid_retry, zope.sqlalchemy and
#: transaction ship none, and none exist), pre-commit runs the same before each commit.
lint_requires = [
    "mypy>=2.0",
    "pre-commit>=4.0",
    "ruff>=0.17",
    "types-waitress>=3.0",
]

#: An alternative to waitress in production: gunicorn --paste production.ini (docs/administration.md).
gunicorn_requires = ["gunicorn>=23.0"]


class FreshBuildPy(build_py):
    """Copies the package into an emptied ``build/lib``.

    setuptools reuses a ``build/`` left in the checkout by an earlier ``pip install .``, so a
    module deleted in the new release would be copied into the new wheel again (and found by
    ``config.scan``). Emptying it first installs exactly the checked-out release.

    Compiles the translations first (scratchpad/i18n/catalogs.py, run as a file: nothing of the
    package can be imported yet), into the source tree, where an editable install reads
    them and from where ``package_data`` copies them into the wheel: the ``.mo`` files are
    built, never committed, so they always match the ``.po`` files.
    """

    def run(self):
        if not self.editable_mode:
            shutil.rmtree(self.build_lib, ignore_errors=True)
        runpy.run_path(os.path.join(here, "scratchpad", "i18n", "catalogs.py"))["compile_catalogs"]()
        super().run()


setup(
    name="scratchpad",
    version="0.1.0",
    description="A small, secure comment board on Pyramid",
    long_description=long_description,
    long_description_content_type="text/markdown",
    python_requires=">=3.11",
    # Only the app: bench/ and tests/ run from the checkout and are not installed.
    packages=find_packages(include=["scratchpad", "scratchpad.*"]),
    include_package_data=True,
    # The migrations travel inside the package: scratchpad/migrations is a link to the
    # top-level alembic/ folder, and the ini files name them as "scratchpad:migrations".
    package_data={
        "scratchpad": [
            "migrations/*.py",
            "migrations/*.mako",
            "migrations/versions/*.py",
            "locale/*/LC_MESSAGES/*.mo",
        ]
    },
    cmdclass={"build_py": FreshBuildPy},
    zip_safe=False,
    install_requires=requires,
    extras_require={"testing": tests_require, "lint": lint_requires, "gunicorn": gunicorn_requires},
    entry_points={
        "paste.app_factory": ["main = scratchpad:main"],
        "console_scripts": [
            "initialize_scratchpad_db = scratchpad.scripts.initialize_db:main",
            "scratchpad-admin = scratchpad.scripts.admin:main",
        ],
    },
)
