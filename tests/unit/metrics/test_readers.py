"""scratchpad.metrics.readers: which client addresses an allow-list admits."""

from ipaddress import ip_network

import pytest

from scratchpad.metrics.readers import address_allowed

ALLOWED = (ip_network("127.0.0.1"), ip_network("10.1.0.0/16"), ip_network("2001:db8::/32"))


@pytest.mark.parametrize("address", ["127.0.0.1", "10.1.255.3", "2001:db8::1", "::ffff:10.1.2.3"])
def test_an_address_in_a_listed_network_is_allowed(address):
    assert address_allowed(address, ALLOWED)


@pytest.mark.parametrize(
    "address",
    ["127.0.0.2", "10.2.0.1", "2001:db9::1", "::1", "::ffff:10.2.0.1", "unknown", "", "10.1.0.1, x"],
)
def test_any_other_address_or_junk_is_not(address):
    assert not address_allowed(address, ALLOWED)


def test_an_empty_list_allows_nobody():
    assert not address_allowed("127.0.0.1", ())
