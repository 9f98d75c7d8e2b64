# The only commands the README needs: `make run` and `make test`.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# A throwaway venv for `make constraints`, outside the checkout's build/.
CONSTRAINTS_VENV ?= /tmp/scratchpad-constraints-venv

.PHONY: run test quick lint test-packages install clean bench constraints messages

# Reinstall whenever setup.py changes; the stamp keeps later runs instant.
$(VENV)/.installed: setup.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[testing,lint]"
	touch $@

# The .mo files are built from the .po files (setup.py does it at every install; this catches
# a .po edited since).
install: $(VENV)/.installed
	@$(BIN)/python scratchpad/i18n/catalogs.py

# After marking texts (docs/translating.md): extract every message into the .pot, bring each
# language's .po up to date with it (new messages empty, changed ones fuzzy), compile.
messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k plural:2,3 -k plural_pair:1,2 -k counted:1,2 -k plural_forms:1,2 \
	  --add-location=file --sort-by-file --width=100 \
	  --project=Scratchpad --copyright-holder="Scratchpad contributors" \
	  -o scratchpad/locale/scratchpad.pot .
	$(BIN)/pybabel update -D scratchpad -i scratchpad/locale/scratchpad.pot -d scratchpad/locale \
	  --width=100 --ignore-obsolete
	$(BIN)/python scratchpad/i18n/catalogs.py

# Migrate (idempotent), create the first admin only on an empty users table, then serve.
run: install
	$(BIN)/initialize_scratchpad_db development.ini --initial-admin
	$(BIN)/pserve development.ini

# Chromium and a MariaDB server first: installed when missing (as root), else one line saying
# what to install and a stop before any test runs.
test-packages:
	@bash .ci/install-test-packages

# The suite's processes cache their bytecode (__pycache__/, git-ignored) even where the environment
# says not to (PYTHONDONTWRITEBYTECODE, empty meaning unset): without the cache every pytest
# process compiled each test file again (its assertions rewritten), 5.2 CPU seconds to collect
# the tree against 2.3, and every console script or server the tests start compiled the package.
test quick: export PYTHONDONTWRITEBYTECODE :=

# The whole suite on every core (pytest-xdist; each test file on one worker, so that its module
# fixtures, such as a deployment or a served board, are made once; files handed out in the
# order tests/conftest.py collects them, the slowest folders first), then the branch coverage
# of scratchpad/ and the 15 slowest tests.
test: test-packages install
	$(BIN)/pytest -n auto --dist loadfile --no-loadscope-reorder --cov --cov-report=term-missing --durations=15 $(PYTEST_ARGS)

# Between edits: the tests that run in this process (no served app), on SQLite only.
QUICK_TESTS := tests/unit tests/functional tests/migrations tests/scripts
quick: install
	$(BIN)/pytest -n auto --dist loadfile --no-loadscope-reorder -m "not mysql and not e2e and not slow and not served and not big" $(QUICK_TESTS) $(PYTEST_ARGS)

# The style and type gate, run by .ci/run before the tests and by pre-commit (docs/testing.md,
# "Lint and types"): ruff's rules, ruff's formatting, mypy. All three run, whatever fails,
# and each failure ends with a line saying how to fix it. A few seconds.
lint: install
	@status=0; \
	$(BIN)/ruff check . || { status=1; echo "make lint: fix the findings above (many with $(BIN)/ruff check --fix); the rules and their reasons are in pyproject.toml."; }; \
	$(BIN)/ruff format --check . || { status=1; echo "make lint: run $(BIN)/ruff format . to format the files above."; }; \
	$(BIN)/mypy || { status=1; echo "make lint: annotate or fix what mypy found above ([tool.mypy] in pyproject.toml)."; }; \
	exit $$status

# Throughput, latency and memory at 1,000 and 100,000 comments, against a raw WSGI baseline,
# on SQLite and on a MariaDB server of its own (docs/performance.md). About 10 minutes; needs
# wrk and a MariaDB server binary, installed here when missing (as root).
bench: install
	command -v wrk >/dev/null || apt-get install -y wrk || (apt-get update && apt-get install -y wrk)
	bash .ci/install-mariadb --check || bash .ci/install-mariadb
	$(BIN)/python -m bench.run $(BENCH_ARGS)

# Pins every dependency (gunicorn's, and setuptools, which pyramid needs, included) at what a
# fresh install picks today, for the reproducible install of README "Deploying"
# (`pip install -c constraints.txt ...`). Run it after changing setup.py's requirements, and
# commit constraints.txt.
constraints:
	rm -rf $(CONSTRAINTS_VENV)
	$(PYTHON) -m venv $(CONSTRAINTS_VENV)
	$(CONSTRAINTS_VENV)/bin/pip install --quiet --disable-pip-version-check ".[gunicorn]"
	{ echo "# Made by \`make constraints\` from a fresh install of setup.py's requirements:"; \
	  echo "# README, \"Deploying\" installs with \`pip install -c constraints.txt\`."; \
	  $(CONSTRAINTS_VENV)/bin/pip freeze --all --exclude scratchpad --exclude pip; } > constraints.txt
	rm -rf $(CONSTRAINTS_VENV)

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .mypy_cache .ruff_cache
