"""scratchpad.web.serving without a waitress server in the process: SIGTERM goes to the handler
that was there before (gunicorn's, in its workers), and the handler is installed only once."""

import signal

import pytest

from scratchpad.web import serving


@pytest.fixture
def sigterm_handler():
    """Puts back the process's SIGTERM handler after the test."""
    original = signal.getsignal(signal.SIGTERM)
    yield
    signal.signal(signal.SIGTERM, original)


def test_sigterm_goes_to_the_previous_handler_without_a_waitress_server(sigterm_handler):
    received = []
    signal.signal(signal.SIGTERM, lambda signum, frame: received.append(signum))
    serving.install(5)
    signal.raise_signal(signal.SIGTERM)
    assert received == [signal.SIGTERM]


def test_installed_once_however_often_the_app_is_made(sigterm_handler):
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    serving.install(5)
    first = signal.getsignal(signal.SIGTERM)
    serving.install(5)
    assert signal.getsignal(signal.SIGTERM) is first
    assert first.previous == signal.SIG_IGN
