"""Where things are: the checkout the tests run from, and the venv's commands."""

import sys
from pathlib import Path

#: The repository root (the folder holding setup.py and the ini files).
ROOT = Path(__file__).resolve().parents[2]
#: The venv's bin folder: pserve, alembic, initialize_scratchpad_db, scratchpad-admin.
BIN = Path(sys.executable).parent
