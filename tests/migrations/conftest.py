"""What the migration tests share: a throwaway SQLite file that alembic (run as a script,
reading SCRATCHPAD_DATABASE_URL) and the test both reach."""

import pytest


@pytest.fixture
def database_url(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'migrations.sqlite'}"
    monkeypatch.setenv("SCRATCHPAD_DATABASE_URL", url)
    return url
