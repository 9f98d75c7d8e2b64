"""scratchpad.metrics.gunicorn_config: the multiprocess folder starts empty, and gunicorn
refuses to start with the hooks but without the folder."""

from types import SimpleNamespace

import pytest

from scratchpad.metrics import gunicorn_config


def test_an_earlier_runs_metric_files_are_removed_and_nothing_else(tmp_path):
    for name in ("counter_101.db", "gauge_livesum_101.db", "notes.txt"):
        (tmp_path / name).write_bytes(b"x")
    gunicorn_config.empty(tmp_path)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["notes.txt"]


def test_a_missing_folder_is_made_for_the_service_user_alone(tmp_path):
    folder = tmp_path / "run" / "metrics"
    gunicorn_config.empty(folder)
    assert (folder.is_dir(), folder.stat().st_mode & 0o777) == (True, 0o700)


def test_gunicorn_stops_with_a_clear_message_without_the_folder(monkeypatch):
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
    with pytest.raises(SystemExit, match="PROMETHEUS_MULTIPROC_DIR is not set"):
        gunicorn_config.on_starting(SimpleNamespace())


def test_starting_empties_the_folder_the_environment_names(tmp_path, monkeypatch):
    (tmp_path / "counter_7.db").write_bytes(b"stale")
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    gunicorn_config.on_starting(SimpleNamespace())
    assert list(tmp_path.iterdir()) == []
