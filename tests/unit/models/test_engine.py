"""``models.get_engine``: what the ini file says is what the engine does."""

import pytest

from scratchpad.models import get_engine


@pytest.mark.parametrize("written, pings", [("true", True), ("false", False), ("no", False), ("1", True)])
def test_pool_pre_ping_follows_the_ini_text(tmp_path, written, pings):
    engine = get_engine(
        {"sqlalchemy.url": f"sqlite:///{tmp_path / 'board.sqlite'}", "sqlalchemy.pool_pre_ping": written}
    )
    try:
        assert engine.pool._pre_ping is pings
    finally:
        engine.dispose()


def test_bound_values_never_reach_an_error_message(tmp_path):
    engine = get_engine({"sqlalchemy.url": f"sqlite:///{tmp_path / 'board.sqlite'}"})
    try:
        assert engine.hide_parameters is True
    finally:
        engine.dispose()
