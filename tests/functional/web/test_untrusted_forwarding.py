"""A proxy the app does not trust is named in the log: one warning per address that sends
X-Forwarded-For without being in scratchpad.trusted_proxies, not one per request."""

import logging

import pytest

PROXY = "10.0.0.1"
FORWARDED = {"X-Forwarded-For": "203.0.113.7"}


@pytest.fixture
def warnings_logged(caplog):
    """The warnings the app has logged so far, as text."""
    caplog.set_level(logging.WARNING, logger="scratchpad")
    return lambda: [record.getMessage() for record in caplog.records if record.levelno >= logging.WARNING]


@pytest.fixture
def app_trusting_the_proxy(app_with):
    return app_with(trusted_proxies=PROXY)


def test_an_untrusted_forwarder_is_warned_about_once(browser, app_trusting_the_proxy, warnings_logged):
    for _ in range(3):
        browser(app_trusting_the_proxy, REMOTE_ADDR="192.0.2.9").get("/", headers=FORWARDED)
    (warning,) = warnings_logged()
    assert warning.startswith("Requests from 192.0.2.9 carry X-Forwarded-For, but 192.0.2.9 is not in ")
    assert "add it to scratchpad.trusted_proxies" in warning


def test_each_untrusted_forwarder_is_named(browser, app_trusting_the_proxy, warnings_logged):
    for address in ("192.0.2.9", "192.0.2.10", "192.0.2.9"):
        browser(app_trusting_the_proxy, REMOTE_ADDR=address).get("/", headers=FORWARDED)
    assert [warning.split()[2] for warning in warnings_logged()] == ["192.0.2.9", "192.0.2.10"]


def test_the_trusted_proxy_and_plain_requests_are_not_warned_about(
    browser, app_trusting_the_proxy, warnings_logged
):
    browser(app_trusting_the_proxy, REMOTE_ADDR=PROXY).get("/", headers=FORWARDED)
    browser(app_trusting_the_proxy, REMOTE_ADDR="192.0.2.9").get("/")
    assert warnings_logged() == []
