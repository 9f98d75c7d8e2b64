# The only commands the README needs: `make run` and `make test`.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test install clean

# Reinstall whenever setup.py changes; the stamp keeps later runs instant.
$(VENV)/.installed: setup.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[testing]"
	touch $@

install: $(VENV)/.installed

# Migrate (idempotent), create the first admin only on an empty users table, then serve.
run: install
	$(BIN)/initialize_scratchpad_db development.ini --initial-admin
	$(BIN)/pserve development.ini

test: install
	$(BIN)/pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache
