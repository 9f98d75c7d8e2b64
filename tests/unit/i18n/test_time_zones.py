"""scratchpad.i18n.time_zones: which names are zones, checked before anything opens them."""

import pytest

from scratchpad.i18n.time_zones import UnknownTimeZone, all_zones, known_zone, validate_zone


@pytest.mark.parametrize(
    "typed, zone",
    [
        ("Europe/Berlin", "Europe/Berlin"),
        ("europe/berlin", "Europe/Berlin"),
        ("  America/New_York ", "America/New_York"),
        ("UTC", "UTC"),
        ("asia/tokyo", "Asia/Tokyo"),
    ],
)
def test_a_zone_is_spelled_as_the_database_spells_it(typed, zone):
    assert validate_zone(typed) == zone


@pytest.mark.parametrize(
    "typed",
    [
        "Mars/Olympus_Mons",
        "Europe",
        "../../../etc/passwd",
        "/usr/share/zoneinfo/UTC",
        "Europe/Berlin\x00",
        "+02:00",
    ],
)
def test_anything_else_is_refused_with_a_message(typed):
    assert known_zone(typed) is None
    with pytest.raises(UnknownTimeZone, match="not a time zone we know"):
        validate_zone(typed)


def test_an_empty_field_asks_for_a_zone():
    with pytest.raises(UnknownTimeZone, match="Please choose a time zone"):
        validate_zone("   ")


def test_the_form_offers_every_zone_sorted():
    zones = all_zones()
    assert zones == sorted(zones)
    assert {"UTC", "Europe/Berlin", "Asia/Tokyo", "America/New_York"} <= set(zones)
    assert len(zones) > 300
