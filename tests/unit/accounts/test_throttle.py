"""scratchpad.accounts.throttle without the database: which address is the client, and Retry-After."""

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from webob import Request

from scratchpad.accounts import throttle

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def request(remote_addr="192.0.2.10", forwarded=None, trusted=""):
    headers = {} if forwarded is None else {"X-Forwarded-For": forwarded}
    environ = {} if remote_addr is None else {"REMOTE_ADDR": remote_addr}
    req = Request.blank("/login/", environ=environ, headers=headers)
    req.registry = SimpleNamespace(settings={"scratchpad.trusted_proxies": frozenset(trusted.split())})
    return req


# client_addr: REMOTE_ADDR unless it is a trusted proxy


@pytest.mark.parametrize(
    "remote_addr, forwarded_for, trusted, client",
    [
        pytest.param("192.0.2.10", None, "", "192.0.2.10", id="remote-addr-is-the-client"),
        pytest.param(
            "192.0.2.10", "203.0.113.5", "", "192.0.2.10", id="x-forwarded-for-without-trusted-proxies"
        ),
        pytest.param(
            "192.0.2.10",
            "203.0.113.5",
            "10.0.0.1",
            "192.0.2.10",
            id="x-forwarded-for-from-an-untrusted-address",
        ),
        pytest.param("10.0.0.1", "203.0.113.5", "10.0.0.1", "203.0.113.5", id="forwarded-by-a-trusted-proxy"),
        # client -> proxy 10.0.0.2 -> proxy 10.0.0.1 -> app
        pytest.param(
            "10.0.0.1",
            "198.51.100.1, 203.0.113.5, 10.0.0.2",
            "10.0.0.1 10.0.0.2",
            "203.0.113.5",
            id="trusted-hops-are-skipped-from-the-right",
        ),
        pytest.param("10.0.0.1", None, "10.0.0.1", "10.0.0.1", id="trusted-proxy-without-x-forwarded-for"),
    ],
)
def test_the_client_address(remote_addr, forwarded_for, trusted, client):
    assert throttle.client_addr(request(remote_addr, forwarded_for, trusted=trusted)) == client


def test_from_a_trusted_proxy_the_right_most_hop_wins_over_a_forged_left_one():
    req = request("10.0.0.1", "198.51.100.1, 203.0.113.5", trusted="10.0.0.1")
    assert throttle.client_addr(req) == "203.0.113.5"


def test_x_forwarded_for_of_only_trusted_hops_leaves_the_proxy_as_client():
    req = request("10.0.0.1", "10.0.0.2, 10.0.0.1", trusted="10.0.0.1 10.0.0.2")
    assert throttle.client_addr(req) == "10.0.0.1"


@pytest.mark.parametrize("forwarded", ["", " , ,", ",,,"])
def test_empty_hops_are_skipped(forwarded):
    req = request("10.0.0.1", forwarded, trusted="10.0.0.1")
    assert throttle.client_addr(req) == "10.0.0.1"


def test_spaces_around_hops_are_dropped():
    req = request("10.0.0.1", "  203.0.113.5  ,", trusted="10.0.0.1")
    assert throttle.client_addr(req) == "203.0.113.5"


def test_forwarded_address_is_cut_to_the_column_width():
    # login_failures.client_addr holds 45 characters (an IPv6 address at most).
    req = request("10.0.0.1", "x" * 1000, trusted="10.0.0.1")
    assert throttle.client_addr(req) == "x" * 45


def test_ipv6_proxy_and_client():
    req = request("::1", "2001:db8::7", trusted="::1")
    assert throttle.client_addr(req) == "2001:db8::7"


def test_missing_remote_addr_is_one_shared_unknown_client():
    assert throttle.client_addr(request(None)) == "unknown"


def test_trusted_proxies_match_whole_addresses_only():
    # "10.0.0.1" must not trust "10.0.0.10" (no prefix matching).
    req = request("10.0.0.10", "203.0.113.5", trusted="10.0.0.1")
    assert throttle.client_addr(req) == "10.0.0.10"


# Retry-After: whole seconds, rounded up, never 0, never more than the time left


@pytest.mark.parametrize(
    "left, expected",
    [
        (timedelta(seconds=900), 900),
        (timedelta(seconds=899, microseconds=1), 900),
        (timedelta(seconds=60), 60),
        (timedelta(microseconds=1), 1),
        (timedelta(0), 1),
        (timedelta(seconds=-5), 1),
    ],
)
def test_seconds_until_rounds_up_to_at_least_one(left, expected):
    assert throttle._seconds_until(NOW + left, NOW) == expected
